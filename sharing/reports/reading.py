"""Reading an accepted CSV or XLSX upload into tables of trimmed text, with tolerant headers.

Every cell is read as text (`00123` stays `00123`, a vendor named `NA` stays `NA`). Each sheet
is recognised as organisations, flows, or both on one sheet, or as disclosures (a "Date
disclosed" column), by its name or its headers.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from sharing.core.columns import Column, normalise_header
from sharing.core.csv_safety import unescape_cell
from sharing.disclosures.log_columns import DISCLOSURE_COLUMNS
from sharing.files import Kind
from sharing.reports.contact_columns import CONTACT_COLUMNS
from sharing.reports.files import csv_encoding
from sharing.reports.sheets import SHEETS

SHEET_NAMES = {
    "organisations": {"organisations", "organisation", "orgs", "vendors", "vendor", "suppliers"},
    "flows": {"flows", "flow", "dataflows", "datasharing", "sharing", "systems"},
    "contacts": {"contacts", "contact", "people", "contactpeople"},
    "disclosures": {"disclosures", "disclosure", "disclosurelog", "disclosurelogentries"},
    "ignored": {"instructions", "readme", "help", "notes", "lists", "lookups", "about"},
}
# Columns that only an organisations table has: with "System name", they make a one-sheet file.
ORGANISATION_MARKERS = frozenset(
    {
        "kind",
        "common_name",
        "duns",
        "state_registration",
        "address_line1",
        "city",
        "postal_code",
        "website",
        "privacy_policy_url",
        "dpa_url",
        "certifications",
    }
)
# Every kind of record a file may hold, with its columns.
KIND_COLUMNS: dict[str, tuple[Column, ...]] = {
    **SHEETS,
    "contacts": CONTACT_COLUMNS,
    "disclosures": DISCLOSURE_COLUMNS,
}
# A flows sheet must name the organisation one way or another.
REQUIRED_ANY = {"flows": (("organisation", "organisation_ein"),)}


@dataclass(frozen=True)
class Issue:
    """A problem found in the file: `row` is the spreadsheet row number (header is row 1)."""

    sheet: str
    row: int | None
    column: str
    reason: str


@dataclass
class Table:
    """One sheet's rows, and which of its columns feed which fields of each record kind."""

    sheet: str
    kinds: tuple[str, ...]  # ("organisations",), ("flows",) or both, for a one-sheet file
    headers: list[str]
    mapping: dict[str, dict[str, int]]  # kind -> field -> column position
    rows: list[tuple[int, tuple[str, ...]]] = field(default_factory=list)
    # What each column feeds, as the mapping form shows it: "kind.field", or "" for none.
    choices: list[str] = field(default_factory=list)
    remembered: bool = False  # the choices came from an earlier import with these headers

    def header_of(self, kind: str, field_name: str) -> str:
        position = self.mapping.get(kind, {}).get(field_name)
        if position is not None:
            return self.headers[position]
        column = next((c for c in KIND_COLUMNS[kind] if c.field == field_name), None)
        return column.header if column else field_name.replace("_", " ").capitalize()

    def values(self, kind: str, cells: tuple[str, ...]) -> dict[str, str]:
        return {name: cells[pos] for name, pos in self.mapping[kind].items()}


@dataclass
class ReadResult:
    tables: list[Table] = field(default_factory=list)
    errors: list[Issue] = field(default_factory=list)
    warnings: list[Issue] = field(default_factory=list)
    # Department suggestions the user confirmed: typed value's key -> department id.
    confirmed_departments: dict[str, int] = field(default_factory=dict)

    def rows(self, kind: str) -> Iterator[tuple[Table, int, tuple[str, ...]]]:
        for table in self.tables:
            if kind in table.kinds:
                for number, cells in table.rows:
                    yield table, number, cells

    @property
    def row_count(self) -> int:
        return sum(len(table.rows) for table in self.tables)


def _column(kind: str, field_name: str) -> Column:
    return next(c for c in KIND_COLUMNS[kind] if c.field == field_name)


def _lookup(kind: str) -> dict[str, str]:
    return {key: column.field for column in KIND_COLUMNS[kind] for key in column.keys}


LOOKUPS = {kind: _lookup(kind) for kind in KIND_COLUMNS}


def clean_cell(value: object) -> str:
    """Trimmed text with the export's formula escape undone."""
    if value is None or value != value:  # a blank line of a CSV reads as None (or NaN)
        return ""
    text = str(value).strip()
    if text.startswith("'"):
        text = unescape_cell(text).strip()
    return text


# Reading frames --------------------------------------------------------------------------


def read_upload(path: Path, kind: Kind) -> ReadResult:
    """Every sheet of the file, its rows as text; blank rows skipped, row numbers kept."""
    result = ReadResult()
    for sheet, frame in _frames(path, kind):
        _read_sheet(result, sheet, frame, single=kind == Kind.CSV)
    if not result.tables and not result.errors:
        result.errors.append(
            Issue(
                "",
                None,
                "",
                "No sheet has the columns of organizations, flows or disclosures. "
                "Download the template to see the expected headers.",
            )
        )
    return result


def _frames(path: Path, kind: Kind) -> Iterator[tuple[str, pd.DataFrame]]:
    options = {"header": None, "dtype": str, "keep_default_na": False, "na_filter": False}
    if kind == Kind.CSV:
        frame = pd.read_csv(
            path,
            encoding=csv_encoding(path),
            skip_blank_lines=False,
            sep=None,  # sniff comma, semicolon or tab
            engine="python",
            **options,
        )
        yield "CSV", frame
        return
    frames = pd.read_excel(path, sheet_name=None, engine="openpyxl", **options)
    yield from frames.items()


def _read_sheet(result: ReadResult, sheet: str, frame: pd.DataFrame, *, single: bool) -> None:
    records = frame.itertuples(index=False, name=None)
    header_row = 0
    headers: list[str] = []
    for header_row, cells in enumerate(records, start=1):  # noqa: B007 - used after the loop
        headers = [str(c).strip() for c in cells]
        if any(headers):
            break
    else:
        return  # an empty sheet
    table = _recognise(result, sheet, headers, single=single)
    if table is None:
        return
    for number, cells in enumerate(records, start=header_row + 1):
        cleaned = tuple(clean_cell(c) for c in cells)
        if any(cleaned):
            table.rows.append((number, cleaned))
    result.tables.append(table)


# Headers ---------------------------------------------------------------------------------


def match_headers(kind: str, headers: list[str]) -> tuple[dict[str, int], list[Issue]]:
    """Which column feeds which field of `kind`; two columns for one field is an error."""
    mapping: dict[str, int] = {}
    problems = []
    for position, header in enumerate(headers):
        name = LOOKUPS[kind].get(normalise_header(header))
        if name is None:
            continue
        if name in mapping:
            first = headers[mapping[name]]
            problems.append(
                Issue(
                    "",
                    1,
                    header,
                    f"Columns “{first}” and “{header}” both mean {_column(kind, name).header}; "
                    "keep only one.",
                )
            )
            continue
        mapping[name] = position
    return mapping, problems


def _kinds_by_name(sheet: str) -> tuple[str, ...] | None:
    key = normalise_header(sheet)
    for kind, names in SHEET_NAMES.items():
        if key in names:
            return () if kind == "ignored" else (kind,)
    return None


def _kinds_by_headers(matched: dict[str, tuple[dict[str, int], list]]) -> tuple[str, ...]:
    orgs, flows = matched["organisations"][0], matched["flows"][0]
    if "disclosed_on" in matched["disclosures"][0]:
        return ("disclosures",)
    if "email" in matched["contacts"][0] and "system_name" not in flows:
        return ("contacts",)
    if "system_name" in flows:
        return ("organisations", "flows") if ORGANISATION_MARKERS & set(orgs) else ("flows",)
    if "legal_name" in orgs:
        return ("organisations",)
    return ()


def _recognise(result: ReadResult, sheet: str, headers: list[str], *, single: bool):
    matched = {kind: match_headers(kind, headers) for kind in KIND_COLUMNS}
    named = None if single else _kinds_by_name(sheet)
    kinds = named
    if kinds is None:
        kinds = _kinds_by_headers(matched)
    if not kinds:
        if named is None:  # a sheet named Instructions is skipped without a word
            result.warnings.append(
                Issue(sheet, None, "", "This sheet has no columns this import knows; skipped.")
            )
        return None
    label = "CSV" if single else sheet
    table = Table(label, kinds, headers, {kind: matched[kind][0] for kind in kinds})
    table.choices = suggest_choices(kinds, headers)
    result.errors.extend(mapping_issues(table))
    _warn_unknown(result, table)
    return table


# The mapping the user may edit ---------------------------------------------------------------

# On a sheet of organisations and flows, one column names the organisation for both.
TWINS = {
    "organisations.legal_name": "flows.organisation",
    "organisations.ein": "flows.organisation_ein",
}
TWINS.update({twin: own for own, twin in list(TWINS.items())})
KIND_TITLES = {
    "organisations": "Organization",
    "flows": "Flow",
    "contacts": "Contact",
    "disclosures": "Disclosure",
}


def field_options(kinds: tuple[str, ...]) -> list[tuple[str, str]]:
    """(value, label) of every field a column of a sheet of `kinds` may feed."""
    options = []
    for kind in kinds:
        for column in KIND_COLUMNS[kind]:
            value = f"{kind}.{column.field}"
            if len(kinds) > 1 and value in TWINS and kind == "flows":
                continue  # fed by the organisation's own column
            label = f"{KIND_TITLES[kind]}: {column.header}" if len(kinds) > 1 else column.header
            options.append((value, label))
    return options


def suggest_choices(kinds: tuple[str, ...], headers: list[str]) -> list[str]:
    """Each column's field by its header (the columns' aliases); "" when none matches."""
    choices = []
    for header in headers:
        key = normalise_header(header)
        found = next(
            (f"{kind}.{LOOKUPS[kind][key]}" for kind in kinds if key and key in LOOKUPS[kind]), ""
        )
        if len(kinds) > 1 and found.startswith("flows.") and found in TWINS:
            found = TWINS[found]
        choices.append(found)
    return choices


def apply_choices(table: Table, choices: list[str]) -> None:
    """Feed each field from the column the user chose; the first column wins a tie, which
    mapping_issues reports until the user settles it."""
    mapping: dict[str, dict[str, int]] = {kind: {} for kind in table.kinds}
    for position, choice in enumerate(choices):
        kind, _, name = choice.partition(".")
        if kind in mapping:
            mapping[kind].setdefault(name, position)
            twin_kind, _, twin = TWINS.get(choice, "").partition(".")
            if twin_kind in mapping:
                mapping[twin_kind].setdefault(twin, position)
    table.choices, table.mapping = list(choices), mapping


def choice_problems(table: Table) -> dict[int, str]:
    """Column position -> why its choice cannot stand: another column feeds the same field."""
    by_choice: dict[str, list[int]] = {}
    for position, choice in enumerate(table.choices):
        if choice:
            by_choice.setdefault(choice, []).append(position)
    problems = {}
    labels = dict(field_options(table.kinds))
    for choice, positions in by_choice.items():
        if len(positions) > 1:
            names = " and ".join(f"“{table.headers[p]}”" for p in positions)
            reason = (
                f"Columns {names} both mean {labels.get(choice, choice)}; choose one and set "
                "the other to another field or to Ignore this column."
            )
            problems.update(dict.fromkeys(positions, reason))
    return problems


def mapping_issues(table: Table) -> list[Issue]:
    """The mapping's problems for the file: two columns for one field, required ones missing."""
    found = []
    seen = set()
    for position, reason in choice_problems(table).items():
        if reason not in seen:
            seen.add(reason)
            found.append(Issue(table.sheet, 1, table.headers[position], reason))
    for kind in table.kinds:
        found.extend(_missing_required(table, kind))
    return found


def _missing_required(table: Table, kind: str) -> list[Issue]:
    present = table.mapping[kind]
    alternatives = dict.fromkeys(f for group in REQUIRED_ANY.get(kind, ()) for f in group)
    found = []
    for column in KIND_COLUMNS[kind]:
        if not column.required or column.field in present:
            continue
        group = next((g for g in REQUIRED_ANY.get(kind, ()) if column.field in g), None)
        if group and any(f in present for f in group):
            continue
        also = [_column(kind, f).header for f in alternatives if f != column.field and group]
        hint = f" (or {', '.join(also)})" if also else ""
        found.append(
            Issue(
                table.sheet,
                1,
                column.header,
                f"The required column “{column.header}”{hint} is missing; choose the column "
                "that holds it in the column mapping.",
            )
        )
    return found


def refresh_mapping_issues(result: ReadResult) -> None:
    """The file's errors again, after a table's mapping was chosen. The warnings about
    unknown columns go: the mapping shows each ignored column as chosen."""
    sheets = {table.sheet for table in result.tables}
    result.errors = [e for e in result.errors if e.sheet not in sheets]
    result.warnings = [w for w in result.warnings if w.sheet not in sheets or w.row != 1]
    for table in result.tables:
        result.errors.extend(mapping_issues(table))


def _warn_unknown(result: ReadResult, table: Table) -> None:
    used = {pos for kind in table.kinds for pos in table.mapping[kind].values()}
    # A column that clashes with another for one field is an error, not an unknown column.
    used |= {pos for pos, choice in enumerate(table.choices) if choice}
    for position, header in enumerate(table.headers):
        if header and position not in used:
            result.warnings.append(
                Issue(table.sheet, 1, header, f"The column “{header}” is not recognized; ignored.")
            )

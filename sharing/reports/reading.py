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
from sharing.reports.files import csv_encoding
from sharing.reports.sheets import SHEETS

SHEET_NAMES = {
    "organisations": {"organisations", "organisation", "orgs", "vendors", "vendor", "suppliers"},
    "flows": {"flows", "flow", "dataflows", "datasharing", "sharing", "systems"},
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
KIND_COLUMNS: dict[str, tuple[Column, ...]] = {**SHEETS, "disclosures": DISCLOSURE_COLUMNS}
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
    for kind in kinds:
        for problem in matched[kind][1]:
            result.errors.append(Issue(table.sheet, 1, problem.column, problem.reason))
        _check_required(result, table, kind)
    _warn_unknown(result, table)
    return table


def _check_required(result: ReadResult, table: Table, kind: str) -> None:
    present = table.mapping[kind]
    alternatives = dict.fromkeys(f for group in REQUIRED_ANY.get(kind, ()) for f in group)
    for column in KIND_COLUMNS[kind]:
        if not column.required or column.field in present:
            continue
        group = next((g for g in REQUIRED_ANY.get(kind, ()) if column.field in g), None)
        if group and any(f in present for f in group):
            continue
        also = [_column(kind, f).header for f in alternatives if f != column.field and group]
        hint = f" (or {', '.join(also)})" if also else ""
        result.errors.append(
            Issue(
                table.sheet,
                1,
                column.header,
                f"The required column “{column.header}”{hint} is missing.",
            )
        )


def _warn_unknown(result: ReadResult, table: Table) -> None:
    used = {pos for kind in table.kinds for pos in table.mapping[kind].values()}
    for position, header in enumerate(table.headers):
        if header and position not in used:
            result.warnings.append(
                Issue(table.sheet, 1, header, f"The column “{header}” is not recognized; ignored.")
            )

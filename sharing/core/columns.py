"""A spreadsheet column: its header and synonyms, the value an export writes and the parse an
import reads back (the two are inverse, so export → import → export keeps the content), with
the cell parsers they share. Each feature declares its own columns
(reports/organisation_columns.py, reports/flow_columns.py, disclosures/log_columns.py); the
writers are core/spreadsheets.py."""

from __future__ import annotations

import enum
import functools
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

LIST_SEPARATOR = "; "
TRUE_WORDS = frozenset({"yes", "y", "true", "t", "1", "x", "✓"})
FALSE_WORDS = frozenset({"no", "n", "false", "f", "0", ""})
EXCEL_EPOCH = date(1899, 12, 30)  # serial 1 is 1900-01-01, counting Excel's phantom 29 Feb 1900
DATE_FORMATS = (
    "%Y-%m-%d",
    "%Y/%m/%d",
    "%m/%d/%Y",
    "%m/%d/%y",
    "%m-%d-%Y",
    "%d.%m.%Y",
    "%d %B %Y",
    "%d %b %Y",
    "%B %d, %Y",
    "%b %d, %Y",
    "%B %d %Y",
    "%b %d %Y",
    "%d-%b-%Y",
    "%d-%b-%y",
)


@functools.lru_cache(maxsize=8192)
def normalise_header(text: str) -> str:
    """A header's comparison key: accents, case, spaces and punctuation dropped."""
    text = unicodedata.normalize("NFKD", str(text))
    text = "".join(c for c in text if not unicodedata.combining(c)).casefold()
    return re.sub(r"[^a-z0-9]+", "", text.replace("organization", "organisation"))


# Lists ---------------------------------------------------------------------------------


def join_list(items: list[str]) -> str:
    """`a; b`, with `\\` and `;` inside an item escaped so that split_list gives it back."""
    return LIST_SEPARATOR.join(i.replace("\\", "\\\\").replace(";", "\\;") for i in items)


def split_list(text: str) -> list[str]:
    """The inverse of join_list; blank items are dropped."""
    if "\\" not in text:
        return [item for item in (part.strip() for part in text.split(";")) if item]
    items, current, chars = [], [], iter(text)
    for char in chars:
        if char == "\\":
            current.append(next(chars, "\\"))
        elif char == ";":
            items.append("".join(current).strip())
            current = []
        else:
            current.append(char)
    items.append("".join(current).strip())
    return [item for item in items if item]


# Parsers ---------------------------------------------------------------------------------


def parse_bool(text: str) -> bool:
    word = text.strip().casefold()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    raise ValueError(f"“{text}” is not yes or no.")


def parse_int(text: str) -> int | None:
    cleaned = text.strip().replace(",", "").replace("_", "").replace(" ", "")
    if not cleaned:
        return None
    try:
        number = float(cleaned) if re.fullmatch(r"-?\d+\.0*", cleaned) else int(cleaned)
    except ValueError:
        raise ValueError(f"“{text}” is not a whole number.") from None
    return int(number)


def parse_date(text: str) -> date | None:
    """ISO, US and written-out dates, datetimes as pandas renders them, and Excel serials."""
    text = text.strip()
    if not text:
        return None
    if re.fullmatch(r"\d{1,6}(\.\d+)?", text):
        serial = float(text)
        if 1 <= serial < 2958466:  # Excel's last day is 9999-12-31
            return EXCEL_EPOCH + timedelta(days=int(serial))
    head = re.sub(r"[T ]\d{1,2}:\d{2}(:\d{2}(\.\d+)?)?$", "", text)
    for fmt in DATE_FORMATS:
        try:
            return datetime.strptime(head, fmt).date()
        except ValueError:
            continue
    raise ValueError(f"“{text}” is not a date; use YYYY-MM-DD, for example 2026-03-31.")


def enum_label(member: enum.Enum) -> str:
    """A member's label in a spreadsheet: its own `label` where the enumeration has one."""
    return getattr(member, "label", None) or str(member.value).replace("_", " ").capitalize()


@functools.cache
def _enum_keys(enum_cls: type[enum.Enum]) -> dict[str, str]:
    keys = {normalise_header(enum_label(m)): m.value for m in enum_cls}
    keys.update({normalise_header(m.value): m.value for m in enum_cls})
    return keys


def parse_enum(enum_cls: type[enum.Enum], text: str) -> str | None:
    """A member's value, from its value or its label, in any case or spacing."""
    key = normalise_header(text)
    if not key:
        return None
    if key in _enum_keys(enum_cls):
        return _enum_keys(enum_cls)[key]
    accepted = ", ".join(enum_label(m) for m in enum_cls)
    raise ValueError(f"“{text}” is not one of: {accepted}.")


# The column --------------------------------------------------------------------------


@dataclass(frozen=True)
class Column:
    field: str
    header: str
    synonyms: tuple[str, ...]
    kind: str  # "text" | "int" | "bool" | "date" | "enum" | "list"
    help: str
    example: str
    required: bool = False
    choices: tuple[str, ...] = ()
    enum: type[enum.Enum] | None = None
    # Export-only columns (status, risk tier) are recognised on import and then ignored.
    read_only: bool = False
    getter: Callable[[object], object] | None = field(default=None, compare=False, repr=False)
    parser: Callable[[str], object] | None = field(default=None, compare=False, repr=False)

    @property
    def keys(self) -> frozenset[str]:
        return frozenset(normalise_header(h) for h in (self.header, self.field, *self.synonyms))

    def value_of(self, obj: object) -> object:
        """The export value: str, int, bool, date or None."""
        value = self.getter(obj) if self.getter else getattr(obj, self.field)
        if value is None:
            return None
        if self.kind == "enum":
            return enum_label(self.enum(value)) if self.enum else str(value)
        if self.kind == "list" and isinstance(value, list | tuple):
            return join_list([str(v) for v in value])
        return value

    def parse(self, text: str) -> object:
        """The import value of a trimmed cell; raises ValueError(reason)."""
        text = (text or "").strip()
        if self.parser:
            return self.parser(text)
        if self.kind == "int":
            return parse_int(text)
        if self.kind == "bool":
            return parse_bool(text)
        if self.kind == "date":
            return parse_date(text)
        if self.kind == "enum":
            return parse_enum(self.enum, text) if self.enum else text or None
        if self.kind == "list":
            return split_list(text)
        return text


def enum_column(field_name: str, header: str, enum_cls, synonyms, help_text, example, **kw):
    """A column whose cells hold one member of `enum_cls`, written and read by its label."""
    labels = tuple(enum_label(m) for m in enum_cls)
    return Column(
        field_name,
        header,
        synonyms,
        "enum",
        help_text,
        example,
        choices=labels,
        enum=enum_cls,
        **kw,
    )

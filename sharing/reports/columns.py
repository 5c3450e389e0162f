"""The spreadsheet column: its header, synonyms, help and example, and how its cells are
written (`value_of`) and read (`parse`); the two are inverse, so that export → import → export
keeps the same content. The columns themselves are in organisation_columns and flow_columns."""

from __future__ import annotations

import enum
from collections.abc import Callable
from dataclasses import dataclass, field

from sharing.reports.cells import (
    enum_label,
    join_list,
    normalise_header,
    parse_bool,
    parse_date,
    parse_enum,
    parse_int,
    split_list,
)


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

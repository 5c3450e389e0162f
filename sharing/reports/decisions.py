"""One imported row's plan (Decision) and what every planner shares: parsing a row's cells by
its columns (parse_cells), chunks for IN lists (in_chunks), the note of changed columns, and
the digest that ties a preview to its commit. The registry planner (planning.py) and the
disclosure-log planner (disclosure_import.py) both build on them."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from sharing.core.columns import Column
from sharing.flows.models import DataCategory
from sharing.reports.models import RowAction
from sharing.reports.reading import Table

IN_CHUNK = 500  # values per IN (...) list


@dataclass
class Decision:
    """The plan for one row: its action, the record it touches, and every problem found."""

    kind: str  # "organisation" or "flow"
    sheet: str
    row: int
    label: str = ""
    action: RowAction = RowAction.ERROR
    errors: list[tuple[str, str]] = field(default_factory=list)  # (column, reason)
    detail: str = ""
    target: Any = None  # the Organisation or DataFlow updated (or revised)
    values: dict[str, Any] = field(default_factory=dict)
    categories: list[tuple[DataCategory, str]] | None = None
    org_key: tuple[str, str] | None = None  # a flow of an organisation this file creates
    revision: bool = False  # an approved flow: the update starts a new revision
    keys: list[tuple[str, str]] = field(default_factory=list)  # a new organisation's keys
    organisation_id: int | None = None  # a flow's registered organisation
    signature: tuple = ()  # the row's organisation cells, to spot repeats on a one-sheet file

    @property
    def target_id(self) -> int | None:
        return self.target.id if self.target is not None else None

    @property
    def target_version(self) -> int | None:
        # Contacts carry no version; their id alone ties the preview to the commit.
        return getattr(self.target, "version", None) if self.target is not None else None

    def fingerprint(self) -> str:
        parts = (self.kind, self.sheet, self.row, self.action, self.target_id, self.target_version)
        return "|".join(str(part) for part in parts)


def digest(fingerprints: list[str]) -> str:
    return hashlib.sha256("\n".join(fingerprints).encode()).hexdigest()


def parse_cells(columns: tuple[Column, ...], raw: dict[str, str], skip=()) -> tuple[dict, dict]:
    """A row's cells (by field) parsed by their columns: (values, reasons by field). Read-only
    columns, the fields in `skip` and the cells the row lacks are left out."""
    values, errors = {}, {}
    for column in columns:
        if column.read_only or column.field in skip or column.field not in raw:
            continue
        try:
            values[column.field] = column.parse(raw[column.field])
        except ValueError as error:
            errors[column.field] = str(error)
    return values, errors


def in_chunks(items: list, size: int = IN_CHUNK) -> Iterator[list]:
    """`items` in lists of at most `size`, for IN (...) lists a driver accepts."""
    for start in range(0, len(items), size):
        yield items[start : start + size]


def changed_columns(table: Table, kind: str, names) -> str:
    """ "Changes: A, B." with the sheet's own headers for the changed fields; "" for none."""
    headers = [table.header_of(kind, name) for name in names]
    return "Changes: " + ", ".join(headers) + "." if headers else ""

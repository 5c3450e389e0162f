"""Remembered column mappings: the columns a user chose for a sheet, kept by the sheet's kind
and a hash of its normalised headers, and offered again when a file with the same headers
arrives (a monthly export from the same system, say)."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select

from sharing.core.clock import now as clock_now
from sharing.core.columns import normalise_header
from sharing.errors import Conflict
from sharing.extensions import db
from sharing.reports.import_store import load_rows
from sharing.reports.models import ImportJob, ImportMapping, ImportStatus
from sharing.reports.reading import (
    ReadResult,
    Table,
    apply_choices,
    choice_problems,
    field_options,
    refresh_mapping_issues,
)

IGNORE = "Ignore this column"
SAMPLES = 3  # distinct values shown per column, so that similar columns can be told apart


def column_field(sheet_index: int, position: int) -> str:
    """The name of the select for one column of one sheet, in the form and in its errors."""
    return f"sheet{sheet_index}_col{position}"


def header_hash(headers: list[str]) -> str:
    """The same for two sheets whose headers differ only in case, spacing or punctuation."""
    joined = "\x1f".join(normalise_header(h) for h in headers)
    return hashlib.sha256(joined.encode()).hexdigest()


def sheet_kind(table: Table) -> str:
    return "+".join(table.kinds)


def allowed_choices(table: Table) -> set[str]:
    return {value for value, _ in field_options(table.kinds)} | {""}


def _stored(table: Table) -> ImportMapping | None:
    return db.session.scalar(
        select(ImportMapping).where(
            ImportMapping.sheet_kind == sheet_kind(table),
            ImportMapping.header_hash == header_hash(table.headers),
        )
    )


def recall_mappings(result: ReadResult) -> None:
    """Start each sheet from the mapping saved for its headers, when there is one that still
    fits (same number of columns, every field still known)."""
    changed = False
    for table in result.tables:
        stored = _stored(table)
        if stored is None or len(stored.choices) != len(table.headers):
            continue
        if not set(stored.choices) <= allowed_choices(table):
            continue
        apply_choices(table, list(stored.choices))
        table.remembered = changed = True
    if changed:
        refresh_mapping_issues(result)


def remember_mapping(table: Table, *, actor: Any) -> None:
    """Keep the table's choices for the next file with the same headers (added to the
    caller's transaction)."""
    actor_id = actor.id  # read first: loading it may flush the session
    stored = _stored(table)
    if stored is None:
        stored = ImportMapping(
            sheet_kind=sheet_kind(table),
            header_hash=header_hash(table.headers),
            saved_at=clock_now(),
        )
        db.session.add(stored)
    stored.choices = list(table.choices)
    stored.saved_by_id = actor_id
    stored.saved_at = clock_now()


# The mapping as the preview shows it ---------------------------------------------------------


@dataclass(frozen=True)
class MappedColumn:
    field: str  # the select's name
    header: str
    choice: str
    samples: tuple[str, ...]
    problem: str


@dataclass(frozen=True)
class SheetMapping:
    sheet: str
    options: list[tuple[str, str]]
    columns: list[MappedColumn]
    remembered: bool


def mapping_sheets(job: ImportJob) -> list[SheetMapping]:
    """Each sheet's columns with their current field and a few sample values; [] once the
    preview is over or its rows are gone."""
    if job.status != ImportStatus.READY or not job.stored_path:
        return []
    try:
        result = load_rows(job)
    except Conflict:
        return []
    sheets = []
    for index, table in enumerate(result.tables):
        problems = choice_problems(table)
        choices = table.choices or [""] * len(table.headers)
        columns = [
            MappedColumn(
                column_field(index, position),
                header or f"Column {position + 1}",
                choices[position],
                _samples(table, position),
                problems.get(position, ""),
            )
            for position, header in enumerate(table.headers)
        ]
        sheets.append(
            SheetMapping(table.sheet, field_options(table.kinds), columns, table.remembered)
        )
    return sheets


def _samples(table: Table, position: int) -> tuple[str, ...]:
    found: list[str] = []
    for _number, cells in table.rows:
        value = cells[position] if position < len(cells) else ""
        if value and value not in found:
            found.append(value if len(value) <= 40 else value[:39] + "…")
            if len(found) == SAMPLES:
                break
    return tuple(found)

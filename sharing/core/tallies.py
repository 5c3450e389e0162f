"""The shared mechanics of running tallies kept on write (the accounting report's
sharing/disclosures/tallies.py and the dashboard's sharing/reports/tallies.py): which rows
of a model a flush touches, adding deltas to tally rows with upserts in key order, and
counting a rebuilt table."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import Connection, Table, func, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session


def touched_by_model(session: Session, models: Sequence[Any], *, include_new: bool) -> dict:
    """Per model, the ids of its rows this flush changes or deletes (and, after the flush,
    the ones it inserted: new rows have no id before), in one pass over the session."""
    found: dict[Any, list[int]] = {model: [] for model in models}
    groups = [session.dirty, session.deleted] + ([session.new] if include_new else [])
    for group in groups:
        for obj in group:
            for model in models:
                if isinstance(obj, model) and obj.id is not None:
                    found[model].append(obj.id)
    return found


def touched_ids(session: Session, model: Any, *, include_new: bool) -> list[int]:
    """The ids of the `model` rows this flush changes or deletes (see touched_by_model)."""
    return touched_by_model(session, (model,), include_new=include_new)[model]


def add_to_rows(
    connection: Connection,
    table: Table,
    key_columns: Sequence[str],
    deltas: Mapping[tuple, Mapping[str, int]],
) -> None:
    """Add each key's counts to its row, creating rows as needed. Rows go in key order, so
    concurrent writers lock them in the same order."""
    insert = postgresql.insert if connection.dialect.name == "postgresql" else sqlite.insert
    for key, counts in sorted(deltas.items()):
        stmt = insert(table).values(**dict(zip(key_columns, key, strict=True)), **counts)
        stmt = stmt.on_conflict_do_update(
            index_elements=[table.c[name] for name in key_columns],
            set_={name: table.c[name] + stmt.excluded[name] for name in counts},
        )
        connection.execute(stmt)


def row_count(connection: Connection, table: Table) -> int:
    """The rows a rebuild wrote, counted: drivers need not report an INSERT … SELECT's rows
    (psycopg gives -1)."""
    return connection.scalar(select(func.count()).select_from(table))

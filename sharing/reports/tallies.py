"""Running counts for the privacy office's dashboard that stay cheap however many agreements,
attestation requests and flows there are.

`StatusTally` holds, per subject, how many rows share a key:

    agreement     (status)                 agreements by status
    attestation   (status, due date)       overdue and returned requests, completion by quarter
    flow          (status, risk tier)      flows awaiting review, flows by risk tier

The tallies follow every ORM write of those models, as the accounting tallies do
(sharing/disclosures/tallies.py), through the LISTENERS below, which create_app's
register_listeners step adds: `before_flush` reads the keys the changed rows had,
`after_flush` the keys they have now, and the difference is added in the same transaction
with upserts in key order. Bulk writes that bypass the ORM (the benchmarks' data generators)
call `rebuild()`, which is also `flask --app app reports retally`.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import Connection, Select, String, delete, func, literal, select, type_coerce
from sqlalchemy.orm import Session

from sharing.agreements.models import Agreement
from sharing.attestations.models import AttestationRequest
from sharing.core.tallies import add_to_rows, row_count, touched_by_model
from sharing.extensions import db
from sharing.flows.models import DataFlow
from sharing.reports.models import StatusTally

NO_DAY = date(1, 1, 1)  # the day of rows whose subject counts no date
CHUNK = 500
_PENDING = "status_tallies_before"

Key = tuple[str, str, str, date]  # (subject, status, detail, day)


@dataclass(frozen=True)
class Subject:
    """One kind of row the tallies count: its model, and the columns that make its key."""

    name: str
    model: Any
    detail: Any = None  # the column kept as the detail, if any
    day: Any = None  # the column kept as the day, if any

    def columns(self) -> tuple[Any, Any, Any]:
        """(status, detail, day) as SQL expressions, with the placeholders for unused ones."""
        # Compared and stored as the plain text of the enum's value (no enum conversion).
        status = type_coerce(self.model.status, String)
        detail = literal("")
        if self.detail is not None:
            detail = func.coalesce(type_coerce(self.detail, String), "")
        day = literal(NO_DAY) if self.day is None else func.coalesce(self.day, NO_DAY)
        return status, detail, day

    def keys(self, connection: Connection, ids: Iterable[int]) -> Counter[Key]:
        """The keys these rows have as the database holds them now."""
        ids, found = sorted(set(ids)), Counter()
        status, detail, day = self.columns()
        stmt = select(status, detail, day)
        for begin in range(0, len(ids), CHUNK):
            chunk = ids[begin : begin + CHUNK]
            for row_status, row_detail, row_day in connection.execute(
                stmt.where(self.model.id.in_(chunk))
            ):
                found[(self.name, str(row_status), str(row_detail), row_day)] += 1
        return found

    def grouped(self) -> Select:
        """Every key of this subject with its count, straight from the rows."""
        status, detail, day = self.columns()
        return select(literal(self.name), status, detail, day, func.count()).group_by(
            status, detail, day
        )


SUBJECTS = (
    Subject("agreement", Agreement),
    Subject("attestation", AttestationRequest, day=AttestationRequest.due_date),
    Subject("flow", DataFlow, detail=DataFlow.risk_tier),
)


def _keys(session: Session, *, include_new: bool) -> Counter[Key]:
    found: Counter[Key] = Counter()
    models = [subject.model for subject in SUBJECTS]
    touched = touched_by_model(session, models, include_new=include_new)
    for subject in SUBJECTS:
        if touched[subject.model]:
            found.update(subject.keys(session.connection(), touched[subject.model]))
    return found


def _remember_before(session: Session, flush_context, instances) -> None:
    before = _keys(session, include_new=False)
    if before:
        session.info.setdefault(_PENDING, Counter()).update(before)


def _apply_after(session: Session, flush_context) -> None:
    deltas = _keys(session, include_new=True)
    deltas.subtract(session.info.pop(_PENDING, Counter()))
    add(session.connection(), {key: n for key, n in deltas.items() if n})


# Registered by create_app's register_listeners step.
LISTENERS = (
    (Session, "before_flush", _remember_before),
    (Session, "after_flush", _apply_after),
)


def add(connection: Connection, deltas: dict[Key, int]) -> None:
    """Add the deltas to their rows, creating rows as needed."""
    counts = {key: {"n": n} for key, n in deltas.items()}
    add_to_rows(connection, StatusTally.__table__, ("subject", "status", "detail", "day"), counts)


def rebuild(connection: Connection) -> int:
    """Count every tally again from the rows themselves; returns the number of rows written."""
    table = StatusTally.__table__
    connection.execute(delete(table))
    for subject in SUBJECTS:
        connection.execute(
            table.insert().from_select(
                ["subject", "status", "detail", "day", "n"], subject.grouped()
            )
        )
    return row_count(connection, table)


# -- reading --------------------------------------------------------------------------------


def total(subject: str, *where: Any) -> Any:
    """A scalar subquery: how many rows of `subject` match `where` (on StatusTally)."""
    t = StatusTally
    return (
        select(func.coalesce(func.sum(t.n), 0))
        .where(t.subject == subject, *where)
        .scalar_subquery()
    )


def grouped(subject: str, *columns: Any, where: Iterable[Any] = ()) -> list[tuple]:
    """(column values…, count) for `subject`, summed over the other key parts."""
    t = StatusTally
    stmt = select(*columns, func.sum(t.n)).where(t.subject == subject, *where).group_by(*columns)
    return [(*values, int(n or 0)) for *values, n in db.session.execute(stmt)]

"""Counts for the accounting report that stay cheap however long the log grows.

An entry counts in a period [start, end] when its first date is on or before the end and its
last date is on or after the start. Every entry whose last date is before the start also has
its first date before the end, so

    entries in the period = entries starting on or before the end − entries ending before the start

and the same holds for records and exempt entries. `DisclosureDayTally` keeps, per category
(0 = all) and day, what starts and what ends that day; a period's totals are then two sums
over at most one row per category and day, whatever the number of entries.

The tallies follow every ORM write of a `Disclosure` (add, correct, add an occurrence,
delete) through the LISTENERS below, which create_app's register_listeners step adds:
`before_flush` reads what the changed entries counted before, `after_flush` what
they count now, and the difference is added in the same transaction with an upsert (rows in
key order, so concurrent writers lock them in the same order; sharing/core/tallies.py has
the mechanics both kinds of tallies share). Bulk writes that bypass the
ORM (the benchmark's data generator) call `rebuild()`, which is also
`flask --app app disclosures retally` (sharing/disclosures/cli.py).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import Connection, case, delete, func, literal, select, union_all
from sqlalchemy.orm import Session

from sharing.core.tallies import add_to_rows, row_count, touched_ids
from sharing.disclosures.models import Disclosure, DisclosureDayTally, disclosure_categories
from sharing.extensions import db

ALL = 0  # the category_id of the row that counts every entry once
COUNTS = (
    "started_entries",
    "started_records",
    "started_exempt",
    "ended_entries",
    "ended_records",
    "ended_exempt",
)
_PENDING = "disclosure_tallies_before"

Key = tuple[int, date]  # (category_id, day)


@dataclass(frozen=True)
class Counted:
    """What one entry adds to the tallies."""

    first: date
    last: date
    records: int
    exempt: int
    categories: tuple[int, ...]

    def add_to(self, deltas: dict[Key, list[int]], sign: int) -> None:
        """Add (sign 1) or take away (sign -1) this entry's counts, in COUNTS' order."""
        counts = (sign, sign * self.records, sign * self.exempt)
        for category_id in (ALL, *self.categories):
            started, ended = deltas[(category_id, self.first)], deltas[(category_id, self.last)]
            for n, value in enumerate(counts):
                started[n] += value  # started_entries, started_records, started_exempt
                ended[3 + n] += value  # ended_entries, ended_records, ended_exempt


def _counted(connection: Connection, ids: Iterable[int]) -> dict[int, Counted]:
    """What the entries count as the database holds them now."""
    ids = sorted(set(ids))
    if not ids:
        return {}
    categories: dict[int, list[int]] = defaultdict(list)
    links = select(disclosure_categories.c.disclosure_id, disclosure_categories.c.category_id)
    rows = select(
        Disclosure.id,
        Disclosure.disclosed_on,
        Disclosure.last_disclosed_on,
        Disclosure.record_count,
        Disclosure.exempt,
    )
    found = {}
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        for disclosure_id, category_id in connection.execute(
            links.where(disclosure_categories.c.disclosure_id.in_(chunk))
        ):
            categories[disclosure_id].append(category_id)
        found.update(
            {row.id: row for row in connection.execute(rows.where(Disclosure.id.in_(chunk)))}
        )
    return {
        disclosure_id: Counted(
            first=row.disclosed_on,
            last=row.last_disclosed_on or row.disclosed_on,
            records=row.record_count or 0,
            exempt=1 if row.exempt else 0,
            categories=tuple(sorted(categories[disclosure_id])),
        )
        for disclosure_id, row in found.items()
    }


def _remember_before(session: Session, flush_context, instances) -> None:
    ids = touched_ids(session, Disclosure, include_new=False)
    if ids:
        session.info.setdefault(_PENDING, {}).update(_counted(session.connection(), ids))


def _apply_after(session: Session, flush_context) -> None:
    before: dict[int, Counted] = session.info.pop(_PENDING, {})
    ids = touched_ids(session, Disclosure, include_new=True)
    if not ids and not before:
        return
    connection = session.connection()
    after = _counted(connection, ids)
    deltas: dict[Key, list[int]] = defaultdict(lambda: [0] * len(COUNTS))
    for counted in before.values():
        counted.add_to(deltas, -1)
    for counted in after.values():
        counted.add_to(deltas, 1)
    add(connection, {key: values for key, values in deltas.items() if any(values)})


# Registered by create_app's register_listeners step.
LISTENERS = (
    (Session, "before_flush", _remember_before),
    (Session, "after_flush", _apply_after),
)


def add(connection: Connection, deltas: dict[Key, list[int]]) -> None:
    """Add the deltas (in COUNTS' order) to their rows, creating rows as needed."""
    table = DisclosureDayTally.__table__
    counts = {key: dict(zip(COUNTS, values, strict=True)) for key, values in deltas.items()}
    add_to_rows(connection, table, ("category_id", "day"), counts)


def _sources():
    """Each entry's start and end, once for every entry (category 0) and once per category."""
    records = func.coalesce(Disclosure.record_count, 0)
    exempt = case((Disclosure.exempt.is_(True), 1), else_=0)
    last = func.coalesce(Disclosure.last_disclosed_on, Disclosure.disclosed_on)

    def sides(category, *joins):
        started = select(
            category.label("category_id"),
            Disclosure.disclosed_on.label("day"),
            literal(1).label("started_entries"),
            records.label("started_records"),
            exempt.label("started_exempt"),
            literal(0).label("ended_entries"),
            literal(0).label("ended_records"),
            literal(0).label("ended_exempt"),
        )
        ended = select(
            category.label("category_id"),
            last.label("day"),
            literal(0),
            literal(0),
            literal(0),
            literal(1),
            records,
            exempt,
        )
        for target, on in joins:
            started, ended = started.join(target, on), ended.join(target, on)
        return [started, ended]

    link = (disclosure_categories, disclosure_categories.c.disclosure_id == Disclosure.id)
    return union_all(
        *sides(literal(ALL)), *sides(disclosure_categories.c.category_id, link)
    ).subquery("sides")


def rebuild(connection: Connection) -> int:
    """Recount every tally from the log itself; returns the number of rows written."""
    table = DisclosureDayTally.__table__
    connection.execute(delete(table))
    sides = _sources()
    grouped = select(
        sides.c.category_id,
        sides.c.day,
        *(func.sum(sides.c[name]) for name in COUNTS),
    ).group_by(sides.c.category_id, sides.c.day)
    connection.execute(table.insert().from_select(["category_id", "day", *COUNTS], grouped))
    return row_count(connection, table)


@dataclass(frozen=True)
class Totals:
    entries: int = 0
    records: int = 0
    exempt: int = 0

    @classmethod
    def of(cls, entries: Any, records: Any, exempt: Any) -> Totals:
        """From SQL sums, which may be NULL (no rows) or Decimal (PostgreSQL's bigint sums)."""
        return cls(int(entries or 0), int(records or 0), int(exempt or 0))


def totals_by_category(start: date, end: date, *, category_ids: Iterable[int] | None = None):
    """{category_id: Totals} for the period; `category_ids` None means every category and ALL."""
    t = DisclosureDayTally

    def net(started, ended):
        return func.sum(case((t.day <= end, started), else_=0)) - func.sum(
            case((t.day < start, ended), else_=0)
        )

    stmt = (
        select(
            t.category_id,
            net(t.started_entries, t.ended_entries),
            net(t.started_records, t.ended_records),
            net(t.started_exempt, t.ended_exempt),
        )
        .where(t.day <= end)
        .group_by(t.category_id)
    )
    if category_ids is not None:
        stmt = stmt.where(t.category_id.in_(list(category_ids)))
    return {category_id: Totals.of(*counts) for category_id, *counts in db.session.execute(stmt)}

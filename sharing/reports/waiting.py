"""The home pages' "waiting for you" and "waiting for others" lists: items from the lists'
own queries, merged, sorted by due date then age, and capped, with the totals each list holds.

A source is one list's query (flows returned, attestations submitted...): its first rows give
items and its total, in one statement, so a home page sends the same number of statements
however many rows wait."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from flask import url_for
from sqlalchemy import Select, func
from werkzeug.routing import BuildError

from sharing.core.clock import local
from sharing.extensions import db

LIMIT = 10  # items on a home page; each source's "see all" link leads to the rest
OFFICE = "the privacy office"  # who holds work handed to the office


@dataclass(frozen=True)
class Item:
    """One thing waiting: what it is, the object (with its link), when it arrived, when it is
    due, and, for work handed on, who has it now."""

    kind: str
    what: str
    title: str
    url: str | None
    arrived: date | None = None
    due: date | None = None
    due_label: str = "Due"  # what the date is: "Due", "Notice due", "Valid until"...
    detail: str = ""
    holder: str = ""
    links: tuple[tuple[str, str], ...] = ()  # (label, url): e.g. each returned question

    def age_days(self, today: date) -> int | None:
        return None if self.arrived is None else max(0, (today - self.arrived).days)

    def overdue_days(self, today: date) -> int:
        return 0 if self.due is None else max(0, (today - self.due).days)

    def sort_key(self) -> tuple:
        # Soonest due first (undated last), then the longest waiting.
        return (self.due is None, self.due or date.max, self.arrived or date.max)


def list_url(endpoint: str, **values: Any) -> str | None:
    """A list's URL, or None while the page that would show it is not installed."""
    try:
        return url_for(endpoint, **values)
    except BuildError:
        return None


def day_of(moment: datetime | date | None) -> date | None:
    """The city's calendar day of an instant (dates pass through)."""
    if moment is None or not isinstance(moment, datetime):
        return moment
    return local(moment).date()


@dataclass(frozen=True)
class Source:
    """One list: its query (sorted as the home page should pick its first rows), how a row
    becomes an item, and the list page that shows all its rows."""

    key: str
    label: str  # plural, for "see all 12 returned flows"
    stmt: Select | None
    item: Callable[[Any], Item]
    url: str | None
    # Rows a page has already read whole (the portal's agreements): no statement of their own.
    rows: Sequence[Any] | None = None


@dataclass(frozen=True)
class Group:
    key: str
    label: str
    count: int
    url: str | None


@dataclass(frozen=True)
class Waiting:
    items: list[Item] = field(default_factory=list)
    groups: list[Group] = field(default_factory=list)

    @property
    def total(self) -> int:
        return sum(g.count for g in self.groups)

    @property
    def more(self) -> list[Group]:
        """The lists some of whose rows are not on the page."""
        shown: dict[str, int] = {}
        for item in self.items:
            shown[item.kind] = shown.get(item.kind, 0) + 1
        return [g for g in self.groups if g.count > shown.get(g.key, 0)]


def gather(sources: Sequence[Source], *, limit: int = LIMIT) -> Waiting:
    """Each source's first `limit` rows as items, merged and capped, with every total: one
    statement per source, whose rows carry the source's total (a window count, taken
    before the LIMIT)."""
    ranked: list[tuple[tuple, Item]] = []
    groups = []
    for rank, source in enumerate(sources):
        rows, total = _first_rows(source, limit)
        groups.append(Group(source.key, source.label, total, source.url))
        # On a tie, the sources' order decides (returned work before drafts), then the
        # list's own order.
        for order, row in enumerate(rows):
            item = source.item(row)
            ranked.append(((*item.sort_key(), rank, order), item))
    ranked.sort(key=lambda pair: pair[0])
    return Waiting([item for _, item in ranked[:limit]], groups)


def _first_rows(source: Source, limit: int) -> tuple[list[tuple], int]:
    """The source's first rows (without the count) and how many it holds in all."""
    if source.rows is not None:
        return [(row,) for row in source.rows[:limit]], len(source.rows)
    stmt = source.stmt.add_columns(func.count().over().label("waiting_total"))
    rows = db.session.execute(stmt.limit(limit)).unique().all()
    return [tuple(row)[:-1] for row in rows], (rows[0][-1] if rows else 0)

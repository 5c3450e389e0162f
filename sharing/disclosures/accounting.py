"""The accounting of disclosures for a period: who received what, by organisation, by category
and by flow, on screen; accounting_sheets.py writes it as XLSX (one sheet each) or CSV (the
disclosures themselves).

Rules:
- An entry counts in the period when it overlaps it: its first date is on or before the end,
  and its last date (the first, for a one-off) is on or after the start.
- A recurring summary is one entry; its records are the running total of the whole series (the
  log keeps no per-day rows), and the report shows its first and last dates.
- Exempt entries are included and marked exempt, never left out.
- "By category" counts an entry under each of its categories, so its rows may add up to more
  than the number of entries.
- Exports are formula-safe (sharing/core/spreadsheets.py) and dates are real date cells.

On screen the report shows one view at a time (by organisation, by flow, by category, or the
entries), a page at a time, so it costs the same whether the year holds two thousand entries
or two hundred thousand: the totals and the category view come from the day tallies
(tallies.py), and a grouped page counts only the organisations or flows it shows. The exports
read every entry of the period by design.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

from sqlalchemy import Select, case, exists, func, select
from sqlalchemy.orm import contains_eager, selectinload

from sharing.core.query_args import positive_int
from sharing.disclosures import tallies
from sharing.disclosures.models import Disclosure, disclosure_categories
from sharing.disclosures.tallies import Totals
from sharing.extensions import db
from sharing.flows.models import DataCategory, DataFlow
from sharing.vendors.models import Organisation


def _date(raw: str | None) -> date | None:
    try:
        return date.fromisoformat((raw or "").strip())
    except ValueError:
        return None


@dataclass(frozen=True)
class Period:
    start: date
    end: date
    category_id: int | None = None
    problem: str = ""

    @classmethod
    def from_args(cls, args: Mapping[str, str], *, today: date) -> Period:
        """Defaults to this calendar year so far; a reversed range is refused with a message."""
        start = _date(args.get("start")) or date(today.year, 1, 1)
        end = _date(args.get("end")) or today
        category_id = positive_int(args.get("category"))
        if start > end:
            return cls(date(today.year, 1, 1), today, category_id, "The start is after the end.")
        return cls(start, end, category_id)

    @property
    def args(self) -> dict[str, str]:
        values = {"start": self.start.isoformat(), "end": self.end.isoformat()}
        if self.category_id:
            values["category"] = str(self.category_id)
        return values


def in_period(period: Period):
    """The entries that overlap the period (and carry the chosen category): a condition each
    row can check alone, so the pages below stop reading once they have their rows."""
    last = func.coalesce(Disclosure.last_disclosed_on, Disclosure.disclosed_on)
    clause = (Disclosure.disclosed_on <= period.end) & (last >= period.start)
    if period.category_id:
        clause = clause & exists().where(
            disclosure_categories.c.disclosure_id == Disclosure.id,
            disclosure_categories.c.category_id == period.category_id,
        )
    return clause


def _entries(period: Period) -> Select:
    return (
        select(Disclosure)
        .join(Disclosure.organisation)
        .join(Disclosure.flow)
        .where(in_period(period))
        .options(
            contains_eager(Disclosure.organisation),
            contains_eager(Disclosure.flow),
            selectinload(Disclosure.categories),
            selectinload(Disclosure.agreement),
        )
    )


def rows_query(period: Period) -> Select:
    """Every entry of the period, by organisation then date (the exports)."""
    return _entries(period).order_by(
        func.lower(Organisation.legal_name), Disclosure.disclosed_on, Disclosure.id
    )


def entries_query(period: Period) -> Select:
    """The entries view: newest first, read down the dates index a page at a time (its order
    exactly, so no day's entries need sorting)."""
    return _entries(period).order_by(
        Disclosure.disclosed_on.desc(), Disclosure.last_disclosed_on.desc(), Disclosure.id.desc()
    )


# -- on screen: totals from the tallies, and one view a page at a time ---------------------------

VIEWS = {
    "organisation": "By organization",
    "flow": "By flow",
    "category": "By category",
    "entries": "Entries",
}
DEFAULT_VIEW = "organisation"


def chosen_view(raw: str | None) -> str:
    return raw if raw in VIEWS else DEFAULT_VIEW


def period_totals(period: Period) -> Totals:
    """Entries, records and exempt entries in the period, from the tallies (tallies.py)."""
    key = period.category_id or tallies.ALL
    found = tallies.totals_by_category(period.start, period.end, category_ids=[key])
    return found.get(key, Totals())


def _received(period: Period):
    """The organisation received data in the period (EXISTS: stops at its first entry)."""
    return exists().where(Disclosure.organisation_id == Organisation.id, in_period(period))


def organisations_query(period: Period) -> Select:
    """The organisations that received data in the period, by name (the organisation and
    flow views page through these)."""
    return (
        select(Organisation)
        .where(_received(period))
        .order_by(Organisation.legal_name, Organisation.id)
    )


def organisations_count(period: Period) -> Select:
    return select(Organisation.id).where(_received(period))


def entries_count(period: Period) -> Select:
    """The period's entries without the joins the page shows (every entry has both)."""
    return select(Disclosure.id).where(in_period(period))


def _tallied() -> tuple:
    """Entries, records and exempt entries of the grouped rows, in `Totals.of`'s order."""
    exempt = func.sum(case((Disclosure.exempt.is_(True), 1), else_=0))
    return func.count(), func.coalesce(func.sum(Disclosure.record_count), 0), exempt


def counts_for(column, ids: list[int], period: Period) -> dict[int, Totals]:
    """Entries, records and exempt entries in the period for the ids shown on one page."""
    if not ids:
        return {}
    stmt = select(column, *_tallied()).where(column.in_(ids), in_period(period)).group_by(column)
    return {key: Totals.of(*counts) for key, *counts in db.session.execute(stmt)}


@dataclass(frozen=True)
class Row:
    """One line of a grouped view: what it names, where it links, what it counts."""

    name: str
    totals: Totals
    organisation_id: int | None = None
    flow_id: int | None = None


def organisation_rows(organisations: list[Organisation], period: Period) -> list[Row]:
    counts = counts_for(Disclosure.organisation_id, [o.id for o in organisations], period)
    return [
        Row(o.display_name, counts.get(o.id, Totals()), organisation_id=o.id) for o in organisations
    ]


def flow_rows(organisations: list[Organisation], period: Period) -> list[Row]:
    """The flows that carried data in the period, for the organisations on one page: grouped
    under their organisation in page order, then by flow name."""
    ids = [o.id for o in organisations]
    if not ids:
        return []
    stmt = (
        select(DataFlow.id, DataFlow.organisation_id, DataFlow.system_name, *_tallied())
        .join(Disclosure, Disclosure.flow_id == DataFlow.id)
        .where(Disclosure.organisation_id.in_(ids), in_period(period))
        .group_by(DataFlow.id, DataFlow.organisation_id, DataFlow.system_name)
    )
    names = {o.id: o.display_name for o in organisations}
    place = {organisation_id: n for n, organisation_id in enumerate(ids)}
    found = sorted(
        db.session.execute(stmt),
        key=lambda row: (place[row.organisation_id], row.system_name.lower(), row.id),
    )
    return [
        Row(
            f"{names[organisation_id]} — {system_name}",
            Totals.of(*counts),
            organisation_id=organisation_id,
            flow_id=flow_id,
        )
        for flow_id, organisation_id, system_name, *counts in found
    ]


def category_rows(period: Period, categories: list[tuple[int, str]]) -> list[Row]:
    """Every category with entries in the period, by name (a short, fixed vocabulary);
    `categories` is `category_choices()`, which the page has already read for its form."""
    found = tallies.totals_by_category(
        period.start, period.end, category_ids=[period.category_id] if period.category_id else None
    )
    names = dict(categories)
    rows = [
        Row(names[category_id], totals)
        for category_id, totals in found.items()
        if category_id != tallies.ALL and totals.entries and category_id in names
    ]
    return sorted(rows, key=lambda row: row.name.lower())


def category_choices() -> list[tuple[int, str]]:
    return list(
        db.session.execute(select(DataCategory.id, DataCategory.name).order_by(DataCategory.name))
    )

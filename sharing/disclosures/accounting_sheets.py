"""The accounting of disclosures as files: XLSX with the disclosures and every grouping (by
organisation, by category, by flow) on a sheet each, or CSV with the disclosures. Unlike the
page, an export reads every entry of the period, by design."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from sqlalchemy import case, func, select

from sharing.core.columns import Column
from sharing.core.spreadsheets import (
    CSV_MIMETYPE,
    XLSX_MIMETYPE,
    Export,
    Sheet,
    csv_chunks,
    xlsx_bytes,
)
from sharing.disclosures.accounting import Period, in_period, rows_query
from sharing.disclosures.models import Disclosure, disclosure_categories
from sharing.extensions import db
from sharing.flows.models import DataCategory, DataFlow
from sharing.vendors.models import Organisation

FORMATS = ("xlsx", "csv")


@dataclass(frozen=True)
class Group:
    name: str
    entries: int
    records: int
    exempt: int
    organisations: int = 0


def _per_pair(period: Period, *, by_category: bool):
    """One pass over the period's entries, counted per (organisation, flow) — or per
    (category, organisation) — so the grouping by name below joins thousands of rows, not
    every entry."""
    second = disclosure_categories.c.category_id if by_category else Disclosure.flow_id
    exempt = func.sum(case((Disclosure.exempt.is_(True), 1), else_=0))
    stmt = select(
        Disclosure.organisation_id.label("organisation_id"),
        second.label("second_id"),
        func.count().label("entries"),
        func.sum(Disclosure.record_count).label("records"),
        exempt.label("exempt"),
    )
    if by_category:
        stmt = stmt.join(
            disclosure_categories, disclosure_categories.c.disclosure_id == Disclosure.id
        )
    stmt = stmt.where(in_period(period)).group_by(Disclosure.organisation_id, second)
    return stmt.subquery("per_pair")


def _totals(key_columns, period: Period, *, join_categories: bool = False) -> list[Group]:
    pairs = _per_pair(period, by_category=join_categories)
    stmt = select(
        *key_columns,
        func.sum(pairs.c.entries),
        func.coalesce(func.sum(pairs.c.records), 0),
        func.sum(pairs.c.exempt),
        func.count(func.distinct(pairs.c.organisation_id)),
    ).join_from(pairs, Organisation, Organisation.id == pairs.c.organisation_id)
    if join_categories:
        stmt = stmt.join(DataCategory, DataCategory.id == pairs.c.second_id)
    else:
        stmt = stmt.join(DataFlow, DataFlow.id == pairs.c.second_id)
    stmt = stmt.group_by(*key_columns).order_by(*key_columns)
    groups = []
    for row in db.session.execute(stmt):
        *names, entries, records, exempt_count, organisations = row
        name = " — ".join(str(n) for n in names)
        groups.append(
            Group(name, int(entries), int(records or 0), int(exempt_count or 0), organisations)
        )
    return groups


@dataclass(frozen=True)
class Report:
    by_organisation: list[Group]
    by_category: list[Group]
    by_flow: list[Group]

    @property
    def entries(self) -> int:
        return sum(group.entries for group in self.by_organisation)

    @property
    def records(self) -> int:
        return sum(group.records for group in self.by_organisation)


def build(period: Period) -> Report:
    """Every group of the period at once, read from the entries (the XLSX export)."""
    return Report(
        by_organisation=_totals([Organisation.legal_name], period),
        by_category=_totals([DataCategory.name], period, join_categories=True),
        by_flow=_totals([Organisation.legal_name, DataFlow.system_name], period),
    )


def _column(header: str, kind: str = "text", example: str = "") -> Column:
    return Column(header.lower().replace(" ", "_"), header, (), kind, "", example)


DETAIL_COLUMNS = [
    _column("Organization", example="Example Analytics LLC"),
    _column("Flow", example="Parking permits"),
    _column("Categories", "list"),
    _column("First date", "date"),
    _column("Last date", "date"),
    _column("Occurrences", "int"),
    _column("Records", "int"),
    _column("Purpose", example="Deliver the contracted service"),
    _column("Agreement"),
    _column("Exempt", "bool"),
    _column("Exempt reason"),
    _column("Flagged", "bool"),
    _column("Flag reasons"),
    _column("Retain until", "date"),
]
GROUP_COLUMNS = [
    _column("Name", example="Example Analytics LLC"),
    _column("Entries", "int"),
    _column("Records", "int"),
    _column("Exempt entries", "int"),
    _column("Organizations", "int"),
]


def detail_row(entry: Disclosure) -> list[object]:
    return [
        entry.organisation.legal_name,
        entry.flow.system_name,
        ", ".join(sorted(category.name for category in entry.categories)),
        entry.disclosed_on,
        entry.last_disclosed_on or entry.disclosed_on,
        entry.occurrence_count,
        entry.record_count,
        entry.purpose,
        entry.agreement.number if entry.agreement else "",
        entry.exempt,
        entry.exempt_reason,
        entry.flagged,
        "; ".join(entry.flag_reasons or []),
        entry.retain_until,
    ]


def _details(period: Period) -> Iterator[list[object]]:
    for entry in db.session.scalars(rows_query(period)):
        yield detail_row(entry)


def _group_rows(groups: list[Group]) -> list[list[object]]:
    return [[g.name, g.entries, g.records, g.exempt, g.organisations] for g in groups]


def export(period: Period, fmt: str) -> Export:
    """The report as XLSX (four sheets) or CSV (the disclosures)."""
    filename = f"accounting-{period.start.isoformat()}-{period.end.isoformat()}.{fmt}"
    if fmt == "csv":
        return Export(
            b"".join(csv_chunks(DETAIL_COLUMNS, _details(period))), filename, CSV_MIMETYPE
        )
    report = build(period)
    sheets = [
        Sheet("Disclosures", DETAIL_COLUMNS, _details(period)),
        Sheet("By organization", GROUP_COLUMNS, _group_rows(report.by_organisation)),
        Sheet("By category", GROUP_COLUMNS, _group_rows(report.by_category)),
        Sheet("By flow", GROUP_COLUMNS, _group_rows(report.by_flow)),
    ]
    return Export(xlsx_bytes(sheets), filename, XLSX_MIMETYPE)

"""Filtering and sorting agreements in SQL, for the list page and the bulk renewal window."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import Select, case, func, or_, select
from sqlalchemy.orm import contains_eager

from sharing.agreements.models import Agreement, AgreementStatus
from sharing.core.pagination import Sort, parse_sort, positive_int
from sharing.vendors.models import Organisation

STATUS_ORDER = case(
    {status.value: rank for rank, status in enumerate(AgreementStatus)}, value=Agreement.status
)
SORTS: dict[str, Any] = {
    "number": Agreement.number,
    "title": func.lower(Agreement.title),
    "organisation": func.lower(Organisation.legal_name),
    "status": STATUS_ORDER,
    "effective": Agreement.effective_date,
    "expiry": Agreement.expiry_date,
    "updated": Agreement.updated_at,
}
DEFAULT_SORT = "-updated"
# Agreements a renewal amendment can be generated for: in force, or executed and starting.
RENEWABLE = (AgreementStatus.ACTIVE, AgreementStatus.EXPIRING, AgreementStatus.EXECUTED)


@dataclass(frozen=True)
class AgreementFilters:
    q: str = ""
    status: str = ""
    organisation_id: int | None = None
    expiring_within: int | None = None  # days from today
    sort: Sort = parse_sort(DEFAULT_SORT, SORTS, DEFAULT_SORT)

    @classmethod
    def from_args(cls, args) -> AgreementFilters:
        status = (args.get("status") or "").strip()
        within = positive_int(args.get("expiring_within"))
        return cls(
            q=(args.get("q") or "").strip()[:200],
            status=status if status in {s.value for s in AgreementStatus} else "",
            organisation_id=positive_int(args.get("organisation")),
            expiring_within=min(within, 3650) if within else None,
            sort=parse_sort(args.get("sort"), SORTS, DEFAULT_SORT),
        )


def agreements_query(filters: AgreementFilters, *, today: date) -> Select:
    """The agreements matching the filters, sorted, with their organisation loaded."""
    stmt = (
        select(Agreement)
        .join(Agreement.organisation)
        .options(contains_eager(Agreement.organisation))
    )
    if filters.q:
        text = filters.q.lower()
        stmt = stmt.where(
            or_(
                func.lower(Agreement.number).contains(text, autoescape=True),
                func.lower(Agreement.title).contains(text, autoescape=True),
                func.lower(Organisation.legal_name).contains(text, autoescape=True),
                func.lower(Organisation.common_name).contains(text, autoescape=True),
            )
        )
    if filters.status:
        stmt = stmt.where(Agreement.status == AgreementStatus(filters.status))
    if filters.organisation_id:
        stmt = stmt.where(Agreement.organisation_id == filters.organisation_id)
    if filters.expiring_within:
        stmt = stmt.where(
            Agreement.status.in_(RENEWABLE),
            Agreement.expiry_date.between(
                today, date.fromordinal(today.toordinal() + filters.expiring_within)
            ),
        )
    column = SORTS[filters.sort.key]
    if filters.sort.descending:
        return stmt.order_by(column.desc(), Agreement.id.desc())
    return stmt.order_by(column.asc(), Agreement.id.asc())


def expiring_between(start: date, end: date) -> Select:
    """Agreements in force whose term ends inside [start, end], soonest first."""
    return (
        select(Agreement)
        .join(Agreement.organisation)
        .options(contains_eager(Agreement.organisation))
        .where(Agreement.status.in_(RENEWABLE), Agreement.expiry_date.between(start, end))
        .order_by(Agreement.expiry_date, Agreement.id)
    )

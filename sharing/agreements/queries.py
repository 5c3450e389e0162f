"""Filtering and sorting agreements in SQL, for the list page and the bulk renewal window."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from sqlalchemy import ColumnElement, Date, Select, case, func, select
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import contains_eager, selectinload
from sqlalchemy.sql.functions import FunctionElement

from sharing.agreements.models import Agreement, AgreementStatus, agreement_adoptions
from sharing.core.pagination import Sort, apply_sort, parse_sort
from sharing.core.query_args import positive_int
from sharing.core.search import contains_text
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
EXPIRING_CHOICES = (30, 60, 90, 180, 365)
MAX_NOTICE_DAYS = 365  # the most notice an agreement may require (drafting.TERM_BOUNDS)


class days_before(FunctionElement):
    """`day` minus `days` days, as a date, in SQL: PostgreSQL subtracts an integer from a
    date; SQLite has no date arithmetic, so it uses date(day, '-N days')."""

    type = Date()
    name = "days_before"
    inherit_cache = True


@compiles(days_before)
def _days_before_default(element, compiler, **kw) -> str:
    day, days = (compiler.process(clause, **kw) for clause in element.clauses)
    return f"({day} - {days})"


@compiles(days_before, "sqlite")
def _days_before_sqlite(element, compiler, **kw) -> str:
    day, days = (compiler.process(clause, **kw) for clause in element.clauses)
    return f"date({day}, (-({days})) || ' days')"


def expiring_clause(today: date, days: int) -> ColumnElement[bool]:
    """In force (or executed and starting) and ending within `days` days from today."""
    end = date.fromordinal(today.toordinal() + days)
    renewable = Agreement.status.in_(AgreementStatus.RENEWABLE)
    return renewable & Agreement.expiry_date.between(today, end)


def past_cancel_by_clause(today: date) -> ColumnElement[bool]:
    """In force, the cancel-by date (expiry minus notice days) passed, not yet expired.

    Notice is at most MAX_NOTICE_DAYS, so such an agreement expires within that many days:
    the bound on the expiry date changes no answer, and lets the (status, expiry date) index
    find the few candidates."""
    horizon = today + timedelta(days=MAX_NOTICE_DAYS)
    return (
        Agreement.status.in_(AgreementStatus.IN_FORCE)
        & (Agreement.expiry_date >= today)
        & (Agreement.expiry_date < horizon)
        & (days_before(Agreement.expiry_date, Agreement.notice_days) < today)
    )


@dataclass(frozen=True)
class AgreementFilters:
    q: str = ""
    status: str = ""
    organisation_id: int | None = None
    expiring_within: int | None = None  # days from today
    past_cancel_by: bool = False
    department_id: int | None = None
    sort: Sort = parse_sort(DEFAULT_SORT, SORTS, DEFAULT_SORT)

    @classmethod
    def from_args(cls, args) -> AgreementFilters:
        status = (args.get("status") or "").strip()
        # `expiring` is the short name the dashboard links use.
        within = positive_int(args.get("expiring_within") or args.get("expiring"))
        return cls(
            q=(args.get("q") or "").strip()[:200],
            status=status if status in {s.value for s in AgreementStatus} else "",
            organisation_id=positive_int(args.get("organisation")),
            expiring_within=min(within, 3650) if within else None,
            past_cancel_by=(args.get("past_cancel_by") or "") in ("1", "on", "yes", "true"),
            department_id=positive_int(args.get("department")),
            sort=parse_sort(args.get("sort"), SORTS, DEFAULT_SORT),
        )


def agreements_query(filters: AgreementFilters, *, today: date) -> Select:
    """The agreements matching the filters, sorted, with their organisation loaded."""
    stmt = (
        select(Agreement)
        .join(Agreement.organisation)
        # An adoption shows its base's number: read for the whole page in one query.
        .options(contains_eager(Agreement.organisation), selectinload(Agreement.adopts))
    )
    if filters.q:
        stmt = stmt.where(
            contains_text(
                filters.q,
                Agreement.number,
                Agreement.title,
                Organisation.legal_name,
                Organisation.common_name,
            )
        )
    if filters.status:
        stmt = stmt.where(Agreement.status == AgreementStatus(filters.status))
    if filters.organisation_id:
        stmt = stmt.where(Agreement.organisation_id == filters.organisation_id)
    if filters.department_id:
        stmt = stmt.where(Agreement.department_id == filters.department_id)
    if filters.expiring_within:
        stmt = stmt.where(expiring_clause(today, filters.expiring_within))
    if filters.past_cancel_by:
        stmt = stmt.where(past_cancel_by_clause(today))
    return apply_sort(stmt, filters.sort, SORTS, Agreement.id)


def expiring_between(start: date, end: date) -> Select:
    """Agreements in force whose term ends inside [start, end], soonest first."""
    return (
        select(Agreement)
        .join(Agreement.organisation)
        .options(contains_eager(Agreement.organisation))
        .where(
            Agreement.status.in_(AgreementStatus.RENEWABLE),
            Agreement.expiry_date.between(start, end),
        )
        .order_by(Agreement.expiry_date, Agreement.id)
    )


def adoptions_query(base_id: int) -> Select:
    """The agreements that adopt the agreement `base_id` (agreement_adoptions); callers add
    their own filters, loading and order."""
    return (
        select(Agreement)
        .join(agreement_adoptions, agreement_adoptions.c.agreement_id == Agreement.id)
        .where(agreement_adoptions.c.base_id == base_id)
    )

"""Reading attestation requests: the filtered list, one request in the user's scope, open tasks
for the portal, the evidence per question and the request's history."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import ColumnElement, Select, case, func, select
from sqlalchemy.orm import contains_eager, selectinload

from sharing.agreements.models import Agreement, AgreementStatus
from sharing.attestations.covered import is_adoption
from sharing.attestations.models import (
    AnswerReview,
    AttestationRequest,
    AttestationStatus,
)
from sharing.attestations.workflow import OPEN_FOR_ANSWERS, role_of
from sharing.audit.models import AuditEvent
from sharing.core.menus import Menu
from sharing.core.pagination import Sort, apply_sort, parse_sort
from sharing.core.query_args import positive_int
from sharing.core.search import contains_text
from sharing.extensions import db
from sharing.vendors import queries as vendor_queries
from sharing.vendors.models import Organisation

S = AttestationStatus
STATUS_ORDER = case({s.value: rank for rank, s in enumerate(S)}, value=AttestationRequest.status)
SORTS: dict[str, Any] = {
    "due": AttestationRequest.due_date,
    "organisation": func.lower(Organisation.legal_name),
    "agreement": Agreement.number,
    "status": STATUS_ORDER,
    "updated": AttestationRequest.updated_at,
}
DEFAULT_SORT = "due"


@dataclass(frozen=True)
class RequestFilters:
    q: str = ""
    status: str = ""
    overdue: bool = False
    waiting: bool = False  # open for the organisation's answers, whatever the status
    organisation_id: int | None = None
    sort: Sort = parse_sort(DEFAULT_SORT, SORTS, DEFAULT_SORT)

    @classmethod
    def from_args(cls, args) -> RequestFilters:
        status = (args.get("status") or "").strip()
        # `?status=overdue` (the dashboard's link) is the overdue filter, not a stored status.
        overdue = status == "overdue" or (args.get("overdue") or "") in ("1", "on", "yes", "true")
        return cls(
            q=(args.get("q") or "").strip()[:200],
            status=status if status in {s.value for s in S} else "",
            overdue=overdue,
            # `?status=open` (the home page's link) is every status waiting for answers.
            waiting=status == "open",
            organisation_id=positive_int(args.get("organisation")),
            sort=parse_sort(args.get("sort"), SORTS, DEFAULT_SORT),
        )

    @property
    def active(self) -> bool:
        return bool(self.q or self.status or self.overdue or self.waiting or self.organisation_id)


def scope(stmt: Select, actor: Any) -> Select:
    """Vendor users see only their own organisation's requests, whatever else is asked."""
    if role_of(actor) == "vendor":
        return stmt.where(AttestationRequest.organisation_id == actor.organisation_id)
    return stmt


def overdue_clause(
    today: date, *, status: Any = AttestationRequest.status, due: Any = AttestationRequest.due_date
) -> ColumnElement[bool]:
    """Still waiting for the organisation's answers, and the due date has passed. `status`
    and `due` name where they are read from: the requests, or the dashboard's tallies."""
    return status.in_(OPEN_FOR_ANSWERS) & (due < today)


def requests_query(filters: RequestFilters, *, actor: Any, today: date) -> Select:
    """The requests matching the filters, sorted, with agreement and organisation loaded."""
    stmt = (
        select(AttestationRequest)
        .join(AttestationRequest.agreement)
        .join(AttestationRequest.organisation)
        .options(
            contains_eager(AttestationRequest.agreement),
            contains_eager(AttestationRequest.organisation),
        )
    )
    stmt = scope(stmt, actor)
    if filters.q:
        stmt = stmt.where(
            contains_text(
                filters.q, Organisation.legal_name, Organisation.common_name, Agreement.number
            )
        )
    if filters.status:
        stmt = stmt.where(AttestationRequest.status == S(filters.status))
    if filters.waiting:
        stmt = stmt.where(AttestationRequest.status.in_(OPEN_FOR_ANSWERS))
    if filters.overdue:
        stmt = stmt.where(overdue_clause(today))
    if filters.organisation_id:
        stmt = stmt.where(AttestationRequest.organisation_id == filters.organisation_id)
    return apply_sort(stmt, filters.sort, SORTS, AttestationRequest.id)


def visible_request(request_id: int, actor: Any) -> AttestationRequest | None:
    """The request with its answers, or None when it does not exist or is out of scope."""
    stmt = scope(
        select(AttestationRequest)
        .where(AttestationRequest.id == request_id)
        .options(
            selectinload(AttestationRequest.answers),
            selectinload(AttestationRequest.agreement),
            selectinload(AttestationRequest.organisation),
        ),
        actor,
    )
    return db.session.scalar(stmt)


def open_requests(*, organisation_id: int) -> list[AttestationRequest]:
    """An organisation's requests waiting for its answers, the soonest due first."""
    return list(
        db.session.scalars(
            select(AttestationRequest)
            .where(
                AttestationRequest.organisation_id == organisation_id,
                AttestationRequest.status.in_(OPEN_FOR_ANSWERS),
            )
            .options(selectinload(AttestationRequest.agreement))
            .order_by(AttestationRequest.due_date, AttestationRequest.id)
        )
    )


def returned_notes(request: AttestationRequest) -> dict[str, str]:
    """The privacy office's comment on each question it returned in the round before this one."""
    return {
        a.obligation_code: a.review_comment
        for a in request.answers
        if a.round == request.round - 1 and a.review == AnswerReview.RETURNED
    }


def history(request: AttestationRequest) -> list[AuditEvent]:
    """Who did what to the request, and when, oldest first."""
    return list(
        db.session.scalars(
            select(AuditEvent)
            .where(
                AuditEvent.object_type == "attestation_request",
                AuditEvent.object_id == str(request.id),
            )
            .order_by(AuditEvent.id)
        )
    )


def requestable_agreements() -> list[tuple[int, str]]:
    """Agreements an attestation can be requested for, as (id, label) for a select."""
    rows = db.session.execute(
        select(Agreement.id, Agreement.number, Agreement.title, Organisation.legal_name)
        .join(Organisation, Agreement.organisation_id == Organisation.id)
        .where(Agreement.status.in_(AgreementStatus.RENEWABLE), ~is_adoption())
        .order_by(func.lower(Organisation.legal_name), Agreement.number)
    )
    return [(id_, f"{number} — {org} ({title})") for id_, number, title, org in rows]


def organisation_menu(chosen: int | None = None) -> Menu:
    """The organisation filter: every name while there are few (see sharing/core/menus.py)."""
    return vendor_queries.organisation_menu(chosen)

"""Reading directives: the list (staff see all, a vendor user only its organisation's), one
directive with its elements, and the directives waiting for someone."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.orm import selectinload

from sharing.agreements.models import Agreement
from sharing.core.roles import Role
from sharing.core.search import contains_text
from sharing.disposition.models import DirectiveStatus, DispositionDirective, DispositionElement
from sharing.extensions import db
from sharing.vendors.models import Organisation

# Waiting for the vendor: issued, or returned with questions.
WITH_VENDOR = (DirectiveStatus.ISSUED, DirectiveStatus.RETURNED)
NOT_ACCEPTED = (DirectiveStatus.ISSUED, DirectiveStatus.SUBMITTED, DirectiveStatus.RETURNED)
SORTS: dict[str, Any] = {
    "due": DispositionDirective.due_on,
    "number": DispositionDirective.number,
    "ended": DispositionDirective.ended_on,
    "status": DispositionDirective.status,
}


def is_vendor(user: Any) -> bool:
    return str(getattr(user, "role", "")) == Role.VENDOR.value


def list_query(user: Any, *, search: str, status: str, overdue: bool, today: date) -> Select:
    """The directives `user` may see, filtered; ordering and paging are the caller's."""
    stmt = (
        select(DispositionDirective)
        .join(Agreement, Agreement.id == DispositionDirective.agreement_id)
        .join(Organisation, Organisation.id == DispositionDirective.organisation_id)
        .options(
            selectinload(DispositionDirective.agreement),
            selectinload(DispositionDirective.organisation),
        )
    )
    if is_vendor(user):
        stmt = stmt.where(DispositionDirective.organisation_id == user.organisation_id)
    if search.strip():
        stmt = stmt.where(
            contains_text(
                search.strip(),
                DispositionDirective.number,
                Agreement.number,
                Organisation.legal_name,
                Organisation.common_name,
            )
        )
    if status in set(DirectiveStatus):
        stmt = stmt.where(DispositionDirective.status == status)
    if overdue:
        stmt = stmt.where(
            DispositionDirective.status.in_(NOT_ACCEPTED), DispositionDirective.due_on < today
        )
    return stmt


def directive_for(user: Any, directive_id: int) -> DispositionDirective | None:
    """The directive with its elements, when `user` may see it (None otherwise: a vendor user
    of another organisation finds nothing)."""
    stmt = (
        select(DispositionDirective)
        .where(DispositionDirective.id == directive_id)
        .options(
            selectinload(DispositionDirective.elements).selectinload(DispositionElement.flow),
            selectinload(DispositionDirective.elements).selectinload(DispositionElement.category),
        )
    )
    if is_vendor(user):
        stmt = stmt.where(DispositionDirective.organisation_id == user.organisation_id)
    return db.session.scalar(stmt)


def open_for_organisation(organisation_id: int) -> Select:
    """A vendor's directives waiting for its certificate, by deadline."""
    return (
        select(DispositionDirective)
        .where(
            DispositionDirective.organisation_id == organisation_id,
            DispositionDirective.status.in_(WITH_VENDOR),
        )
        .options(selectinload(DispositionDirective.agreement))
        .order_by(DispositionDirective.due_on, DispositionDirective.id)
    )


def submitted_query() -> Select:
    """Certificates waiting for the privacy office's review, oldest first."""
    return (
        select(DispositionDirective)
        .where(DispositionDirective.status == DirectiveStatus.SUBMITTED)
        .options(
            selectinload(DispositionDirective.agreement),
            selectinload(DispositionDirective.organisation),
        )
        .order_by(DispositionDirective.submitted_at, DispositionDirective.id)
    )

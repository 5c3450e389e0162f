"""Reading incidents for the staff register: the filtered, sorted list, one incident with what
hangs on it, and its audit history. Staff pages only; the portal has its own scoped queries."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Select, func, select
from sqlalchemy.orm import contains_eager, selectinload

from sharing.agreements.models import Agreement
from sharing.audit.models import AuditEvent
from sharing.core.menus import Menu
from sharing.core.pagination import Sort, apply_sort, parse_sort
from sharing.core.query_args import positive_int
from sharing.core.search import contains_text
from sharing.disclosures.models import Incident, IncidentStatus, IncidentUpdate
from sharing.extensions import db
from sharing.flows.models import DataCategory, DataFlow, FlowCategory
from sharing.vendors.models import Organisation
from sharing.vendors.queries import organisation_menu

# An incident waits for its notices until it is marked notified or closed.
AWAITING_NOTICE = (IncidentStatus.REPORTED, IncidentStatus.INVESTIGATING)
SORTS: dict[str, Any] = {
    "reported": Incident.reported_at,
    "deadline": Incident.notice_deadline,
    "reference": Incident.reference,
    "organisation": func.lower(Organisation.legal_name),
}
DEFAULT_SORT = "-reported"


def overdue_clause(now: datetime) -> ColumnElement[bool]:
    """Notice deadline passed, and nobody has been notified and the incident is not closed."""
    return (
        Incident.status.in_(AWAITING_NOTICE)
        & (Incident.notice_deadline < now)
        & Incident.individuals_notified_on.is_(None)
    )


def is_overdue(incident: Incident, *, now: datetime) -> bool:
    """The same rule as `overdue_clause`, for one loaded incident (the badge on the pages)."""
    return (
        incident.status in AWAITING_NOTICE
        and incident.notice_deadline is not None
        and incident.notice_deadline < now
        and incident.individuals_notified_on is None
    )


@dataclass(frozen=True)
class IncidentFilters:
    q: str = ""
    status: str = ""
    organisation_id: int | None = None
    overdue: bool = False
    sort: Sort = parse_sort(DEFAULT_SORT, SORTS, DEFAULT_SORT)

    @classmethod
    def from_args(cls, args) -> IncidentFilters:
        status = (args.get("status") or "").strip()
        return cls(
            q=(args.get("q") or "").strip()[:200],
            status=status if status in {s.value for s in IncidentStatus} else "",
            organisation_id=positive_int(args.get("organisation")),
            overdue=(args.get("overdue") or "") in ("1", "on", "yes", "true"),
            sort=parse_sort(args.get("sort"), SORTS, DEFAULT_SORT),
        )

    @property
    def active(self) -> bool:
        return bool(self.q or self.status or self.organisation_id or self.overdue)


def incidents_query(filters: IncidentFilters, *, now: datetime) -> Select:
    """The incidents matching the filters, sorted in SQL, with organisation loaded."""
    stmt = (
        select(Incident).join(Incident.organisation).options(contains_eager(Incident.organisation))
    )
    if filters.q:
        stmt = stmt.where(
            contains_text(
                filters.q,
                Incident.reference,
                Incident.title,
                Organisation.legal_name,
                Organisation.common_name,
            )
        )
    if filters.status:
        stmt = stmt.where(Incident.status == IncidentStatus(filters.status))
    if filters.organisation_id:
        stmt = stmt.where(Incident.organisation_id == filters.organisation_id)
    if filters.overdue:
        stmt = stmt.where(overdue_clause(now))
    return apply_sort(stmt, filters.sort, SORTS, Incident.id, nulls_last=True)


def incident(incident_id: int) -> Incident | None:
    """One incident with its organisation, agreement, flows and categories, or None."""
    return db.session.scalar(
        select(Incident)
        .where(Incident.id == incident_id)
        .options(
            selectinload(Incident.organisation),
            selectinload(Incident.agreement),
            selectinload(Incident.flows),
            selectinload(Incident.categories),
        )
    )


def history(incident: Incident) -> list[AuditEvent]:
    """Who did what to the incident, and when, oldest first."""
    return list(
        db.session.scalars(
            select(AuditEvent)
            .where(AuditEvent.object_type == "incident", AuditEvent.object_id == str(incident.id))
            .order_by(AuditEvent.id)
        )
    )


def updates(incident: Incident) -> list[IncidentUpdate]:
    """The updates the organisation added to the incident, oldest first, with their authors.
    The incident is one the caller may read (the portal's queries scope it)."""
    return list(
        db.session.scalars(
            select(IncidentUpdate)
            .where(IncidentUpdate.incident_id == incident.id)
            .options(selectinload(IncidentUpdate.author))
            .order_by(IncidentUpdate.created_at, IncidentUpdate.id)
        )
    )


def latest_update_at(incident_ids: Iterable[int]) -> dict[int, datetime]:
    """When each of these incidents last had an update, in one query; incidents without one
    are left out (for lists and home pages that ask whose move it is)."""
    ids = list(incident_ids)
    if not ids:
        return {}
    rows = db.session.execute(
        select(IncidentUpdate.incident_id, func.max(IncidentUpdate.created_at))
        .where(IncidentUpdate.incident_id.in_(ids))
        .group_by(IncidentUpdate.incident_id)
    )
    return {incident_id: at for incident_id, at in rows}


def organisation_choices(chosen: int | None = None) -> Menu:
    """Organisations that have reported incidents, for the filter's menu (capped:
    sharing/core/menus.py)."""
    return organisation_menu(chosen, named_by=Incident.organisation_id)


# Choices for the staff report form ------------------------------------------------------------


def reporting_organisations() -> list[Organisation]:
    """Every organisation, by name, for the staff report's organisation select."""
    return list(
        db.session.scalars(select(Organisation).order_by(func.lower(Organisation.legal_name)))
    )


def organisation_agreements(organisation_id: int) -> list[Agreement]:
    """The organisation's agreements, newest first."""
    return list(
        db.session.scalars(
            select(Agreement)
            .where(Agreement.organisation_id == organisation_id)
            .order_by(Agreement.id.desc())
        )
    )


def organisation_flows(organisation_id: int) -> list[DataFlow]:
    """The organisation's data flows, by system name."""
    return list(
        db.session.scalars(
            select(DataFlow)
            .where(DataFlow.organisation_id == organisation_id)
            .order_by(func.lower(DataFlow.system_name), DataFlow.id)
        )
    )


def organisation_categories(organisation_id: int) -> list[DataCategory]:
    """The categories shared in any of the organisation's flows, by name."""
    shared = (
        select(FlowCategory.category_id)
        .join(DataFlow, DataFlow.id == FlowCategory.flow_id)
        .where(DataFlow.organisation_id == organisation_id)
    )
    return list(
        db.session.scalars(
            select(DataCategory).where(DataCategory.id.in_(shared)).order_by(DataCategory.name)
        )
    )

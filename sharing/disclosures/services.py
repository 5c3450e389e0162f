"""Incidents and disclosures: the use cases that report an incident, by a vendor from the
portal or by staff, and that add the vendor's later updates. The workflow steps live in
workflow.py."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from sharing.agreements.models import Agreement
from sharing.audit import services as audit
from sharing.audit.services import ActorLike
from sharing.core.clock import local
from sharing.core.database import commit_or_conflict
from sharing.core.numbering import next_in_year
from sharing.disclosures import notices
from sharing.disclosures.models import Incident, IncidentStatus, IncidentUpdate
from sharing.errors import Conflict, NotFound, ValidationFailed
from sharing.extensions import db
from sharing.flows.models import DataCategory, DataFlow, FlowCategory
from sharing.vendors.models import Organisation

REFERENCE_PREFIX = "INC"
# BRN-1 ("Report incidents quickly"): the agreement's breach_notice_hours parameter, whose
# policy default is 72 hours, counts from discovery.
NOTICE_PARAMETER = "breach_notice_hours"
DEFAULT_NOTICE_HOURS = 72
REFERENCE_ATTEMPTS = 3
MAX_UPDATE = 10000
# Free text may name people; the audit trail keeps the facts, the incident row keeps the text.
AUDITED = (
    "reference",
    "organisation_id",
    "agreement_id",
    "title",
    "discovered_at",
    "reported_at",
    "affected_individuals",
    "status",
    "notice_deadline",
)
# What an update may change on the incident (its containment text is kept out, as above).
UPDATED = ("affected_individuals", "version")


def report_incident(
    *,
    actor: ActorLike,
    organisation_id: int,
    title: str,
    description: str,
    discovered_at: datetime,
    affected_individuals: int | None,
    containment: str,
    agreement_id: int | None,
    now: datetime,
    flow_ids: Sequence[int] = (),
    category_ids: Sequence[int] = (),
) -> Incident:
    """Record an incident reported by (or for) an organisation and alert the privacy office.

    Flows must be the organisation's own; categories must be among those flows' categories."""
    organisation = db.session.get(Organisation, organisation_id)
    if organisation is None:
        raise ValidationFailed({"organisation_id": "Choose an organization."})
    agreement = _check(
        organisation_id=organisation_id,
        title=title,
        description=description,
        discovered_at=discovered_at,
        affected_individuals=affected_individuals,
        agreement_id=agreement_id,
        now=now,
    )
    flows, categories = _affected(organisation_id, flow_ids, category_ids)
    incident = Incident(
        organisation_id=organisation_id,
        agreement_id=agreement.id if agreement else None,
        title=title.strip(),
        description=description.strip(),
        discovered_at=discovered_at,
        reported_at=now,
        reported_by_id=actor.id,
        affected_individuals=affected_individuals,
        containment=(containment or "").strip(),
        status=IncidentStatus.REPORTED,
        notice_deadline=notice_deadline(discovered_at, notice_hours(agreement)),
        flows=flows,
        categories=categories,
    )
    _insert_with_reference(incident, year=local(now).year)
    audit.record(
        actor=actor,
        action="incident.reported",
        object_type="incident",
        object_id=incident.id,
        changes=audit.created(audit.snapshot(incident, AUDITED)),
        summary=f"Incident {incident.reference} reported by {organisation.display_name}",
        organisation_id=organisation_id,
    )
    notices.incident_reported(incident, organisation, actor=actor)
    commit_or_conflict()
    return incident


def add_incident_update(
    *,
    actor: ActorLike,
    incident: Incident,
    text: str,
    affected_individuals: int | None,
    containment: str,
    now: datetime,
) -> IncidentUpdate:
    """Add what the reporting organisation learned or did since its report, and tell the
    privacy office. A new count of people affected replaces the incident's; new containment
    steps are added to its containment record. Only the organisation's own users may add
    one, and not once the incident is closed."""
    if actor.organisation_id != incident.organisation_id:
        raise NotFound("That incident does not exist.")
    if incident.status == IncidentStatus.CLOSED:
        raise Conflict("This incident is closed. Write to the privacy office to reopen it.")
    text, containment = (text or "").strip(), (containment or "").strip()
    errors: dict[str, str] = {}
    if not text:
        errors["text"] = "Say what is new since your report."
    elif len(text) > MAX_UPDATE:
        errors["text"] = f"Keep the update under {MAX_UPDATE} characters."
    if len(containment) > MAX_UPDATE:
        errors["containment"] = f"Keep the containment steps under {MAX_UPDATE} characters."
    if affected_individuals is not None and affected_individuals < 0:
        errors["affected_individuals"] = "Enter zero or more people, or leave it blank."
    if errors:
        raise ValidationFailed(errors)
    before = audit.snapshot(incident, UPDATED)
    update = IncidentUpdate(
        incident=incident,
        author_id=actor.id,
        text=text,
        affected_individuals=affected_individuals,
        containment=containment,
        created_at=now,
    )
    if affected_individuals is not None:
        incident.affected_individuals = affected_individuals
    if containment:
        stamp = f"Update ({local(now):%Y-%m-%d}): {containment}"
        incident.containment = f"{incident.containment}\n\n{stamp}".strip()
    db.session.add(update)
    db.session.flush()
    # As for the report, the free text stays on the rows; the audit trail keeps the facts.
    changes = audit.diff(before, audit.snapshot(incident, UPDATED))
    changes["update_id"] = {"before": None, "after": update.id}
    audit.record(
        actor=actor,
        action="incident.updated",
        object_type="incident",
        object_id=incident.id,
        changes=changes,
        summary=f"Incident {incident.reference}: update added by "
        f"{incident.organisation.display_name}",
        organisation_id=incident.organisation_id,
    )
    notices.incident_updated(incident, actor=actor, update_id=update.id)
    commit_or_conflict()
    return update


def _check(
    *,
    organisation_id: int,
    title: str,
    description: str,
    discovered_at: datetime,
    affected_individuals: int | None,
    agreement_id: int | None,
    now: datetime,
) -> Agreement | None:
    if discovered_at.tzinfo is None:
        raise ValueError("discovered_at must be timezone-aware")
    errors: dict[str, str] = {}
    if not (title or "").strip():
        errors["title"] = "Give the incident a short title."
    if not (description or "").strip():
        errors["description"] = "Describe what happened."
    if discovered_at > now:
        errors["discovered_at"] = "The discovery time cannot be in the future."
    if affected_individuals is not None and affected_individuals < 0:
        errors["affected_individuals"] = "Enter zero or more people, or leave it blank."
    agreement = db.session.get(Agreement, agreement_id) if agreement_id is not None else None
    if agreement_id is not None and (
        agreement is None or agreement.organisation_id != organisation_id
    ):
        errors["agreement_id"] = "Choose one of your organization's agreements, or none."
    if errors:
        raise ValidationFailed(errors)
    return agreement


def _affected(
    organisation_id: int, flow_ids: Sequence[int], category_ids: Sequence[int]
) -> tuple[list[DataFlow], list[DataCategory]]:
    """The flows and categories named, checked against the organisation and those flows."""
    wanted_flows, wanted_categories = set(flow_ids or ()), set(category_ids or ())
    flows = list(
        db.session.scalars(
            select(DataFlow)
            .where(DataFlow.id.in_(wanted_flows), DataFlow.organisation_id == organisation_id)
            .order_by(DataFlow.id)
        )
    )
    errors: dict[str, str] = {}
    if len(flows) != len(wanted_flows):
        errors["flow_ids"] = "Choose only the organization's own data flows."
    allowed = set(
        db.session.scalars(
            select(FlowCategory.category_id).where(FlowCategory.flow_id.in_(wanted_flows))
        )
    )
    if not wanted_categories <= allowed:
        errors["category_ids"] = "Choose only categories shared in the affected flows."
    if errors:
        raise ValidationFailed(errors)
    categories = list(
        db.session.scalars(
            select(DataCategory)
            .where(DataCategory.id.in_(wanted_categories))
            .order_by(DataCategory.id)
        )
    )
    return flows, categories


def notice_deadline(discovered_at: datetime, hours: int) -> datetime:
    """The notice deadline: `hours` elapsed hours after discovery (a DST change in the city
    moves the wall-clock time, not the time allowed)."""
    if discovered_at.tzinfo is None:
        raise ValueError("discovered_at must be timezone-aware")
    return discovered_at + timedelta(hours=hours)


def notice_hours(agreement: Agreement | None) -> int:
    """Hours allowed from discovery to notice: the agreement's BRN-1 parameter, else 72."""
    value = (agreement.parameters or {}).get(NOTICE_PARAMETER) if agreement else None
    try:
        hours = int(value)
    except (TypeError, ValueError):
        return DEFAULT_NOTICE_HOURS
    return hours if hours > 0 else DEFAULT_NOTICE_HOURS


def next_reference(year: int) -> str:
    """The next free incident reference of the year: INC-2026-0001, INC-2026-0002, ..."""
    return next_in_year(Incident.reference, REFERENCE_PREFIX, year)


def _insert_with_reference(incident: Incident, *, year: int) -> None:
    """Insert under the next reference; if a concurrent report took it, take the one after."""
    for attempt in range(REFERENCE_ATTEMPTS):
        incident.reference = next_reference(year)
        try:
            with db.session.begin_nested():
                db.session.add(incident)
                db.session.flush()
            return
        except IntegrityError:
            if attempt == REFERENCE_ATTEMPTS - 1:
                db.session.rollback()
                raise

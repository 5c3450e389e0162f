"""What a vendor user may see in the portal. Every function takes the organisation and filters by
it, so that a forgotten check in a view still cannot show another organisation's rows."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, Select, func, select
from sqlalchemy.orm import selectinload

from sharing.agreements.models import Agreement, AgreementStatus
from sharing.attestations.evidence import SORTS as EVIDENCE_SORTS
from sharing.attestations.evidence import EvidenceFilters, evidence_query
from sharing.attestations.models import (
    AnswerReview,
    AttestationAnswer,
    AttestationRequest,
    AttestationStatus,
    EvidenceFile,
)
from sharing.attestations.queries import RequestFilters, requests_query
from sharing.core.pagination import parse_sort
from sharing.disclosures.models import Incident, IncidentStatus, IncidentUpdate
from sharing.extensions import db
from sharing.flows.models import DataFlow, FlowCategory, FlowStatus

A = AgreementStatus
# From the moment the city sends an agreement to be signed, the vendor is a party to it.
# Drafts and generated documents are the city's work in progress.
VISIBLE_AGREEMENTS = (
    A.SENT_FOR_SIGNATURE,
    A.EXECUTED,
    A.ACTIVE,
    A.EXPIRING,
    A.EXPIRED,
    A.RENEWED,
    A.TERMINATED,
)
# Flows that are (or were) in force, or under review: not the city's drafts, nor replaced
# revisions, which stay in the staff register's history.
VISIBLE_FLOWS = (
    FlowStatus.SUBMITTED,
    FlowStatus.IN_REVIEW,
    FlowStatus.CHANGES_REQUESTED,
    FlowStatus.APPROVED,
    FlowStatus.RETIRED,
)
HOME_LIMIT = 10
# Evidence waits for the vendor from 30 days before it expires (when the reminder goes out,
# attestations.evidence.SOON_DAYS) until 60 days after, unless a current copy replaces it.
EVIDENCE_BEHIND_DAYS = 60
# An open incident with no change for this long waits for the vendor's news.
INCIDENT_QUIET_DAYS = 14


# One object, or None --------------------------------------------------------------------


def agreement(*, organisation_id: int, agreement_id: int) -> Agreement | None:
    return db.session.scalar(
        select(Agreement).where(
            Agreement.id == agreement_id,
            Agreement.organisation_id == organisation_id,
            Agreement.status.in_(VISIBLE_AGREEMENTS),
        )
    )


def flow(*, organisation_id: int, flow_id: int) -> DataFlow | None:
    return db.session.scalar(
        select(DataFlow)
        .where(
            DataFlow.id == flow_id,
            DataFlow.organisation_id == organisation_id,
            DataFlow.status.in_(VISIBLE_FLOWS),
        )
        .options(selectinload(DataFlow.categories).selectinload(FlowCategory.category))
    )


def incident(*, organisation_id: int, incident_id: int) -> Incident | None:
    return db.session.scalar(
        select(Incident)
        .where(Incident.id == incident_id, Incident.organisation_id == organisation_id)
        .options(selectinload(Incident.agreement))
    )


# Lists for the home page ------------------------------------------------------------------


def agreements(*, organisation_id: int, limit: int | None = None) -> list[Agreement]:
    stmt = (
        select(Agreement)
        .where(
            Agreement.organisation_id == organisation_id,
            Agreement.status.in_(VISIBLE_AGREEMENTS),
        )
        .order_by(Agreement.effective_date.desc().nulls_first(), Agreement.id.desc())
    )
    return list(db.session.scalars(stmt.limit(limit)))


def _first_rows(stmt: Select) -> tuple[int, list[Any]]:
    """How many rows the statement matches, and its first rows, in one statement (a window
    count, taken before the LIMIT): the portal home reads several short lists."""
    rows = db.session.execute(stmt.add_columns(func.count().over())).all()
    return (rows[0][-1] if rows else 0), [row[0] for row in rows]


def flows(*, organisation_id: int, limit: int = HOME_LIMIT) -> tuple[int, list[DataFlow]]:
    """How many flows the organisation may see, and the first few by name."""
    stmt = (
        select(DataFlow)
        .where(DataFlow.organisation_id == organisation_id, DataFlow.status.in_(VISIBLE_FLOWS))
        # the categories come with their links: one statement fewer on the busy portal home
        .options(selectinload(DataFlow.categories).joinedload(FlowCategory.category))
        .order_by(DataFlow.system_name, DataFlow.revision.desc())
        .limit(limit)
    )
    return _first_rows(stmt)


def latest_evidence(*, organisation_id: int, limit: int = 5) -> tuple[int, list[EvidenceFile]]:
    """How many evidence files the organisation holds, and the newest few."""
    stmt = (
        select(EvidenceFile)
        .where(EvidenceFile.organisation_id == organisation_id)
        .order_by(EvidenceFile.uploaded_at.desc(), EvidenceFile.id.desc())
        .limit(limit)
    )
    return _first_rows(stmt)


def incidents(*, organisation_id: int, limit: int = HOME_LIMIT) -> list[Incident]:
    stmt = (
        select(Incident)
        .where(Incident.organisation_id == organisation_id)
        .order_by(Incident.reported_at.desc(), Incident.id.desc())
        .limit(limit)
    )
    return list(db.session.scalars(stmt))


# Waiting for the vendor, and for the privacy office -------------------------------------------


def returned_questions(*, organisation_id: int) -> dict[int, list[str]]:
    """For each of the organisation's returned requests, the codes of the questions the privacy
    office sent back in its last review (one statement, however many requests)."""
    stmt = (
        select(AttestationAnswer.request_id, AttestationAnswer.obligation_code)
        .join(AttestationRequest, AttestationAnswer.request_id == AttestationRequest.id)
        .where(
            AttestationRequest.organisation_id == organisation_id,
            AttestationRequest.status == AttestationStatus.RETURNED,
            AttestationAnswer.round == AttestationRequest.round - 1,
            AttestationAnswer.review == AnswerReview.RETURNED,
        )
        .order_by(AttestationAnswer.request_id, AttestationAnswer.id)
    )
    found: dict[int, list[str]] = {}
    for request_id, code in db.session.execute(stmt):
        found.setdefault(request_id, []).append(code)
    return found


def requests(*, organisation_id: int, actor: Any, status: str, today: date) -> Select:
    """The attestation list's own query for the vendor (`status` "open": every status waiting
    for answers), held to the organisation twice over."""
    filters = RequestFilters(status="" if status == "open" else status, waiting=status == "open")
    stmt = requests_query(filters, actor=actor, today=today)
    return stmt.where(AttestationRequest.organisation_id == organisation_id)


def evidence(*, organisation_id: int, today: date, expired: bool) -> Select:
    """The evidence list's query for the organisation: files valid today that expire within
    30 days (its `?expiring=1`), soonest first; or, with `expired`, those that expired in the
    last 60 days (its `?state=expired`, within that window), the latest first."""
    if expired:
        filters = EvidenceFilters(
            today=today, state="expired", sort=parse_sort("-valid_until", EVIDENCE_SORTS, "")
        )
        since = today - timedelta(days=EVIDENCE_BEHIND_DAYS)
        stmt = evidence_query(filters, organisation_id=organisation_id)
        return stmt.where(EvidenceFile.valid_until >= since)
    filters = EvidenceFilters(
        today=today, expiring_soon=True, sort=parse_sort("valid_until", EVIDENCE_SORTS, "")
    )
    return evidence_query(filters, organisation_id=organisation_id)


def awaiting_vendor_news(now: datetime) -> ColumnElement[bool]:
    """An open incident with no change and no update from the vendor for 14 days: the office
    waits for the vendor's news. An update the vendor adds is a row of its own that may leave
    the incident unchanged, so both are read."""
    cutoff = now - timedelta(days=INCIDENT_QUIET_DAYS)
    recent_update = (
        select(IncidentUpdate.id)
        .where(IncidentUpdate.incident_id == Incident.id, IncidentUpdate.created_at >= cutoff)
        .exists()
    )
    return (
        (Incident.status != IncidentStatus.CLOSED) & (Incident.updated_at < cutoff) & ~recent_update
    )


def incidents_waiting(*, organisation_id: int, now: datetime, for_vendor: bool) -> Select:
    """The organisation's incidents waiting for its news (`for_vendor`), or reported and
    not yet picked up by the privacy office, the oldest first."""
    stmt = select(Incident).where(Incident.organisation_id == organisation_id)
    if for_vendor:
        stmt = stmt.where(awaiting_vendor_news(now))
    else:
        stmt = stmt.where(Incident.status == IncidentStatus.REPORTED, ~awaiting_vendor_news(now))
    return stmt.order_by(Incident.updated_at.asc(), Incident.id.asc())

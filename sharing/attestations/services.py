"""Attestation use cases: scheduling and requesting (answering, submitting and reviewing are
in answers.py).

Each request carries a snapshot of its questions, taken when it is created, so that later
policy versions never change what an organisation was asked.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from sharing.agreements.dates import add_months
from sharing.agreements.models import Agreement, AgreementStatus
from sharing.attestations import notices
from sharing.attestations.covered import is_adoption
from sharing.attestations.models import (
    AttestationRequest,
    AttestationStatus,
)
from sharing.audit import services as audit
from sharing.audit.services import SYSTEM
from sharing.auth.recipients import Directory
from sharing.core.database import commit_or_conflict
from sharing.errors import ValidationFailed
from sharing.extensions import db
from sharing.obligations.models import PolicyVersion
from sharing.obligations.services import latest_published

STALE_MESSAGE = "This attestation changed since you opened it. Reload the page and try again."

S = AttestationStatus
INTERVAL_PARAMETER = "attestation_interval_months"
DEFAULT_INTERVAL = 12
REQUEST_FIELDS = ("status", "round", "due_date", "signer_name", "signer_title", "attested")


# Questionnaires and schedules ---------------------------------------------------------------


def build_questionnaire(
    agreement: Agreement, fallback: PolicyVersion | None = None
) -> list[dict[str, str]]:
    """The agreement's obligations as questions, in policy order: a copy, never a reference."""
    policy = agreement.policy_version or fallback or latest_published()
    codes = set(agreement.obligation_codes or [])
    if policy is None:
        return []
    return [
        {
            "code": o.code,
            "title": o.title,
            "question": o.attestation_question,
            "source": o.source_reference,
        }
        for o in policy.obligations
        if o.code in codes
    ]


def interval_months(agreement: Agreement) -> int:
    """Months between attestations: the agreement's ATT-1 parameter, else 12."""
    try:
        months = int((agreement.parameters or {}).get(INTERVAL_PARAMETER) or DEFAULT_INTERVAL)
    except (TypeError, ValueError):
        return DEFAULT_INTERVAL
    return months if months > 0 else DEFAULT_INTERVAL


def latest_due_date(effective: date, months: int, *, horizon: date) -> date | None:
    """The last date on the schedule (every `months` from `effective`) on or before `horizon`."""
    if horizon < add_months(effective, months):
        return None
    elapsed = (horizon.year - effective.year) * 12 + horizon.month - effective.month
    step = max(elapsed // months, 1)
    due = add_months(effective, step * months)
    while due > horizon:
        step -= 1
        due = add_months(effective, step * months)
    return due if step >= 1 else None


def period_for(
    due: date, months: int, *, effective: date | None = None, previous_end: date | None = None
) -> tuple[date, date]:
    """The period ending the day before the due date. It starts `months` earlier, but never
    before the agreement took effect nor inside the period the previous attestation covered,
    so a first attestation does not claim a year the agreement was not yet in force."""
    end = due - timedelta(days=1)
    starts = [add_months(due, -months)]
    if effective is not None:
        starts.append(effective)
    if previous_end is not None:
        starts.append(previous_end + timedelta(days=1))
    return min(max(starts), end), end


def schedule_attestations(
    *, today: date, actor: Any = SYSTEM, lead_days: int = 30
) -> list[AttestationRequest]:
    """Create the request each agreement in force is due within `lead_days`; idempotent. An
    adoption gets none: its flows are attested under its base (covered.py)."""
    agreements = db.session.scalars(
        select(Agreement)
        .where(
            Agreement.status.in_(AgreementStatus.IN_FORCE),
            Agreement.effective_date.is_not(None),
            ~is_adoption(),
        )
        .options(selectinload(Agreement.policy_version).selectinload(PolicyVersion.obligations))
        .order_by(Agreement.id)
    ).all()
    existing = set(
        db.session.execute(select(AttestationRequest.agreement_id, AttestationRequest.due_date))
    )
    fallback = latest_published()
    horizon = today + timedelta(days=lead_days)
    directory = Directory.load(a.organisation_id for a in agreements)
    created = []
    for agreement in agreements:
        months = interval_months(agreement)
        due = latest_due_date(agreement.effective_date, months, horizon=horizon)
        if due is None or (agreement.id, due) in existing:
            continue
        request = _new_request(agreement, due, months, requested_by=None, fallback=fallback)
        summary = f"Scheduled for {agreement.number}"
        record(actor, request, "attestation.scheduled", summary, _created(request))
        notices.mail_requested(request, directory)
        created.append(request)
    if created:
        commit_or_conflict()
    return created


def request_attestation(
    *, actor: Any, agreement: Agreement, due_date: date | None, today: date
) -> AttestationRequest:
    """A request made by hand by the privacy office, outside the schedule."""
    if agreement.status not in AgreementStatus.RENEWABLE:
        raise ValidationFailed(
            {"agreement_id": "Choose an agreement that is executed or in force."}
        )
    if agreement.adopts is not None:
        raise ValidationFailed(
            {
                "agreement_id": f"{agreement.number} adopts agreement {agreement.adopts.number}: "
                f"its flows are attested under {agreement.adopts.number}. Request the "
                "attestation for that agreement."
            }
        )
    if due_date is None:
        raise ValidationFailed({"due_date": "Enter the due date."})
    if due_date < today:
        raise ValidationFailed({"due_date": "The due date cannot be in the past."})
    taken = db.session.scalar(
        select(AttestationRequest.id).where(
            AttestationRequest.agreement_id == agreement.id,
            AttestationRequest.due_date == due_date,
        )
    )
    if taken:
        raise ValidationFailed(
            {"due_date": f"{agreement.number} already has an attestation due that day."}
        )
    request = _new_request(agreement, due_date, interval_months(agreement), requested_by=actor)
    summary = f"Requested for {agreement.number}"
    record(actor, request, "attestation.requested", summary, _created(request))
    notices.mail_requested(request, Directory.load([request.organisation_id]))
    commit_or_conflict(STALE_MESSAGE)
    return request


def _new_request(
    agreement: Agreement,
    due: date,
    months: int,
    *,
    requested_by: Any,
    fallback: PolicyVersion | None = None,
) -> AttestationRequest:
    previous_end = db.session.scalar(
        select(func.max(AttestationRequest.period_end)).where(
            AttestationRequest.agreement_id == agreement.id, AttestationRequest.due_date < due
        )
    )
    start, end = period_for(
        due, months, effective=agreement.effective_date, previous_end=previous_end
    )
    request = AttestationRequest(
        agreement=agreement,
        organisation_id=agreement.organisation_id,
        due_date=due,
        period_start=start,
        period_end=end,
        status=S.PENDING,
        round=1,
        questionnaire=build_questionnaire(agreement, fallback),
        requested_by_id=getattr(requested_by, "id", None),
    )
    db.session.add(request)
    db.session.flush()
    return request


def _created(request: AttestationRequest) -> dict[str, Any]:
    after = audit.snapshot(request, REQUEST_FIELDS)
    after["questions"] = [q["code"] for q in request.questionnaire]
    return audit.created(after)


def record(
    actor: Any, request: AttestationRequest, action: str, summary: str, changes: dict
) -> None:
    """The audit event of a step on the request (answers.py records its steps here too)."""
    audit.record(
        actor=actor,
        action=action,
        object_type="attestation_request",
        object_id=request.id,
        organisation_id=request.organisation_id,
        changes=changes,
        summary=f"{summary}, due {request.due_date.isoformat()}",
    )

"""Attestation use cases: scheduling and requesting, answering, submitting and reviewing.

Each request carries a snapshot of its questions, taken when it is created, so that later
policy versions never change what an organisation was asked. Answers are kept per round:
a returned question gets a fresh answer in the next round, and earlier rounds stay as history.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from sharing.agreements.dates import add_months
from sharing.agreements.models import Agreement, AgreementStatus
from sharing.attestations import notices
from sharing.attestations.models import (
    AnswerReview,
    AnswerValue,
    AttestationAnswer,
    AttestationRequest,
    AttestationStatus,
)
from sharing.attestations.workflow import check_step
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
IN_FORCE = (AgreementStatus.ACTIVE, AgreementStatus.EXPIRING)
REQUESTABLE = (AgreementStatus.EXECUTED, *IN_FORCE)
INTERVAL_PARAMETER = "attestation_interval_months"
DEFAULT_INTERVAL = 12
MAX_TEXT = 5000
NEEDS_EXPLANATION = (AnswerValue.NO, AnswerValue.NOT_APPLICABLE)
REQUEST_FIELDS = ("status", "round", "due_date", "signer_name", "signer_title", "attested")

Answers = dict[str, tuple[AnswerValue | None, str]]
Decisions = dict[str, tuple[AnswerReview | None, str]]


# Field names: each question's inputs, so that a reason shows beside its question -----------


def _slug(code: str) -> str:
    return code.lower().replace("-", "_").replace(".", "_")


def answer_field(code: str) -> str:
    return f"answer_{_slug(code)}"


def explanation_field(code: str) -> str:
    return f"explanation_{_slug(code)}"


def decision_field(code: str) -> str:
    return f"decision_{_slug(code)}"


def comment_field(code: str) -> str:
    return f"comment_{_slug(code)}"


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


def period_for(due: date, months: int) -> tuple[date, date]:
    """The `months`-long period that ends the day before the due date."""
    return add_months(due, -months), due - timedelta(days=1)


def schedule_attestations(
    *, today: date, actor: Any = SYSTEM, lead_days: int = 30
) -> list[AttestationRequest]:
    """Create the request each agreement in force is due within `lead_days`; idempotent."""
    agreements = db.session.scalars(
        select(Agreement)
        .where(Agreement.status.in_(IN_FORCE), Agreement.effective_date.is_not(None))
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
        _record(actor, request, "attestation.scheduled", summary, _created(request))
        notices.mail_requested(request, directory)
        created.append(request)
    if created:
        commit_or_conflict()
    return created


def request_attestation(
    *, actor: Any, agreement: Agreement, due_date: date | None, today: date
) -> AttestationRequest:
    """A request made by hand by the privacy office, outside the schedule."""
    if agreement.status not in REQUESTABLE:
        raise ValidationFailed(
            {"agreement_id": "Choose an agreement that is executed or in force."}
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
    _record(actor, request, "attestation.requested", summary, _created(request))
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
    start, end = period_for(due, months)
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


def _record(
    actor: Any, request: AttestationRequest, action: str, summary: str, changes: dict
) -> None:
    audit.record(
        actor=actor,
        action=action,
        object_type="attestation_request",
        object_id=request.id,
        organisation_id=request.organisation_id,
        changes=changes,
        summary=f"{summary}, due {request.due_date.isoformat()}",
    )


# Answering ----------------------------------------------------------------------------------


def current_answers(request: AttestationRequest) -> dict[str, AttestationAnswer]:
    """The latest answer to each question, whatever round it was given in."""
    latest: dict[str, AttestationAnswer] = {}
    for answer in sorted(request.answers, key=lambda a: (a.round, a.id or 0)):
        latest[answer.obligation_code] = answer
    return latest


def answerable_codes(request: AttestationRequest) -> list[str]:
    """Round 1 asks every question; later rounds only those returned in the round before."""
    codes = [q["code"] for q in request.questionnaire]
    if request.round <= 1:
        return codes
    returned = {
        a.obligation_code
        for a in request.answers
        if a.round == request.round - 1 and a.review == AnswerReview.RETURNED
    }
    return [code for code in codes if code in returned]


def _answers_snapshot(request: AttestationRequest) -> dict[str, Any]:
    return {
        a.obligation_code: {"answer": audit.jsonable(a.answer), "explanation": a.explanation}
        for a in request.answers
        if a.round == request.round
    }


def save_answers(
    *,
    actor: Any,
    request: AttestationRequest,
    answers: Answers,
    expected_version: int | None,
    now: datetime,
) -> AttestationRequest:
    """Save a draft (it may be incomplete); only this round's questions can change."""
    check_step(actor, request, "save", expected_version)
    errors = {
        explanation_field(code): f"Use at most {MAX_TEXT} characters."
        for code, (_, text) in answers.items()
        if len(text or "") > MAX_TEXT
    }
    if errors:
        raise ValidationFailed(errors)
    before = _answers_snapshot(request)
    status, version = request.status, request.version
    rows = {a.obligation_code: a for a in request.answers if a.round == request.round}
    for code in answerable_codes(request):
        if code not in answers:
            continue
        value, text = answers[code]
        row = rows.get(code)
        if row is None:
            row = AttestationAnswer(obligation_code=code, round=request.round)
            request.answers.append(row)
        row.answer, row.explanation = value, (text or "").strip()
        row.answered_by_id, row.answered_at = actor.id, now
    if request.status == S.PENDING:
        request.status = S.IN_PROGRESS
    request.updated_at = now  # moves the version on, so a stale page is caught
    changes = audit.diff({"answers": before}, {"answers": _answers_snapshot(request)})
    changes["status"] = {"before": status.value, "after": request.status.value}
    changes["version"] = {"before": version, "after": version + 1}
    _record(actor, request, "attestation.saved", "Saved draft answers", changes)
    commit_or_conflict(STALE_MESSAGE)
    return request


def submission_problems(request: AttestationRequest) -> dict[str, str]:
    """Reasons, per question field, why this round's answers cannot be submitted yet."""
    rows = {a.obligation_code: a for a in request.answers if a.round == request.round}
    problems = {}
    for code in answerable_codes(request):
        row = rows.get(code)
        if row is None or row.answer is None:
            problems[answer_field(code)] = "Answer this question: yes, no or not applicable."
        elif row.answer in NEEDS_EXPLANATION and not row.explanation.strip():
            problems[explanation_field(code)] = "Explain why the answer is no or not applicable."
    return problems


def submit_attestation(
    *,
    actor: Any,
    request: AttestationRequest,
    signer_name: str,
    signer_title: str,
    attested: bool,
    expected_version: int | None,
    now: datetime,
) -> AttestationRequest:
    """Sign and submit this round's answers; from then on they are read-only."""
    check_step(actor, request, "submit", expected_version)
    signer_name, signer_title = (signer_name or "").strip(), (signer_title or "").strip()
    errors = submission_problems(request)
    if not signer_name:
        errors["signer_name"] = "Enter the name of the person who signs."
    if not signer_title:
        errors["signer_title"] = "Enter the signer's title."
    if len(signer_name) > 120 or len(signer_title) > 120:
        errors.setdefault("signer_name", "Use at most 120 characters.")
    if not attested:
        errors["attested"] = "Tick the statement to attest to the answers."
    if errors:
        raise ValidationFailed(errors, "The attestation cannot be submitted yet.")
    before = audit.snapshot(request, REQUEST_FIELDS)
    request.signer_name, request.signer_title, request.attested = signer_name, signer_title, True
    request.submitted_at, request.submitted_by_id = now, actor.id
    request.status = S.SUBMITTED
    changes = audit.diff(before, audit.snapshot(request, REQUEST_FIELDS))
    changes["version"] = {"before": request.version, "after": request.version + 1}
    _record(actor, request, "attestation.submitted", f"Submitted round {request.round}", changes)
    commit_or_conflict(STALE_MESSAGE)
    return request


# Review ---------------------------------------------------------------------------------------


def review_attestation(
    *,
    actor: Any,
    request: AttestationRequest,
    decisions: Decisions,
    comment: str,
    expected_version: int | None,
    now: datetime,
) -> AttestationRequest:
    """Accept the round, or return some questions with comments for the vendor to answer."""
    check_step(actor, request, "review", expected_version)
    rows = [a for a in request.answers if a.round == request.round]
    comment = (comment or "").strip()
    _check_decisions(rows, decisions, comment)
    returned = []
    for row in rows:
        decision, note = decisions[row.obligation_code]
        row.review, row.review_comment = decision, (note or "").strip()
        if decision == AnswerReview.RETURNED:
            returned.append(row.obligation_code)
    before = audit.snapshot(request, REQUEST_FIELDS)
    request.reviewed_at, request.reviewed_by_id, request.review_comment = now, actor.id, comment
    if returned:
        notices.mail_returned(request, submitter_id=request.submitted_by_id)
        _start_round(request, returned)
    else:
        request.status = S.ACCEPTED
    changes = audit.diff(before, audit.snapshot(request, REQUEST_FIELDS))
    changes["returned"] = {"before": None, "after": returned}
    changes["version"] = {"before": request.version, "after": request.version + 1}
    action = "attestation.returned" if returned else "attestation.accepted"
    summary = f"Returned {', '.join(returned)}" if returned else "Accepted the attestation"
    _record(actor, request, action, summary, changes)
    commit_or_conflict(STALE_MESSAGE)
    return request


def _check_decisions(rows: list[AttestationAnswer], decisions: Decisions, comment: str) -> None:
    errors = {}
    for row in rows:
        decision, note = decisions.get(row.obligation_code, (None, ""))
        if decision not in (AnswerReview.ACCEPTED, AnswerReview.RETURNED):
            errors[decision_field(row.obligation_code)] = "Accept or return this answer."
        elif decision == AnswerReview.RETURNED and not (note or "").strip():
            errors[comment_field(row.obligation_code)] = "Say what needs to change."
        if len(note or "") > MAX_TEXT:
            errors[comment_field(row.obligation_code)] = f"Use at most {MAX_TEXT} characters."
    if len(comment) > MAX_TEXT:
        errors["comment"] = f"Use at most {MAX_TEXT} characters."
    if errors:
        raise ValidationFailed(errors)


def _start_round(request: AttestationRequest, returned: list[str]) -> None:
    """The next round asks the returned questions again; the signature is for a new round."""
    request.status = S.RETURNED
    request.round += 1
    for code in returned:
        request.answers.append(AttestationAnswer(obligation_code=code, round=request.round))
    request.submitted_at = request.submitted_by_id = None
    request.signer_name = request.signer_title = ""
    request.attested = False

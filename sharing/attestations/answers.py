"""Answering attestations: draft answers, submission with the signer's statement, and the
privacy office's review of each answer, round by round.

Answers are kept per round: a returned question gets a fresh answer in the next round, and
earlier rounds stay as history. Each question's inputs have their own field names, so that a
reason shows beside its question.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sharing.attestations import follow_ups, notices
from sharing.attestations.models import (
    AnswerReview,
    AnswerValue,
    AttestationAnswer,
    AttestationRequest,
    AttestationStatus,
)
from sharing.attestations.services import REQUEST_FIELDS, STALE_MESSAGE, record
from sharing.attestations.workflow import check_step
from sharing.audit import services as audit
from sharing.core.database import commit_or_conflict
from sharing.errors import ValidationFailed

S = AttestationStatus
MAX_TEXT = 5000
NEEDS_EXPLANATION = (AnswerValue.NO, AnswerValue.NOT_APPLICABLE)

Answers = dict[str, tuple[AnswerValue | None, str]]
Decisions = dict[str, tuple[AnswerReview | None, str]]


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


def answered_codes(request: AttestationRequest) -> set[str]:
    """The questions whose current answer has a value (a returned one counts once answered)."""
    return {code for code, row in current_answers(request).items() if row.answer is not None}


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
    record(actor, request, "attestation.saved", "Saved draft answers", changes)
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
    record(actor, request, "attestation.submitted", f"Submitted round {request.round}", changes)
    notices.notify_submitted(request, actor=actor)
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
    if errors := review_problems(rows, decisions, comment):
        raise ValidationFailed(errors)
    returned = []
    for row in rows:
        decision, note = decisions[row.obligation_code]
        row.review, row.review_comment = decision, (note or "").strip()
        if decision == AnswerReview.RETURNED:
            returned.append(row.obligation_code)
    opened = follow_ups.open_for_accepted_noes(actor=actor, request=request, rows=rows, now=now)
    before = audit.snapshot(request, REQUEST_FIELDS)
    request.reviewed_at, request.reviewed_by_id, request.review_comment = now, actor.id, comment
    if returned:
        notices.mail_returned(request, submitter_id=request.submitted_by_id)
        _start_round(request, returned)
    else:
        request.status = S.ACCEPTED
        notices.notify_accepted(request, actor=actor)
    changes = audit.diff(before, audit.snapshot(request, REQUEST_FIELDS))
    changes["returned"] = {"before": None, "after": returned}
    if opened:
        changes["follow_ups_opened"] = {"before": None, "after": opened}
    changes["version"] = {"before": request.version, "after": request.version + 1}
    action = "attestation.returned" if returned else "attestation.accepted"
    summary = f"Returned {', '.join(returned)}" if returned else "Accepted the attestation"
    record(actor, request, action, summary, changes)
    commit_or_conflict(STALE_MESSAGE)
    return request


def review_problems(
    rows: list[AttestationAnswer], decisions: Decisions, comment: str
) -> dict[str, str]:
    """Reasons, per field, why these decisions cannot be recorded; empty when they can."""
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
    return errors


def accept_remaining(decisions: Decisions, codes: list[str]) -> tuple[Decisions, list[str]]:
    """The decisions with every question not yet decided accepted, and the codes so accepted."""
    filled, accepted = dict(decisions), []
    for code in codes:
        decision, note = filled.get(code, (None, ""))
        if decision is None:
            filled[code] = (AnswerReview.ACCEPTED, note)
            accepted.append(code)
    return filled, accepted


def _start_round(request: AttestationRequest, returned: list[str]) -> None:
    """The next round asks the returned questions again; the signature is for a new round."""
    request.status = S.RETURNED
    request.round += 1
    for code in returned:
        request.answers.append(AttestationAnswer(obligation_code=code, round=request.round))
    request.submitted_at = request.submitted_by_id = None
    request.signer_name = request.signer_title = ""
    request.attested = False

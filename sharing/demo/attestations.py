"""Builds the demo attestation requests: pending, overdue, submitted, returned and accepted."""

from __future__ import annotations

from datetime import timedelta

from sharing.attestations.models import (
    AnswerReview,
    AnswerValue,
    AttestationAnswer,
    AttestationRequest,
    AttestationStatus,
)
from sharing.core.roles import Role
from sharing.demo.agreements_data import ATTESTATIONS, EXCEPTIONS, RETURN_COMMENT
from sharing.demo.context import DemoContext
from sharing.demo.policy import questionnaire
from sharing.demo.specs import AttestationSpec
from sharing.extensions import db
from sharing.vendors.models import ContactRole

S = AttestationStatus
ANSWERED = (S.SUBMITTED, S.RETURNED, S.ACCEPTED)


def build_attestations(ctx: DemoContext) -> None:
    for spec in ATTESTATIONS:
        request = _request(ctx, spec)
        if spec.status in ANSWERED:
            _sign(ctx, request)
            _answer(ctx, request)
        if spec.status in (S.RETURNED, S.ACCEPTED):
            _review(ctx, request)
        db.session.add(request)
        ctx.count("attestation_requests")


def _request(ctx: DemoContext, spec: AttestationSpec) -> AttestationRequest:
    agreement = ctx.agreements[spec.org]
    due = ctx.date_in(spec.due_in_days)
    period_end = due - timedelta(days=30)
    return AttestationRequest(
        agreement=agreement,
        organisation_id=agreement.organisation_id,
        period_start=period_end - timedelta(days=364),
        period_end=period_end,
        due_date=due,
        status=spec.status,
        questionnaire=questionnaire(ctx, agreement.obligation_codes),
        round=2 if spec.status == S.RETURNED else 1,
        requested_by_id=ctx.users[Role.PRIVACY].id,
        created_at=ctx.days_ago(30 - spec.due_in_days),
        is_demo=True,
    )


def _sign(ctx: DemoContext, request: AttestationRequest) -> None:
    """The organisation's signatory attests; the vendor user submits for their own org."""
    organisation = request.agreement.organisation
    signatory = next(c for c in organisation.contacts if c.role == ContactRole.SIGNATORY)
    request.signer_name, request.signer_title = signatory.name, signatory.title
    request.attested = True
    request.submitted_at = ctx.days_ago(max((ctx.today - request.due_date).days + 3, 1))
    request.submitted_by_id = _vendor_user_id(ctx, request)


def _vendor_user_id(ctx: DemoContext, request: AttestationRequest) -> int | None:
    vendor = ctx.users[Role.VENDOR]
    return vendor.id if vendor.organisation_id == request.organisation_id else None


def _answer(ctx: DemoContext, request: AttestationRequest) -> None:
    """Round-1 answers: mostly yes, with the explained exceptions from the demo data."""
    for question in request.questionnaire:
        value, explanation = EXCEPTIONS.get(question["code"], ("yes", ""))
        if request.status == S.ACCEPTED and value == "no":
            value, explanation = "yes", ""
        request.answers.append(
            AttestationAnswer(
                obligation_code=question["code"],
                round=1,
                answer=AnswerValue(value),
                explanation=explanation,
                answered_by_id=request.submitted_by_id,
                answered_at=request.submitted_at,
            )
        )


def _review(ctx: DemoContext, request: AttestationRequest) -> None:
    """Accepted requests accept every answer; a returned one sends RET-1 back."""
    request.reviewed_at = (request.submitted_at or ctx.now) + timedelta(days=2)
    request.reviewed_by_id = ctx.users[Role.PRIVACY].id
    for answer in request.answers:
        returned = request.status == S.RETURNED and answer.obligation_code == "RET-1"
        answer.review = AnswerReview.RETURNED if returned else AnswerReview.ACCEPTED
        answer.review_comment = RETURN_COMMENT if returned else ""
    if request.status == S.RETURNED:
        request.review_comment = RETURN_COMMENT

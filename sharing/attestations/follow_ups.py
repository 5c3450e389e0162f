"""Follow-up items: opened when the privacy office accepts an answer of "no", so that the gap
the vendor admitted is tracked to its end; listed on the request and on the office's own list,
and closed with a note."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.orm import selectinload

from sharing.attestations.models import (
    AnswerReview,
    AnswerValue,
    AttestationAnswer,
    AttestationFollowUp,
    AttestationRequest,
    FollowUpStatus,
)
from sharing.audit import services as audit
from sharing.core.database import commit_or_conflict
from sharing.errors import Conflict, ValidationFailed
from sharing.extensions import db

MAX_NOTE = 5000
AUDIT_FIELDS = ("request_id", "obligation_code", "text", "status", "closing_note")


def follow_up_text(request: AttestationRequest, answer: AttestationAnswer) -> str:
    """What the item says: the question's title and the vendor's own explanation."""
    title = request.question_titles.get(answer.obligation_code) or answer.obligation_code
    explanation = answer.explanation.strip() or "no explanation given"
    return f"{title}: the organization answered no ({explanation})."


def open_for_accepted_noes(
    *, actor: Any, request: AttestationRequest, rows: list[AttestationAnswer], now: datetime
) -> list[str]:
    """Open one item for each "no" accepted in this review (never a second for a question);
    the caller records them in its own audit event and commits. Returns the codes."""
    wanted = [
        row for row in rows if row.review == AnswerReview.ACCEPTED and row.answer == AnswerValue.NO
    ]
    if not wanted:
        return []
    existing = set(
        db.session.scalars(
            select(AttestationFollowUp.obligation_code).where(
                AttestationFollowUp.request_id == request.id
            )
        )
    )
    opened = []
    for row in wanted:
        if row.obligation_code in existing:
            continue
        db.session.add(
            AttestationFollowUp(
                request_id=request.id,
                obligation_code=row.obligation_code,
                text=follow_up_text(request, row),
                status=FollowUpStatus.OPEN,
                created_by_id=getattr(actor, "id", None),
                created_at=now,
            )
        )
        opened.append(row.obligation_code)
    return opened


def close_follow_up(
    *, actor: Any, follow_up: AttestationFollowUp, note: str, now: datetime
) -> AttestationFollowUp:
    """Close an open item with a note saying how the gap was dealt with."""
    if not follow_up.is_open:
        raise Conflict("This follow-up is closed already.")
    note = (note or "").strip()
    if not note:
        raise ValidationFailed({"note": "Say how the gap was dealt with."})
    if len(note) > MAX_NOTE:
        raise ValidationFailed({"note": f"Use at most {MAX_NOTE} characters."})
    before = audit.snapshot(follow_up, AUDIT_FIELDS)
    follow_up.status, follow_up.closing_note = FollowUpStatus.CLOSED, note
    follow_up.closed_by_id, follow_up.closed_at = actor.id, now
    audit.record(
        actor=actor,
        action="attestation.follow_up_closed",
        object_type="attestation_follow_up",
        object_id=follow_up.id,
        organisation_id=follow_up.request.organisation_id,
        changes=audit.diff(before, audit.snapshot(follow_up, AUDIT_FIELDS)),
        summary=f"Closed the follow-up on {follow_up.obligation_code}",
    )
    commit_or_conflict()
    return follow_up


# Queries --------------------------------------------------------------------------------------


def for_request(request_id: int) -> dict[str, AttestationFollowUp]:
    """A request's items by question code."""
    rows = db.session.scalars(
        select(AttestationFollowUp).where(AttestationFollowUp.request_id == request_id)
    )
    return {row.obligation_code: row for row in rows}


def follow_ups_query(status: str) -> Select:
    """The office's list: open items (or closed, or all) oldest first, with their requests."""
    stmt = select(AttestationFollowUp).options(
        selectinload(AttestationFollowUp.request).selectinload(AttestationRequest.organisation),
        selectinload(AttestationFollowUp.request).selectinload(AttestationRequest.agreement),
    )
    if status in {s.value for s in FollowUpStatus}:
        stmt = stmt.where(AttestationFollowUp.status == FollowUpStatus(status))
    return stmt.order_by(AttestationFollowUp.created_at, AttestationFollowUp.id)

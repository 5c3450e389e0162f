"""The privacy office's work on a case: assigning it, moving it along its transition table,
internal notes, the public response, and the deadline. Each step is audited with what it
changed and commits once."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import select

from sharing.audit import services as audit
from sharing.auth.models import User
from sharing.concerns import notices
from sharing.concerns.models import BODY_MAX, Concern, ConcernNote, ConcernStatus
from sharing.core.database import commit_or_conflict
from sharing.core.roles import Role
from sharing.errors import Conflict, ValidationFailed
from sharing.extensions import db
from sharing.mail import services as mail

STALE = "This case was changed by someone else meanwhile. Reload it and try again."


@dataclass(frozen=True)
class Step:
    label: str
    sources: tuple[ConcernStatus, ...]
    target: ConcernStatus
    done: str  # the message after the step, completed with the reference


# Answering is its own step (`respond`), since it needs the response's text.
STEPS: dict[str, Step] = {
    "start_review": Step(
        "Start review", (ConcernStatus.RECEIVED,), ConcernStatus.IN_REVIEW, "is in review"
    ),
    "close": Step(
        "Close",
        (ConcernStatus.RECEIVED, ConcernStatus.IN_REVIEW, ConcernStatus.ANSWERED),
        ConcernStatus.CLOSED,
        "is closed",
    ),
    "reopen": Step(
        "Reopen",
        (ConcernStatus.ANSWERED, ConcernStatus.CLOSED),
        ConcernStatus.IN_REVIEW,
        "is open again, in review",
    ),
}
ANSWERABLE = (ConcernStatus.RECEIVED, ConcernStatus.IN_REVIEW, ConcernStatus.ANSWERED)


def available_steps(concern: Concern) -> list[tuple[str, Step]]:
    return [(name, step) for name, step in STEPS.items() if concern.status in step.sources]


def _check_version(concern: Concern, expected_version: int | None) -> None:
    if expected_version is not None and expected_version != concern.version:
        raise Conflict(STALE)


def _record(actor: Any, concern: Concern, action: str, changes: dict, summary: str) -> None:
    audit.record(
        actor=actor,
        action=f"concern.{action}",
        object_type="concern",
        object_id=concern.id,
        changes=changes,
        summary=f"{summary}: {concern.reference}",
    )


def step_case(
    *, actor: Any, concern: Concern, step: str, expected_version: int | None, now: datetime
) -> Concern:
    chosen = STEPS.get(step)
    if chosen is None or concern.status not in chosen.sources:
        raise Conflict(f"A case that is {concern.status.label.lower()} cannot be moved that way.")
    _check_version(concern, expected_version)
    before, closed_before = concern.status, concern.closed_at
    concern.status = chosen.target
    concern.closed_at = now if chosen.target == ConcernStatus.CLOSED else None
    changes = {"status": {"before": before.value, "after": chosen.target.value}}
    if concern.closed_at != closed_before:
        changes["closed_at"] = {
            "before": audit.jsonable(closed_before),
            "after": audit.jsonable(concern.closed_at),
        }
    _record(actor, concern, step, changes, chosen.label)
    commit_or_conflict(STALE)
    return concern


def assignable_users() -> list[User]:
    """Active privacy office users and administrators, by name."""
    return list(
        db.session.scalars(
            select(User)
            .where(User.role.in_(Role.OFFICE), User.active.is_(True))
            .order_by(User.name, User.id)
        )
    )


def assign_case(
    *, actor: Any, concern: Concern, assignee_id: int | None, expected_version: int | None
) -> Concern:
    """Give the case to an office user, or to nobody (None)."""
    _check_version(concern, expected_version)
    if assignee_id is not None:
        user = db.session.get(User, assignee_id)
        if user is None or not user.active or user.role not in Role.OFFICE:
            raise ValidationFailed({"assignee_id": "Choose an active privacy office user."})
    if assignee_id == concern.assignee_id:
        return concern
    before = concern.assignee_id
    concern.assignee_id = assignee_id
    db.session.flush()
    _record(
        actor,
        concern,
        "assigned",
        {"assignee_id": {"before": before, "after": assignee_id}},
        "Assigned" if assignee_id else "Unassigned",
    )
    queued = notices.notify_assignee(concern, actor=actor)
    commit_or_conflict(STALE)
    mail.deliver_pending(ids=[n.id for n in queued])
    return concern


def add_note(*, actor: Any, concern: Concern, body: str, now: datetime) -> ConcernNote:
    text = (body or "").strip()
    if not text:
        raise ValidationFailed({"body": "Write the note."})
    if len(text) > BODY_MAX:
        raise ValidationFailed({"body": f"Keep a note to {BODY_MAX:,} characters."})
    note = ConcernNote(concern_id=concern.id, author_id=actor.id, body=text, created_at=now)
    db.session.add(note)
    db.session.flush()
    audit.record(
        actor=actor,
        action="concern.note_added",
        object_type="concern_note",
        object_id=note.id,
        changes={"concern_id": {"before": None, "after": concern.id}},
        summary=f"Internal note added: {concern.reference}",
    )
    commit_or_conflict()
    return note


def respond(
    *,
    actor: Any,
    concern: Concern,
    response: str,
    expected_version: int | None,
    now: datetime,
) -> Concern:
    """Write or revise the public response: the case is answered, and the person hears of it
    if they left an address."""
    text = (response or "").strip()
    if not text:
        raise ValidationFailed({"public_response": "Write the response."})
    if len(text) > BODY_MAX:
        raise ValidationFailed({"public_response": f"Keep it to {BODY_MAX:,} characters."})
    if concern.status not in ANSWERABLE:
        raise Conflict("Reopen the case before answering it again.")
    _check_version(concern, expected_version)
    if text == concern.public_response and concern.status == ConcernStatus.ANSWERED:
        return concern
    before = audit.snapshot(concern, ("status", "public_response", "responded_at"))
    concern.public_response = text
    concern.status = ConcernStatus.ANSWERED
    concern.responded_at = now
    concern.responded_by_id = actor.id
    after = audit.snapshot(concern, ("status", "public_response", "responded_at"))
    revised = bool(before["public_response"])
    _record(
        actor,
        concern,
        "response_revised" if revised else "answered",
        audit.diff(before, after),
        "Response revised" if revised else "Answered",
    )
    message = notices.send_response(concern)
    commit_or_conflict(STALE)
    mail.deliver_pending(ids=[message.id] if message is not None else [])
    return concern


def change_deadline(
    *,
    actor: Any,
    concern: Concern,
    due_on: date,
    reason: str,
    expected_version: int | None,
) -> Concern:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed({"reason": "Say why the deadline changes."})
    if due_on < concern.received_at.date():
        raise ValidationFailed({"due_on": "The deadline cannot be before the day it came in."})
    _check_version(concern, expected_version)
    if due_on == concern.due_on:
        raise ValidationFailed({"due_on": "That is already the deadline."})
    before = concern.due_on
    concern.due_on = due_on
    _record(
        actor,
        concern,
        "deadline_changed",
        {
            "due_on": {"before": before.isoformat(), "after": due_on.isoformat()},
            "reason": {"before": None, "after": reason},
        },
        "Deadline changed",
    )
    commit_or_conflict(STALE)
    return concern

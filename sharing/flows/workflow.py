"""The review workflow: one transition table, the step that enforces it, and comments."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import select

from sharing.audit import services as audit
from sharing.audit.models import AuditEvent
from sharing.auth.models import User
from sharing.core.clock import today as city_today
from sharing.core.database import commit_or_conflict
from sharing.core.models import utcnow
from sharing.core.roles import Role
from sharing.core.signals import announce
from sharing.errors import Conflict, Forbidden, ValidationFailed
from sharing.extensions import db
from sharing.flows import events, notices
from sharing.flows.models import DataFlow, FlowComment, FlowStatus
from sharing.flows.rules import submission_problems
from sharing.flows.services import changes_since, open_revision
from sharing.mail import services as mail

S = FlowStatus
MAX_COMMENT = 5000


@dataclass(frozen=True)
class Transition:
    label: str
    sources: frozenset[FlowStatus]
    target: FlowStatus
    roles: frozenset[str]
    comment_required: bool = False
    confirm: str = ""  # asked in the browser before posting, for steps that are hard to undo
    style: str = "primary"
    done: str = ""  # what the person who took the step is told: {name} and {revision}

    def done_message(self, flow: DataFlow) -> str:
        return self.done.format(name=flow.system_name, revision=flow.revision)


TRANSITIONS: dict[str, Transition] = {
    "submit": Transition(
        "Submit for review",
        frozenset({S.DRAFT, S.CHANGES_REQUESTED}),
        S.SUBMITTED,
        frozenset(Role.REGISTRY_EDITORS),
        done="Flow “{name}” submitted to the privacy office for review.",
    ),
    "start_review": Transition(
        "Start review",
        frozenset({S.SUBMITTED}),
        S.IN_REVIEW,
        frozenset(Role.OFFICE),
        done="Review of flow “{name}” started.",
    ),
    "approve": Transition(
        "Approve",
        frozenset({S.IN_REVIEW}),
        S.APPROVED,
        frozenset(Role.OFFICE),
        confirm="Approve this revision? It comes into force and replaces any earlier one.",
        style="success",
        done="Flow “{name}” approved; revision {revision} is in force.",
    ),
    "request_changes": Transition(
        "Request changes",
        frozenset({S.IN_REVIEW}),
        S.CHANGES_REQUESTED,
        frozenset(Role.OFFICE),
        comment_required=True,
        style="warning",
        done="Flow “{name}” returned with your request for changes.",
    ),
    "retire": Transition(
        "Retire",
        frozenset({S.APPROVED}),
        S.RETIRED,
        frozenset(Role.STAFF),
        confirm="Retire this flow? The data sharing it describes must stop.",
        style="outline-danger",
        done="Flow “{name}” retired.",
    ),
}


def available_actions(flow: DataFlow, user: Any) -> list[tuple[str, Transition]]:
    """The steps this user may take on this flow now, in table order."""
    role = _role(user)
    return [
        (action, step)
        for action, step in TRANSITIONS.items()
        if flow.status in step.sources and role in step.roles
    ]


def transition_flow(
    *,
    actor: Any,
    flow: DataFlow,
    action: str,
    comment: str = "",
    expected_version: int | None,
    today: date | None = None,
) -> DataFlow:
    """Move the flow one step through review, as the transition table allows, and announce
    it (events.flow_transitioned, dated `today`, the city's today by default): the register
    follows approvals and retirements, and what its receivers return joins the audit event."""
    step = TRANSITIONS.get(action)
    if step is None:
        raise Conflict("That is not a step of the review workflow.")
    if _role(actor) not in step.roles:
        raise Forbidden(f"Your role may not {step.label.lower()} a flow.")
    if flow.status not in step.sources:
        raise Conflict(
            f"A {flow.status.label.lower()} flow cannot be moved to "
            f"{step.target.label.lower()} (“{step.label}”)."
        )
    if expected_version is not None and expected_version != flow.version:
        raise Conflict(changes_since(flow, expected_version))
    comment = (comment or "").strip()
    _check_step(flow, action, step, comment)

    before, version = flow.status, flow.version
    superseded = _apply_step(actor, flow, action, step)
    if comment:
        flow.comments.append(FlowComment(author_id=actor.id, body=comment, created_at=utcnow()))
    changes: dict[str, Any] = {
        "status": {"before": before.value, "after": step.target.value},
        "version": {"before": version, "after": version + 1},
    }
    if superseded is not None:
        changes["superseded_revision"] = {"before": None, "after": superseded.revision}
    if comment:
        changes["comment"] = {"before": None, "after": comment}
    followed = announce(
        events.flow_transitioned, flow=flow, action=action, today=today or city_today()
    )
    changes.update(followed)
    audit.record(
        actor=actor,
        action=f"flow.{action}",
        object_type="flow",
        object_id=flow.id,
        organisation_id=flow.organisation_id,
        changes=changes,
        summary=f"{step.label}: {flow.system_name} (revision {flow.revision})",
    )
    queued = notices.notify_step(flow, action, comment, actor=actor)
    ids = [n.id for n in queued]
    commit_or_conflict()
    mail.deliver_pending(ids=ids)
    return flow


@dataclass(frozen=True)
class ChangeRequest:
    """What the reviewer asked for when they returned a flow, by whom and when."""

    comment: str
    by: str
    at: datetime


def latest_change_request(flow: DataFlow) -> ChangeRequest | None:
    """The request behind a returned flow, read from its audit trail (which keeps the step's
    comment apart from the rest of the conversation); None unless the flow awaits a fix."""
    if flow.status != FlowStatus.CHANGES_REQUESTED:
        return None
    event = db.session.scalars(
        select(AuditEvent)
        .where(
            AuditEvent.object_type == "flow",
            AuditEvent.object_id == str(flow.id),
            AuditEvent.action == "flow.request_changes",
        )
        .order_by(AuditEvent.id.desc())
        .limit(1)
    ).first()
    if event is None:
        return None
    comment = ((event.changes or {}).get("comment") or {}).get("after") or ""
    reviewer = db.session.get(User, event.actor_id) if event.actor_id else None
    return ChangeRequest(
        comment=comment, by=reviewer.name if reviewer else event.actor_email, at=event.at
    )


def _check_step(flow: DataFlow, action: str, step: Transition, comment: str) -> None:
    if step.comment_required and not comment:
        raise ValidationFailed({"comment": "Say what needs to change."})
    if len(comment) > MAX_COMMENT:
        raise ValidationFailed({"comment": f"Use at most {MAX_COMMENT} characters."})
    if action == "submit":
        problems = submission_problems(flow)
        if problems:
            raise ValidationFailed(problems, "This flow is not ready for review yet.")
    if action == "retire":
        pending = open_revision(flow)
        if pending is not None:
            raise Conflict(
                f"Revision {pending.revision} of this flow is still open "
                f"({pending.status.label.lower()}). Finish its review before retiring the flow."
            )


def _apply_step(actor: Any, flow: DataFlow, action: str, step: Transition) -> DataFlow | None:
    """Set the new status and who/when; on approval, supersede the revision in force."""
    moment = utcnow()
    superseded = None
    if action == "submit":
        flow.submitted_by_id, flow.submitted_at = actor.id, moment
    elif action == "approve":
        flow.approved_by_id, flow.approved_at = actor.id, moment
        superseded = db.session.scalar(
            select(DataFlow).where(
                DataFlow.lineage_id == flow.lineage_id,
                DataFlow.id != flow.id,
                DataFlow.status == S.APPROVED,
            )
        )
        if superseded is not None:
            superseded.status = S.SUPERSEDED
            superseded.updated_at = moment
    flow.status = step.target
    flow.updated_at = moment
    return superseded


def add_comment(*, actor: Any, flow: DataFlow, body: str) -> FlowComment:
    """Add to the flow's review conversation (questions, answers, replies to a request)."""
    body = (body or "").strip()
    if not body:
        raise ValidationFailed({"body": "Write a comment first."})
    if len(body) > MAX_COMMENT:
        raise ValidationFailed({"body": f"Use at most {MAX_COMMENT} characters."})
    comment = FlowComment(flow=flow, author_id=actor.id, body=body, created_at=utcnow())
    db.session.add(comment)
    db.session.flush()
    audit.record(
        actor=actor,
        action="flow.commented",
        object_type="flow",
        object_id=flow.id,
        organisation_id=flow.organisation_id,
        changes={"comment": {"before": None, "after": body}},
        summary=f"Commented on {flow.system_name} (revision {flow.revision})",
    )
    commit_or_conflict()
    return comment


def _role(user: Any) -> str:
    role = getattr(user, "role", "")
    return getattr(role, "value", str(role))

"""The review of an algorithm record: one transition table, the step that enforces it, the
snapshot approval takes, and the review conversation."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sharing.algorithms import notices
from sharing.algorithms.models import Algorithm, AlgorithmComment, AlgorithmStatus
from sharing.algorithms.queries import public_values
from sharing.audit import services as audit
from sharing.core.clock import today as city_today
from sharing.core.database import commit_or_conflict
from sharing.core.models import utcnow
from sharing.core.roles import Role
from sharing.errors import Conflict, Forbidden, ValidationFailed
from sharing.extensions import db
from sharing.mail import services as mail

S = AlgorithmStatus
MAX_COMMENT = 5000

# What a record needs before the privacy office can review it, with the form's words.
REQUIRED: dict[str, str] = {
    "name": "Name",
    "summary": "Summary",
    "purpose": "Purpose",
    "decisions": "Decisions it informs",
    "decision_maker": "Who makes the decisions",
    "human_oversight": "Human oversight",
    "contest_route": "How to challenge a decision",
    "model_kind": "Kind of system",
    "risk_tier": "Risk tier",
    "flows": "Data flows used",
    "contact_email": "Public contact mailbox",
}


@dataclass(frozen=True)
class Transition:
    label: str
    sources: frozenset[AlgorithmStatus]
    target: AlgorithmStatus
    roles: frozenset[str]
    comment_required: bool = False
    date_required: bool = False
    confirm: str = ""  # asked in the browser before posting, for steps that are hard to undo
    style: str = "primary"
    done: str = ""  # what the person who took the step is told: {name}

    def done_message(self, algorithm: Algorithm) -> str:
        return self.done.format(name=algorithm.name)


TRANSITIONS: dict[str, Transition] = {
    "submit": Transition(
        "Submit for review",
        frozenset({S.DRAFT, S.CHANGES_REQUESTED}),
        S.SUBMITTED,
        frozenset(Role.REGISTRY_EDITORS),
        done="Algorithm record “{name}” submitted to the privacy office for review.",
    ),
    "start_review": Transition(
        "Start review",
        frozenset({S.SUBMITTED}),
        S.IN_REVIEW,
        frozenset(Role.OFFICE),
        done="Review of the algorithm record “{name}” started.",
    ),
    "approve": Transition(
        "Approve",
        frozenset({S.IN_REVIEW}),
        S.APPROVED,
        frozenset(Role.OFFICE),
        confirm="Approve this record? Its public fields replace what the public register shows.",
        style="success",
        done="Algorithm record “{name}” approved; the public register shows these values.",
    ),
    "request_changes": Transition(
        "Request changes",
        frozenset({S.IN_REVIEW}),
        S.CHANGES_REQUESTED,
        frozenset(Role.OFFICE),
        comment_required=True,
        style="warning",
        done="Algorithm record “{name}” returned with your request for changes.",
    ),
    "retire": Transition(
        "Retire",
        frozenset({S.APPROVED}),
        S.RETIRED,
        frozenset(Role.OFFICE),
        date_required=True,
        confirm="Retire this system? The register keeps it, marked as no longer in use.",
        style="outline-danger",
        done="Algorithm record “{name}” retired; the register shows it as no longer in use.",
    ),
}


def available_actions(algorithm: Algorithm, user: Any) -> list[tuple[str, Transition]]:
    """The steps this user may take on this record now, in table order."""
    role = _role(user)
    return [
        (action, step)
        for action, step in TRANSITIONS.items()
        if algorithm.status in step.sources and role in step.roles
    ]


def submission_problems(algorithm: Algorithm) -> dict[str, str]:
    """Every required field left empty, by field, each with its reason."""
    problems = {}
    for name, label in REQUIRED.items():
        value = algorithm.flows if name == "flows" else getattr(algorithm, name)
        if value in (None, "", []) or (isinstance(value, str) and not value.strip()):
            problems[name] = f"{label} is needed before review."
    return problems


def transition_algorithm(
    *,
    actor: Any,
    algorithm: Algorithm,
    action: str,
    comment: str = "",
    retired_on: date | None = None,
    expected_version: int | None,
    today: date | None = None,
) -> Algorithm:
    """Move the record one step through review, as the table allows. Approval and retirement
    take the public snapshot (dated `today`, the city's today by default)."""
    step = TRANSITIONS.get(action)
    if step is None:
        raise Conflict("That is not a step of the review workflow.")
    if _role(actor) not in step.roles:
        raise Forbidden(f"Your role may not {step.label.lower()} an algorithm record.")
    if algorithm.status not in step.sources:
        raise Conflict(
            f"A {algorithm.status.label.lower()} record cannot be moved to "
            f"{step.target.label.lower()} (“{step.label}”)."
        )
    if expected_version is not None and expected_version != algorithm.version:
        raise Conflict(
            "Someone else changed this record after you opened it. Reload the page and try again."
        )
    comment = (comment or "").strip()
    day = today or city_today()
    _check_step(algorithm, action, step, comment, retired_on, day)

    before, version = algorithm.status, algorithm.version
    changes: dict[str, Any] = {
        "status": {"before": before.value, "after": step.target.value},
        "version": {"before": version, "after": version + 1},
    }
    changes.update(_apply_step(actor, algorithm, action, step, retired_on, day))
    if comment:
        algorithm.comments.append(
            AlgorithmComment(author_id=actor.id, body=comment, created_at=utcnow())
        )
        changes["comment"] = {"before": None, "after": comment}
    audit.record(
        actor=actor,
        action=f"algorithm.{action}",
        object_type="algorithm",
        object_id=algorithm.id,
        organisation_id=algorithm.organisation_id,
        changes=changes,
        summary=f"{step.label}: {algorithm.name}",
    )
    queued = notices.notify_step(algorithm, action, comment, actor=actor)
    ids = [n.id for n in queued]
    commit_or_conflict()
    mail.deliver_pending(ids=ids)
    return algorithm


def _check_step(
    algorithm: Algorithm,
    action: str,
    step: Transition,
    comment: str,
    retired_on: date | None,
    today: date,
) -> None:
    if step.comment_required and not comment:
        raise ValidationFailed({"comment": "Say what needs to change."})
    if len(comment) > MAX_COMMENT:
        raise ValidationFailed({"comment": f"Use at most {MAX_COMMENT} characters."})
    if action == "submit":
        problems = submission_problems(algorithm)
        if problems:
            raise ValidationFailed(problems, "This record is not ready for review yet.")
    if step.date_required:
        if retired_on is None:
            raise ValidationFailed({"retired_on": "Give the date the City stopped using it."})
        if retired_on > today:
            raise ValidationFailed({"retired_on": "The retirement date cannot be in the future."})
        if algorithm.deployed_on and retired_on < algorithm.deployed_on:
            raise ValidationFailed(
                {"retired_on": "The retirement date must be on or after the date it came into use."}
            )


def _apply_step(
    actor: Any,
    algorithm: Algorithm,
    action: str,
    step: Transition,
    retired_on: date | None,
    today: date,
) -> dict[str, Any]:
    """Set the new status and who/when; approval and retirement re-take the snapshot.
    Returns what else changed, for the audit event."""
    moment = utcnow()
    changes: dict[str, Any] = {}
    if action == "submit":
        algorithm.submitted_by_id, algorithm.submitted_at = actor.id, moment
    if action == "retire":
        changes["retired_on"] = {
            "before": audit.jsonable(algorithm.retired_on),
            "after": audit.jsonable(retired_on),
        }
        algorithm.retired_on = retired_on
    algorithm.status = step.target
    algorithm.updated_at = moment
    if action in ("approve", "retire"):
        algorithm.approved_by_id, algorithm.approved_at = actor.id, moment
        previous = algorithm.approved_snapshot or {}
        algorithm.approved_snapshot = public_values(algorithm, approved_on=today)
        changes["approved_snapshot"] = {
            "before": previous or None,
            "after": algorithm.approved_snapshot,
        }
    return changes


def add_comment(*, actor: Any, algorithm: Algorithm, body: str) -> AlgorithmComment:
    """Add to the record's review conversation (questions, answers, replies to a request)."""
    body = (body or "").strip()
    if not body:
        raise ValidationFailed({"body": "Write a comment first."})
    if len(body) > MAX_COMMENT:
        raise ValidationFailed({"body": f"Use at most {MAX_COMMENT} characters."})
    comment = AlgorithmComment(
        algorithm=algorithm, author_id=actor.id, body=body, created_at=utcnow()
    )
    db.session.add(comment)
    db.session.flush()
    audit.record(
        actor=actor,
        action="algorithm.commented",
        object_type="algorithm",
        object_id=algorithm.id,
        organisation_id=algorithm.organisation_id,
        changes={"comment": {"before": None, "after": body}},
        summary=f"Commented on the algorithm record {algorithm.name}",
    )
    commit_or_conflict()
    return comment


def _role(user: Any) -> str:
    role = getattr(user, "role", "")
    return getattr(role, "value", str(role))

"""The attestation workflow: one transition table, used by the services to check a step and by
the pages to show the buttons a user may press."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sharing.attestations.models import AttestationRequest, AttestationStatus
from sharing.core.roles import Role
from sharing.errors import Conflict, Forbidden

S = AttestationStatus
OPEN_FOR_ANSWERS = frozenset({S.PENDING, S.IN_PROGRESS, S.RETURNED})


@dataclass(frozen=True)
class Transition:
    label: str
    sources: frozenset[AttestationStatus]
    targets: frozenset[AttestationStatus]
    roles: frozenset[str]
    endpoint: str  # the page that carries out the step
    style: str = "primary"


TRANSITIONS: dict[str, Transition] = {
    "save": Transition(
        "Answer the questions",
        OPEN_FOR_ANSWERS,
        frozenset({S.IN_PROGRESS, S.RETURNED}),
        frozenset({Role.VENDOR}),
        "attestations.answer",
        style="outline-primary",
    ),
    "submit": Transition(
        "Sign and submit",
        OPEN_FOR_ANSWERS,
        frozenset({S.SUBMITTED}),
        frozenset({Role.VENDOR}),
        "attestations.submit",
    ),
    "review": Transition(
        "Review the answers",
        frozenset({S.SUBMITTED}),
        frozenset({S.ACCEPTED, S.RETURNED}),
        frozenset(Role.OFFICE),
        "attestations.review",
    ),
}


def role_of(user: Any) -> str:
    role = getattr(user, "role", "")
    return getattr(role, "value", str(role))


def available_actions(request: AttestationRequest, user: Any) -> list[tuple[str, Transition]]:
    """The steps this user may take on this request now, in table order."""
    role = role_of(user)
    if role == "vendor" and user.organisation_id != request.organisation_id:
        return []
    return [
        (action, step)
        for action, step in TRANSITIONS.items()
        if request.status in step.sources and role in step.roles
    ]


def check_step(
    actor: Any, request: AttestationRequest, action: str, expected_version: int | None
) -> Transition:
    """Raise unless the actor may take this step on the request, as it stands now."""
    step = TRANSITIONS[action]
    role = role_of(actor)
    if role not in step.roles:
        raise Forbidden(f"Your role may not {step.label.lower()}.")
    if role == "vendor" and actor.organisation_id != request.organisation_id:
        raise Forbidden("This attestation belongs to another organization.")
    if request.status not in step.sources:
        raise Conflict(
            f"This attestation is {request.status.label.lower()}, so you cannot "
            f"{step.label.lower()} now."
        )
    if expected_version is not None and expected_version != request.version:
        raise Conflict(
            "This attestation changed since you opened it. Reload the page to see its "
            "current state, then try again."
        )
    return step

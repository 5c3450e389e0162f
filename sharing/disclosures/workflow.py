"""The incident workflow: reported → investigating → notified → closed. One transition table
drives both the server's checks and the buttons on the staff incident page."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sharing.audit import services as audit
from sharing.core.clock import local
from sharing.core.database import commit_or_conflict
from sharing.core.roles import Role
from sharing.disclosures import notices
from sharing.disclosures.models import Incident, IncidentStatus
from sharing.errors import Conflict, Forbidden, ValidationFailed
from sharing.extensions import db

S = IncidentStatus
MAX_NOTE = 5000


@dataclass(frozen=True)
class Step:
    label: str
    sources: frozenset[IncidentStatus]
    target: IncidentStatus
    needs_dates: bool = False  # the dates individuals and/or authorities were notified
    needs_note: bool = False  # a closing note, appended to the containment text
    confirm: str = ""
    style: str = "primary"
    done: str = ""  # what the person who took the step is told: {reference}

    def done_message(self, incident: Incident) -> str:
        return self.done.format(reference=incident.reference)


TRANSITIONS: dict[str, Step] = {
    "investigating": Step(
        "Start investigating",
        frozenset({S.REPORTED}),
        S.INVESTIGATING,
        done="Incident {reference} is under investigation.",
    ),
    "notified": Step(
        "Record notification",
        frozenset({S.REPORTED, S.INVESTIGATING}),
        S.NOTIFIED,
        needs_dates=True,
        style="success",
        done="Notification of incident {reference} recorded.",
    ),
    "closed": Step(
        "Close the incident",
        frozenset({S.INVESTIGATING, S.NOTIFIED}),
        S.CLOSED,
        needs_note=True,
        confirm="Close this incident? It leaves the open incidents and stops its reminders.",
        style="outline-danger",
        done="Incident {reference} closed.",
    ),
}
AUDITED = (
    "status",
    "individuals_notified_on",
    "authorities_notified_on",
    "closed_at",
    "version",
)


def available_steps(incident: Incident, role: str) -> list[tuple[str, Step]]:
    """The steps this role may take on this incident now, in table order."""
    if role not in Role.OFFICE:
        return []
    return [(name, step) for name, step in TRANSITIONS.items() if incident.status in step.sources]


def step_incident(
    *,
    actor: Any,
    incident: Incident,
    step: str,
    expected_version: int | None,
    now: datetime,
    individuals_notified_on: date | None = None,
    authorities_notified_on: date | None = None,
    note: str = "",
) -> Incident:
    """Move the incident one step through its workflow, as the transition table allows."""
    move = TRANSITIONS.get(step)
    if move is None:
        raise Conflict("That is not a step of the incident workflow.")
    if _role(actor) not in Role.OFFICE:
        raise Forbidden("Only the privacy office moves incidents through their workflow.")
    if incident.status not in move.sources:
        raise Conflict(
            f"A {incident.status.label.lower()} incident cannot be moved to "
            f"{move.target.label.lower()} (“{move.label}”)."
        )
    if expected_version is not None and expected_version != incident.version:
        raise Conflict(
            "Someone else changed this incident since you opened it. "
            "Read its current state below and try again."
        )
    note = (note or "").strip()
    _check(incident, move, individuals_notified_on, authorities_notified_on, note, now)

    before = audit.snapshot(incident, AUDITED)
    incident.status = move.target
    if move.needs_dates:
        incident.individuals_notified_on = individuals_notified_on
        incident.authorities_notified_on = authorities_notified_on
    if move.needs_note:
        incident.closed_at = now
        stamp = f"Closing note ({local(now):%Y-%m-%d}): {note}"
        incident.containment = f"{incident.containment}\n\n{stamp}".strip()
    db.session.flush()
    audit.record(
        actor=actor,
        action=f"incident.{step}",
        object_type="incident",
        object_id=incident.id,
        changes=audit.diff(before, audit.snapshot(incident, AUDITED)),
        summary=f"Incident {incident.reference}: {move.label.lower()}",
        organisation_id=incident.organisation_id,
    )
    notices.incident_stepped(incident, step, actor=actor)
    commit_or_conflict()
    return incident


def _check(
    incident: Incident,
    move: Step,
    individuals: date | None,
    authorities: date | None,
    note: str,
    now: datetime,
) -> None:
    errors: dict[str, str] = {}
    if move.needs_dates:
        if individuals is None and authorities is None:
            errors["individuals_notified_on"] = (
                "Enter the date individuals, or authorities, or both were notified."
            )
        discovered, today = local(incident.discovered_at).date(), local(now).date()
        for field, value in (
            ("individuals_notified_on", individuals),
            ("authorities_notified_on", authorities),
        ):
            if value is not None and value > today:
                errors[field] = "The notification date cannot be in the future."
            elif value is not None and value < discovered:
                errors[field] = "The notification date cannot be before the discovery."
    if move.needs_note and not note:
        errors["note"] = "Say how the incident was resolved before closing it."
    elif len(note) > MAX_NOTE:
        errors["note"] = f"Keep the note under {MAX_NOTE} characters."
    if errors:
        raise ValidationFailed(errors)


def _role(user: Any) -> str:
    role = getattr(user, "role", None)
    return getattr(role, "value", role) or ""

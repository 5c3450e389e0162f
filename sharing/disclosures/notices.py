"""Who hears of an incident: the privacy office when it is reported or the vendor adds to
it; the vendor's users when the privacy office moves it on. No personal details beyond the
title leave the register."""

from __future__ import annotations

from typing import Any

from sharing.auth.recipients import organisation_users, privacy_officers
from sharing.core.clock import local
from sharing.core.sentences import sentence, sentences
from sharing.disclosures.models import Incident
from sharing.inbox import services as inbox
from sharing.vendors.models import Organisation


def _staff_link(incident: Incident) -> str:
    return f"/disclosures/incidents/{incident.id}"


def _deadline(incident: Incident) -> str:
    return f"{local(incident.notice_deadline):%Y-%m-%d %H:%M %Z}"


def _tell_office(
    incident: Incident,
    organisation: Organisation,
    *,
    actor: Any,
    kind: str,
    key: str,
    title: str,
    text: str,
    opening: str,
    what: str,
) -> None:
    """To every active privacy-office user, in the app and by mail, with a link straight to
    the staff incident page (sign-in returns the reader there)."""
    link = inbox.absolute_url(_staff_link(incident))
    body = (
        f"{opening}\n\n"
        f"Reference: {incident.reference}\n"
        f"Organization: {organisation.display_name}\n"
        f"Title: {incident.title}\n"
        f"Notice due by: {_deadline(incident)}\n\n"
        f"Sign in to the register to read {what}: {link}\n"
    )
    inbox.notify(
        people=privacy_officers(),
        kind=kind,
        key=key,
        title=title,
        text=text,
        link=_staff_link(incident),
        body=body,
        object_type="incident",
        object_id=incident.id,
        actor_id=getattr(actor, "id", None),
    )


def incident_reported(incident: Incident, organisation: Organisation, *, actor: Any) -> None:
    """To the privacy office, when an incident is reported."""
    _tell_office(
        incident,
        organisation,
        actor=actor,
        kind="incident.reported",
        key=f"incident:{incident.id}:reported",
        title=f"Security incident reported: {incident.reference}",
        text=sentences(
            f"{organisation.display_name}: {incident.title}",
            f"Notice due by {_deadline(incident)}",
        ),
        opening="A security incident was reported.",
        what="the report",
    )


def incident_updated(incident: Incident, *, actor: Any, update_id: Any) -> None:
    """To the privacy office, when the vendor adds an update to an incident they reported
    (`update_id` names the update, so each one is told once)."""
    organisation = incident.organisation
    _tell_office(
        incident,
        organisation,
        actor=actor,
        kind="incident.updated",
        key=f"incident:{incident.id}:update:{update_id}",
        title=f"Incident {incident.reference} updated by the vendor",
        text=sentence(f"{organisation.display_name} added to {incident.title}"),
        opening=f"{organisation.display_name} added an update to a security incident.",
        what="the update",
    )


def incident_stepped(incident: Incident, step: str, *, actor: Any) -> None:
    """To the organisation's active vendor users, when the privacy office moves it on."""
    status = incident.status.label.lower()
    inbox.notify(
        people=organisation_users(incident.organisation_id),
        kind=f"incident.{step}",
        key=f"incident:{incident.id}:{step}",
        title=f"Incident {incident.reference} is now {status}",
        text=f"The privacy office marked incident {incident.reference} ({incident.title}) "
        f"as {status}.",
        link=f"/portal/incidents/{incident.id}",
        object_type="incident",
        object_id=incident.id,
        actor_id=getattr(actor, "id", None),
    )

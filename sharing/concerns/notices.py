"""Who hears of a concern and what they read: the privacy office when one arrives, the
assignee when a case is given to them, and the person who raised it (only if they left an
e-mail address) on receipt and when the office answers.

Messages to the person carry the reference, the status page and the public response, never
the text they sent, the notes or who handles the case."""

from __future__ import annotations

import hashlib
from typing import Any

from sharing.auth.recipients import active_users, privacy_officers
from sharing.concerns.models import Concern
from sharing.inbox import services as inbox
from sharing.mail import services as mail
from sharing.mail.models import Notification


# Paths rather than url_for, so that a service called outside a request can notify too.
def _case_link(concern: Concern) -> str:
    return f"/concerns/cases/{concern.id}"


def _status_url(concern: Concern) -> str:
    return inbox.absolute_url(f"/concerns/status/{concern.reference}")


def notify_office(concern: Concern, *, about: str) -> list[Notification]:
    """Every privacy officer: a new concern waits to be picked up."""
    what = concern.kind.label.lower()
    return inbox.notify(
        people=privacy_officers(),
        kind="concern.raised",
        key=f"concern:{concern.id}:raised",
        title=f"New {what} from the public: {concern.reference}",
        text=f"A {what} about {about} was received. Answer by {concern.due_on:%B %-d, %Y}.",
        link=_case_link(concern),
        object_type="concern",
        object_id=concern.id,
    )


def notify_assignee(concern: Concern, *, actor: Any) -> list[Notification]:
    if concern.assignee_id is None or concern.assignee_id == getattr(actor, "id", None):
        return []
    return inbox.notify(
        people=active_users([concern.assignee_id]),
        kind="concern.assigned",
        key=f"concern:{concern.id}:assigned:v{concern.version}",
        title=f"Concern {concern.reference} assigned to you",
        text=f"Answer by {concern.due_on:%B %-d, %Y}.",
        link=_case_link(concern),
        object_type="concern",
        object_id=concern.id,
        actor_id=getattr(actor, "id", None),
    )


def acknowledge(concern: Concern, *, about: str) -> Notification | None:
    """The person's receipt, when they gave an address."""
    if not concern.email:
        return None
    body = (
        "Thank you for writing to the City's privacy office.\n\n"
        f"Your reference: {concern.reference}\n"
        f"About: {about}\n"
        f"We aim to answer by: {concern.due_on:%B %-d, %Y}\n\n"
        f"See its status at any time: {_status_url(concern)}\n\n"
        "Anyone with the reference can see its status and our public response, but never "
        "what you wrote or your e-mail address.\n"
    )
    return mail.queue(
        recipient=concern.email,
        subject=f"We received your message ({concern.reference})",
        body=body,
        kind="concern.acknowledged",
        dedupe_key=f"concern:{concern.id}:acknowledged",
        object_type="concern",
        object_id=concern.id,
    )


def send_response(concern: Concern) -> Notification | None:
    """The office's public response, once per distinct text: saving the same words again
    sends nothing, a revision sends the revised response."""
    if not concern.email or not concern.public_response:
        return None
    digest = hashlib.sha256(concern.public_response.encode()).hexdigest()[:16]
    body = (
        f"The City's privacy office has answered your message {concern.reference}.\n\n"
        f"{concern.public_response}\n\n"
        f"The response is also on its status page: {_status_url(concern)}\n"
    )
    return mail.queue(
        recipient=concern.email,
        subject=f"Our response to your message ({concern.reference})",
        body=body,
        kind="concern.answered",
        dedupe_key=f"concern:{concern.id}:response:{digest}",
        object_type="concern",
        object_id=concern.id,
    )

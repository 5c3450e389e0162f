"""Who hears of each review step of an algorithm record and what they read: the privacy
office on submission, the record's submitter and creator on a decision. Each person gets an
inbox item and, as they chose, its mail now or in their daily digest; the office's shared
address gets the mail of a submission."""

from __future__ import annotations

from typing import Any

from flask import current_app

from sharing.algorithms.models import Algorithm
from sharing.auth.recipients import active_users, privacy_officers
from sharing.inbox import services as inbox
from sharing.mail import services as mail
from sharing.mail.models import Notification

SUBJECTS = {
    "submit": "Algorithm record submitted for review: {name}",
    "approve": "Algorithm record approved: {name}",
    "request_changes": "Changes requested on algorithm record: {name}",
    "retire": "Algorithm retired: {name}",
}

OPENERS = {
    "submit": "An algorithm record was submitted to the privacy office for review.",
    "approve": "The privacy office approved this algorithm record. The public register now "
    "shows these values.",
    "request_changes": "The privacy office asked for changes before it can approve this "
    "algorithm record.",
    "retire": "This system was retired. The public register keeps it, marked as no longer in use.",
}


def _link(algorithm: Algorithm) -> str:
    return f"/algorithms/{algorithm.id}"


def _people(algorithm: Algorithm, action: str) -> list[Any]:
    if action == "submit":
        return privacy_officers()
    return active_users([algorithm.submitted_by_id, algorithm.created_by_id])


def _body(algorithm: Algorithm, action: str, comment: str) -> str:
    provider = algorithm.organisation.display_name if algorithm.organisation else ""
    tier = algorithm.risk_tier.label if algorithm.risk_tier else "not assessed"
    body = (
        f"{OPENERS[action]}\n\nSystem: {algorithm.name}\nProvider: {provider}\nRisk tier: {tier}\n"
    )
    if comment:
        body += f"\nComment:\n{comment}\n"
    return body + f"\nOpen the record: {inbox.absolute_url(_link(algorithm))}\n"


def notify_step(
    algorithm: Algorithm, action: str, comment: str, *, actor: Any
) -> list[Notification]:
    """In the step's transaction; returns the messages queued, to deliver after the commit."""
    if action not in SUBJECTS:
        return []
    key = f"algorithm:{algorithm.id}:{action}:v{algorithm.version}"
    subject = SUBJECTS[action].format(name=algorithm.name)
    body = _body(algorithm, action, comment)
    queued = inbox.notify(
        people=_people(algorithm, action),
        kind=f"algorithm.{action}",
        key=key,
        title=subject,
        text=OPENERS[action] + (f" Comment: {comment}" if comment else ""),
        link=_link(algorithm),
        body=body,
        object_type="algorithm",
        object_id=algorithm.id,
        actor_id=getattr(actor, "id", None),
    )
    office = (current_app.config.get("PRIVACY_OFFICE_EMAIL") or "").strip().lower()
    if action == "submit" and office and office not in {m.recipient for m in queued}:
        message = mail.queue(
            recipient=office,
            subject=subject,
            body=body,
            kind=f"algorithm.{action}",
            dedupe_key=inbox.mail_key(key, office),
            object_type="algorithm",
            object_id=algorithm.id,
        )
        queued += [message] if message is not None else []
    return queued

"""Who hears of each review step and what they read: the privacy office on submission, the
flow's submitter and creator on a decision. Each person gets an inbox item and, as they
chose, its mail now or in their daily digest; the office's shared address gets the mail."""

from __future__ import annotations

from typing import Any

from flask import current_app

from sharing.auth.recipients import active_users, privacy_officers
from sharing.flows.models import DataFlow
from sharing.inbox import services as inbox
from sharing.mail import services as mail
from sharing.mail.models import Notification

SUBJECTS = {
    "submit": "Data flow submitted for review: {name}",
    "approve": "Data flow approved: {name}",
    "request_changes": "Changes requested on data flow: {name}",
    "retire": "Data flow retired: {name}",
}

OPENERS = {
    "submit": "A data flow was submitted to the privacy office for review.",
    "approve": "The privacy office approved this data flow. It is now in force.",
    "request_changes": "The privacy office asked for changes before it can approve this flow.",
    "retire": "This data flow was retired. The sharing it describes must stop.",
}


def _link(flow: DataFlow) -> str:
    return f"/flows/{flow.id}"


def _people(flow: DataFlow, action: str) -> list[Any]:
    if action == "submit":
        return privacy_officers()
    return active_users([flow.submitted_by_id, flow.created_by_id])


def _body(flow: DataFlow, action: str, comment: str) -> str:
    organisation = flow.organisation.display_name if flow.organisation else ""
    body = (
        f"{OPENERS[action]}\n\n"
        f"System: {flow.system_name} (revision {flow.revision})\n"
        f"Organization: {organisation}\n"
        f"Risk tier: {flow.risk_tier.value if flow.risk_tier else 'not assessed'}\n"
    )
    if comment:
        body += f"\nComment:\n{comment}\n"
    return body + f"\nOpen the flow: {inbox.absolute_url(_link(flow))}\n"


def notify_step(flow: DataFlow, action: str, comment: str, *, actor: Any) -> list[Notification]:
    """In the step's transaction; returns the messages queued, to deliver after the commit."""
    if action not in SUBJECTS:
        return []
    key, subject = f"flow:{flow.id}:{action}:v{flow.version}", SUBJECTS[action]
    body = _body(flow, action, comment)
    queued = inbox.notify(
        people=_people(flow, action),
        kind=f"flow.{action}",
        key=key,
        title=subject.format(name=flow.system_name),
        text=OPENERS[action] + (f" Comment: {comment}" if comment else ""),
        link=_link(flow),
        body=body,
        object_type="flow",
        object_id=flow.id,
        actor_id=getattr(actor, "id", None),
    )
    office = (current_app.config.get("PRIVACY_OFFICE_EMAIL") or "").strip().lower()
    if action == "submit" and office and office not in {m.recipient for m in queued}:
        message = mail.queue(
            recipient=office,
            subject=subject.format(name=flow.system_name),
            body=body,
            kind=f"flow.{action}",
            dedupe_key=inbox.mail_key(key, office),
            object_type="flow",
            object_id=flow.id,
        )
        queued += [message] if message is not None else []
    return queued

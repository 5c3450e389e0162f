"""Who hears of each step of an attestation request, and what they read: asked for, submitted,
returned with questions, accepted. Users get an inbox item and, as they chose, its mail now or
in their daily digest; contacts without an account get the mail. Queued in the caller's
transaction, so a request and its messages are committed together."""

from __future__ import annotations

from typing import Any

from sharing.attestations.models import AttestationRequest
from sharing.auth.recipients import Directory, active_users, organisation_users, privacy_officers
from sharing.inbox import services as inbox
from sharing.mail import services as mail


def _portal_link(request: AttestationRequest) -> str:
    return inbox.absolute_url(f"/attestations/{request.id}")


def _queue_all(request: AttestationRequest, addresses: set[str], event: str, **text: str) -> None:
    for address in sorted(addresses):
        mail.queue(
            recipient=address,
            subject=text["subject"],
            body=text["body"],
            kind=f"attestation.{event.split(':')[0]}",
            dedupe_key=inbox.mail_key(f"attestation:{request.id}:{event}", address),
            object_type="attestation",
            object_id=request.id,
        )


def _notify(request: AttestationRequest, people: list, event: str, *, actor: Any = None, **text):
    """The users' inbox items (and their mail, as each chose), keyed like the contacts' mail."""
    inbox.notify(
        people=people,
        kind=f"attestation.{event.split(':')[0]}",
        key=f"attestation:{request.id}:{event}",
        title=text["subject"],
        text=text["text"],
        link=f"/attestations/{request.id}",
        body=text["body"],
        object_type="attestation",
        object_id=request.id,
        actor_id=getattr(actor, "id", None),
    )


def mail_requested(request: AttestationRequest, directory: Directory) -> None:
    """To the organisation's privacy contacts (else signatories) and its active vendor users,
    in the caller's transaction."""
    recipients = directory.for_kind(
        "attestation", organisation_id=request.organisation_id, department_id=None
    )
    number = request.agreement.number
    body = (
        "The city's privacy office asks your organization to attest that it meets the "
        f"obligations of agreement {number}.\n\n"
        f"Due date: {request.due_date.isoformat()}\n"
        f"Questions: {len(request.questionnaire)}\n\n"
        f"Answer in the vendor portal: {_portal_link(request)}\n"
    )
    subject = f"Attestation requested for {number}, due {request.due_date.isoformat()}"
    users = directory.vendor_people.get(request.organisation_id, [])
    text = f"Answer the questions of agreement {number} by {request.due_date.isoformat()}."
    _notify(request, users, "requested", subject=subject, body=body, text=text)
    contacts = set(recipients.vendor) - {user.email for user in users}
    _queue_all(request, contacts, "requested", subject=subject, body=body)


def mail_returned(request: AttestationRequest, *, submitter_id: int | None) -> None:
    """To the organisation's active vendor users and whoever submitted the returned round."""
    people = {p.id: p for p in organisation_users(request.organisation_id)}
    people.update({p.id: p for p in active_users([submitter_id])})
    number = request.agreement.number
    body = (
        f"The privacy office reviewed your attestation for agreement {number} and returned "
        "some answers with comments. Please answer the returned questions again, then sign "
        f"and submit.\n\nDue date: {request.due_date.isoformat()}\n\n"
        f"Open the attestation: {_portal_link(request)}\n"
    )
    subject = f"Attestation for {number} returned with questions"
    text = "Some answers came back with comments: answer them again, then sign and submit."
    event = f"returned:{request.round}"
    _notify(request, list(people.values()), event, subject=subject, body=body, text=text)


def notify_submitted(request: AttestationRequest, *, actor: Any) -> None:
    """To the privacy office: a signed round waits for its review."""
    number, organisation = request.agreement.number, request.organisation.display_name
    subject = f"Attestation submitted for {number}: ready for review"
    text = f"{organisation} signed and submitted round {request.round} of its answers."
    body = f"{text}\n\nReview the answers: {_portal_link(request)}\n"
    event = f"submitted:{request.round}"
    _notify(request, privacy_officers(), event, actor=actor, subject=subject, body=body, text=text)


def notify_accepted(request: AttestationRequest, *, actor: Any) -> None:
    """To the organisation's active vendor users: nothing more is asked this period."""
    number = request.agreement.number
    subject = f"Attestation for {number} accepted"
    text = "The privacy office accepted your answers. Nothing more is needed for this period."
    body = f"{text}\n\nOpen the attestation: {_portal_link(request)}\n"
    people = organisation_users(request.organisation_id)
    _notify(request, people, "accepted", actor=actor, subject=subject, body=body, text=text)

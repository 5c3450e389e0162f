"""Mail about attestation requests: asked for, and returned with questions. Queued in the
caller's transaction, so a request and its messages are committed together."""

from __future__ import annotations

import hashlib

from flask import current_app
from sqlalchemy import select

from sharing.attestations.models import AttestationRequest
from sharing.auth.models import User
from sharing.auth.recipients import Directory
from sharing.extensions import db
from sharing.mail import services as mail


def _portal_link(request: AttestationRequest) -> str:
    return f"{current_app.config['BASE_URL'].rstrip('/')}/attestations/{request.id}"


def _key(prefix: str, address: str) -> str:
    """One message per address; a very long address is hashed so that the key fits."""
    key = f"{prefix}:{address}"
    return key if len(key) <= 255 else f"{prefix}:{hashlib.sha256(address.encode()).hexdigest()}"


def _queue_all(request: AttestationRequest, addresses: set[str], event: str, **text: str) -> None:
    for address in sorted(addresses):
        mail.queue(
            recipient=address,
            subject=text["subject"],
            body=text["body"],
            kind=f"attestation.{event.split(':')[0]}",
            dedupe_key=_key(f"attestation:{request.id}:{event}", address),
            object_type="attestation",
            object_id=request.id,
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
    _queue_all(request, set(recipients.vendor), "requested", subject=subject, body=body)


def mail_returned(request: AttestationRequest, *, submitter_id: int | None) -> None:
    """To the organisation's active vendor users and whoever submitted the returned round."""
    rows = db.session.scalars(
        select(User.email).where(
            User.active.is_(True),
            (User.organisation_id == request.organisation_id) | (User.id == submitter_id),
        )
    )
    addresses = {email.strip().lower() for email in rows if email}
    number = request.agreement.number
    body = (
        f"The privacy office reviewed your attestation for agreement {number} and returned "
        "some answers with comments. Please answer the returned questions again, then sign "
        f"and submit.\n\nDue date: {request.due_date.isoformat()}\n\n"
        f"Open the attestation: {_portal_link(request)}\n"
    )
    subject = f"Attestation for {number} returned with questions"
    event = f"returned:{request.round}"
    _queue_all(request, addresses, event, subject=subject, body=body)

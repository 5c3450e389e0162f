"""Putting a new City certificate in place: the administrator's upload, checked and audited."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select

from sharing.audit.services import record
from sharing.core.database import commit_or_conflict
from sharing.core.sentences import sentence
from sharing.errors import ValidationFailed
from sharing.extensions import db
from sharing.files import Kind, RejectedUpload, UploadPolicy, inspect
from sharing.seal import certificates
from sharing.seal.models import SealCertificate

# A PKCS#12 with a key and a chain of a few certificates is a few kilobytes.
MAX_BYTES = 100_000
CERTIFICATE = UploadPolicy(
    noun="certificate",
    accepts=frozenset({Kind.PKCS12}),
    max_bytes=MAX_BYTES,
    hint="Upload the City's certificate as a PKCS#12 file (.p12 or .pfx) with its private key.",
)


def install_certificate(
    *, actor: Any, data: bytes, password: str, now: datetime, name: str = "certificate.p12"
) -> SealCertificate:
    """Check the PKCS#12 file opens with `password`, holds a key that matches its certificate
    and is within its validity, then make it the certificate that seals. A refused file
    leaves nothing behind. The audit event names the certificates, never the password."""
    try:
        inspect(data, name, CERTIFICATE)
    except RejectedUpload as error:
        raise ValidationFailed({"file": error.message}) from None
    facts = certificates.check_pkcs12(data, password, now=now)
    previous = certificates.active_certificate()
    if previous is not None and previous.fingerprint == facts.fingerprint:
        raise ValidationFailed({"file": "This certificate is already the one in use."})
    same = db.session.scalar(
        select(SealCertificate).where(SealCertificate.fingerprint == facts.fingerprint)
    )
    if same is not None:
        # Put back an earlier certificate: its old row keeps the fingerprint unique.
        db.session.delete(same)
        db.session.flush()
    row = certificates.store(
        data=data,
        password=password,
        facts=facts,
        development=False,
        uploaded_by_id=actor.id,
        now=now,
    )
    db.session.flush()
    record(
        actor=actor,
        action="seal.certificate_replaced" if previous else "seal.certificate_added",
        object_type="seal_certificate",
        object_id=row.id,
        changes={
            "subject": [previous.subject if previous else None, facts.subject],
            "fingerprint": [previous.fingerprint if previous else None, facts.fingerprint],
            "not_after": [previous.not_after if previous else None, facts.not_after],
        },
        summary=sentence(f"The City's certificate for sealing agreements is now {facts.subject}"),
    )
    commit_or_conflict("The certificate could not be saved; please try again.")
    return row

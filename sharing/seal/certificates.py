"""The City's sealing certificate: reading and checking a PKCS#12 file, keeping it under
UPLOAD_DIR/seal/, the development certificate made on first use, and the loaded signer."""

from __future__ import annotations

import secrets
import threading
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from asn1crypto import pkcs12 as asn1_pkcs12
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import NameOID
from flask import current_app
from pyhanko.sign.signers import SimpleSigner
from sqlalchemy import select

from sharing.audit.services import record
from sharing.core.file_store import write_new
from sharing.errors import DomainError, ValidationFailed
from sharing.extensions import db
from sharing.seal import keys
from sharing.seal.models import SealCertificate

DEVELOPMENT_ORGANISATION = "City of San José (development only)"
DEVELOPMENT_NAME = "City of San José development seal"
DEVELOPMENT_YEARS = 3
NONE_CONFIGURED = (
    "No City certificate is configured for sealing agreements. An administrator adds one on "
    "the Settings page."
)

_signers: dict[str, SimpleSigner] = {}
_signers_lock = threading.Lock()


class SealUnavailable(DomainError):
    """No certificate can be used to seal; the message says what an administrator does."""

    status_code = 503


@dataclass(frozen=True)
class CertificateFacts:
    subject: str
    issuer: str
    serial: str
    fingerprint: str
    not_before: datetime
    not_after: datetime


def _name(name: x509.Name) -> str:
    # In the order the certificate lists them, as people read "CN=..., O=...".
    return ", ".join(f"{part.rfc4514_attribute_name}={part.value}" for part in name)


def facts_of(certificate: x509.Certificate) -> CertificateFacts:
    return CertificateFacts(
        subject=_name(certificate.subject)[:500],
        issuer=_name(certificate.issuer)[:500],
        serial=format(certificate.serial_number, "X")[:100],
        fingerprint=certificate.fingerprint(hashes.SHA256()).hex(),
        not_before=certificate.not_valid_before_utc,
        not_after=certificate.not_valid_after_utc,
    )


def _is_pkcs12(data: bytes) -> bool:
    try:
        asn1_pkcs12.Pfx.load(data)["auth_safe"].native  # noqa: B018 - parsing is the check
    except Exception:  # asn1crypto raises several kinds for data that is not DER
        return False
    return True


def _day(moment: datetime) -> str:
    return f"{moment:%B} {moment.day}, {moment.year}"


def check_pkcs12(data: bytes, password: str, *, now: datetime) -> CertificateFacts:
    """The certificate's facts if the file can seal; otherwise ValidationFailed on the field
    at fault ("file" or "password"). The password never appears in a message."""
    try:
        key, certificate, _ = pkcs12.load_key_and_certificates(data, password.encode() or None)
    except ValueError:
        if _is_pkcs12(data):
            raise ValidationFailed(
                {"password": "This password does not open the certificate file."}
            ) from None
        raise ValidationFailed(
            {
                "file": "The certificate file is not a PKCS#12 file (.p12 or .pfx) that can be "
                "opened."
            }
        ) from None
    if key is None:
        raise ValidationFailed(
            {
                "file": "The certificate file holds no private key, so it cannot seal. Export it "
                "with its key."
            }
        )
    if certificate is None:
        raise ValidationFailed(
            {"file": "The certificate file holds a key but not its certificate."}
        )
    public = serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    if key.public_key().public_bytes(*public) != certificate.public_key().public_bytes(*public):
        raise ValidationFailed({"file": "The private key does not belong to the certificate."})
    facts = facts_of(certificate)
    if facts.not_after <= now:
        raise ValidationFailed({"file": f"This certificate expired on {_day(facts.not_after)}."})
    if facts.not_before > now:
        raise ValidationFailed(
            {"file": f"This certificate is not valid before {_day(facts.not_before)}."}
        )
    try:
        SimpleSigner.load_pkcs12_data(data, other_certs=[], passphrase=password.encode() or None)
    except ValueError:
        raise ValidationFailed({"file": "This certificate's key cannot be used to sign."}) from None
    return facts


def _folder() -> Path:
    folder = Path(current_app.config["UPLOAD_DIR"]) / "seal"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def store(
    *,
    data: bytes,
    password: str,
    facts: CertificateFacts,
    development: bool,
    uploaded_by_id: int | None,
    now: datetime,
) -> SealCertificate:
    """Write the file and add its row as the active certificate; the caller commits."""
    name = write_new(_folder(), data, ".p12")
    for previous in db.session.scalars(select(SealCertificate).where(SealCertificate.active)):
        previous.active = False
    row = SealCertificate(
        subject=facts.subject,
        issuer=facts.issuer,
        serial=facts.serial,
        fingerprint=facts.fingerprint,
        not_before=facts.not_before,
        not_after=facts.not_after,
        stored_name=name,
        password_encrypted=keys.encrypt_password(password),
        uploaded_by_id=uploaded_by_id,
        uploaded_at=now,
        active=True,
        development=development,
    )
    db.session.add(row)
    return row


def active_certificate() -> SealCertificate | None:
    return db.session.scalars(
        select(SealCertificate)
        .where(SealCertificate.active)
        .order_by(SealCertificate.uploaded_at.desc(), SealCertificate.id.desc())
        .limit(1)
    ).first()


def development_pkcs12(*, now: datetime) -> tuple[bytes, str]:
    """A self-signed EC P-256 certificate and key for development, with a random password."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name(
        [
            x509.NameAttribute(NameOID.COMMON_NAME, DEVELOPMENT_NAME),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, DEVELOPMENT_ORGANISATION),
        ]
    )
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(minutes=5))
        .not_valid_after(now + timedelta(days=365 * DEVELOPMENT_YEARS))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(_SIGNING_USAGE, critical=True)
        .sign(key, hashes.SHA256())
    )
    password = secrets.token_urlsafe(24)
    data = pkcs12.serialize_key_and_certificates(
        b"city-seal",
        key,
        certificate,
        None,
        serialization.BestAvailableEncryption(password.encode()),
    )
    return data, password


_SIGNING_USAGE = x509.KeyUsage(
    digital_signature=True,
    content_commitment=True,
    key_encipherment=False,
    data_encipherment=False,
    key_agreement=False,
    key_cert_sign=False,
    crl_sign=False,
    encipher_only=False,
    decipher_only=False,
)


def create_development_certificate(*, now: datetime) -> SealCertificate:
    """Make, keep and record the development certificate, in the caller's transaction: sealing
    happens inside a service (the countersignature) that commits once. Should that service
    roll back, the next seal makes another; an unused file under seal/ costs nothing."""
    data, password = development_pkcs12(now=now)
    facts = facts_of(pkcs12.load_key_and_certificates(data, password.encode())[1])
    row = store(
        data=data, password=password, facts=facts, development=True, uploaded_by_id=None, now=now
    )
    db.session.flush()
    record(
        actor=None,
        action="seal.development_certificate_created",
        object_type="seal_certificate",
        object_id=row.id,
        changes={"subject": [None, facts.subject], "fingerprint": [None, facts.fingerprint]},
        summary="Created a self-signed development certificate for sealing agreements.",
    )
    return row


def certificate_for_sealing(*, now: datetime | None = None) -> SealCertificate:
    """The active certificate; outside production, the development one made on first use."""
    row = active_certificate()
    if row is not None:
        return row
    if current_app.config.get("PRODUCTION"):
        raise SealUnavailable(NONE_CONFIGURED)
    return create_development_certificate(now=now or datetime.now(UTC))


def signer_for(row: SealCertificate) -> SimpleSigner:
    """The loaded signer, kept per process by fingerprint: reading a .p12 costs time."""
    signer = _signers.get(row.fingerprint)
    if signer is not None:
        return signer
    try:
        data = (_folder() / row.stored_name).read_bytes()
        password = keys.decrypt_password(row.password_encrypted)
        signer = SimpleSigner.load_pkcs12_data(data, other_certs=[], passphrase=password.encode())
    except (OSError, ValueError, keys.InvalidToken):
        raise SealUnavailable(
            "The City's certificate for sealing could not be read (its file is missing or the "
            "app's secret key changed since it was added). An administrator adds it again on "
            "the Settings page."
        ) from None
    with _signers_lock:
        _signers[row.fingerprint] = signer
    return signer


def forget_loaded_signers() -> None:
    """Empty this process's signer cache, so the next seal reads its .p12 again."""
    with _signers_lock:
        _signers.clear()


def city_certificates() -> list:
    """Every certificate the City has sealed with (asn1crypto form), newest first: the trust
    roots a seal is checked against."""
    rows = db.session.scalars(
        select(SealCertificate).order_by(SealCertificate.uploaded_at.desc())
    ).all()
    found = []
    for row in rows:
        try:
            found.append(signer_for(row).signing_cert)
        except SealUnavailable:
            continue
    return found

"""The City's seal: a PAdES seal that pyHanko and poppler both accept, that a changed byte
breaks, made with the development certificate outside production and refused in production
when no certificate is configured."""

from __future__ import annotations

import asyncio
import hashlib
import subprocess
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import select

from sharing.audit.models import AuditEvent
from sharing.errors import DomainError
from sharing.extensions import db
from sharing.seal import certificates
from sharing.seal.models import SealCertificate
from sharing.seal.page import SignatureLine, with_signature_page
from sharing.seal.sealing import SealUnavailable, seal_pdf, validate_seal

AGREEMENT = Path(__file__).resolve().parents[2] / "docs" / "agreements" / "vendor-plate-readers.pdf"
REASON = "Agreement DSA-2026-0009 executed by both parties"


def _pdfsig(tmp_path: Path, data: bytes) -> str:
    path = tmp_path / "checked.pdf"
    path.write_bytes(data)
    return subprocess.run(["pdfsig", str(path)], capture_output=True, text=True, check=False).stdout


def _tamper(sealed: bytes, original: bytes) -> bytes:
    """One byte changed inside the signed range: a letter of the title in the original part."""
    at = original.index(b"Data protection: PlateGuard")
    changed = bytearray(sealed)
    changed[at] = ord("E")
    return bytes(changed)


def test_sealed_pdf_validates_with_pyhanko_and_poppler(app, tmp_path):
    """A sealed agreement keeps its bytes as prefix, is intact, trusted, covers the whole file,
    and poppler's pdfsig says the signature is valid."""
    original = AGREEMENT.read_bytes()
    sealed = seal_pdf(original, reason=REASON)
    db.session.commit()
    assert sealed.startswith(original)
    report = validate_seal(sealed)
    assert report.sealed and report.intact and report.trusted and report.covers_whole_file
    assert report.problems == []
    assert report.signer.startswith(certificates.DEVELOPMENT_NAME)
    assert report.signed_at is not None
    checked = _pdfsig(tmp_path, sealed)
    assert "Signature Field Name: CitySeal" in checked
    assert "Signature is Valid" in checked
    assert "ETSI.CAdES.detached" in checked  # PAdES baseline


def test_a_byte_changed_after_sealing_breaks_the_seal_for_pyhanko_and_poppler(app, tmp_path):
    """Changing one byte inside the signed range is reported by validate_seal and pdfsig."""
    original = AGREEMENT.read_bytes()
    tampered = _tamper(seal_pdf(original, reason=REASON), original)
    report = validate_seal(tampered)
    assert report.sealed and not report.intact
    assert any("changed after it was sealed" in problem for problem in report.problems)
    checked = _pdfsig(tmp_path, tampered)
    assert "Signature is Valid" not in checked
    assert "Digest Mismatch" in checked or "Invalid" in checked


def test_bytes_added_after_the_seal_show_it_no_longer_covers_the_whole_file(app):
    """An update appended after sealing leaves the seal intact but not covering the file."""
    sealed = seal_pdf(AGREEMENT.read_bytes(), reason=REASON)
    report = validate_seal(sealed + b"\n%%added later\n")
    assert report.intact and not report.covers_whole_file
    assert report.problems


def test_an_unsealed_file_is_reported_as_not_sealed(app):
    """validate_seal on a plain PDF says there is no seal rather than failing."""
    report = validate_seal(AGREEMENT.read_bytes())
    assert not report.sealed and not report.intact
    assert report.problems == ["The file carries no digital seal."]


def test_development_certificate_is_made_once_on_first_use_and_recorded(app):
    """Outside production the first seal makes one self-signed certificate, audited; later
    seals reuse it."""
    assert db.session.scalar(select(SealCertificate)) is None
    seal_pdf(AGREEMENT.read_bytes(), reason=REASON)
    db.session.commit()
    seal_pdf(AGREEMENT.read_bytes(), reason=REASON)
    db.session.commit()
    rows = db.session.scalars(select(SealCertificate)).all()
    assert len(rows) == 1
    assert rows[0].development and rows[0].active
    assert rows[0].subject == (
        "CN=City of San José development seal, O=City of San José (development only)"
    )
    assert (rows[0].not_after - rows[0].not_before).days >= 3 * 365
    actions = db.session.scalars(select(AuditEvent.action)).all()
    assert actions.count("seal.development_certificate_created") == 1


def test_development_certificate_password_is_not_stored_in_clear(app):
    """The row keeps the PKCS#12 password encrypted; it decrypts only with the app's key."""
    seal_pdf(AGREEMENT.read_bytes(), reason=REASON)
    db.session.commit()
    row = db.session.scalar(select(SealCertificate))
    password = certificates.keys.decrypt_password(row.password_encrypted)
    assert len(password) >= 24
    assert password.encode() not in row.password_encrypted
    stored = Path(app.config["UPLOAD_DIR"]) / "seal" / row.stored_name
    assert stored.is_file() and password.encode() not in stored.read_bytes()


def test_production_without_a_certificate_refuses_to_seal(app):
    """In production with no certificate configured, sealing raises SealUnavailable with a
    message that tells what an administrator does, and makes no certificate."""
    app.config["PRODUCTION"] = True
    with pytest.raises(SealUnavailable, match="An administrator adds one on the Settings page"):
        seal_pdf(AGREEMENT.read_bytes(), reason=REASON)
    assert db.session.scalar(select(SealCertificate)) is None


def test_signature_page_then_seal_validates_and_keeps_what_the_signers_saw(app, tmp_path):
    """The countersignature's path: the signed PDF's SHA-256 still matches the start of the
    sealed file, which has the signature page and a seal that both checks accept."""
    original = AGREEMENT.read_bytes()
    digest = hashlib.sha256(original).hexdigest()
    line = SignatureLine(
        party_label="Vendor",
        organisation="PlateGuard Systems LLC",
        name="Jordan Alvarez",
        title="Chief Executive Officer",
        signed_at=datetime(2026, 12, 7, 22, 5, tzinfo=UTC),
        ip="203.0.113.9",
        document_sha256=digest,
        method="Signed electronically",
    )
    executed = with_signature_page(
        original, number="DSA-2026-0009", title="Data protection: PlateGuard", lines=[line]
    )
    sealed = seal_pdf(executed, reason=REASON)
    assert hashlib.sha256(sealed[: len(original)]).hexdigest() == digest
    assert sealed.startswith(executed)
    report = validate_seal(sealed)
    assert report.intact and report.trusted and report.covers_whole_file
    assert "Signature is Valid" in _pdfsig(tmp_path, sealed)


def test_a_file_that_is_not_a_pdf_cannot_be_sealed(app):
    """Garbage gives a DomainError with a plain message, and validate_seal says unreadable."""
    with pytest.raises(DomainError, match="could not be sealed"):
        seal_pdf(b"this is not a PDF", reason=REASON)
    assert validate_seal(b"this is not a PDF").problems == ["The file is not a readable PDF."]


def test_sealing_and_checking_work_where_an_event_loop_is_already_running(app):
    """pyHanko's blocking calls start their own event loop; a server or test driver that runs
    one in the same thread must still be able to seal and check (they run in a helper
    thread there)."""
    original = AGREEMENT.read_bytes()

    async def seal_and_check():
        sealed = seal_pdf(original, reason=REASON)
        return validate_seal(sealed)

    report = asyncio.run(seal_and_check())
    db.session.commit()
    assert report.sealed and report.intact and report.trusted and report.covers_whole_file

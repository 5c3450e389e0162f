"""The City's certificate on the settings page: an administrator's good PKCS#12 file is kept
(password encrypted) and seals the next agreement; a bad one is refused beside its field,
keeps nothing and never echoes the password."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from io import BytesIO
from pathlib import Path

import pytest
from sqlalchemy import select

from sharing.audit.models import AuditEvent
from sharing.seal import keys
from sharing.seal.models import SealCertificate
from sharing.seal.sealing import seal_pdf, validate_seal
from tests.fixtures.certificates import CITY_NAME, SEAL_PASSWORD, make_pkcs12

AGREEMENT = Path(__file__).resolve().parents[2] / "docs" / "agreements" / "vendor-plate-readers.pdf"
URL = "/settings/seal-certificate"


def _upload(client, data: bytes, password: str = SEAL_PASSWORD, name: str = "city.p12"):
    return client.post_form(
        URL,
        {"file": (BytesIO(data), name, "application/x-pkcs12"), "password": password},
        from_url="/settings/",
    )


def _rows(db) -> list[SealCertificate]:
    return list(db.session.scalars(select(SealCertificate)))


def _seal_folder(app) -> Path:
    return Path(app.config["UPLOAD_DIR"]) / "seal"


def test_uploaded_certificate_is_shown_and_seals_the_next_agreement(app, client, login_as, db):
    """A good file is accepted; the page names it; the next seal validates with its subject."""
    login_as("admin")
    response = _upload(client, make_pkcs12())
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/settings/#settings-seal")
    row = _rows(db)[0]
    assert row.active and not row.development
    assert row.subject == f"CN={CITY_NAME}, O=City of San José"
    html = client.get("/settings/").get_data(as_text=True)
    assert "Document seal" in html and CITY_NAME in html and row.fingerprint in html
    assert "Development certificate" not in html
    report = validate_seal(seal_pdf(AGREEMENT.read_bytes(), reason="Executed"))
    assert report.intact and report.trusted
    assert report.signer == f"{CITY_NAME} (City of San José)"


def test_the_password_is_stored_encrypted_never_in_clear(app, client, login_as, db):
    """The row holds the password encrypted with a key from SECRET_KEY; the audit event and
    the page never contain it."""
    login_as("admin")
    _upload(client, make_pkcs12())
    row = _rows(db)[0]
    assert SEAL_PASSWORD.encode() not in row.password_encrypted
    assert keys.decrypt_password(row.password_encrypted) == SEAL_PASSWORD
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action.like("seal.%")))
    assert SEAL_PASSWORD not in repr(event.changes) + event.summary
    assert SEAL_PASSWORD not in client.get("/settings/").get_data(as_text=True)


def test_replacing_the_certificate_is_audited_with_both_subjects(app, client, login_as, db):
    """The second upload becomes the active one; the event records before and after subject
    and fingerprint."""
    login_as("admin")
    _upload(client, make_pkcs12(name="Old City seal"))
    _upload(client, make_pkcs12(name="New City seal"))
    active = [row for row in _rows(db) if row.active]
    assert [row.subject for row in active] == ["CN=New City seal, O=City of San José"]
    event = db.session.scalar(
        select(AuditEvent).where(AuditEvent.action == "seal.certificate_replaced")
    )
    assert event.changes["subject"] == [
        "CN=Old City seal, O=City of San José",
        "CN=New City seal, O=City of San José",
    ]
    assert event.changes["fingerprint"][1] == active[0].fingerprint
    assert event.changes["fingerprint"][0] != event.changes["fingerprint"][1]


@pytest.mark.parametrize(
    ("data", "password", "field_message"),
    [
        (make_pkcs12(), "not the password", "This password does not open the certificate file."),
        (b"%PDF-1.7 not a certificate", SEAL_PASSWORD, "The certificate file is a PDF"),
        (
            make_pkcs12(
                valid_from=datetime.now(UTC) - timedelta(days=400),
                valid_until=datetime.now(UTC) - timedelta(days=2),
            ),
            SEAL_PASSWORD,
            "This certificate expired on",
        ),
        (make_pkcs12(with_key=False), SEAL_PASSWORD, "The certificate file holds no private key"),
    ],
    ids=["wrong-password", "not-pkcs12", "expired", "no-key"],
)
def test_a_refused_upload_keeps_nothing_and_says_why_beside_the_field(
    app, client, login_as, db, data, password, field_message
):
    """Wrong password, not a PKCS#12, expired or keyless: the page shows the reason, the
    password is not written back, no row and no file are kept, no event is written."""
    login_as("admin")
    response = _upload(client, data, password)
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert field_message in html
    assert "There is a problem" in html
    assert password not in html
    assert _rows(db) == []
    assert not _seal_folder(app).exists() or list(_seal_folder(app).iterdir()) == []
    assert db.session.scalar(select(AuditEvent).where(AuditEvent.action.like("seal.%"))) is None


@pytest.mark.parametrize("role", ["privacy", "procurement", "vendor"])
def test_only_administrators_may_upload_the_certificate(app, client, login_as, db, role):
    """Everyone else gets 403 and nothing is kept."""
    login_as(role)
    response = client.post_form(
        URL,
        {
            "file": (BytesIO(make_pkcs12()), "city.p12", "application/x-pkcs12"),
            "password": SEAL_PASSWORD,
        },
        from_url="/auth/account",
    )
    assert response.status_code == 403
    assert _rows(db) == []


def test_the_upload_needs_the_csrf_token(app, client, login_as, db):
    """A post without the form's token is refused and keeps nothing."""
    login_as("admin")
    response = client.post(
        URL,
        data={"file": (BytesIO(make_pkcs12()), "city.p12"), "password": SEAL_PASSWORD},
    )
    assert response.status_code == 400
    assert _rows(db) == []


def test_settings_page_says_when_the_development_certificate_is_in_use(app, client, login_as, db):
    """After a seal outside production, the page names the development certificate."""
    login_as("admin")
    html = client.get("/settings/").get_data(as_text=True)
    assert "the first seal will make a development certificate" in html
    seal_pdf(AGREEMENT.read_bytes(), reason="Executed")
    html = client.get("/settings/").get_data(as_text=True)
    assert "Development certificate" in html
    assert "City of San José development seal" in html
    assert "Itself (self-signed)" in html


def test_settings_page_in_production_says_agreements_cannot_be_sealed(app, client, login_as, db):
    """In production with no certificate, the page says sealing is not possible yet."""
    app.config["PRODUCTION"] = True
    login_as("admin")
    html = client.get("/settings/").get_data(as_text=True)
    assert "agreements cannot be sealed" in html

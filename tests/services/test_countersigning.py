"""The City's countersignature: who may give it, what blocks it, and the sealed executed PDF."""

from __future__ import annotations

import hashlib

import pytest
from sqlalchemy import select

from sharing.agreements import files
from sharing.agreements.models import AgreementStatus
from sharing.audit.models import AuditEvent
from sharing.core.clock import now, today
from sharing.errors import Conflict, DomainError, Forbidden, ValidationFailed
from sharing.inbox.models import InboxItem
from sharing.seal.sealing import validate_seal
from sharing.signing import countersigning
from sharing.signing.models import Party, Signature, SignatureStatus
from tests.conftest import TEST_PASSWORD
from tests.factories import make_user
from tests.web.tables.signing import city_signer, sent_agreement, signed_agreement

S = AgreementStatus


def _countersign(agreement, signature, actor=None, **changes):
    values = {
        "typed_name": "Casey City",
        "typed_title": "Chief Privacy Officer",
        "consent": True,
        "password": TEST_PASSWORD,
        "document_sha256": signature.document_sha256,
        "ip": "198.51.100.4",
        "user_agent": "City browser",
        "now": now(),
        "today": today(),
        "expected_version": agreement.version,
    }
    values.update(changes)
    return countersigning.countersign(actor=actor or city_signer(), agreement=agreement, **values)


def test_countersigning_executes_the_agreement_with_a_sealed_copy_of_the_pdf_both_signed(db):
    agreement, person, vendor = signed_agreement()
    shown = files.read(vendor.document_file)

    city = _countersign(agreement, vendor)

    assert agreement.status == S.EXECUTED
    assert agreement.signed_on == today()
    sealed = files.read(agreement.signed_file)
    assert hashlib.sha256(sealed).hexdigest() == agreement.signed_sha256
    # The PDF both parties saw is the untouched start of the executed copy.
    assert sealed.startswith(shown)
    report = validate_seal(sealed)
    assert report.sealed and report.intact and report.covers_whole_file, report.problems
    assert city.party == Party.CITY and city.status == SignatureStatus.SIGNED
    assert city.document_sha256 == vendor.document_sha256 == city.signed_document_sha256
    [event] = db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "agreement.countersigned")
    ).all()
    assert event.changes["status"] == {"before": "sent_for_signature", "after": "executed"}
    told = set(
        db.session.scalars(select(InboxItem.user_id).where(InboxItem.kind == "signature.executed"))
    )
    assert person.id in told and agreement.created_by_id in told


def test_a_changed_byte_breaks_the_seal_of_the_executed_copy(db):
    agreement, _, vendor = signed_agreement()
    _countersign(agreement, vendor)
    sealed = bytearray(files.read(agreement.signed_file))
    at = len(vendor.document_sha256)  # inside the signed content, well before the seal
    sealed[at] = sealed[at] ^ 0x01

    report = validate_seal(bytes(sealed))

    assert not (report.sealed and report.intact)


def test_the_city_cannot_countersign_before_the_vendor_signed(db):
    agreement, person, vendor = sent_agreement()

    assert countersigning.blockers(agreement) == [
        f"{person.name} has not signed for the vendor yet."
    ]
    with pytest.raises(Conflict, match="has not signed"):
        _countersign(agreement, vendor)
    assert agreement.status == S.SENT_FOR_SIGNATURE
    assert db.session.scalar(select(Signature).where(Signature.party == Party.CITY)) is None


@pytest.mark.parametrize(
    "actor",
    [
        pytest.param(lambda: make_user("privacy", password=TEST_PASSWORD), id="no-signer-right"),
        pytest.param(
            lambda: make_user("procurement", password=TEST_PASSWORD, may_sign=True),
            id="procurement",
        ),
    ],
)
def test_only_an_office_user_with_the_signer_right_countersigns(db, actor):
    agreement, _, vendor = signed_agreement()
    with pytest.raises(Forbidden):
        _countersign(agreement, vendor, actor=actor())
    assert agreement.status == S.SENT_FOR_SIGNATURE


def test_a_wrong_password_refuses_the_countersignature_and_is_audited(db):
    agreement, _, vendor = signed_agreement()
    with pytest.raises(ValidationFailed) as refused:
        _countersign(agreement, vendor, password="wrong")
    assert set(refused.value.errors) == {"password"}
    db.session.refresh(agreement)
    assert agreement.status == S.SENT_FOR_SIGNATURE and agreement.signed_file is None
    assert db.session.scalar(
        select(AuditEvent.id).where(AuditEvent.action == "signature.sign_failed")
    )


def test_without_a_certificate_nothing_is_executed_or_stored(app, db):
    agreement, _, vendor = signed_agreement()
    before = sorted(p.name for p in files.agreement_dir().iterdir())
    app.config["PRODUCTION"] = True

    with pytest.raises(DomainError):
        _countersign(agreement, vendor)

    db.session.refresh(agreement)
    assert agreement.status == S.SENT_FOR_SIGNATURE and agreement.signed_file is None
    assert db.session.scalar(select(Signature).where(Signature.party == Party.CITY)) is None
    assert sorted(p.name for p in files.agreement_dir().iterdir()) == before

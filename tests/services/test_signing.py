"""Signing in the portal: sending, the vendor's signature, decline and return, and the lapse
of signatures when the document changes (countersignature: test_countersigning.py)."""

from __future__ import annotations

import hashlib

import pytest
from sqlalchemy import select

from sharing.agreements import files, generation, lifecycle
from sharing.agreements.models import AgreementStatus
from sharing.audit.models import AuditEvent
from sharing.core.clock import now, today
from sharing.errors import Conflict, Forbidden, NotFound, ValidationFailed
from sharing.extensions import db
from sharing.inbox.models import InboxItem
from sharing.signing import countersigning, services
from sharing.signing.models import Party, Signature, SignatureStatus
from tests.conftest import TEST_PASSWORD
from tests.factories import make_user
from tests.web.tables.agreements import draft
from tests.web.tables.signing import (
    one_page_pdf,
    sent_agreement,
    signed_agreement,
    vendor_signer,
    vendor_signs,
)

S = AgreementStatus


def _events(action: str) -> list[AuditEvent]:
    return list(
        db.session.scalars(
            select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id)
        )
    )


def _told(kind: str) -> set[int]:
    return set(db.session.scalars(select(InboxItem.user_id).where(InboxItem.kind == kind)))


def _send(agreement, signer, role="privacy", **kw):
    return services.send_for_signature(
        actor=make_user(role),
        agreement=agreement,
        pdf=kw.pop("pdf", one_page_pdf()),
        signer=signer,
        now=now(),
        today=today(),
        expected_version=agreement.version,
        **kw,
    )


def _sign(agreement, person, signature, **changes):
    values = {
        "typed_name": "Pat Signer",
        "typed_title": "Chief Executive Officer",
        "consent": True,
        "password": TEST_PASSWORD,
        "document_sha256": signature.document_sha256,
        "ip": "203.0.113.7",
        "user_agent": "Test browser",
        "now": now(),
    }
    values.update(changes)
    return services.sign(actor=person, agreement=agreement, **values)


# Sending ---------------------------------------------------------------------------------


def test_sending_stores_the_pdf_the_signers_see_and_asks_the_chosen_signer(db):
    agreement, person, signature = sent_agreement()
    pdf = files.read(signature.document_file)

    assert agreement.status == S.SENT_FOR_SIGNATURE
    assert signature.party == Party.VENDOR and signature.status == SignatureStatus.PENDING
    assert signature.signer_id == person.id and signature.signer_email == person.email
    assert signature.document_sha256 == hashlib.sha256(pdf).hexdigest()
    assert signature.generated_sha256 == agreement.generated_sha256
    [event] = _events("agreement.sent_for_signature")
    assert event.changes["signer"]["after"] == f"{person.name} <{person.email}>"
    assert _told("signature.requested") == {person.id}


def test_the_other_vendor_users_learn_who_must_sign(db):
    agreement = draft(generated=True)
    colleague = vendor_signer(agreement, may_sign=False)
    person = vendor_signer(agreement)
    _send(agreement, person)

    assert _told("signature.requested_of_other") == {colleague.id}


def test_procurement_may_not_send_for_signature(db):
    agreement = draft(generated=True)
    with pytest.raises(Forbidden):
        _send(agreement, vendor_signer(agreement), role="procurement")
    assert db.session.scalar(select(Signature.id)) is None


@pytest.mark.parametrize(
    "who",
    [
        pytest.param({"may_sign": False}, id="without-the-signer-right"),
        pytest.param({"active": False}, id="deactivated"),
    ],
)
def test_the_signer_must_be_an_active_vendor_user_with_the_signer_right(db, who):
    agreement = draft(generated=True)
    with pytest.raises(ValidationFailed) as refused:
        _send(agreement, vendor_signer(agreement, **who))
    assert "signer_id" in refused.value.errors


def test_a_user_of_another_organisation_cannot_be_the_signer(db):
    agreement = draft(generated=True)
    outsider = make_user("vendor", may_sign=True)
    with pytest.raises(ValidationFailed):
        _send(agreement, outsider)


def test_only_a_generated_agreement_is_sent(db):
    agreement, person, _ = sent_agreement()
    with pytest.raises(Conflict):
        _send(agreement, person)


def test_an_invited_signer_signs_once_they_have_an_account(db):
    agreement = draft(generated=True)
    signature = _send(
        agreement, None, invited_email="new.signer@vendor.example", invited_name="Nia"
    )
    person = vendor_signer(agreement, email="new.signer@vendor.example")

    _sign(agreement, person, signature)

    assert signature.status == SignatureStatus.SIGNED and signature.signer_id == person.id


# The vendor's signature -------------------------------------------------------------------


def test_the_vendor_signature_records_who_when_where_what_and_the_consent(db):
    agreement, person, signature = sent_agreement()

    _sign(agreement, person, signature)

    assert signature.status == SignatureStatus.SIGNED
    assert (signature.typed_name, signature.typed_title) == (
        "Pat Signer",
        "Chief Executive Officer",
    )
    assert signature.consent_text == services.CONSENT_TEXT
    assert "15 U.S.C. 7001" in signature.consent_text and "1633.7" in signature.consent_text
    assert signature.consent_version == services.CONSENT_VERSION
    assert signature.signed_at is not None
    assert (signature.ip, signature.user_agent) == ("203.0.113.7", "Test browser")
    assert signature.signed_document_sha256 == signature.document_sha256
    assert agreement.status == S.SENT_FOR_SIGNATURE
    [event] = _events("signature.signed")
    assert event.changes["status"] == {"before": "pending", "after": "signed"}
    assert agreement.created_by_id in _told("signature.signed")


def test_another_organisations_user_cannot_sign(db):
    agreement, _, signature = sent_agreement()
    with pytest.raises(NotFound):
        _sign(agreement, make_user("vendor", password=TEST_PASSWORD, may_sign=True), signature)


def test_a_colleague_who_is_not_the_chosen_signer_cannot_sign(db):
    agreement, _, signature = sent_agreement()
    colleague = vendor_signer(agreement)
    with pytest.raises(Forbidden):
        _sign(agreement, colleague, signature)
    assert signature.status == SignatureStatus.PENDING


def test_staff_cannot_sign_for_the_vendor(db):
    agreement, _, signature = sent_agreement()
    with pytest.raises(Forbidden):
        _sign(agreement, make_user("privacy", password=TEST_PASSWORD, may_sign=True), signature)


def test_a_wrong_password_is_a_field_error_and_an_audited_failed_attempt(db):
    agreement, person, signature = sent_agreement()

    with pytest.raises(ValidationFailed) as refused:
        _sign(agreement, person, signature, password="not the password")

    assert set(refused.value.errors) == {"password"}
    db.session.refresh(signature)
    assert signature.status == SignatureStatus.PENDING
    [event] = _events("signature.sign_failed")
    assert event.actor_id == person.id and event.object_id == str(signature.id)


def test_signing_without_consent_is_refused(db):
    agreement, person, signature = sent_agreement()
    with pytest.raises(ValidationFailed) as refused:
        _sign(agreement, person, signature, consent=False, typed_title=" ")
    assert set(refused.value.errors) == {"consent", "typed_title"}
    assert signature.status == SignatureStatus.PENDING


def test_a_page_opened_on_an_earlier_pdf_cannot_sign(db):
    agreement, person, signature = sent_agreement()
    with pytest.raises(Conflict):
        _sign(agreement, person, signature, document_sha256="0" * 64)
    assert signature.status == SignatureStatus.PENDING


def test_a_stored_pdf_changed_on_disk_cannot_be_signed(db):
    agreement, person, signature = sent_agreement()
    files.path_of(signature.document_file).write_bytes(one_page_pdf("Other words"))
    with pytest.raises(Conflict):
        _sign(agreement, person, signature)


# Decline and return -----------------------------------------------------------------------


def test_declining_needs_a_reason(db):
    agreement, person, signature = sent_agreement()
    with pytest.raises(ValidationFailed) as refused:
        services.decline(actor=person, agreement=agreement, reason="  ", now=now(), today=today())
    assert set(refused.value.errors) == {"reason"}
    assert agreement.status == S.SENT_FOR_SIGNATURE


def test_declining_sends_the_agreement_back_and_tells_the_office_why(db):
    agreement, person, signature = sent_agreement()
    privacy = make_user("privacy")

    services.decline(
        actor=person, agreement=agreement, reason="Clause 5 is wrong", now=now(), today=today()
    )

    assert agreement.status == S.GENERATED
    assert signature.status == SignatureStatus.DECLINED
    assert signature.decline_reason == "Clause 5 is wrong"
    [event] = _events("agreement.signature_declined")
    assert event.changes["reason"]["after"] == "Clause 5 is wrong"
    assert privacy.id in _told("signature.declined")
    item = db.session.scalar(select(InboxItem).where(InboxItem.user_id == privacy.id))
    assert "Clause 5 is wrong" in item.text


def test_returning_for_changes_closes_the_signature_and_sends_the_agreement_back(db):
    agreement, person, signature = sent_agreement()
    privacy = make_user("privacy")

    services.return_for_changes(actor=person, agreement=agreement, now=now(), today=today())

    assert agreement.status == S.GENERATED
    assert signature.status == SignatureStatus.RETURNED
    assert len(_events("agreement.returned_for_changes")) == 1
    assert privacy.id in _told("signature.returned")


def test_another_organisation_cannot_return_the_agreement(db):
    agreement, _, _ = sent_agreement()
    with pytest.raises(NotFound):
        services.return_for_changes(
            actor=make_user("vendor"), agreement=agreement, now=now(), today=today()
        )
    assert agreement.status == S.SENT_FOR_SIGNATURE


# Lapse -------------------------------------------------------------------------------------


def _take_back(agreement):
    lifecycle.transition_agreement(
        actor=make_user("privacy"),
        agreement=agreement,
        action="withdraw_signature",
        today=today(),
        expected_version=agreement.version,
    )


def test_generating_a_new_version_lapses_the_signature_given_on_the_old_one(db):
    agreement, person, signature = signed_agreement()
    _take_back(agreement)

    generation.generate_agreement(
        actor=make_user("privacy"), agreement=agreement, today=today(), expected_version=None
    )

    db.session.refresh(signature)
    assert signature.status == SignatureStatus.LAPSED and not signature.counts
    assert "new version" in signature.lapse_reason
    [event] = _events("agreement.generated")[-1:]
    assert event.changes["signatures_lapsed"]["after"] == [f"Vendor: {person.name}"]
    assert _told("signature.lapsed") == {person.id}


def test_sending_again_lapses_the_earlier_request_and_the_lapsed_one_never_counts(db):
    agreement, person, first = signed_agreement()
    _take_back(agreement)

    second = _send(agreement, person)

    db.session.refresh(first)
    assert first.status == SignatureStatus.LAPSED
    assert countersigning.blockers(agreement) == [
        f"{person.name} has not signed for the vendor yet."
    ]
    assert second.status == SignatureStatus.PENDING


def test_a_vendor_cannot_sign_a_request_that_lapsed(db):
    agreement, person, signature = sent_agreement()
    lifecycle.transition_agreement(
        actor=make_user("privacy"),
        agreement=agreement,
        action="terminate",
        today=today(),
        expected_version=agreement.version,
        reason="The vendor withdrew",
    )
    db.session.refresh(signature)
    assert signature.status == SignatureStatus.LAPSED
    with pytest.raises(Conflict):
        vendor_signs(agreement, person, signature)


def test_the_upload_that_returns_the_agreement_commits_once_with_one_audit_event(db):
    agreement, person, signature = sent_agreement()

    services.return_for_changes(
        actor=person,
        agreement=agreement,
        now=now(),
        today=today(),
        commit=False,
        extra={"returned_copy": {"before": None, "after": "marked-up.docx"}},
    )
    db.session.rollback()  # the caller had not committed: nothing of the step remains

    db.session.refresh(agreement)
    assert agreement.status == S.SENT_FOR_SIGNATURE
    assert _events("agreement.returned_for_changes") == []
    services.return_for_changes(
        actor=person,
        agreement=agreement,
        now=now(),
        today=today(),
        extra={"returned_copy": {"before": None, "after": "marked-up.docx"}},
    )
    [event] = _events("agreement.returned_for_changes")
    assert event.changes["returned_copy"]["after"] == "marked-up.docx"

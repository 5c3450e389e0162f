"""Signing pages through the test client with CSRF on: sending, the vendor's signature and
decline in the portal, the PDF they read, the countersignature, and the wet-ink upload."""

from __future__ import annotations

import hashlib

import pytest
from sqlalchemy import select

from sharing.agreements import files, pdf
from sharing.agreements.models import AgreementStatus
from sharing.auth.models import Invitation
from sharing.core.clock import today
from sharing.extensions import db
from sharing.signing.models import Signature, SignatureStatus
from tests.conftest import TEST_PASSWORD, sign_in_by_session
from tests.factories import make_organisation
from tests.web.tables.agreement_lifecycle import SAMPLE_PDF
from tests.web.tables.agreements import draft
from tests.web.tables.signing import (
    one_page_pdf,
    sent_agreement,
    signed_agreement,
    vendor_signer,
)

S = AgreementStatus


@pytest.fixture
def converted(monkeypatch):
    """LibreOffice's conversion, replaced by a real one-page PDF."""
    made = one_page_pdf("As converted")
    monkeypatch.setattr(pdf, "docx_to_pdf", lambda data, **_: made)
    return made


def _signature(agreement) -> Signature:
    return db.session.scalars(
        select(Signature).where(Signature.agreement_id == agreement.id).order_by(Signature.id)
    ).all()[-1]


# Sending -----------------------------------------------------------------------------------


def test_privacy_sends_a_generated_agreement_to_the_chosen_signer(client, login_as, converted):
    agreement = draft(generated=True)
    signer = vendor_signer(agreement)
    login_as("privacy")
    url = f"/signing/{agreement.id}/send"

    response = client.post_form(url, {"signer_id": signer.id, "version": agreement.version})

    assert response.status_code == 302, response.get_data(as_text=True)[:400]
    db.session.refresh(agreement)
    assert agreement.status == S.SENT_FOR_SIGNATURE
    signature = _signature(agreement)
    assert signature.signer_id == signer.id
    assert signature.document_sha256 == hashlib.sha256(converted).hexdigest()


def test_the_send_form_says_what_is_missing_and_sends_nothing(client, login_as, converted):
    agreement = draft(generated=True)
    vendor_signer(agreement)
    login_as("privacy")
    url = f"/signing/{agreement.id}/send"

    response = client.post_form(url, {"invite_name": "Nia Signer", "version": agreement.version})

    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "There is a problem" in html and "Choose who signs for the vendor" in html
    assert 'value="Nia Signer"' in html
    db.session.refresh(agreement)
    assert agreement.status == S.GENERATED


def test_privacy_may_invite_the_person_who_signs(client, login_as, converted):
    agreement = draft(generated=True)
    login_as("privacy")
    url = f"/signing/{agreement.id}/send"

    response = client.post_form(
        url,
        {
            "invite_name": "Nia Signer",
            "invite_email": "nia@vendor.example",
            "version": agreement.version,
        },
    )

    assert response.status_code == 302
    invitation = db.session.scalar(
        select(Invitation).where(Invitation.email == "nia@vendor.example")
    )
    assert invitation.may_sign and invitation.organisation_id == agreement.organisation_id
    signature = _signature(agreement)
    assert signature.signer_id is None and signature.invitation_id == invitation.id


def test_the_one_click_step_no_longer_sends_for_signature(client, login_as):
    agreement = draft(generated=True)
    login_as("privacy")
    url = f"/agreements/{agreement.id}"

    client.post_form(f"{url}/step/send_for_signature", {"version": agreement.version}, from_url=url)

    db.session.refresh(agreement)
    assert agreement.status == S.GENERATED
    page = client.get(url).get_data(as_text=True)
    assert f'href="/signing/{agreement.id}/send"' in page


# The vendor's page and signature -----------------------------------------------------------


def test_the_signer_reads_the_pdf_inline_and_sees_the_three_choices(client):
    agreement, person, signature = sent_agreement()
    sign_in_by_session(client, person)

    html = client.get(f"/portal/agreements/{agreement.id}").get_data(as_text=True)

    assert f'data="/signing/signatures/{signature.id}/document.pdf"' in html
    assert 'id="choice-sign"' in html and 'id="choice-decline"' in html
    assert 'id="signature-history"' in html


def test_the_pdf_is_served_inline_unchanged_and_not_sniffable(client):
    agreement, person, signature = sent_agreement()
    sign_in_by_session(client, person)

    response = client.get(f"/signing/signatures/{signature.id}/document.pdf")

    assert response.status_code == 200
    assert response.headers["Content-Disposition"].startswith("inline")
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert hashlib.sha256(response.data).hexdigest() == signature.document_sha256


def test_a_colleague_sees_who_signs_but_cannot_sign(client):
    agreement, person, _ = sent_agreement()
    colleague = vendor_signer(agreement)
    sign_in_by_session(client, colleague)

    html = client.get(f"/portal/agreements/{agreement.id}").get_data(as_text=True)
    response = client.get(f"/signing/{agreement.id}/sign")

    assert f"{person.name} signs this agreement" in html and 'id="choice-sign"' not in html
    assert response.status_code == 302


def test_another_organisation_finds_neither_the_page_nor_the_pdf(client):
    agreement, _, signature = sent_agreement()
    outsider = vendor_signer(agreement, organisation_id=make_organisation().id)
    sign_in_by_session(client, outsider)

    assert client.get(f"/signing/{agreement.id}/sign").status_code == 404
    assert client.get(f"/signing/signatures/{signature.id}/document.pdf").status_code == 404


def test_a_wrong_password_is_shown_beside_its_field_and_what_was_typed_stays(client):
    agreement, person, signature = sent_agreement()
    sign_in_by_session(client, person)
    url = f"/signing/{agreement.id}/sign"

    response = client.post_form(
        url,
        {
            "typed_name": "Pat Signer",
            "typed_title": "Director",
            "consent": "y",
            "password": "not my password",
            "document_sha256": signature.document_sha256,
        },
    )

    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert 'id="password-error"' in html and "That is not your password" in html
    assert 'value="Pat Signer"' in html and 'value="Director"' in html
    assert "not my password" not in html
    db.session.refresh(signature)
    assert signature.status == SignatureStatus.PENDING


def test_the_signer_signs_through_the_form(client):
    agreement, person, signature = sent_agreement()
    sign_in_by_session(client, person)
    url = f"/signing/{agreement.id}/sign"
    page = client.get(url).get_data(as_text=True)
    assert "15 U.S.C. 7001" in page and "1633.7" in page

    response = client.post_form(
        url,
        {
            "typed_name": "Pat Signer",
            "typed_title": "Director",
            "consent": "y",
            "password": TEST_PASSWORD,
            "document_sha256": signature.document_sha256,
        },
        headers={"User-Agent": "Signing browser"},
    )

    assert response.status_code == 302
    db.session.refresh(signature)
    assert signature.status == SignatureStatus.SIGNED
    assert signature.ip == "127.0.0.1" and signature.user_agent == "Signing browser"


def test_declining_needs_a_reason_and_then_sends_the_agreement_back(client):
    agreement, person, signature = sent_agreement()
    sign_in_by_session(client, person)
    url = f"/signing/{agreement.id}/decline"

    empty = client.post_form(url, {"reason": ""})
    done = client.post_form(url, {"reason": "The retention clause is wrong"})

    assert empty.status_code == 200 and "Say why you decline" in empty.get_data(as_text=True)
    assert done.status_code == 302
    db.session.refresh(agreement)
    assert agreement.status == S.GENERATED


# The City ---------------------------------------------------------------------------------


def test_the_countersign_page_says_what_blocks_it(client, login_as):
    agreement, person, _ = sent_agreement()
    login_as("privacy", may_sign=True)

    html = client.get(f"/signing/{agreement.id}/countersign").get_data(as_text=True)

    assert 'id="countersign-blocked"' in html and f"{person.name} has not signed" in html
    assert 'id="sign-form"' not in html


def test_the_city_countersigns_and_the_agreement_page_shows_both_signatures(client, login_as):
    agreement, person, vendor = signed_agreement()
    login_as("privacy", may_sign=True)
    url = f"/signing/{agreement.id}/countersign"
    assert 'id="sign-form"' in client.get(url).get_data(as_text=True)

    response = client.post_form(
        url,
        {
            "typed_name": "Casey City",
            "typed_title": "Chief Privacy Officer",
            "consent": "y",
            "password": TEST_PASSWORD,
            "document_sha256": vendor.document_sha256,
            "version": agreement.version,
        },
    )

    assert response.status_code == 302, response.get_data(as_text=True)[:400]
    db.session.refresh(agreement)
    assert agreement.status == S.EXECUTED and agreement.signed_file
    html = client.get(f"/agreements/{agreement.id}").get_data(as_text=True)
    assert "Casey City" in html and person.name in html
    assert html.count('id="signature-') >= 2


def test_procurement_may_not_open_the_countersign_page(client, login_as):
    agreement, _, _ = signed_agreement()
    login_as("procurement", may_sign=True)
    assert client.get(f"/signing/{agreement.id}/countersign").status_code == 403


# The wet-ink path -------------------------------------------------------------------------


def test_the_wet_ink_upload_takes_its_dates_from_the_document(client, login_as):
    agreement, _, _ = sent_agreement()
    effective = agreement.effective_date
    login_as("procurement")
    url = f"/agreements/{agreement.id}/execute"
    page = client.get(url).get_data(as_text=True)
    assert 'name="effective_date"' not in page and 'id="document-terms"' in page

    from io import BytesIO

    response = client.post_form(
        url,
        {
            "signed_pdf": (BytesIO(SAMPLE_PDF), "signed.pdf"),
            "signed_on": today().isoformat(),
            "version": agreement.version,
        },
        content_type="multipart/form-data",
    )

    assert response.status_code == 302, response.get_data(as_text=True)[:400]
    db.session.refresh(agreement)
    assert agreement.status == S.EXECUTED and agreement.effective_date == effective
    assert files.read(agreement.signed_file) == SAMPLE_PDF


# The signer right ---------------------------------------------------------------------------


def test_an_administrator_gives_the_signer_right_on_the_user_page_and_it_is_audited(
    client, login_as
):
    from sharing.audit.models import AuditEvent
    from sharing.auth.models import User
    from tests.factories import make_user

    login_as("admin")
    user = make_user("vendor")
    url = f"/auth/users/{user.id}"
    assert 'name="may_sign"' in client.get(url).get_data(as_text=True)

    response = client.post_form(url, {"name": user.name, "role": "vendor", "may_sign": "y"})

    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(User, user.id).may_sign
    event = db.session.scalar(
        select(AuditEvent).where(AuditEvent.object_type == "user").order_by(AuditEvent.id.desc())
    )
    assert event.changes["may_sign"] == {"before": False, "after": True}


def test_an_invitation_with_the_signer_right_makes_a_user_who_may_sign(client, login_as):
    from sharing.auth import invitations
    from sharing.core.clock import now

    login_as("procurement")
    organisation = make_organisation()

    response = client.post_form(
        "/auth/invitations/new",
        {
            "email": "signer@vendor.example",
            "role": "vendor",
            "organisation_id": organisation.id,
            "may_sign": "y",
        },
    )

    assert response.status_code == 302
    invitation = db.session.scalar(
        select(Invitation).where(Invitation.email == "signer@vendor.example")
    )
    assert invitation.may_sign
    # Accepting: the new account carries the right (the token only exists in the mail).
    user = invitations.accept(
        token=_reissue(invitation),
        name="Sam Signer",
        password="a long enough password 2026",
        now=now(),
    )
    assert user.may_sign


def _reissue(invitation) -> str:
    """A known token for the invitation (its mail holds the real one)."""
    from sharing.auth.invitations import token_hash

    token = "known-token-for-the-test"
    invitation.token_hash = token_hash(token)
    db.session.commit()
    return token

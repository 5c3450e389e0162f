"""The main journey, in the browser: from a new organisation and flow to an accepted
attestation, with one browser context per person.

Only the setting-up is done directly (departments, categories, the policy library, the
agreement template and the staff accounts); every step of the journey goes through the pages.
"""

from __future__ import annotations

import zipfile
from datetime import timedelta

from sqlalchemy import select

from sharing.agreements.models import Agreement, AgreementStatus
from sharing.attestations.models import AttestationStatus, EvidenceFile
from sharing.core.clock import today
from sharing.flows.models import DataFlow, FlowStatus
from tests.conftest import TEST_PASSWORD
from tests.e2e import journey_steps as steps
from tests.e2e.conftest import end_transaction, sign_in_with
from tests.factories import (
    make_category,
    make_department,
    make_policy,
    make_template_version,
    make_user,
)

VENDOR_EMAIL = "vera.vendor@parkpay.example"
VENDOR_PASSWORD = "a long vendor passphrase 2026"
CATEGORIES = ("Licence plate", "Home address")


def _setup() -> dict[str, str]:
    make_department(name="Transportation", code="DOT")
    for name in CATEGORIES:
        make_category(name=name)
    make_policy()
    make_template_version()
    emails = {
        role: make_user(role, password=TEST_PASSWORD).email
        for role in ("procurement", "privacy", "admin")
    }
    end_transaction()
    return emails


def _check_docx(name: str, data: bytes, number: str, folder) -> None:
    assert name.startswith(number) and name.endswith(".docx"), name
    path = folder / "check.docx"
    path.write_bytes(data)
    with zipfile.ZipFile(path) as archive:
        assert "word/document.xml" in archive.namelist()
        assert b"ParkPay" in archive.read("word/document.xml")


def test_main_journey_from_new_vendor_to_accepted_attestation(new_page, screenshot, tmp_path):
    """Register, review, agree, sign, invite, attest, return and accept, all in the browser."""
    emails = _setup()
    procurement, privacy, admin = (new_page() for _ in range(3))
    for tab, role in ((procurement, "procurement"), (privacy, "privacy"), (admin, "admin")):
        steps.accept_dialogs(tab)
        sign_in_with(tab, emails[role])

    # 1. Procurement registers the organisation and a flow with two categories, and submits.
    organisation_id = steps.register_organisation(procurement, "ParkPay Systems LLC")
    steps.add_signatory(procurement, organisation_id, "Paz Ortega", "Chief Executive Officer")
    screenshot(procurement, "01-organisation")
    flow_id = steps.draft_flow(
        procurement, organisation_id, "Transportation", "Permit portal", CATEGORIES
    )
    steps.click_and_wait(procurement, "#action-submit")
    screenshot(procurement, "02-flow-submitted")

    # 2. Privacy returns it with a comment; 3. procurement fixes it and resubmits.
    steps.return_flow(privacy, flow_id, "Keep the records one year, not two.")
    procurement.goto(f"/flows/{flow_id}")
    assert "Keep the records one year, not two." in procurement.locator("main").inner_text()
    screenshot(procurement, "03-flow-returned")
    steps.fix_and_resubmit(procurement, flow_id, 365)

    # 4. Privacy approves, generates the agreement, downloads it, sends it, records the signature.
    steps.approve_flow(privacy, flow_id)
    assert steps.read(select(DataFlow.status).where(DataFlow.id == flow_id)) == FlowStatus.APPROVED
    screenshot(privacy, "04-flow-approved")
    agreement_id = steps.generate_agreement(privacy, organisation_id, flow_id)
    number = steps.read(select(Agreement.number).where(Agreement.id == agreement_id))
    _check_docx(*steps.download_docx(privacy, tmp_path), number, tmp_path)
    steps.execute_agreement(privacy, agreement_id, today())
    screenshot(privacy, "05-agreement-signed")
    status = steps.read(select(Agreement.status).where(Agreement.id == agreement_id))
    assert status in (AgreementStatus.EXECUTED, AgreementStatus.ACTIVE), status

    # 5. An admin invites a vendor user; 6. the vendor accepts and sets a password.
    steps.invite_vendor(admin, VENDOR_EMAIL, organisation_id)
    screenshot(admin, "06-invitation-sent")
    steps.accept_invitation(new_page(), steps.invitation_link(VENDOR_EMAIL), VENDOR_PASSWORD)
    vendor = new_page()  # a fresh context: the password just set signs the vendor in
    steps.accept_dialogs(vendor)
    sign_in_with(vendor, VENDOR_EMAIL, VENDOR_PASSWORD)
    vendor.goto("/")
    assert vendor.url.endswith("/portal/"), vendor.url
    screenshot(vendor, "07-vendor-portal")

    # 7. Privacy requests the attestation the agreement implies; the vendor answers it.
    request_id = steps.request_attestation(privacy, agreement_id, today() + timedelta(days=30))
    _vendor_answers(vendor, request_id, screenshot)

    # 8. Privacy returns one answer; the vendor answers again; privacy accepts.
    steps.review(privacy, request_id, {"BRN-1": "Give the notification time in hours."})
    assert steps.request_status(request_id) == AttestationStatus.RETURNED
    vendor.goto(f"/attestations/{request_id}/answer")
    screenshot(vendor, "10-answer-returned")
    vendor.check("input[name=answer_brn_1][value=yes]")
    vendor.fill("#explanation_brn_1", "We notify within 48 hours, as the agreement says.")
    steps.click_and_wait(vendor, "#answer-form button[type=submit]")
    steps.sign_and_submit(vendor, request_id)
    steps.review(privacy, request_id, {})
    screenshot(privacy, "11-attestation-accepted")
    assert steps.request_status(request_id) == AttestationStatus.ACCEPTED


def _vendor_answers(vendor, request_id: int, screenshot) -> None:
    names = steps.answer_all(vendor, request_id, "SEC-1", "MFA reaches staff accounts in May.")
    assert len(names) >= 2, names
    screenshot(vendor, "08-answers-saved")
    steps.upload_evidence(vendor, request_id, "SEC-1")
    steps.sign_and_submit(vendor, request_id)
    screenshot(vendor, "09-attestation-submitted")
    assert steps.request_status(request_id) == AttestationStatus.SUBMITTED
    stored = steps.read(
        select(EvidenceFile.obligation_code).where(EvidenceFile.request_id == request_id)
    )
    assert stored == "SEC-1"

"""The handoff chain in the browser: at every step the next person's home page lists the
item waiting for them, and their notification (in the app, and its mail) exists.

procurement submits → privacy returns → procurement fixes → privacy approves and generates →
vendor attests → privacy returns one question → vendor answers → privacy accepts; vendor
reports an incident → privacy sees it at once. One browser context per person; every home
page is saved as a screenshot at desk width, and the vendor's and the office's at phone width.
"""

from __future__ import annotations

import re
from datetime import timedelta

from sqlalchemy import select

from sharing.attestations.models import AttestationStatus
from sharing.core.clock import today
from sharing.extensions import db
from sharing.mail.models import Notification
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
CATEGORIES = ("License plate", "Home address")
SYSTEM = "Permit portal"


def _setup() -> dict[str, str]:
    """Procurement works for the library but files this flow for transportation: the
    returned flow must still reach them."""
    make_department(name="Transportation", code="DOT")
    library = make_department(name="Library", code="LIB")
    for name in CATEGORIES:
        make_category(name=name)
    make_policy()
    make_template_version()
    emails = {
        "procurement": make_user(
            "procurement", password=TEST_PASSWORD, department_id=library.id
        ).email,
        "privacy": make_user("privacy", password=TEST_PASSWORD).email,
        "admin": make_user("admin", password=TEST_PASSWORD).email,
    }
    end_transaction()
    return emails


def _mail_to(address: str) -> list[str]:
    """Subjects of every message queued for the address, oldest first."""
    end_transaction()
    subjects = list(
        db.session.scalars(
            select(Notification.subject)
            .where(Notification.recipient == address.lower())
            .order_by(Notification.id)
        )
    )
    end_transaction()
    return subjects


def _waiting(tab, section: str) -> str:
    """The text of one of the home page's lists: waiting-for-you or waiting-for-others."""
    tab.goto("/")
    return tab.locator(f"#{section}").inner_text()


def _expect_waiting(tab, section: str, *texts: str) -> None:
    listed = _waiting(tab, section)
    for text in texts:
        assert text in listed, (section, text, listed)


def _expect_notified(tab, text: str) -> None:
    """The person's notifications list the handoff, and the navigation counts it unread."""
    tab.goto("/")
    bell = tab.locator("#nav-inbox").inner_text()
    assert re.search(r"[1-9]\d*\s*unread", bell), bell
    tab.goto("/inbox/")
    listed = tab.locator("main").inner_text()
    assert text in listed, (text, listed[:1500])


def _home_shots(tab, screenshot, name: str, phone: bool = False) -> None:
    tab.goto("/")
    screenshot(tab, f"{name}-1280")
    if phone:
        tab.set_viewport_size({"width": 390, "height": 844})
        tab.goto("/")
        screenshot(tab, f"{name}-390")
        tab.set_viewport_size({"width": 1280, "height": 900})


def test_each_handoff_reaches_the_next_persons_home_page_and_notifications(new_page, screenshot):
    emails = _setup()
    procurement, privacy, admin = (new_page() for _ in range(3))
    for tab, role in ((procurement, "procurement"), (privacy, "privacy"), (admin, "admin")):
        steps.accept_dialogs(tab)
        sign_in_with(tab, emails[role])

    # Procurement submits a flow for another department: it waits for the privacy office.
    organisation_id = steps.register_organisation(procurement, "ParkPay Systems LLC")
    steps.add_signatory(procurement, organisation_id, "Paz Ortega", "Chief Executive Officer")
    flow_id = steps.draft_flow(procurement, organisation_id, "Transportation", SYSTEM, CATEGORIES)
    steps.click_and_wait(procurement, "#action-submit")
    _expect_waiting(privacy, "waiting-for-you", SYSTEM)
    _expect_waiting(procurement, "waiting-for-others", SYSTEM)
    _expect_notified(privacy, SYSTEM)
    assert any(SYSTEM in subject for subject in _mail_to(emails["privacy"]))
    _home_shots(privacy, screenshot, "01-privacy-flow-submitted", phone=True)

    # The privacy office returns it: it waits for procurement, whatever their department.
    steps.return_flow(privacy, flow_id, "Keep the records one year, not two.")
    _expect_waiting(procurement, "waiting-for-you", SYSTEM)
    _expect_notified(procurement, SYSTEM)
    assert any(SYSTEM in subject for subject in _mail_to(emails["procurement"]))
    procurement.goto(f"/flows/{flow_id}/edit")
    assert "Keep the records one year, not two." in procurement.locator("main").inner_text()
    _home_shots(procurement, screenshot, "02-procurement-flow-returned", phone=True)

    # Procurement fixes and resubmits; the office sees what changed, approves and generates.
    steps.fix_and_resubmit(procurement, flow_id, 365)
    _expect_waiting(privacy, "waiting-for-you", SYSTEM)
    privacy.goto(f"/flows/{flow_id}")
    changed = privacy.locator("main").inner_text()
    assert "Changed since" in changed and "365" in changed, changed[:2000]
    steps.approve_flow(privacy, flow_id)
    _expect_notified(procurement, "approved")
    agreement_id = steps.generate_agreement(privacy, organisation_id, flow_id)
    steps.execute_agreement(privacy, agreement_id, today())

    # An administrator invites the vendor; the page says the mail is only queued here.
    steps.invite_vendor(admin, VENDOR_EMAIL, organisation_id)
    steps.accept_invitation(new_page(), steps.invitation_link(VENDOR_EMAIL), VENDOR_PASSWORD)
    _expect_notified(admin, VENDOR_EMAIL)
    vendor = new_page()
    steps.accept_dialogs(vendor)
    sign_in_with(vendor, VENDOR_EMAIL, VENDOR_PASSWORD)

    # The office requests the attestation: it waits for the vendor.
    request_id = steps.request_attestation(privacy, agreement_id, today() + timedelta(days=30))
    vendor.goto("/")
    assert vendor.url.endswith("/portal/"), vendor.url
    _expect_waiting(vendor, "waiting-for-you", "Attestation")
    _expect_notified(vendor, "ttestation")
    assert _mail_to(VENDOR_EMAIL)[1:], _mail_to(VENDOR_EMAIL)
    _home_shots(vendor, screenshot, "03-vendor-attestation-requested", phone=True)

    # The vendor answers and submits: it waits for the office.
    steps.answer_all(vendor, request_id, "SEC-1", "MFA reaches staff accounts in May.")
    steps.sign_and_submit(vendor, request_id)
    assert steps.request_status(request_id) == AttestationStatus.SUBMITTED
    _expect_waiting(privacy, "waiting-for-you", "ttestation")
    _expect_waiting(vendor, "waiting-for-others", "ttestation")
    _expect_notified(privacy, "ttestation")
    _home_shots(privacy, screenshot, "04-privacy-attestation-submitted")

    # The office returns one question: the vendor's home links straight to it.
    steps.review(privacy, request_id, {"BRN-1": "Give the notification time in hours."})
    assert steps.request_status(request_id) == AttestationStatus.RETURNED
    vendor.goto("/")
    link = vendor.locator("#waiting-for-you a[href*='#question-BRN-1']")
    assert link.count() >= 1, vendor.locator("#waiting-for-you").inner_text()
    _home_shots(vendor, screenshot, "05-vendor-question-returned", phone=True)
    with vendor.expect_navigation():
        link.first.click()
    assert vendor.url.endswith("#question-BRN-1"), vendor.url
    vendor.check("input[name=answer_brn_1][value=yes]")
    vendor.fill("#explanation_brn_1", "We notify within 48 hours, as the agreement says.")
    steps.click_and_wait(vendor, "#answer-form button[type=submit]")
    steps.sign_and_submit(vendor, request_id)

    # The office accepts: the vendor is told.
    _expect_waiting(privacy, "waiting-for-you", "ttestation")
    steps.review(privacy, request_id, {})
    assert steps.request_status(request_id) == AttestationStatus.ACCEPTED
    _expect_notified(vendor, "accepted")

    # The vendor reports an incident: the office sees it at once.
    vendor.goto("/portal/incidents/new")
    vendor.fill("#title", "Misdirected permit emails")
    vendor.fill("#description", "Forty permit confirmations went to the wrong addresses.")
    vendor.fill("#discovered_at", f"{(today() - timedelta(days=1)).isoformat()}T08:30")
    steps.click_and_wait(vendor, "#incident-report-form [type=submit]")
    assert re.search(r"/portal/incidents/\d+", vendor.url), steps.flash_text(vendor)[:800]
    _expect_waiting(privacy, "waiting-for-you", "Misdirected permit emails")
    _expect_notified(privacy, "Misdirected permit emails")
    _home_shots(privacy, screenshot, "06-privacy-incident-reported", phone=True)
    _home_shots(procurement, screenshot, "07-procurement-home")

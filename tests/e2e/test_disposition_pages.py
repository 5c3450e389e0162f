"""The certificate of disposition in a browser: the vendor answers every element and signs,
the privacy office accepts; every page passes axe-core's serious and critical rules."""

from __future__ import annotations

from datetime import timedelta

from sharing.core.clock import today
from sharing.disposition.models import DirectiveStatus
from sharing.extensions import db
from tests.e2e.conftest import end_transaction, serious_violations, sign_in_with
from tests.factories import make_user
from tests.web.tables.disposition import issued_directive, vendor_signer


def test_the_vendor_certifies_and_the_office_accepts(new_page, screenshot):
    directive = issued_directive()
    signer = vendor_signer(directive.organisation_id)
    officer = make_user("privacy", password="correct horse battery staple")
    directive_id, count = directive.id, len(directive.elements)
    vendor_email, vendor_name, officer_email = signer.email, signer.name, officer.email
    end_transaction()
    problems: list[str] = []

    vendor = new_page()
    sign_in_with(vendor, vendor_email)
    vendor.goto("/disposition/")
    problems += serious_violations(vendor)
    vendor.goto(f"/disposition/{directive_id}")
    day = (today() - timedelta(days=1)).isoformat()
    for index in range(count):
        vendor.select_option(f"#elements-{index}-done_action", index=1)
        vendor.fill(f"#elements-{index}-done_on", day)
        vendor.fill(f"#elements-{index}-done_method", "Exported by SFTP, then purged")
        vendor.select_option(f"#elements-{index}-subprocessors_confirmed", "confirmed")
        vendor.fill(f"#elements-{index}-backups", "Backups roll off in 35 days")
    # The first element was directed to be returned; saying it was destroyed needs a note.
    vendor.select_option("#elements-0-done_action", "destroy")
    with vendor.expect_navigation():
        vendor.click("#certificate-form [type=submit]")
    assert vendor.locator("#elements-0-notes-error").is_visible()
    problems += serious_violations(vendor)
    screenshot(vendor, "certificate-errors")
    vendor.select_option("#elements-0-done_action", "return")
    with vendor.expect_navigation():
        vendor.click("#certificate-form [type=submit]")
    with vendor.expect_navigation():
        vendor.click("#go-sign")
    problems += serious_violations(vendor)
    vendor.fill("#typed_name", vendor_name)
    vendor.fill("#typed_title", "Chief Operating Officer")
    vendor.check("#consent")
    vendor.fill("#password", "correct horse battery staple")
    with vendor.expect_navigation():
        vendor.click("#sign-form [type=submit]")
    screenshot(vendor, "submitted")

    office = new_page()
    sign_in_with(office, officer_email)
    office.goto(f"/disposition/{directive_id}")
    problems += serious_violations(office)
    screenshot(office, "review")
    office.check("#decision-0")
    with office.expect_navigation():
        office.click("#review-form [type=submit]")

    assert problems == []
    db.session.expire_all()
    directive = db.session.get(type(directive), directive_id)
    assert directive.status == DirectiveStatus.ACCEPTED
    assert directive.disposed_on == today() - timedelta(days=1)

"""One agreement adopted by many, and the end of its term proved, in Chromium: a second
department adopts an agreement the vendor offered to all; the privacy office terminates the
base, which ends the adoption with it; the vendor receives the disposition directive,
answers it element by element and signs the certificate; the office accepts it; and the
public register shows the adopted arrangement under the base's number, then the day the
City's data were disposed of."""

from __future__ import annotations

from sqlalchemy import select

from sharing.agreements.models import Agreement, AgreementStatus, agreement_adoptions
from sharing.core.clock import today
from sharing.disposition.models import DirectiveStatus, DispositionDirective
from sharing.extensions import db
from sharing.register.changelog import sync_changes
from tests.conftest import TEST_PASSWORD
from tests.e2e.conftest import end_transaction, serious_violations, sign_in_with
from tests.e2e.journey_steps import accept_dialogs, click_and_wait
from tests.factories import make_user
from tests.web.tables.adoptions import fitting_flow, open_offer, vendor_signer_of


def _adoption_of(base_id: int) -> Agreement:
    return db.session.scalars(
        select(Agreement)
        .join(agreement_adoptions, agreement_adoptions.c.agreement_id == Agreement.id)
        .where(agreement_adoptions.c.base_id == base_id)
    ).one()


def test_an_adopted_agreement_ends_and_the_vendor_certifies_the_disposal(new_page, screenshot):
    """Adopt, terminate the base, certify, accept; the register shows the base's number on the
    adopted arrangement and, at the end, the disposal date. Every page the vendor and the
    public see passes axe-core's serious and critical rules."""
    offer, base = open_offer()
    base.flows[0].published = True
    department, flow = fitting_flow(base, published=True, system_name="Pool bookings")
    buyer = make_user(
        "procurement", password=TEST_PASSWORD, department_id=department.id, email="parks@city.test"
    )
    signer = vendor_signer_of(base.organisation_id, email="signer@vendor.test")
    make_user("privacy", password=TEST_PASSWORD, email="office@city.test")
    sync_changes(today=today())
    db.session.commit()
    offer_id, base_id, base_number = offer.id, base.id, base.number
    flow_id, flow_lineage = flow.id, flow.lineage_id or flow.id
    buyer_email, signer_email, signer_name = buyer.email, signer.email, signer.name
    end_transaction()
    problems: list[str] = []

    # A second department adopts the offer for its own flow.
    parks = new_page()
    sign_in_with(parks, buyer_email, TEST_PASSWORD)
    parks.goto(f"/adoptions/offers/{offer_id}/adopt")
    parks.check(f"input[name=flows][value='{flow_id}']")
    screenshot(parks, "01-adopt-form")
    click_and_wait(parks, "#adopt-form [type=submit]")
    adoption_page = parks.locator("main").inner_text()
    assert f"Adopts {base_number}" in adoption_page, adoption_page
    screenshot(parks, "02-adoption-generated")

    # The adoption goes through the signing path like any agreement (the signing journey
    # walks it); here it is put in force directly, and the register brought in step.
    end_transaction()
    adoption = _adoption_of(base_id)
    adoption.status = AgreementStatus.ACTIVE
    adoption_id, adoption_number = adoption.id, adoption.number
    sync_changes(today=today())
    end_transaction()

    public = new_page()
    public.goto(f"/register/{flow_lineage}")
    arrangement = public.locator("main").inner_text()
    assert base_number in arrangement, arrangement
    screenshot(public, "03-register-adopted-arrangement")
    problems += serious_violations(public)

    # The privacy office terminates the base; the adoption ends with it.
    office = new_page()
    accept_dialogs(office)
    sign_in_with(office, "office@city.test", TEST_PASSWORD)
    office.goto(f"/agreements/{base_id}/terminate")
    office.fill("#reason", "The vendor is leaving the parking payments market.")
    click_and_wait(office, "#terminate-form [type=submit]")
    office.goto(f"/agreements/{adoption_id}")
    assert "Terminated" in office.locator("main").inner_text()
    screenshot(office, "04-adoption-terminated-with-its-base")

    # The vendor receives a directive for each agreement, and certifies the base's.
    vendor = new_page()
    accept_dialogs(vendor)
    sign_in_with(vendor, signer_email, TEST_PASSWORD)
    vendor.goto("/disposition/")
    listing = vendor.locator("main").inner_text()
    assert base_number in listing and adoption_number in listing, listing
    screenshot(vendor, "05-vendor-directives")
    problems += serious_violations(vendor)
    directive = db.session.scalars(
        select(DispositionDirective).where(DispositionDirective.agreement_id == base_id)
    ).one()
    directive_id, elements = directive.id, len(directive.elements)
    end_transaction()
    vendor.goto(f"/disposition/{directive_id}")
    day = today().isoformat()  # the base ended today; nothing can be disposed of before
    for index in range(elements):
        vendor.select_option(f"#elements-{index}-done_action", "return")
        vendor.fill(f"#elements-{index}-done_on", day)
        vendor.fill(f"#elements-{index}-done_method", "Exported over SFTP, then purged")
        vendor.select_option(f"#elements-{index}-subprocessors_confirmed", "confirmed")
        vendor.fill(f"#elements-{index}-backups", "Backups expire 35 days after the export")
    screenshot(vendor, "06-certificate-answers")
    problems += serious_violations(vendor)
    click_and_wait(vendor, "#certificate-form [type=submit]")
    click_and_wait(vendor, "#go-sign")
    vendor.fill("#typed_name", signer_name)
    vendor.fill("#typed_title", "Chief Operating Officer")
    vendor.check("#consent")
    vendor.fill("#password", TEST_PASSWORD)
    screenshot(vendor, "07-sign-certificate")
    problems += serious_violations(vendor)
    click_and_wait(vendor, "#sign-form [type=submit]")
    assert "Certificate submitted" in vendor.locator("main").inner_text()

    # The office accepts the certificate.
    office.goto(f"/disposition/{directive_id}")
    office.check("#decision-0")
    screenshot(office, "08-review-certificate")
    click_and_wait(office, "#review-form [type=submit]")
    assert "Certificate accepted" in office.locator("main").inner_text()

    # The public changelog records the day the data were disposed of.
    public.goto("/register/changes")
    changes = public.locator("#changes-table").inner_text()
    assert "Data disposed of" in changes, changes
    screenshot(public, "09-register-changelog")
    problems += serious_violations(public)
    assert problems == [], "\n".join(problems)

    db.session.expire_all()
    accepted = db.session.get(DispositionDirective, directive_id)
    assert accepted.status == DirectiveStatus.ACCEPTED
    assert accepted.disposed_on == today()

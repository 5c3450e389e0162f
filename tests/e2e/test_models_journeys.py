"""Models in the open, as their users meet them in Chromium: a resident reads an algorithm's
public page, raises a concern and follows it by its reference until the privacy office's
answer appears; a vendor fills the AI fact sheet, the office accepts it and approves the
record, and the public page shows the vendor's answers."""

from __future__ import annotations

from datetime import timedelta

from sharing.algorithms.models import FactSheet
from sharing.core.clock import today
from sharing.extensions import db
from sharing.flows.models import RiskTier
from tests.conftest import TEST_PASSWORD
from tests.e2e.conftest import end_transaction, serious_violations, sign_in_with
from tests.e2e.journey_steps import accept_dialogs, click_and_wait
from tests.factories import make_algorithm, make_organisation, make_user
from tests.web.tables.register import make_arrangement


def _public_algorithm(**values):
    """A public algorithm fed by a published arrangement of a vendor with a portal user."""
    vendor = make_organisation(legal_name="Northwind Vision LLC", common_name="Northwind")
    flow = make_arrangement(
        organisation=vendor,
        system_name="Youth center check-in",
        automated_decisions=True,
        includes_minors=True,
    )
    algorithm = make_algorithm(
        vendor,
        (flow,),
        approved=True,
        name="Face check-in matcher",
        summary="Matches a child's face to the photo on file when they arrive at a youth center.",
        risk_tier=RiskTier.HIGH,
        **values,
    )
    return vendor, flow, algorithm


def test_a_resident_raises_a_concern_and_reads_the_offices_answer(new_page, screenshot):
    """Algorithm page, concern form, reference, status; the office answers; the status shows it.
    Every page the resident sees passes axe-core (no serious or critical violation), the
    receipt included, which only a submission reaches."""
    _, _, algorithm = _public_algorithm()
    make_user("privacy", password=TEST_PASSWORD, email="officer@example.org")
    algorithm_id = algorithm.id
    end_transaction()

    resident = new_page()  # axe-core runs as a script in the page
    resident.goto(f"/register/algorithms/{algorithm_id}")
    page = resident.locator("main").inner_text()
    assert "Face check-in matcher" in page and "Matches a child's face" in page, page
    screenshot(resident, "01-algorithm-page")
    violations = serious_violations(resident)

    click_and_wait(resident, "#raise-concern a")
    assert "Face check-in matcher" in resident.locator("#concern-subject").inner_text()
    resident.check("input[name=kind][value=concern]")
    resident.fill("#body", "Were the children's parents told that faces are matched?")
    resident.fill("#email", "resident@example.org")
    screenshot(resident, "02-concern-form")
    violations += serious_violations(resident)
    click_and_wait(resident, "#concern-submit")
    reference = resident.locator("#concern-reference strong").inner_text().strip()
    assert reference.startswith("SJ-"), reference
    screenshot(resident, "03-reference")
    violations += serious_violations(resident)

    click_and_wait(resident, "#status-link")
    status_url = resident.url
    status = resident.locator("main").inner_text()
    assert reference in status and "Received" in status, status
    assert "parents told" not in status and "resident@example.org" not in status
    screenshot(resident, "04-status-received")
    violations += serious_violations(resident)

    office = new_page()
    accept_dialogs(office)
    sign_in_with(office, "officer@example.org", TEST_PASSWORD)
    office.goto("/concerns/cases")
    click_and_wait(office, f"text={reference}")
    assert "parents told" in office.locator("#case-text").inner_text()
    office.fill("#public_response", "Yes: parents sign a consent form that explains the matching.")
    click_and_wait(office, "#response-form [type=submit]")
    assert "Answered" in office.locator("main").inner_text()
    screenshot(office, "05-case-answered")

    resident.goto(status_url)
    answered = resident.locator("#public-response").inner_text()
    assert "parents sign a consent form" in answered, answered
    screenshot(resident, "06-status-answered")
    violations += serious_violations(resident)
    assert not violations, "\n".join(violations)


def test_a_vendors_fact_sheet_reaches_the_public_page_after_approval(new_page, screenshot):
    """The vendor fills and signs the fact sheet; the office accepts it, reviews and approves
    the record; the public page then shows the vendor's bias testing."""
    vendor, _, algorithm = _public_algorithm()
    make_user(
        "vendor", password=TEST_PASSWORD, organisation_id=vendor.id, email="maria@northwind.example"
    )
    make_user("privacy", password=TEST_PASSWORD, email="reviewer@example.org")
    sheet = FactSheet(
        algorithm_id=algorithm.id,
        organisation_id=vendor.id,
        edition=1,
        due_date=today() + timedelta(days=30),
    )
    db.session.add(sheet)
    db.session.commit()
    sheet_id, algorithm_id = sheet.id, algorithm.id
    end_transaction()

    tab = new_page()
    accept_dialogs(tab)
    sign_in_with(tab, "maria@northwind.example", TEST_PASSWORD)
    tab.goto("/portal/")
    assert "Face check-in matcher" in tab.locator("#waiting-for-you").inner_text()
    tab.goto(f"/algorithms/fact-sheets/{sheet_id}")
    answers = {
        "#intended_use": "Confirming a registered child's identity at check-in.",
        "#known_limits": "Less accurate in poor light; staff confirm every mismatch.",
        "#training_data": "Licensed adult and child faces with consent, 2019 to 2024.",
        "#accuracy_metrics": "False match rate 0.1% at the chosen threshold.",
        "#bias_groups_tested": "Age bands 5-17, skin tone (Monk scale), gender",
        "#last_tested_on": (today() - timedelta(days=20)).isoformat(),
        "#tested_by": "Independent lab: FairEval Inc.",
        "#human_oversight": "A staff member confirms each match before entry.",
        "#security": "Encrypted at rest; images deleted after 30 days.",
        "#retention": "Photos 30 days; match logs 90 days.",
        "#incident_contact": "security@northwind.example",
    }
    for selector, value in answers.items():
        tab.fill(selector, value)
    screenshot(tab, "01-fact-sheet-filled")
    click_and_wait(tab, "#answers-form [type=submit]")
    tab.fill("#signer_name", "Maria Nguyen")
    tab.fill("#signer_title", "Chief Technology Officer")
    tab.check("#attested")
    click_and_wait(tab, "#submit-form [type=submit]")
    assert "Maria Nguyen" in tab.locator("#signature").inner_text()
    screenshot(tab, "02-fact-sheet-submitted")

    office = new_page()
    accept_dialogs(office)
    sign_in_with(office, "reviewer@example.org", TEST_PASSWORD)
    office.goto(f"/algorithms/fact-sheets/{sheet_id}")
    office.check("input[name=decision][value=accept]")
    click_and_wait(office, "#review-form [type=submit]")
    office.goto(f"/algorithms/{algorithm_id}")
    changed = office.locator("#changes-since-approval").inner_text()
    assert "Age bands 5-17" in changed, changed
    screenshot(office, "03-record-changed")
    click_and_wait(office, "#action-start_review")
    click_and_wait(office, "#action-approve")
    assert "on the public register" in office.locator("main").inner_text()

    public = new_page(java_script_enabled=False)
    public.goto(f"/register/algorithms/{algorithm_id}")
    shown = public.locator("main").inner_text()
    assert "Age bands 5-17" in shown and "FairEval Inc." in shown, shown
    assert "security@northwind.example" not in shown and "Encrypted at rest" not in shown
    screenshot(public, "04-public-page")

"""The agreement pages that depend on JavaScript, driven in Chromium: the bulk renewal zip with its
progress bar, the generation wizard, and the confirmation before deactivating a template.

Values the test needs later are read into plain variables, then `end_transaction()` runs
before the browser acts (see tests/e2e/conftest.py)."""

from __future__ import annotations

import zipfile
from datetime import timedelta

from sharing.agreements.models import Agreement, AgreementTemplate
from sharing.core.clock import today
from sharing.extensions import db
from tests.e2e.conftest import end_transaction
from tests.factories import make_template_version
from tests.web.tables.agreements import active_expiring_in, ready_organisation

WATCH_BUSY = """selector => {
  const button = document.querySelector(selector);
  new MutationObserver(() => {
    if (button.disabled) {
      sessionStorage.setItem("busy", "disabled: " + button.textContent.trim());
    }
  }).observe(button, {attributes: true, childList: true, characterData: true, subtree: true});
}"""


def _template_active(template_id: int) -> bool:
    end_transaction()
    active = db.session.get(AgreementTemplate, template_id).active
    end_transaction()
    return active


def test_bulk_renewal_page_shows_progress_and_downloads_the_zip(page, sign_in, tmp_path):
    numbers = [active_expiring_in(days).number for days in (10, 30, 55)]
    end_transaction()
    sign_in("privacy")
    start, end = today(), today() + timedelta(days=90)

    page.goto(f"/agreements/renewals?expiring_from={start}&expiring_to={end}")
    assert page.locator("#renewals-due tbody tr").count() == 3
    listed = page.locator("#renewals-due tbody").inner_text()
    assert all(number in listed for number in numbers), listed
    assert not page.locator("#bulk-progress-bar").is_visible()

    with page.expect_download() as download_info:
        page.get_by_role("button", name="Generate 3 amendments as a zip").click()
    download = download_info.value

    page.wait_for_function("document.getElementById('bulk-progress-bar').value == 3")
    assert page.locator("#bulk-progress-bar").is_visible()
    assert page.locator("#bulk-progress-text").inner_text().startswith("Done")
    name = download.suggested_filename
    assert name.startswith("renewal-amendments-") and name.endswith(".zip"), name

    saved = tmp_path / name
    download.save_as(saved)
    with zipfile.ZipFile(saved) as archive:
        assert archive.testzip() is None
        names = archive.namelist()
    amendments = [n for n in names if n.startswith("renewal-amendments/") and n.endswith(".docx")]
    assert len(amendments) == 3, names
    assert "SUMMARY.csv" in names, names


def test_privacy_officer_generates_an_agreement_through_the_wizard(page, sign_in):
    organisation, flow = ready_organisation()
    organisation_id, flow_id = organisation.id, flow.id
    end_transaction()
    sign_in("privacy")

    page.goto("/agreements/new")
    page.select_option("#organisation", str(organisation_id))
    with page.expect_navigation():
        page.get_by_role("button", name="Continue").click()

    assert page.locator(f"#agreement-form input[name=flows][value='{flow_id}']").is_checked()
    template = page.locator("#template")
    template.select_option(template.locator("option").nth(1).get_attribute("value"))
    page.fill("#effective_date", "2027-01-01")  # generation needs it; the department is preset
    with page.expect_navigation():
        page.get_by_role("button", name="Save and choose parameters").click()
    assert "/parameters" in page.url, page.url

    page.get_by_label("Hours to report an incident").fill("48")
    with page.expect_navigation():
        page.get_by_role("button", name="Save parameters and preview").click()
    assert "/preview" in page.url, page.url
    assert "48 hours" in page.locator("#clause-BRN-1").inner_text()

    # data-busy disables the button while the server renders. The old page is gone once the
    # agreement page arrives, so its state is noted in sessionStorage, which the tab keeps.
    page.evaluate(WATCH_BUSY, "#generate-form button[type=submit]")
    with page.expect_navigation():
        page.locator("#generate-form button[type=submit]").click()
    assert page.evaluate("sessionStorage.getItem('busy')") == "disabled: Generating…"

    agreement = db.session.scalars(
        db.select(Agreement).where(Agreement.organisation_id == organisation_id)
    ).one()
    agreement_id, number, sha256 = agreement.id, agreement.number, agreement.generated_sha256
    end_transaction()
    assert page.url.endswith(f"/agreements/{agreement_id}"), page.url
    assert sha256 and page.locator("#generated-sha256").inner_text() == sha256

    with page.expect_download() as download_info:
        page.locator("#download-docx").click()
    name = download_info.value.suggested_filename
    assert name.startswith(number) and name.endswith(".docx"), name


def test_deactivating_a_template_asks_for_confirmation(page, sign_in):
    template_id = make_template_version().template_id
    end_transaction()
    sign_in("privacy")
    page.goto(f"/agreements/templates/{template_id}")

    asked: list[str] = []

    def dismiss(dialog):
        asked.append(dialog.message)
        dialog.dismiss()

    page.once("dialog", dismiss)
    page.get_by_role("button", name="Deactivate").click()
    assert asked and asked[0].startswith("Stop offering"), asked
    assert page.get_by_role("button", name="Deactivate").is_visible()
    assert _template_active(template_id) is True

    page.once("dialog", lambda dialog: dialog.accept())
    with page.expect_navigation():
        page.get_by_role("button", name="Deactivate").click()
    assert page.get_by_role("button", name="Activate").is_visible()
    assert _template_active(template_id) is False

"""The signing journey in the browser, one context per person: the privacy office sends a
generated agreement for signature; the vendor's signer returns a marked-up copy (a longer
breach notice and a clause of their own); the office accepts the one as a parameter change,
rejects the other with a comment, regenerates and sends again; the vendor reads the comment
and signs; the City countersigns; the sealed PDF downloaded from the agreement page passes
pyHanko's and poppler's checks, and its last page names both signers.

The send page converts the .docx with the real LibreOffice, so the signed PDF holds the text
the decisions produced. Screenshots at desk width of every page of the journey, and of the
vendor's two pages at phone width.
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

from sqlalchemy import select

from sharing.agreements.models import Agreement, AgreementStatus
from sharing.seal.sealing import validate_seal
from tests.e2e import journey_steps as steps
from tests.e2e.conftest import end_transaction, sign_in_with
from tests.factories import make_user
from tests.web.tables import negotiation as returns

VENDOR_PASSWORD = "a long vendor passphrase 2026"
CITY_PASSWORD = "the city signs with this 2026"
VENDOR_NAME = "Vera Vendorova"
CITY_NAME = "Paloma Privacy"
COMMENT = "The City does not let vendors reuse its data, even aggregated."
# Sending converts the .docx with LibreOffice, which may take longer than a page usually
# does; this is an upper bound on waiting, not a performance assertion.
CONVERSION_MS = 120_000
DESK = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}


def _setup(tmp_path: Path) -> dict:
    agreement = returns.generated_agreement(status=AgreementStatus.GENERATED)
    marked_up = returns.returned(agreement, returns.breach_notice(168), returns.add_clause("PUR-1"))
    vendor = make_user(
        "vendor",
        password=VENDOR_PASSWORD,
        organisation_id=agreement.organisation_id,
        may_sign=True,
        name=VENDOR_NAME,
    )
    city = make_user("privacy", password=CITY_PASSWORD, may_sign=True, name=CITY_NAME)
    upload = tmp_path / "Returned DPA.docx"
    upload.write_bytes(marked_up)
    facts = {
        "id": agreement.id,
        "number": agreement.number,
        "vendor": vendor.email,
        "vendor_id": vendor.id,
        "city": city.email,
        "upload": upload,
    }
    end_transaction()
    return facts


def _status(agreement_id: int) -> AgreementStatus:
    return steps.read(select(Agreement.status).where(Agreement.id == agreement_id))


def _main(tab) -> str:
    return tab.locator("main").inner_text()


def _send(tab, agreement_id: int, vendor_id: int, screenshot=None) -> None:
    """From the agreement page: follow "Send for signature", choose the signer, send."""
    tab.goto(f"/agreements/{agreement_id}")
    steps.click_and_wait(tab, "#action-send_for_signature")
    assert tab.url.endswith(f"/signing/{agreement_id}/send"), tab.url
    tab.select_option("#signer_id", str(vendor_id))
    if screenshot:
        screenshot(tab, "01-send-1280")
    with tab.expect_navigation(timeout=CONVERSION_MS):
        tab.locator("#send-form [type=submit]").click()
    assert tab.url.endswith(f"/agreements/{agreement_id}"), _main(tab)[:800]
    assert "is sent for signature" in _main(tab), _main(tab)[:800]
    assert "Sent for signature" in tab.locator("h1").inner_text()
    assert "Waiting for" in tab.locator("#signing-status").inner_text()


def _sign_form(tab, name: str, title: str, password: str) -> None:
    tab.fill("#typed_name", name)
    tab.fill("#typed_title", title)
    tab.check("#consent")
    tab.fill("#password", password)


def _text(pdf: Path, *pages: int) -> str:
    """The PDF's text (one page range), with its whitespace made single spaces."""
    command = ["pdftotext", "-layout"]
    if pages:
        command += ["-f", str(pages[0]), "-l", str(pages[-1])]
    out = subprocess.run([*command, str(pdf), "-"], capture_output=True, text=True, check=True)
    return " ".join(out.stdout.split())


def _page_count(pdf: Path) -> int:
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True)
    return int(re.search(r"^Pages:\s+(\d+)", info.stdout, re.M).group(1))


def test_vendor_returns_changes_then_both_parties_sign_and_the_sealed_pdf_validates(
    new_page, screenshot, tmp_path
):
    facts = _setup(tmp_path)
    agreement_id, number = facts["id"], facts["number"]
    privacy, vendor = new_page(viewport=DESK), new_page(viewport=DESK)
    steps.accept_dialogs(privacy)
    steps.accept_dialogs(vendor)
    sign_in_with(privacy, facts["city"], CITY_PASSWORD)
    sign_in_with(vendor, facts["vendor"], VENDOR_PASSWORD)

    # The office sends the generated agreement to the vendor's signer.
    _send(privacy, agreement_id, facts["vendor_id"], screenshot)
    assert _status(agreement_id) == AgreementStatus.SENT_FOR_SIGNATURE

    # The vendor finds it waiting on the portal home and opens it: the PDF and the choices.
    vendor.goto("/")
    waiting = vendor.locator("#waiting-for-you")
    assert number in waiting.inner_text(), waiting.inner_text()
    with vendor.expect_navigation():
        waiting.locator("a", has_text=number).first.click()
    assert vendor.url.endswith(f"/portal/agreements/{agreement_id}"), vendor.url
    pdf_object = vendor.locator("#signing-document object[type='application/pdf']")
    assert pdf_object.count() == 1
    assert "/document.pdf" in pdf_object.get_attribute("data")
    assert vendor.locator("#signing-choices a").count() == 3
    screenshot(vendor, "02-vendor-agreement-1280")
    vendor.set_viewport_size(PHONE)
    screenshot(vendor, "02-vendor-agreement-390")
    vendor.set_viewport_size(DESK)

    # It returns a marked-up copy: the page it lands on lists the two changes found.
    steps.click_and_wait(vendor, "#return-with-changes")
    vendor.set_input_files("#returned_file", str(facts["upload"]))
    steps.click_and_wait(vendor, "#returned-copy-form [type=submit]")
    assert re.search(r"/negotiation/returned/\d+$", vendor.url), _main(vendor)[:1500]
    vendor_copy_url = vendor.url
    found = _main(vendor)
    assert "Returned copy 1 received: 2 changes found." in found, found[:1500]
    assert "168 hours" in found and "Use of aggregated data" in found, found[:3000]
    assert "deciding on each change" in found, found[:1500]
    assert _status(agreement_id) == AgreementStatus.GENERATED

    # The office opens the review from the agreement page: the weakened breach notice first.
    privacy.goto(f"/agreements/{agreement_id}")
    with privacy.expect_navigation():
        privacy.locator("#returned-copies a").first.click()
    assert re.search(r"/negotiation/copies/\d+$", privacy.url), privacy.url
    cards = privacy.locator("main section.card")
    assert cards.count() == 2, _main(privacy)[:3000]
    first = cards.nth(0).inner_text()
    assert "BRN-1" in first and "weakened" in first and "168 hours" in first, first
    assert "Use of aggregated data" in cards.nth(1).inner_text(), cards.nth(1).inner_text()
    screenshot(privacy, "03-review-1280")

    breach_id = cards.nth(0).get_attribute("id")  # "d<deviation id>"
    added_id = cards.nth(1).get_attribute("id")
    privacy.check(f"#{breach_id} input[name='{breach_id}-decision'][value=parameter]")
    steps.click_and_wait(privacy, f"#{breach_id} form [type=submit]")
    assert "Decision saved" in _main(privacy), _main(privacy)[:1500]
    privacy.check(f"#{added_id} input[name='{added_id}-decision'][value=rejected]")
    privacy.fill(f"#{added_id}-note", COMMENT)
    steps.click_and_wait(privacy, f"#{added_id} form [type=submit]")
    assert "Decision saved" in _main(privacy), _main(privacy)[:1500]
    steps.click_and_wait(privacy, "#regenerate-form [type=submit]")
    assert privacy.url.endswith(f"/agreements/{agreement_id}"), _main(privacy)[:1500]
    assert "regenerated with the decisions" in _main(privacy), _main(privacy)[:1500]
    _send(privacy, agreement_id, facts["vendor_id"])

    # The vendor reads the rejected change and its comment, then signs.
    vendor.goto(vendor_copy_url)
    rejected = vendor.locator(f"#{added_id}").inner_text()
    assert "Reject" in rejected and COMMENT in rejected, rejected
    assert "not accepted" in vendor.locator("#decisions-made").inner_text()
    vendor.goto(f"/portal/agreements/{agreement_id}")
    steps.click_and_wait(vendor, "#choice-sign")
    assert vendor.url.endswith(f"/signing/{agreement_id}/sign"), vendor.url
    _sign_form(vendor, VENDOR_NAME, "Chief Executive Officer", VENDOR_PASSWORD)
    screenshot(vendor, "04-sign-1280")
    vendor.set_viewport_size(PHONE)
    screenshot(vendor, "04-sign-390")
    vendor.set_viewport_size(DESK)
    steps.click_and_wait(vendor, "#sign-form [type=submit]")
    assert vendor.url.endswith(f"/portal/agreements/{agreement_id}"), _main(vendor)[:1500]
    assert "The City countersigns next" in vendor.locator("#waiting-for-city").inner_text()

    # The City's signer countersigns from the agreement page: the agreement is executed.
    privacy.goto(f"/agreements/{agreement_id}")
    steps.click_and_wait(privacy, "#action-countersign")
    assert privacy.url.endswith(f"/signing/{agreement_id}/countersign"), privacy.url
    _sign_form(privacy, CITY_NAME, "Chief Privacy Officer", CITY_PASSWORD)
    screenshot(privacy, "05-countersign-1280")
    steps.click_and_wait(privacy, "#sign-form [type=submit]")
    assert privacy.url.endswith(f"/agreements/{agreement_id}"), _main(privacy)[:1500]
    assert "executed" in _main(privacy).lower()
    assert _status(agreement_id) == AgreementStatus.EXECUTED
    screenshot(privacy, "06-executed-1280")
    vendor.goto(f"/portal/agreements/{agreement_id}")
    assert vendor.locator("#executed-copy #download-signed").count() == 1, _main(vendor)[:1500]

    # The signed PDF from the agreement page: named after the agreement, sealed and intact.
    with privacy.expect_download() as download_info:
        privacy.locator("#signed-copy a", has_text="Download the signed PDF").click()
    download = download_info.value
    name = download.suggested_filename
    assert name.startswith(number) and name.endswith(".pdf"), name
    signed = tmp_path / name
    download.save_as(signed)

    end_transaction()
    report = validate_seal(signed.read_bytes())
    end_transaction()
    assert report.sealed and report.intact and report.trusted, report.problems
    assert report.covers_whole_file and report.problems == [], report.problems
    checked = subprocess.run(["pdfsig", str(signed)], capture_output=True, text=True).stdout
    assert "Signature is Valid" in checked, checked

    last_page = _text(signed, _page_count(signed))
    assert last_page.startswith("Signature page") and f"Agreement No. {number}" in last_page
    assert VENDOR_NAME in last_page and CITY_NAME in last_page, last_page
    whole = _text(signed)
    assert "168 hours" in whole and "72 hours" not in whole, whole[:3000]
    assert "to improve its services" not in whole, whole  # the rejected clause stayed out

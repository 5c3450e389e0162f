"""Steps of the browser journeys, each done through the pages as a person would.

Every helper takes a Playwright page already signed in as the right person. The journey
tests chain them; the keyboard and register journeys reuse a few.
"""

from __future__ import annotations

import io
import re
from datetime import date, timedelta

from PIL import Image
from sqlalchemy import select

from sharing.attestations.models import AttestationRequest, AttestationStatus
from sharing.extensions import db
from sharing.mail.models import Notification
from tests.e2e.conftest import end_transaction

ID_IN_URL = re.compile(r"/(\d+)(?:$|[/?#])")


def id_from_url(url: str) -> int:
    """The last numeric path segment of a URL, e.g. 12 in /flows/12 or /flows/12/edit."""
    found = ID_IN_URL.findall(url)
    assert found, url
    return int(found[-1])


def pdf_bytes(text: str = "signed") -> bytes:
    """A real one-page PDF (drawn with Pillow), fit for the signed-copy and evidence checks."""
    image = Image.new("RGB", (200, 120), "white")
    for x in range(20, 180):
        image.putpixel((x, 60), (0, 0, 0))
    buffer = io.BytesIO()
    image.save(buffer, "PDF", title=text)
    return buffer.getvalue()


def click_and_wait(tab, selector: str) -> None:
    with tab.expect_navigation():
        tab.locator(selector).click()


def accept_dialogs(tab) -> None:
    """Answer every data-confirm question with OK for the rest of the page's life."""
    tab.on("dialog", lambda dialog: dialog.accept())


def flash_text(tab) -> str:
    return tab.locator("main").inner_text()


# -- Organisations and flows -------------------------------------------------------------


def register_organisation(tab, legal_name: str) -> int:
    tab.goto("/vendors/new")
    tab.fill("#legal_name", legal_name)
    tab.fill("#common_name", legal_name.split()[0])
    tab.fill("#ein", "12-3456789")
    tab.fill("#address_line1", "100 Market Street")
    tab.fill("#city", "San José")
    tab.fill("#postal_code", "95113")
    click_and_wait(tab, "#organisation-form [type=submit]")
    assert re.search(r"/vendors/\d+$", tab.url), flash_text(tab)[:800]
    return id_from_url(tab.url)


def add_signatory(tab, organisation_id: int, name: str, title: str) -> None:
    """The contact who signs agreements for the organisation."""
    tab.goto(f"/vendors/{organisation_id}/contacts/new")
    tab.fill("#name", name)
    tab.fill("#title", title)
    tab.fill("#email", "signatory@parkpay.example")
    tab.select_option("#role", "signatory")
    click_and_wait(tab, "#contact-form [type=submit]")
    assert re.search(rf"/vendors/{organisation_id}", tab.url), flash_text(tab)[:800]


def draft_flow(tab, organisation_id: int, department: str, system: str, categories) -> int:
    """A new flow, ready for review, sharing the given categories, kept for two years."""
    tab.goto("/flows/new")
    tab.select_option("#organisation_id", str(organisation_id))
    tab.select_option("#department_id", label=department)
    tab.fill("#system_name", system)
    tab.fill("#purposes", "Issue and renew residents' parking permits")
    tab.fill("#legal_authority", "Municipal Code 11.36 (residential permit parking)")
    tab.fill("#data_subjects", "Residents applying for a parking permit")
    tab.fill("#retention_days", "730")
    tab.fill("#storage_country", "US")
    for name in categories:
        tab.get_by_label(name, exact=True).check()
        tab.get_by_label(f"Justification for {name}").fill(f"The permit needs the {name.lower()}")
    click_and_wait(tab, "#flow-form [type=submit]")
    assert re.search(r"/flows/\d+$", tab.url), flash_text(tab)[:800]
    return id_from_url(tab.url)


def flow_status(tab) -> str:
    return tab.locator("main").inner_text()


def return_flow(tab, flow_id: int, comment: str) -> None:
    tab.goto(f"/flows/{flow_id}")
    click_and_wait(tab, "#action-start_review")
    tab.fill("#comment-request_changes", comment)
    click_and_wait(tab, "#action-request_changes")


def fix_and_resubmit(tab, flow_id: int, retention_days: int) -> None:
    tab.goto(f"/flows/{flow_id}/edit")
    tab.fill("#retention_days", str(retention_days))
    click_and_wait(tab, "#flow-form [type=submit]")
    click_and_wait(tab, "#action-submit")


def approve_flow(tab, flow_id: int) -> None:
    tab.goto(f"/flows/{flow_id}")
    click_and_wait(tab, "#action-start_review")
    click_and_wait(tab, "#action-approve")  # data-confirm: accept_dialogs() answers it


# -- Agreements --------------------------------------------------------------------------


def generate_agreement(tab, organisation_id: int, flow_id: int) -> int:
    """The wizard: organisation, flows and template, parameters, preview, generate."""
    tab.goto("/agreements/new")
    tab.select_option("#organisation", str(organisation_id))
    click_and_wait(tab, "text=Continue")
    assert tab.locator(f"input[name=flows][value='{flow_id}']").is_checked()
    template = tab.locator("#template")
    template.select_option(template.locator("option").nth(1).get_attribute("value"))
    # The department comes from the flow; the effective date is the office's to set.
    tab.fill("#effective_date", (date.today() + timedelta(days=30)).isoformat())
    with tab.expect_navigation():
        tab.get_by_role("button", name="Save and choose parameters").click()
    with tab.expect_navigation():
        tab.get_by_role("button", name="Save parameters and preview").click()
    assert "/preview" in tab.url, tab.url
    click_and_wait(tab, "#generate-form button[type=submit]")
    assert re.search(r"/agreements/\d+$", tab.url), flash_text(tab)[:800]
    return id_from_url(tab.url)


def download_docx(tab, folder) -> tuple[str, bytes]:
    with tab.expect_download() as download_info:
        tab.locator("#download-docx").click()
    download = download_info.value
    path = folder / download.suggested_filename
    download.save_as(path)
    return download.suggested_filename, path.read_bytes()


def execute_agreement(tab, agreement_id: int, signed_on: date) -> None:
    tab.goto(f"/agreements/{agreement_id}")
    # Sent to a person invited to sign, then signed on paper: the wet-ink path.
    click_and_wait(tab, "#action-send_for_signature")
    tab.fill("#invite_name", "Sam Signer")
    tab.fill("#invite_email", f"signer.{agreement_id}@vendor.example")
    click_and_wait(tab, "#send-form [type=submit]")
    assert re.search(r"/agreements/\d+$", tab.url), flash_text(tab)[:800]
    click_and_wait(tab, "#action-execute")
    tab.set_input_files(
        "#signed_pdf",
        {"name": "signed.pdf", "mimeType": "application/pdf", "buffer": pdf_bytes()},
    )
    # The effective date is the document's own, set at drafting; only the signing date is asked.
    tab.fill("#signed_on", signed_on.isoformat())
    click_and_wait(tab, "form[enctype] [type=submit]")
    assert re.search(r"/agreements/\d+$", tab.url), flash_text(tab)[:800]
    if tab.locator("#action-activate").count():
        click_and_wait(tab, "#action-activate")


# -- People ------------------------------------------------------------------------------


def invite_vendor(tab, email: str, organisation_id: int) -> None:
    tab.goto("/auth/invitations/new")
    tab.fill("#email", email)
    tab.fill("#name", "Vera Vendor")
    tab.select_option("#role", "vendor")
    tab.select_option("#organisation_id", str(organisation_id))
    click_and_wait(tab, "#invitation-form [type=submit]")
    # The journey's server has no mail server: the page must not claim the email went out.
    assert "its email is only queued" in flash_text(tab), flash_text(tab)[:800]


def accept_invitation(tab, link: str, password: str) -> None:
    tab.goto(link)
    tab.fill("#name", "Vera Vendor")
    tab.fill("#password", password)
    tab.fill("#confirm", password)
    click_and_wait(tab, "#accept-invitation-form [type=submit]")
    assert "/invitations/accept" not in tab.url, flash_text(tab)[:800]


# -- Attestations ------------------------------------------------------------------------


def request_attestation(tab, agreement_id: int, due: date) -> int:
    tab.goto("/attestations/new")
    tab.select_option("#agreement_id", str(agreement_id))
    tab.fill("#due_date", due.isoformat())
    click_and_wait(tab, "#new-attestation-form [type=submit]")
    assert re.search(r"/attestations/\d+$", tab.url), flash_text(tab)[:800]
    return id_from_url(tab.url)


def answer_all(tab, request_id: int, no_to: str, explanation: str) -> list[str]:
    """Yes to every question but `no_to` (a question code), which gets no and a reason."""
    tab.goto(f"/attestations/{request_id}/answer")
    names = tab.locator("#answer-form input[type=radio][value=yes]").evaluate_all(
        "inputs => inputs.map(i => i.name)"
    )
    for name in names:
        value = "no" if name == f"answer_{slug(no_to)}" else "yes"
        tab.check(f"input[name={name}][value={value}]")
    tab.fill(f"#explanation_{slug(no_to)}", explanation)
    click_and_wait(tab, "#answer-form button[type=submit]")
    return names


def slug(code: str) -> str:
    """A question code as the attestation forms spell it in field names (BRN-1 → brn_1)."""
    return code.lower().replace("-", "_").replace(".", "_")


def upload_evidence(tab, request_id: int, code: str) -> None:
    """Attach a SOC 2 report on the question itself, without leaving the answer page."""
    from playwright.sync_api import expect

    tab.goto(f"/attestations/{request_id}/answer")
    question = tab.locator(f"#question-{code}")
    question.locator("summary", has_text="Attach evidence").click()
    tab.set_input_files(
        f"#evidence-{code}-file",
        {"name": "soc2-report.pdf", "mimeType": "application/pdf", "buffer": pdf_bytes()},
    )
    tab.select_option(f"#evidence-{code}-type", "soc2")
    question.locator("input[type=submit][value=Upload]").click()
    expect(question.locator(f'[data-evidence-status="{code}"]')).to_contain_text(
        "Uploaded soc2-report.pdf"
    )
    assert tab.url.endswith(f"/attestations/{request_id}/answer")


def sign_and_submit(tab, request_id: int) -> None:
    tab.goto(f"/attestations/{request_id}/submit")
    tab.fill("#signer_name", "Vera Vendor")
    tab.fill("#signer_title", "Privacy Officer")
    tab.check("#attested")
    click_and_wait(tab, "#submit-form [type=submit]")  # data-confirm: accepted


def review(tab, request_id: int, returned: dict[str, str]) -> None:
    """Accept every answer under review except those in `returned` (code → comment)."""
    tab.goto(f"/attestations/{request_id}/review")
    names = tab.locator("#review-form input[type=radio][value=accepted]").evaluate_all(
        "inputs => inputs.map(i => i.name)"
    )
    assert names, flash_text(tab)[:800]
    returned_names = {f"decision_{slug(code)}": code for code in returned}
    for name in names:
        value = "returned" if name in returned_names else "accepted"
        tab.check(f"input[name={name}][value={value}]")
        if name in returned_names:
            code = returned_names[name]
            tab.fill(f"#comment_{slug(code)}", returned[code])
    click_and_wait(tab, "#review-form button[type=submit]")


# -- Reading what the journey left -------------------------------------------------------


def read(statement):
    """One row, read between the server's transactions."""
    end_transaction()
    row = db.session.scalars(statement).one()
    end_transaction()
    return row


def invitation_link(email: str) -> str:
    """The accept-invitation path from the first message queued for `email`."""
    end_transaction()
    body = db.session.scalars(
        select(Notification.body).where(Notification.recipient == email).order_by(Notification.id)
    ).first()
    end_transaction()
    return re.search(r"/auth/invitations/accept/[A-Za-z0-9_-]+", body).group(0)


def request_status(request_id: int) -> AttestationStatus:
    return read(select(AttestationRequest.status).where(AttestationRequest.id == request_id))

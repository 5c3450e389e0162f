"""The questionnaire in Chromium: answers save as the vendor goes, leaving with unsaved work
asks first, and evidence goes up on its question without losing what was typed."""

from __future__ import annotations

import re

from playwright.sync_api import expect
from sqlalchemy import select

from sharing.attestations.models import AnswerValue, AttestationAnswer, EvidenceFile
from sharing.extensions import db
from tests.conftest import TEST_PASSWORD
from tests.e2e import journey_steps as steps
from tests.e2e.conftest import end_transaction, serious_violations, sign_in_with
from tests.factories import make_user
from tests.web.tables.attestations import make_follow_up, make_request


def _open_questionnaire(page, sign_in) -> int:
    user = sign_in("vendor")
    request_id = make_request(user.organisation_id, codes=("PUR-1", "SEC-1")).id
    end_transaction()
    page.goto(f"/attestations/{request_id}/answer")
    return request_id


def _answer(request_id: int, code: str) -> tuple:
    end_transaction()
    row = db.session.scalar(
        select(AttestationAnswer).where(
            AttestationAnswer.request_id == request_id, AttestationAnswer.obligation_code == code
        )
    )
    found = (row.answer, row.explanation) if row else None
    end_transaction()
    return found


def test_answers_save_as_the_vendor_goes_and_leaving_unsaved_work_asks_first(
    page, sign_in, screenshot
):
    """A failed save says so and keeps the page guarded; Retry saves, and then the page can
    be left without a question."""
    request_id = _open_questionnaire(page, sign_in)
    status = page.locator("#autosave-status")
    page.route("**/autosave", lambda route: route.abort())
    page.check("input[name=answer_sec_1][value=no]")
    page.fill("#explanation_sec_1", "Keys rotate in May.")
    expect(status).to_contain_text("Not saved —")
    expect(status.get_by_role("button", name="Retry")).to_be_visible()
    expect(page.locator("#progress-overall")).to_contain_text("1 of 2 answered")
    screenshot(page, "01-not-saved")

    asked = []

    def stay(dialog):
        asked.append(dialog.type)
        dialog.dismiss()

    page.on("dialog", stay)
    with page.expect_event("dialog"):
        page.locator("nav[aria-label=breadcrumb] a", has_text="Attestations").click()
    assert asked == ["beforeunload"]
    assert page.url.endswith(f"/attestations/{request_id}/answer")
    assert page.input_value("#explanation_sec_1") == "Keys rotate in May."

    page.unroute("**/autosave")
    status.get_by_role("button", name="Retry").click()
    expect(status).to_have_text(re.compile(r"Saved at \d\d:\d\d"))
    assert _answer(request_id, "SEC-1") == (AnswerValue.NO, "Keys rotate in May.")
    screenshot(page, "02-saved")

    with page.expect_navigation():
        page.locator("nav[aria-label=breadcrumb] a", has_text="Attestations").click()
    assert asked == ["beforeunload"]
    assert page.url.endswith("/attestations/")


def test_evidence_goes_up_on_its_question_and_the_typed_answers_stay(page, sign_in, screenshot):
    """The file is attached to SEC-1 in place; a refused file's reason shows beside SEC-1;
    the answer being typed to PUR-1 is still there."""
    request_id = _open_questionnaire(page, sign_in)
    page.route("**/autosave", lambda route: route.abort())  # keep the typed text unsaved
    page.check("input[name=answer_pur_1][value=no]")
    page.fill("#explanation_pur_1", "Still typing this answer")
    question = page.locator("#question-SEC-1")
    question.locator("summary", has_text="Attach evidence").click()

    page.set_input_files(
        "#evidence-SEC-1-file",
        {"name": "notes.pdf", "mimeType": "application/pdf", "buffer": b"this is not a PDF"},
    )
    question.locator("input[type=submit][value=Upload]").click()
    expect(page.locator("#evidence-SEC-1-error")).not_to_be_empty()
    screenshot(page, "01-refused-beside-question")

    page.set_input_files(
        "#evidence-SEC-1-file",
        {"name": "pen-test.pdf", "mimeType": "application/pdf", "buffer": steps.pdf_bytes()},
    )
    question.locator("input[type=submit][value=Upload]").click()
    expect(question.locator('[data-evidence-status="SEC-1"]')).to_contain_text(
        "Uploaded pen-test.pdf"
    )
    expect(question.locator('[data-evidence-list="SEC-1"] a')).to_have_text("pen-test.pdf")
    expect(page.locator("#evidence-SEC-1-error")).to_be_empty()
    assert page.url.endswith(f"/attestations/{request_id}/answer")
    assert page.input_value("#explanation_pur_1") == "Still typing this answer"
    assert page.is_checked("input[name=answer_pur_1][value=no]")
    screenshot(page, "02-uploaded")

    end_transaction()
    stored = db.session.scalars(select(EvidenceFile.obligation_code)).all()
    end_transaction()
    assert stored == ["SEC-1"]


WIDTHS = (1280, 390)


def test_the_review_shortcut_and_follow_up_pages_pass_axe(new_page, screenshot):
    """The answer page with a returned question, the accept-all confirmation, the follow-up
    list and its close page: no serious or critical axe violation at either width."""
    from sharing.attestations.models import AttestationStatus

    submitted = make_request(status=AttestationStatus.SUBMITTED)
    returned = make_request(status=AttestationStatus.SUBMITTED)
    item = make_follow_up()
    officer = make_user("privacy", password=TEST_PASSWORD)
    vendor = make_user("vendor", password=TEST_PASSWORD, organisation_id=returned.organisation_id)
    ids = (submitted.id, returned.id, item.id, officer.email, vendor.email)
    end_transaction()
    submitted_id, returned_id, item_id, officer_email, vendor_email = ids
    found = []
    for width in WIDTHS:
        office = new_page(viewport={"width": width, "height": 900})
        sign_in_with(office, officer_email)
        if width == WIDTHS[0]:
            office.goto(f"/attestations/{returned_id}/review")
            office.check("input[name=decision_sec_1][value=returned]")
            office.fill("#comment_sec_1", "Attach the pen test")
            with office.expect_navigation():
                office.locator("#review-form #accept_remaining").click()
            with office.expect_navigation():
                office.locator("#confirm-remaining-form [name=confirm_remaining]").click()
        office.goto(f"/attestations/{submitted_id}/review")
        with office.expect_navigation():
            office.locator("#review-form #accept_remaining").click()
        expect(office.locator("#accept-count")).to_contain_text("This accepts")
        for step in ("confirm", "list", "close"):
            if step == "list":
                office.goto("/attestations/follow-ups")
            elif step == "close":
                office.goto(f"/attestations/follow-ups/{item_id}/close")
            found += serious_violations(office)
            screenshot(office, f"{width}-{step}")
        supplier = new_page(viewport={"width": width, "height": 900})
        sign_in_with(supplier, vendor_email)
        supplier.goto(f"/attestations/{returned_id}/answer")
        expect(supplier.locator("#returned-summary")).to_contain_text("1 question needs")
        found += serious_violations(supplier)
        screenshot(supplier, f"{width}-returned-answer")
    assert not found, "\n".join(found)


def test_going_on_to_sign_saves_the_answers_first(page, sign_in):
    """ "Review, sign and submit" with unsaved answers saves them, then opens the signing page,
    which shows them, without asking about leaving."""
    request_id = _open_questionnaire(page, sign_in)
    asked = []
    page.on("dialog", lambda dialog: (asked.append(dialog.type), dialog.dismiss()))
    page.check("input[name=answer_pur_1][value=yes]")
    page.check("input[name=answer_sec_1][value=not_applicable]")
    page.fill("#explanation_sec_1", "We hold no City data ourselves.")
    with page.expect_navigation():
        page.locator("a", has_text="Review, sign and submit").click()
    assert page.url.endswith(f"/attestations/{request_id}/submit") and asked == []
    expect(page.locator("#summary-SEC-1")).to_contain_text("We hold no City data ourselves.")
    assert _answer(request_id, "SEC-1") == (
        AnswerValue.NOT_APPLICABLE,
        "We hold no City data ourselves.",
    )

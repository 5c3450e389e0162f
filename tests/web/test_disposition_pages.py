"""The disposition pages through the test client with CSRF on: the list, the vendor's
certificate (partial saves, errors beside the fields, the signature), the office's
authorization, element changes and review, and the downloads."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from sharing.audit.models import AuditEvent
from sharing.core.clock import today
from sharing.disposition import events
from sharing.disposition.models import DirectiveStatus, DispositionAction
from sharing.extensions import db
from sharing.inbox.models import InboxItem
from tests.conftest import TEST_PASSWORD
from tests.factories import make_user
from tests.web.tables.disposition import answered, issued_directive, signed, vendor_signer


def _answer_form(directive, **overrides) -> dict:
    data = {"version": directive.version}
    for index, element in enumerate(directive.elements):
        data[f"elements-{index}-element_id"] = element.id
        data[f"elements-{index}-done_action"] = element.action.value
        data[f"elements-{index}-done_on"] = (today() - timedelta(days=1)).isoformat()
        data[f"elements-{index}-done_method"] = "Exported as CSV by SFTP, then purged"
        data[f"elements-{index}-subprocessors_confirmed"] = "confirmed"
        data[f"elements-{index}-backups"] = "Backups roll off in 35 days"
    data.update(overrides)
    return data


def _sign_form(directive, **overrides) -> dict:
    data = {
        "typed_name": "Pat Signer",
        "typed_title": "Director",
        "consent": "y",
        "password": TEST_PASSWORD,
        "version": directive.version,
    }
    data.update(overrides)
    return data


def test_the_list_shows_staff_every_directive_and_a_vendor_only_its_own(client, login_as):
    own = login_as("vendor")
    mine = issued_directive(own.organisation_id)
    other = issued_directive()

    vendor_page = client.get("/disposition/").get_data(as_text=True)
    login_as("privacy")
    staff_page = client.get("/disposition/").get_data(as_text=True)

    assert mine.number in vendor_page and other.number not in vendor_page
    assert mine.number in staff_page and other.number in staff_page


def test_the_list_filters_overdue_directives_and_searches_by_agreement(client, login_as):
    late, current = issued_directive(), issued_directive()
    late.due_on = today() - timedelta(days=1)
    db.session.commit()
    login_as("privacy")

    overdue = client.get("/disposition/?overdue=1").get_data(as_text=True)
    found = client.get(f"/disposition/?q={current.agreement.number}").get_data(as_text=True)
    empty = client.get("/disposition/?q=nothing-like-this").get_data(as_text=True)

    assert late.number in overdue and current.number not in overdue
    assert current.number in found and late.number not in found
    assert "No directive matches these filters." in empty


def test_a_vendor_saves_part_of_the_certificate_and_finds_it_again(client, login_as):
    person = login_as("vendor")
    directive = issued_directive(person.organisation_id)
    first = directive.elements[0]
    data = {
        "version": directive.version,
        "elements-0-element_id": first.id,
        "elements-0-done_action": first.action.value,
        "elements-0-done_method": "Handed over on encrypted media",
    }

    response = client.post_form(f"/disposition/{directive.id}", data)

    db.session.refresh(first)
    assert response.status_code == 302
    assert first.done_action == first.action and first.done_on is None
    page = client.get(f"/disposition/{directive.id}").get_data(as_text=True)
    assert "Handed over on encrypted media" in page


def test_a_date_in_the_future_is_refused_beside_its_field_and_at_the_top(client, login_as):
    person = login_as("vendor")
    directive = issued_directive(person.organisation_id)
    tomorrow = (today() + timedelta(days=1)).isoformat()

    response = client.post_form(
        f"/disposition/{directive.id}", _answer_form(directive, **{"elements-1-done_on": tomorrow})
    )

    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert 'id="elements-1-done_on-error"' in html
    assert "The date cannot be in the future." in html
    assert 'href="#elements-1-done_on"' in html  # the error summary links to the field
    assert directive.elements[0].done_on is None  # nothing was saved


def test_doing_something_else_than_directed_needs_a_note(client, login_as):
    person = login_as("vendor")
    directive = issued_directive(person.organisation_id)

    response = client.post_form(
        f"/disposition/{directive.id}",
        _answer_form(directive, **{"elements-0-done_action": "destroy"}),
    )

    assert "Explain why what was done differs" in response.get_data(as_text=True)


def test_a_vendor_signer_signs_the_completed_certificate_and_the_office_is_told(client, login_as):
    person = login_as("vendor", may_sign=True)
    officer = make_user("privacy")
    directive = issued_directive(person.organisation_id)
    answered(directive, person)

    response = client.post_form(f"/disposition/{directive.id}/sign", _sign_form(directive))

    db.session.refresh(directive)
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    assert directive.status == DirectiveStatus.SUBMITTED
    assert directive.signer_name == "Pat Signer" and directive.consent_version
    assert directive.signed_ip and directive.consent_text.startswith("I agree")
    told = db.session.scalar(
        select(InboxItem).where(
            InboxItem.user_id == officer.id, InboxItem.kind == "disposition.submitted"
        )
    )
    assert told is not None and told.link == f"/disposition/{directive.id}"


def test_a_wrong_password_is_refused_beside_the_password_field(client, login_as):
    person = login_as("vendor", may_sign=True)
    directive = issued_directive(person.organisation_id)
    answered(directive, person)

    response = client.post_form(
        f"/disposition/{directive.id}/sign", _sign_form(directive, password="not it")
    )

    html = response.get_data(as_text=True)
    assert 'id="password-error"' in html and "That is not your password" in html
    db.session.refresh(directive)
    assert directive.status == DirectiveStatus.ISSUED


def test_a_vendor_user_without_the_signer_right_cannot_sign(client, login_as):
    person = login_as("vendor", may_sign=False)
    directive = issued_directive(person.organisation_id)
    answered(directive, person)

    page = client.get(f"/disposition/{directive.id}/sign").get_data(as_text=True)
    response = client.post_form(
        f"/disposition/{directive.id}/sign",
        _sign_form(directive),
        from_url=f"/disposition/{directive.id}",
    )

    assert 'id="no-signer-right"' in page
    assert response.status_code == 403
    db.session.refresh(directive)
    assert directive.status == DirectiveStatus.ISSUED


def test_an_incomplete_certificate_cannot_be_signed(client, login_as):
    person = login_as("vendor", may_sign=True)
    directive = issued_directive(person.organisation_id)

    page = client.get(f"/disposition/{directive.id}/sign").get_data(as_text=True)

    assert 'id="certificate-incomplete"' in page and 'id="sign-form"' not in page


def test_the_office_returns_a_certificate_with_questions_and_the_vendor_signs_again(
    client, login_as
):
    """The questions are required, the vendor sees them, and both signatures stay in the
    audit trail."""
    directive = issued_directive()
    vendor = vendor_signer(directive.organisation_id)
    signed(directive, vendor)
    login_as("privacy")

    refused = client.post_form(
        f"/disposition/{directive.id}/review",
        {"decision": "return", "comment": "", "version": directive.version},
    )
    returned = client.post_form(
        f"/disposition/{directive.id}/review",
        {"decision": "return", "comment": "Which tool purged the backups?",
         "version": directive.version},
    )  # fmt: skip

    assert refused.status_code == 400
    assert "Write the questions the vendor must answer." in refused.get_data(as_text=True)
    assert returned.status_code == 302
    db.session.refresh(directive)
    assert directive.status == DirectiveStatus.RETURNED
    signed(directive, vendor)
    db.session.refresh(directive)
    assert directive.status == DirectiveStatus.SUBMITTED
    signatures = db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "disposition_directive.signed")
    ).all()
    assert len(signatures) == 2


def test_accepting_records_the_disposal_date_and_announces_it(client, login_as, app):
    directive = signed(issued_directive())
    latest = today() - timedelta(days=1)
    heard = []

    def receiver(_sender, *, directive, today):
        heard.append((directive.id, directive.disposed_on))
        return {"register_changes": {"before": None, "after": ["disposed"]}}

    events.certificate_accepted.connect(receiver, sender=app)
    try:
        login_as("privacy")
        response = client.post_form(
            f"/disposition/{directive.id}/review",
            {"decision": "accept", "version": directive.version},
        )
    finally:
        events.certificate_accepted.disconnect(receiver, sender=app)

    db.session.refresh(directive)
    assert response.status_code == 302
    assert directive.status == DirectiveStatus.ACCEPTED and directive.accepted_at
    assert directive.disposed_on == latest
    assert heard == [(directive.id, latest)]
    event = db.session.scalar(
        select(AuditEvent).where(AuditEvent.action == "disposition_directive.accepted")
    )
    assert event.changes["register_changes"]["after"] == ["disposed"]


def test_a_stale_review_gets_a_clear_conflict_message(client, login_as):
    directive = signed(issued_directive())
    login_as("privacy")

    response = client.post_form(
        f"/disposition/{directive.id}/review",
        {"decision": "accept", "version": directive.version - 1},
        follow_redirects=True,
    )

    assert "Someone changed this directive at the same time" in response.get_data(as_text=True)
    db.session.refresh(directive)
    assert directive.status == DirectiveStatus.SUBMITTED


def test_the_office_records_an_authorization_then_directs_destruction(client, login_as):
    directive = issued_directive()
    element = directive.elements[0]
    login_as("privacy")

    refused = client.post_form(
        f"/disposition/{directive.id}/elements/{element.id}",
        {"action": "destroy", "version": directive.version},
    )
    client.post_form(
        f"/disposition/{directive.id}/authorization",
        {"reference": "Records officer approval RM-7", "dated": today().isoformat(),
         "version": directive.version},
        from_url=f"/disposition/{directive.id}",
    )  # fmt: skip
    db.session.refresh(directive)
    allowed = client.post_form(
        f"/disposition/{directive.id}/elements/{element.id}",
        {"action": "destroy", "version": directive.version},
    )

    assert "written authorization" in refused.get_data(as_text=True)
    assert "RM-7" in directive.destroy_authorization
    assert allowed.status_code == 302
    db.session.refresh(element)
    assert element.action == DispositionAction.DESTROY


def test_the_directive_downloads_with_its_number_in_the_file_name(client, login_as):
    person = login_as("vendor")
    directive = issued_directive(person.organisation_id)

    response = client.get(f"/disposition/{directive.id}/directive.docx")

    assert response.status_code == 200
    disposition = response.headers["Content-Disposition"]
    assert f"{directive.number} disposition directive.docx" in disposition
    assert response.data[:2] == b"PK"


def test_the_pdf_is_served_from_its_cache(client, login_as, app):
    from sharing.disposition.generation import pdf_dir
    from tests.web.tables.signing import one_page_pdf

    directive = issued_directive()
    pdf_dir().mkdir(parents=True, exist_ok=True)
    (pdf_dir() / f"{directive.generated_sha256}.pdf").write_bytes(one_page_pdf())
    login_as("procurement")

    response = client.get(f"/disposition/{directive.id}/directive.pdf")

    assert response.status_code == 200 and response.data.startswith(b"%PDF-")
    assert (
        f"{directive.number} disposition directive.pdf" in response.headers["Content-Disposition"]
    )


def test_another_organisations_directive_is_not_found(client, login_as):
    directive = issued_directive()
    login_as("vendor")

    assert client.get(f"/disposition/{directive.id}").status_code == 404
    assert client.get(f"/disposition/{directive.id}/directive.docx").status_code == 404


def test_an_open_directive_waits_for_the_vendor_on_the_portal_home(client, login_as):
    person = login_as("vendor")
    directive = issued_directive(person.organisation_id)

    html = client.get("/portal/").get_data(as_text=True)

    assert "Return or destroy City data" in html
    assert f"/disposition/{directive.id}" in html


def test_a_submitted_certificate_waits_for_the_office_on_its_home_page(client, login_as):
    directive = signed(issued_directive())
    login_as("privacy")

    html = client.get("/").get_data(as_text=True)

    assert "Certificate of disposition to review" in html
    assert f"/disposition/{directive.id}" in html


def test_the_agreement_page_lists_its_directives_with_where_the_certificate_stands(
    client, login_as
):
    """Staff find an ended agreement's directive from the agreement's own page."""
    directive = issued_directive()
    login_as("privacy")

    page = client.get(f"/agreements/{directive.agreement_id}").get_data(as_text=True)

    section = page[page.index('id="agreement-directives"') :]
    assert f'href="/disposition/{directive.id}"' in section
    assert directive.number in section
    assert "Waiting for the vendor&#39;s certificate" in section

"""The checks before generation, through the test client with CSRF on: the preview's
checklist, conflicts and obligations that did not apply; a refused generation on the agreement
page; accepting a conflict; the draft form's template check."""

from __future__ import annotations

import re

from sqlalchemy import select

from sharing.agreements.conflicts import find_conflicts
from sharing.agreements.models import Agreement, AgreementStatus, TemplateKind
from sharing.audit.models import AuditEvent
from sharing.extensions import db
from sharing.vendors.models import OrganisationKind
from tests.factories import make_template_version
from tests.web.tables.agreements import draft, draft_with_conflict, ready_organisation, terms_form

REASON = "The reads are kept only as evidence for citations still open."


def _section(html: str, element_id: str) -> str:
    """The HTML from the element with this id to the end of its enclosing tag's text."""
    start = html.index(f'id="{element_id}"')
    return html[start : start + 6000]


def _without_signatory(agreement: Agreement) -> None:
    for contact in agreement.organisation.contacts:
        db.session.delete(contact)
    db.session.commit()


def test_preview_lists_what_is_missing_with_a_link_to_fix_each(client, login_as, db):
    """No department, no effective date, no signatory: each is a checklist item with its
    link, and the generate button is disabled."""
    agreement = draft(department_id=None, effective_date=None)
    _without_signatory(agreement)
    login_as("privacy")

    html = client.get(f"/agreements/{agreement.id}/preview").get_data(as_text=True)

    checklist = _section(html, "before-generate")
    assert "Before you can generate" in checklist
    edit = f"/agreements/{agreement.id}/edit"
    assert re.search(
        rf'data-field="department">[^<]*department[^<]*<a [^>]*href="{edit}#department"', checklist
    )
    assert re.search(
        rf'data-field="effective_date">[^<]*<a [^>]*href="{edit}#effective_date"', checklist
    )
    # Privacy officers do not edit organisations: the link shows the contacts instead.
    contacts = f"/vendors/{agreement.organisation_id}#contacts"
    assert re.search(rf'data-field="partner_signatory">[^<]*<a [^>]*href="{contacts}"', checklist)
    assert re.search(r'<button class="btn btn-primary" type="submit" disabled', html)


def test_procurement_is_sent_to_add_the_missing_signatory(client, login_as, db):
    """Procurement edits organisations, so its link adds the contact directly."""
    agreement = draft()
    _without_signatory(agreement)
    login_as("procurement")

    html = client.get(f"/agreements/{agreement.id}/preview").get_data(as_text=True)

    assert f'href="/vendors/{agreement.organisation_id}/contacts/new"' in html


def test_a_ready_agreement_shows_no_checklist_and_an_enabled_button(client, login_as, db):
    agreement = draft()
    login_as("privacy")

    html = client.get(f"/agreements/{agreement.id}/preview").get_data(as_text=True)

    assert 'id="before-generate"' not in html
    assert re.search(r'<button class="btn btn-primary" type="submit"\s*>', html)


def test_refused_generation_shows_each_reason_on_the_agreement_page(client, login_as, db):
    """The generate view answers with the agreement page and every reason; nothing changes."""
    agreement = draft(effective_date=None)
    agreement.organisation.postal_code = ""
    db.session.commit()
    version = agreement.version
    login_as("privacy")

    response = client.post_form(
        f"/agreements/{agreement.id}/generate",
        {"version": version},
        from_url=f"/agreements/{agreement.id}",
    )

    html = response.get_data(as_text=True)
    assert response.status_code == 200
    refused = _section(html, "before-generate")
    assert 'role="alert" id="before-generate"' in html and "Not generated" in refused
    assert "Set the effective date" in refused and "postal code" in refused
    db.session.refresh(agreement)
    assert agreement.status == AgreementStatus.DRAFT and agreement.generated_file is None
    assert (
        db.session.scalar(select(AuditEvent).where(AuditEvent.action == "agreement.generated"))
        is None
    )


def test_preview_shows_a_conflict_beside_its_clause_and_in_the_summary(client, login_as, db):
    agreement = draft_with_conflict(retention_days=365)
    login_as("privacy")

    html = client.get(f"/agreements/{agreement.id}/preview").get_data(as_text=True)

    summary = _section(html, "conflicts")
    assert "1 open of 1" in summary
    # The obligation by its title, with its code as secondary text.
    assert re.search(r"against “Strict limits on plate reads[^”]*” <span[^>]*>\(LPR-1\)", summary)
    clause = _section(html, "clause-LPR-1")
    assert "Conflict:" in clause and "365 days" in clause and "30 days" in clause
    assert "accept-conflict-form" in clause
    assert 'data-field="conflicts"' in _section(html, "before-generate")


def test_accepting_a_conflict_on_the_preview_then_generating(client, login_as, db):
    """A reason accepts the conflict (shown with it afterwards) and generation succeeds."""
    agreement = draft_with_conflict()
    (conflict,) = find_conflicts(agreement)
    preview = f"/agreements/{agreement.id}/preview"
    login_as("privacy")

    response = client.post_form(
        f"/agreements/{agreement.id}/conflicts/accept",
        {"code": conflict.code, "reason": REASON, "version": agreement.version},
        from_url=preview,
    )
    assert response.status_code == 302 and response.headers["Location"].endswith(preview)
    html = client.get(preview).get_data(as_text=True)
    assert "Accepted conflict" in html and REASON in html
    assert 'id="before-generate"' not in html

    db.session.refresh(agreement)
    generated = client.post_form(
        f"/agreements/{agreement.id}/generate", {"version": agreement.version}, from_url=preview
    )
    assert generated.status_code == 302
    db.session.refresh(agreement)
    assert agreement.status == AgreementStatus.GENERATED
    page = client.get(f"/agreements/{agreement.id}").get_data(as_text=True)
    assert REASON in _section(page, "accepted-conflicts")


def test_a_thin_reason_is_refused_beside_its_conflict(client, login_as, db):
    """ "ok" is not a reason: the preview comes back with the error on that conflict's field."""
    agreement = draft_with_conflict()
    (conflict,) = find_conflicts(agreement)
    login_as("privacy")

    response = client.post_form(
        f"/agreements/{agreement.id}/conflicts/accept",
        {"code": conflict.code, "reason": "ok", "version": agreement.version},
        from_url=f"/agreements/{agreement.id}/preview",
    )

    html = response.get_data(as_text=True)
    assert response.status_code == 200
    clause = _section(html, "clause-LPR-1")
    assert 'aria-invalid="true"' in clause and "at least a sentence" in clause
    # The page's error summary lists it too, linking to that conflict's own reason box.
    summary = re.search(r'<div[^>]*id="error-summary".*?</div>', html, flags=re.S).group(0)
    target = re.search(r'href="#(reason-[0-9a-f]{12})"', summary).group(1)
    assert "at least a sentence" in summary
    assert re.search(rf'<textarea[^>]*id="{target}"', clause)
    db.session.refresh(agreement)
    assert agreement.conflict_overrides == {}


def test_preview_lists_the_obligations_that_did_not_apply_and_why(client, login_as, db):
    agreement = draft()
    login_as("privacy")

    html = client.get(f"/agreements/{agreement.id}/preview").get_data(as_text=True)

    details = _section(html, "not-applied")
    assert "Obligations that did not apply" in details
    assert re.search(
        r'id="not-applied-LPR-1">.*Does not apply: no flow shares a license plates', details
    )
    assert 'id="not-applied-NOT-1"' not in details  # it always applies


def test_draft_form_refuses_the_inter_agency_template_for_a_nonprofit(client, login_as, db):
    """The error sits on the template field and in the summary at the top; nothing is saved."""
    organisation, flow = ready_organisation(kind=OrganisationKind.NONPROFIT)
    interagency = make_template_version(TemplateKind.INTERAGENCY).template
    login_as("privacy")

    response = client.post_form(
        f"/agreements/new?organisation={organisation.id}",
        terms_form([flow.id], template=str(interagency.id)),
    )

    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert re.search(r'id="template-error"[^>]*>[^<]*only for public agencies', html)
    summary = _section(html, "error-summary")
    assert 'href="#template"' in summary and "only for public agencies" in summary
    assert db.session.scalar(select(Agreement.id)) is None


def test_a_draft_saved_without_an_effective_date_says_what_generation_needs(client, login_as, db):
    """Drafting allows a blank effective date and says it is still needed."""
    organisation, flow = ready_organisation()
    login_as("privacy")
    new = client.get(f"/agreements/new?organisation={organisation.id}").get_data(as_text=True)
    template = re.search(r'<option selected value="(\d+)">vendor_dpa', new)
    assert template, "the vendor template is suggested for a vendor"
    assert re.search(rf'<option selected value="{flow.department_id}">', new)

    response = client.post_form(
        f"/agreements/new?organisation={organisation.id}",
        terms_form(
            [flow.id],
            template=template.group(1),
            department=str(flow.department_id),
            effective_date="",
        ),
        follow_redirects=True,
    )

    html = response.get_data(as_text=True)
    assert "Before it can be generated: Set the effective date" in html
    assert db.session.scalar(select(Agreement.effective_date)) is None

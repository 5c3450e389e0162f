"""Agreement pages through the test client with CSRF on: the drafting wizard, parameters,
preview, generation, downloads (.docx and PDF), the list, and bulk renewal amendments."""

from __future__ import annotations

import csv
import io
import re
import shutil
import subprocess
import zipfile
from datetime import timedelta
from urllib.parse import unquote

import pytest
from sqlalchemy import func, select

from sharing.agreements import files
from sharing.agreements.models import Agreement, AgreementStatus
from sharing.agreements.rendering import docx_text
from sharing.core.clock import today
from sharing.core.templating import format_date
from sharing.extensions import db
from tests.web.tables.agreements import (
    active_expiring_in,
    draft,
    ready_organisation,
    terms_form,
)


def _count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def test_privacy_office_drafts_sets_parameters_previews_generates_and_downloads(
    client, login_as, db
):
    organisation, flow = ready_organisation(legal_name="Peña & Hijos LLC", common_name="Peña")
    from sharing.agreements.template_library import active_templates

    template = active_templates()[0]
    login_as("privacy")

    chooser = client.get("/agreements/new")
    assert organisation.display_name in chooser.get_data(as_text=True)
    page = client.get(f"/agreements/new?organisation={organisation.id}")
    assert "Permit portal" in page.get_data(as_text=True)

    url = f"/agreements/new?organisation={organisation.id}"
    response = client.post_form(
        url, terms_form([flow.id], template=str(template.id), department=str(flow.department_id))
    )
    assert response.status_code == 302
    agreement = db.session.scalars(select(Agreement)).one()
    assert response.headers["Location"].endswith(f"/agreements/{agreement.id}/parameters")

    parameters = client.get(f"/agreements/{agreement.id}/parameters").get_data(as_text=True)
    assert "BRN-1" in parameters and "Hours to report an incident" in parameters
    values = {name: str(value) for name, value in agreement.parameters.items()}
    response = client.post_form(
        f"/agreements/{agreement.id}/parameters",
        {**values, "breach_notice_hours": "48", "version": agreement.version},
    )
    assert response.status_code == 302

    preview = client.get(f"/agreements/{agreement.id}/preview").get_data(as_text=True)
    assert "within 48 hours" in preview or "48 hours" in preview
    db.session.refresh(agreement)
    response = client.post_form(
        f"/agreements/{agreement.id}/generate",
        {"version": agreement.version},
        from_url=f"/agreements/{agreement.id}/preview",
    )
    assert response.status_code == 302
    db.session.refresh(agreement)
    assert agreement.status == AgreementStatus.GENERATED

    detail = client.get(f"/agreements/{agreement.id}").get_data(as_text=True)
    assert agreement.generated_sha256 in detail
    download = client.get(f"/agreements/{agreement.id}/agreement.docx")
    assert download.status_code == 200
    disposition = download.headers["Content-Disposition"]
    assert f"{agreement.number}-pe-a.docx" in disposition or agreement.number in disposition
    assert download.mimetype.endswith("wordprocessingml.document")
    assert "48 hours" in docx_text(download.data)


def test_rejected_terms_show_errors_beside_fields_and_keep_what_was_typed(client, login_as, db):
    organisation, flow = ready_organisation()
    login_as("privacy")

    response = client.post_form(
        f"/agreements/new?organisation={organisation.id}",
        terms_form([flow.id], template="", title="Keep this title", term_months="0"),
    )

    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert 'value="Keep this title"' in html
    assert re.search(r'id="term_months-error"[^>]*>Must be between 1 and 120', html)
    assert _count(Agreement) == 0


def test_template_is_required_and_the_error_sits_beside_it(client, login_as, db):
    organisation, flow = ready_organisation()
    login_as("admin")

    response = client.post_form(
        f"/agreements/new?organisation={organisation.id}", terms_form([flow.id], template="")
    )

    assert re.search(r'id="template-error"[^>]*>Choose a template', response.get_data(as_text=True))
    assert _count(Agreement) == 0


def test_parameter_outside_bounds_is_shown_beside_its_field_and_kept(client, login_as, db):
    agreement = draft()
    login_as("privacy")
    values = {name: str(value) for name, value in agreement.parameters.items()}

    response = client.post_form(
        f"/agreements/{agreement.id}/parameters",
        {**values, "breach_notice_hours": "999", "version": agreement.version},
    )

    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert 'value="999"' in html
    assert re.search(r'id="breach_notice_hours-error"[^>]*>Must be between 24 and 168', html)
    db.session.refresh(agreement)
    assert agreement.parameters["breach_notice_hours"] == 72


def test_procurement_follows_agreements_but_cannot_generate_or_change_them(client, login_as, db):
    agreement = draft()
    login_as("procurement")

    assert client.get(f"/agreements/{agreement.id}/preview").status_code == 200
    assert (
        client.post_form(
            f"/agreements/{agreement.id}/generate",
            {"version": agreement.version},
            from_url=f"/agreements/{agreement.id}/preview",
        ).status_code
        == 403
    )
    values = {name: str(value) for name, value in agreement.parameters.items()}
    response = client.post_form(
        f"/agreements/{agreement.id}/parameters",
        {**values, "version": agreement.version},
        from_url=f"/agreements/{agreement.id}/preview",
    )
    assert response.status_code == 403
    db.session.refresh(agreement)
    assert agreement.status == AgreementStatus.DRAFT


def test_stale_generate_is_refused_with_a_message(client, login_as, db):
    agreement = draft()
    login_as("privacy")

    response = client.post_form(
        f"/agreements/{agreement.id}/generate",
        {"version": agreement.version - 1},
        from_url=f"/agreements/{agreement.id}/preview",
    )

    assert response.status_code == 302
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "changed by someone else" in page
    db.session.refresh(agreement)
    assert agreement.generated_file is None


def test_preview_escapes_names_and_shows_every_clause(client, login_as, db):
    organisation, flow = ready_organisation(legal_name="<script>alert(1)</script> & Co")
    agreement = draft()
    agreement.organisation = organisation
    agreement.flows = [flow]
    db.session.commit()
    login_as("privacy")

    html = client.get(f"/agreements/{agreement.id}/preview").get_data(as_text=True)

    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; Co" in html
    for code in agreement.obligation_codes:
        assert f'id="clause-{code}"' in html


def test_agreement_list_searches_filters_and_shows_cancel_by(client, login_as, db):
    first = draft(title="Parking data protection agreement")
    second = draft(title="Library sharing agreement", generated=True)
    login_as("procurement")

    searched = client.get("/agreements/?q=parking").get_data(as_text=True)
    generated = client.get("/agreements/?status=generated").get_data(as_text=True)

    assert first.number in searched and second.number not in searched
    assert second.number in generated and first.number not in generated
    expiring = active_expiring_in(100)
    page = client.get("/agreements/?expiring_within=180").get_data(as_text=True)
    assert expiring.number in page and first.number not in page
    assert format_date(expiring.cancel_by) in page


def test_empty_agreement_list_offers_to_draft_the_first(client, login_as, db):
    login_as("privacy")

    html = client.get("/agreements/").get_data(as_text=True)

    assert "No agreements yet" in html
    assert "/agreements/new" in html


def test_missing_libreoffice_is_explained_and_the_docx_still_downloads(app, client, login_as, db):
    app.config["SOFFICE_BINARY"] = "/nonexistent/soffice"
    agreement = draft(generated=True)
    login_as("privacy")

    detail = client.get(f"/agreements/{agreement.id}").get_data(as_text=True)
    response = client.get(f"/agreements/{agreement.id}/agreement.pdf")

    assert "PDF is not available on this server" in detail
    assert response.status_code == 302
    flashed = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "LibreOffice is not installed" in flashed
    assert client.get(f"/agreements/{agreement.id}/agreement.docx").status_code == 200


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice is not installed")
def test_pdf_download_holds_the_clauses(client, login_as, db):
    agreement = draft(generated=True)
    login_as("procurement")

    response = client.get(f"/agreements/{agreement.id}/agreement.pdf")

    assert response.status_code == 200
    assert response.data.startswith(b"%PDF-")
    assert f'filename="{agreement.number}-' in response.headers["Content-Disposition"]
    text = subprocess.run(
        ["pdftotext", "-layout", "-", "-"], input=response.data, capture_output=True, check=True
    ).stdout.decode()
    assert agreement.number in text
    assert "Purpose" in text


def test_bulk_renewal_zip_holds_one_amendment_per_expiring_agreement_and_a_summary(
    client, login_as, db
):
    due = [active_expiring_in(20), active_expiring_in(50)]
    later = active_expiring_in(400)
    login_as("privacy")
    window = {
        "expiring_from": today().isoformat(),
        "expiring_to": (today() + timedelta(days=90)).isoformat(),
    }

    listing = client.get("/agreements/renewals", query_string=window).get_data(as_text=True)
    assert all(a.number in listing for a in due) and later.number not in listing
    response = client.post_form("/agreements/renewals", window, from_url="/agreements/renewals")
    data = response.get_data()

    assert response.status_code == 200
    assert response.mimetype == "application/zip"
    assert "renewal-amendments-" in response.headers["Content-Disposition"]
    archive = zipfile.ZipFile(io.BytesIO(data))
    names = archive.namelist()
    assert len([n for n in names if n.startswith("renewal-amendments/")]) == 2
    summary = list(csv.DictReader(io.StringIO(archive.read("SUMMARY.csv").decode())))
    assert {row["agreement"] for row in summary} == {a.number for a in due}
    amendments = db.session.scalars(select(Agreement).where(Agreement.renews_id.is_not(None)))
    amendments = list(amendments)
    assert {a.renews_id for a in amendments} == {a.id for a in due}
    for amendment in amendments:
        assert amendment.status == AgreementStatus.GENERATED
        text = docx_text(files.read(amendment.generated_file))
        assert amendment.renews.number in text

    again = client.post_form("/agreements/renewals", window, from_url="/agreements/renewals")
    again.get_data()
    assert (
        db.session.scalar(
            select(func.count()).select_from(Agreement).where(Agreement.renews_id.is_not(None))
        )
        == 2
    )  # the same window reuses the amendments not yet sent


def test_bulk_renewal_window_must_be_in_order(client, login_as, db):
    active_expiring_in(20)
    login_as("admin")

    response = client.post_form(
        "/agreements/renewals",
        {"expiring_from": "2030-01-01", "expiring_to": "2029-01-01"},
    )

    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "The window must end on or after its start." in html
    assert 'value="2030-01-01"' in html


def test_frame_terms_are_set_on_the_parameters_page_and_stated_by_the_document(
    client, login_as, db
):
    """The agreement's own terms (cure period, notice for convenience) sit beside the
    obligations' parameters; a saved value is kept on a redraft and printed in the document."""
    agreement = draft()
    login_as("privacy")
    page = client.get(f"/agreements/{agreement.id}/parameters").get_data(as_text=True)
    assert 'id="agreement-terms"' in page and 'name="cure_days"' in page
    values = {name: str(value) for name, value in agreement.parameters.items()}

    response = client.post_form(
        f"/agreements/{agreement.id}/parameters",
        {
            **values,
            "cure_days": "21",
            "termination_notice_days": "91",
            "version": agreement.version,
        },
    )

    assert response.status_code == 302
    db.session.refresh(agreement)
    assert (agreement.parameters["cure_days"], agreement.parameters["termination_notice_days"]) == (
        21,
        91,
    )
    client.post_form(
        f"/agreements/{agreement.id}/generate",
        {"version": agreement.version},
        from_url=f"/agreements/{agreement.id}/preview",
    )
    db.session.refresh(agreement)
    text = docx_text(files.read(agreement.generated_file))
    assert "21 days" in text and "91 days" in text


def test_frame_term_outside_its_bounds_is_refused_beside_its_field(client, login_as, db):
    agreement = draft()
    login_as("privacy")
    values = {name: str(value) for name, value in agreement.parameters.items()}

    response = client.post_form(
        f"/agreements/{agreement.id}/parameters",
        {**values, "cure_days": "1", "version": agreement.version},
    )

    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert re.search(r'id="cure_days-error"[^>]*>Must be between 5 and 60', html)
    db.session.refresh(agreement)
    assert agreement.parameters.get("cure_days", 15) == 15


def test_parameters_page_offers_only_the_terms_the_template_prints(client, login_as, db):
    """The inter-agency agreement states no insurance amount (public agencies self-insure),
    so its page does not ask for one; the vendor agreement's does."""
    from sharing.agreements import drafting
    from sharing.agreements.drafting import Terms
    from sharing.agreements.models import TemplateKind
    from sharing.vendors.models import OrganisationKind
    from tests.factories import make_template_version, make_user

    vendor = draft()
    agency, flow = ready_organisation(kind=OrganisationKind.PUBLIC_AGENCY)
    interagency = drafting.draft_agreement(
        actor=make_user("privacy"),
        organisation=agency,
        flows=[flow],
        template=make_template_version(TemplateKind.INTERAGENCY).template,
        terms=Terms(title="Data sharing", effective_date=None, department_id=flow.department_id),
        today=today(),
    )
    login_as("privacy")

    vendor_page = client.get(f"/agreements/{vendor.id}/parameters").get_data(as_text=True)
    agency_page = client.get(f"/agreements/{interagency.id}/parameters").get_data(as_text=True)

    assert 'name="cyber_insurance_millions"' in vendor_page
    assert 'name="cyber_insurance_millions"' not in agency_page
    assert 'name="cure_days"' in agency_page and 'name="steward_review_months"' in agency_page


def test_agreement_page_names_each_parameter_in_words_with_its_unit(client, login_as, db):
    agreement = draft()
    login_as("privacy")

    html = client.get(f"/agreements/{agreement.id}").get_data(as_text=True)

    section = html[html.index('id="parameters-heading"') :]
    assert "Hours to report an incident" in section
    assert re.search(
        r"Days to cure a breach after the City&#39;s notice</dt>\s*<dd[^>]*>15 days", section
    )
    assert "<code>breach_notice_hours</code>" not in section


def test_agreement_download_name_keeps_vietnamese_letters_with_an_ascii_fallback(
    client, login_as, db
):
    agreement = draft(generated=True)
    agreement.organisation.common_name = "Công ty Sài Gòn Dữ liệu"
    db.session.commit()
    login_as("privacy")

    download = client.get(f"/agreements/{agreement.id}/agreement.docx")

    assert download.status_code == 200
    disposition = download.headers["Content-Disposition"]
    assert f'attachment; filename="{agreement.number}-cong-ty-sai-gon-du-lieu.docx"' in disposition
    encoded = disposition.split("filename*=UTF-8''", 1)[1]
    assert unquote(encoded) == f"{agreement.number}-công-ty-sài-gòn-dữ-liệu.docx"
    assert "s-i-g" not in disposition


def test_reversed_renewal_window_is_flagged_beside_the_end_date_and_lists_nothing(
    client, login_as, db
):
    agreement = active_expiring_in(20)
    login_as("admin")
    start = (today() + timedelta(days=30)).isoformat()
    end = (today() + timedelta(days=10)).isoformat()

    response = client.get(
        "/agreements/renewals", query_string={"expiring_from": start, "expiring_to": end}
    )

    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert (
        '<div id="expiring_to-error" class="invalid-feedback d-block">'
        "The window must end on or after its start.</div>" in html
    )
    assert f'value="{start}"' in html and f'value="{end}"' in html
    assert "No agreement in force expires in that window" not in html
    assert 'id="renewals-due"' not in html and agreement.number not in html

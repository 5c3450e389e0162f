"""Portal pages for one object: an agreement, its signed copy, a flow (all read-only)."""

from __future__ import annotations

import re

from sharing.agreements import files
from sharing.agreements.models import AgreementStatus
from sharing.flows.models import Direction, FlowStatus
from tests.factories import (
    add_category,
    make_category,
    make_flow,
    make_organisation,
    make_policy,
)
from tests.web.tables.agreement_lifecycle import (
    SAMPLE_PDF,
    make_agreement,
    make_signed_agreement,
)


def test_signed_copy_downloads_as_an_attachment_with_the_archived_bytes(client, login_as):
    """The executed PDF comes back byte-identical, as <number>-signed.pdf, not sniffable."""
    user = login_as("vendor")
    agreement = make_signed_agreement(organisation_id=user.organisation_id, number="DSA-2026/0042")

    response = client.get(f"/portal/agreements/{agreement.id}/signed.pdf")

    assert response.status_code == 200
    assert response.data == SAMPLE_PDF
    assert response.mimetype == "application/pdf"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    disposition = response.headers["Content-Disposition"]
    assert disposition.startswith("attachment")
    assert "DSA-2026-0042-signed.pdf" in disposition


def test_signed_copy_is_404_without_an_archived_pdf(client, login_as):
    """An agreement with no signed file has nothing to download."""
    user = login_as("vendor")
    agreement = make_agreement(
        AgreementStatus.SENT_FOR_SIGNATURE, organisation_id=user.organisation_id
    )
    assert client.get(f"/portal/agreements/{agreement.id}/signed.pdf").status_code == 404


def test_signed_copy_of_another_organisation_is_404(client, login_as):
    """Another organisation's executed copy is not found."""
    login_as("vendor")
    other = make_signed_agreement(organisation_id=make_organisation().id)
    assert client.get(f"/portal/agreements/{other.id}/signed.pdf").status_code == 404
    assert client.get(f"/portal/agreements/{other.id}").status_code == 404


def test_signed_copy_that_fails_its_checksum_is_not_served(client, login_as):
    """A stored file that no longer matches its SHA-256 is refused, not sent."""
    user = login_as("vendor")
    agreement = make_signed_agreement(organisation_id=user.organisation_id)
    files.path_of(agreement.signed_file).write_bytes(SAMPLE_PDF + b"tampered")
    response = client.get(f"/portal/agreements/{agreement.id}/signed.pdf")
    assert response.status_code == 500
    assert b"tampered" not in response.data


def test_agreement_page_shows_terms_and_the_download(client, login_as):
    """The vendor's agreement page lists its dates and offers the executed copy."""
    user = login_as("vendor")
    agreement = make_signed_agreement(
        AgreementStatus.ACTIVE,
        organisation_id=user.organisation_id,
        parameters={"breach_notice_hours": 48},
        obligation_codes=["BRN-1", "SEC-1"],
        policy_version_id=make_policy().id,
    )
    html = client.get(f"/portal/agreements/{agreement.id}").get_data(as_text=True)
    assert agreement.number in html and "2026-01-01" in html
    # Obligations and parameters by their titles, the codes as secondary text at most.
    assert re.search(r"<li>Report incidents quickly[^<]* <span[^>]*>\(BRN-1\)</span>", html)
    assert "<li>Keep the data safe" in html
    assert "Hours to report an incident" in html and "48 hours" in html
    assert "Breach notice hours" not in html
    assert f'href="/portal/agreements/{agreement.id}/signed.pdf"' in html
    assert 'href="/agreements/' not in html  # no links into the staff register


def test_flow_page_shows_what_is_shared_and_offers_no_edits(client, login_as):
    """Categories, purpose, retention and storage are shown; no edit, review or comment form."""
    user = login_as("vendor")
    flow = make_flow(
        user.organisation,
        status=FlowStatus.APPROVED,
        purposes="Process parking permits",
        retention_days=730,
        storage_location="Oregon data centre",
        direction=Direction.OUTBOUND,
        subprocessors=[{"name": "CloudCo", "service": "Hosting", "country": "US"}],
    )
    add_category(flow, make_category(name="Licence plate"), "Identify the permit holder")

    html = client.get(f"/portal/flows/{flow.id}").get_data(as_text=True)

    for text in (
        "Process parking permits",
        "730",
        "Oregon data centre",
        "CloudCo",
        "Licence plate",
        "Identify the permit holder",
    ):
        assert text in html
    assert f"/flows/{flow.id}/edit" not in html
    assert "/actions/" not in html and 'id="comment-form"' not in html
    assert 'href="/flows/' not in html


def test_flow_of_another_organisation_or_a_replaced_revision_is_404(client, login_as):
    """Only the vendor's own visible flows open."""
    user = login_as("vendor")
    other = make_flow(make_organisation(), status=FlowStatus.APPROVED)
    old = make_flow(user.organisation, status=FlowStatus.SUPERSEDED)
    assert client.get(f"/portal/flows/{other.id}").status_code == 404
    assert client.get(f"/portal/flows/{old.id}").status_code == 404

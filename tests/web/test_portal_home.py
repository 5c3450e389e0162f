"""The vendor portal home: only the vendor's own organisation, tasks, empty states, bounded
lists without N+1, and the redirect from /."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import event

from sharing.agreements.models import AgreementStatus
from sharing.attestations.models import AttestationStatus
from sharing.core.clock import today
from sharing.extensions import db as _db
from sharing.flows.models import FlowStatus
from sharing.vendors.models import Organisation
from tests.factories import add_category, make_category, make_flow, make_organisation
from tests.web.tables import STAFF
from tests.web.tables.agreement_lifecycle import make_agreement, make_signed_agreement
from tests.web.tables.attestations import make_request
from tests.web.tables.evidence import make_evidence
from tests.web.tables.portal import make_incident

S = AgreementStatus


def _records(organisation_id: int, tag: str) -> dict:
    """One of each kind of portal record in the organisation, named with `tag`."""
    organisation = _db.session.get(Organisation, organisation_id)
    agreement = make_agreement(S.ACTIVE, organisation_id=organisation_id, title=f"DPA {tag}")
    flow = make_flow(organisation, status=FlowStatus.APPROVED, system_name=f"System {tag}")
    request = make_request(organisation_id, due_date=today() + timedelta(days=20))
    evidence = make_evidence(organisation_id, original_name=f"report-{tag}.pdf")
    incident = make_incident(organisation_id, title=f"Incident {tag}")
    return {
        "agreement": agreement,
        "flow": flow,
        "request": request,
        "evidence": evidence,
        "incident": incident,
    }


def test_portal_home_shows_only_the_vendors_own_organisation(client, login_as):
    """Agreements, flows, tasks, evidence and incidents of another organisation are absent."""
    user = login_as("vendor")
    own = _records(user.organisation_id, "ours")
    theirs = _records(make_organisation(legal_name="Rival Corp").id, "theirs")

    html = client.get("/portal/").get_data(as_text=True)

    assert user.organisation.display_name in html
    for tag, records in (("ours", own), ("theirs", theirs)):
        present = tag == "ours"
        assert (f"DPA {tag}" in html) is present
        assert (records["agreement"].number in html) is present
        assert (f"System {tag}" in html) is present
        assert (f"report-{tag}.pdf" in html) is present
        assert (f"Incident {tag}" in html) is present
        assert (records["request"].agreement.number in html) is present
    assert "Rival Corp" not in html


def test_portal_home_shows_empty_states_that_say_what_happens_next(client, login_as):
    """A new vendor sees each section's empty state and the incident button."""
    login_as("vendor")
    html = client.get("/portal/").get_data(as_text=True)
    assert "Nothing is waiting for you" in html
    assert "Nothing you sent is waiting" in html
    assert "No agreements yet" in html
    assert "No data flows are registered" in html
    assert "No evidence uploaded yet" in html
    assert "No incidents reported" in html
    assert 'id="report-incident" href="/portal/incidents/new"' in html


def _tasks(html: str) -> str:
    """The open-tasks section of the home page."""
    return html.split('id="waiting-for-you"')[1].split("</section>")[0]


def test_overdue_and_returned_attestations_are_open_tasks(client, login_as):
    """Past-due requests say they are overdue; returned ones ask for a re-answer."""
    user = login_as("vendor")
    org = user.organisation_id
    overdue = make_request(org, due_date=today() - timedelta(days=3))
    returned = make_request(
        org, due_date=today() + timedelta(days=10), status=AttestationStatus.RETURNED
    )
    done = make_request(
        org, due_date=today() - timedelta(days=30), status=AttestationStatus.ACCEPTED
    )

    html = client.get("/portal/").get_data(as_text=True)
    tasks = _tasks(html)

    assert tasks.count("Overdue by 3 days") == 1
    assert overdue.agreement.number in tasks
    assert "Answers returned to you" in tasks and returned.agreement.number in tasks
    assert done.agreement.number not in tasks
    assert f'href="/attestations/{returned.id}/answer"' in tasks


def test_expired_and_soon_expiring_evidence_are_tasks(client, login_as):
    """Evidence valid for at most 30 more days (the reminder's window), or expired, is a task;
    the rest is not."""
    user = login_as("vendor")
    org = user.organisation_id
    make_evidence(org, original_name="old.pdf", valid_until=today() - timedelta(days=1))
    make_evidence(org, original_name="soon.pdf", valid_until=today() + timedelta(days=30))
    make_evidence(org, original_name="later.pdf", valid_until=today() + timedelta(days=31))
    make_evidence(org, original_name="fine.pdf", valid_until=today() + timedelta(days=200))

    tasks = _tasks(client.get("/portal/").get_data(as_text=True))

    assert re.search(r"Evidence expired:</span>\s*<a[^>]*>old.pdf<", tasks)
    assert re.search(r"Evidence expiring:</span>\s*<a[^>]*>soon.pdf<", tasks)
    assert "later.pdf" not in tasks
    assert "fine.pdf" not in tasks
    assert 'href="/attestations/evidence?q=old.pdf"' in tasks
    assert 'href="/attestations/evidence/new"' in tasks


def test_draft_and_generated_agreements_are_not_shown_to_vendors(client, login_as):
    """The city's drafts stay internal: absent from the home page, 404 on their page."""
    user = login_as("vendor")
    org = user.organisation_id
    draft = make_agreement(S.DRAFT, organisation_id=org)
    generated = make_agreement(S.GENERATED, organisation_id=org)
    sent = make_agreement(S.SENT_FOR_SIGNATURE, organisation_id=org)

    html = client.get("/portal/").get_data(as_text=True)

    assert sent.number in html
    assert draft.number not in html and generated.number not in html
    assert client.get(f"/portal/agreements/{draft.id}").status_code == 404
    assert client.get(f"/portal/agreements/{generated.id}").status_code == 404


def test_executed_agreements_link_their_signed_copy(client, login_as):
    """An agreement with an archived signed PDF offers it for download from the home page."""
    user = login_as("vendor")
    signed = make_signed_agreement(organisation_id=user.organisation_id)
    unsigned = make_agreement(S.SENT_FOR_SIGNATURE, organisation_id=user.organisation_id)
    html = client.get("/portal/").get_data(as_text=True)
    assert f'href="/portal/agreements/{signed.id}/signed.pdf"' in html
    assert f'href="/portal/agreements/{unsigned.id}/signed.pdf"' not in html


def test_superseded_and_draft_flows_are_not_listed(client, login_as):
    """Vendors see flows in force or under review, not drafts or replaced revisions."""
    user = login_as("vendor")
    organisation = user.organisation
    make_flow(organisation, status=FlowStatus.APPROVED, system_name="Live system")
    make_flow(organisation, status=FlowStatus.SUPERSEDED, system_name="Old revision system")
    make_flow(organisation, status=FlowStatus.DRAFT, system_name="Draft system")
    html = client.get("/portal/").get_data(as_text=True)
    assert "Live system" in html
    assert "Old revision system" not in html and "Draft system" not in html


def _count_queries(client, url: str) -> int:
    statements: list[str] = []

    def count(*_args):
        statements.append("q")

    engine = _db.engine
    event.listen(engine, "before_cursor_execute", count)
    try:
        assert client.get(url).status_code == 200
    finally:
        event.remove(engine, "before_cursor_execute", count)
    return len(statements)


def test_home_page_query_count_does_not_grow_with_rows(client, login_as):
    """Categories, agreements and requests are loaded in bulk (no N+1)."""
    user = login_as("vendor")
    org = user.organisation_id

    def add_rows(n: int) -> None:
        for _ in range(n):
            flow = make_flow(user.organisation, status=FlowStatus.APPROVED)
            add_category(flow, make_category())
            make_request(org, due_date=today() + timedelta(days=5))
            make_evidence(org, valid_until=today())
            make_incident(org)

    add_rows(1)
    few = _count_queries(client, "/portal/")
    add_rows(6)
    many = _count_queries(client, "/portal/")
    assert many == few


def test_home_lists_are_bounded(client, login_as):
    """At most ten flows are listed, with a note of how many there are."""
    user = login_as("vendor")
    for n in range(12):
        make_flow(user.organisation, status=FlowStatus.APPROVED, system_name=f"Bounded {n:02d}")
    html = client.get("/portal/").get_data(as_text=True)
    assert html.count("Bounded ") == 10
    assert "Showing 10 of 12 flows" in html


def test_root_sends_a_vendor_to_the_portal(client, login_as):
    """A signed-in vendor opening / is redirected to /portal/."""
    login_as("vendor")
    response = client.get("/")
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/portal/")


@pytest.mark.parametrize("role", STAFF)
def test_staff_get_403_on_portal_pages(client, login_as, role):
    """The portal is for vendor users only; staff have the register itself."""
    login_as(role)
    assert client.get("/").status_code == 200
    for path in ("/portal/", "/portal/incidents/new"):
        assert client.get(path).status_code == 403
    assert client.post_form("/portal/incidents/new", {}, from_url="/").status_code == 403

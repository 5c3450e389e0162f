"""The staff incident register: each filter narrows the list, overdue means notice deadline
passed with nobody notified, sorting and paging happen in SQL, and the detail page shows it all."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from sqlalchemy import event

from sharing.agreements.models import AgreementStatus
from sharing.audit import services as audit
from sharing.core.clock import now
from sharing.disclosures.models import IncidentStatus
from sharing.extensions import db as _db
from tests.factories import make_organisation
from tests.web.tables.agreement_lifecycle import make_agreement
from tests.web.tables.portal import make_incident

LIST = "/disclosures/incidents"
ROW = re.compile(r'<tr id="incident-(\d+)">')


def _ids(client, query: str = "") -> list[int]:
    response = client.get(f"{LIST}{query}")
    assert response.status_code == 200
    return [int(i) for i in ROW.findall(response.get_data(as_text=True))]


@pytest.fixture
def office(login_as):
    return login_as("privacy")


def test_status_filter_lists_only_incidents_in_that_status(client, office):
    """?status=closed shows closed incidents only."""
    org = make_organisation()
    closed = make_incident(org.id, status=IncidentStatus.CLOSED, closed_at=now())
    make_incident(org.id, status=IncidentStatus.INVESTIGATING)

    assert _ids(client, "?status=closed") == [closed.id]


def test_organisation_filter_lists_only_that_organisations_incidents(client, office):
    """?organisation=<id> leaves out other organisations."""
    mine, other = make_organisation(), make_organisation()
    own = make_incident(mine.id)
    make_incident(other.id)

    assert _ids(client, f"?organisation={mine.id}") == [own.id]


@pytest.mark.parametrize("term", ["inc-find-77", "ransomware", "globex"])
def test_search_matches_reference_title_or_organisation_name(client, office, term):
    """The search box finds an incident by reference, title or organisation, ignoring case."""
    org = make_organisation(legal_name="Globex Corporation", common_name="")
    found = make_incident(org.id, reference="INC-FIND-77", title="Ransomware on file server")
    make_incident(make_organisation().id, title="Lost badge")

    assert _ids(client, f"?q={term}") == [found.id]


def test_overdue_filter_means_deadline_passed_and_nobody_notified(client, office):
    """Only open incidents past their deadline with no notice sent are overdue."""
    org, past = make_organisation(), now() - timedelta(hours=1)
    overdue = make_incident(org.id, notice_deadline=past)
    investigating = make_incident(org.id, status=IncidentStatus.INVESTIGATING, notice_deadline=past)
    make_incident(org.id, notice_deadline=now() + timedelta(hours=5))  # not yet due
    make_incident(org.id, notice_deadline=past, individuals_notified_on=date(2026, 1, 5))
    make_incident(org.id, status=IncidentStatus.NOTIFIED, notice_deadline=past)
    make_incident(org.id, status=IncidentStatus.CLOSED, notice_deadline=past, closed_at=now())

    assert sorted(_ids(client, "?overdue=1")) == sorted([overdue.id, investigating.id])
    page = client.get(LIST).get_data(as_text=True)
    assert page.count('text-bg-danger">Overdue') == 2


def test_sort_by_deadline_and_by_organisation_in_both_directions(client, office):
    """?sort=deadline is soonest first, -deadline latest first; organisation is by name."""
    zeta, alpha = make_organisation(legal_name="Zeta Ltd"), make_organisation(legal_name="Alpha")
    soon = make_incident(zeta.id, notice_deadline=now() + timedelta(hours=1))
    late = make_incident(alpha.id, notice_deadline=now() + timedelta(hours=50))

    assert _ids(client, "?sort=deadline") == [soon.id, late.id]
    assert _ids(client, "?sort=-deadline") == [late.id, soon.id]
    assert _ids(client, "?sort=organisation") == [late.id, soon.id]
    assert _ids(client, "?sort=-organisation") == [soon.id, late.id]


def test_default_order_is_newest_report_first_and_the_list_pages(client, office):
    """Newest reported first; per_page splits the list and page 2 holds the rest."""
    org = make_organisation()
    made = [make_incident(org.id, reported_at=now() - timedelta(days=n)) for n in range(3)]

    assert _ids(client, "?per_page=2") == [made[0].id, made[1].id]
    second = client.get(f"{LIST}?per_page=2&page=2").get_data(as_text=True)
    assert [int(i) for i in ROW.findall(second)] == [made[2].id]
    assert "page 2 of 2" in second


def test_the_list_runs_the_same_number_of_queries_for_few_or_many_rows(client, office, app):
    """Organisations are loaded with the incidents: no query per row."""

    def count_statements(extra: int) -> int:
        for _ in range(extra):
            make_incident(make_organisation().id)
        statements: list[str] = []

        def note(*args):
            statements.append(args[2])

        event.listen(_db.engine, "before_cursor_execute", note)
        try:
            client.get(LIST)
        finally:
            event.remove(_db.engine, "before_cursor_execute", note)
        return len(statements)

    assert count_statements(2) == count_statements(10)


def test_empty_register_says_where_incidents_come_from(client, office):
    """With no incidents the page explains that vendors report them through the portal."""
    page = client.get(LIST).get_data(as_text=True)
    assert "No incidents have been reported" in page and "vendor portal" in page


@pytest.mark.parametrize("role", ["procurement", "vendor"])
def test_procurement_and_vendor_users_cannot_open_the_register(client, login_as, role):
    """The register and each incident page are for the privacy office and admins: 403."""
    user = login_as(role)
    incident = make_incident(user.organisation_id or make_organisation().id)

    assert client.get(LIST).status_code == 403
    assert client.get(f"{LIST}/{incident.id}").status_code == 403


def test_detail_page_shows_the_incident_its_links_and_history(client, office, db):
    """Fields, organisation and agreement links, the overdue badge, events and reminders."""
    org = make_organisation(common_name="Initech")
    agreement = make_agreement(AgreementStatus.ACTIVE, organisation_id=org.id)
    incident = make_incident(
        org.id,
        agreement_id=agreement.id,
        title="Backup tape lost",
        containment="Tape was encrypted.",
        affected_individuals=340,
        notice_deadline=now() - timedelta(hours=3),
    )
    audit.record(
        actor=office,
        action="incident.reported",
        object_type="incident",
        object_id=incident.id,
        summary=f"Incident {incident.reference} reported by Initech",
    )
    db.session.commit()

    page = client.get(f"{LIST}/{incident.id}").get_data(as_text=True)

    for text in (incident.reference, "Backup tape lost", incident.description, "340"):
        assert text in page
    assert "Tape was encrypted." in page and "Notice overdue" in page
    assert f'href="/vendors/{org.id}"' in page and "Initech" in page
    assert f'href="/agreements/{agreement.id}"' in page and agreement.number in page
    assert f"Incident {incident.reference} reported by Initech" in page
    assert 'id="reminders"' in page


def test_an_unknown_incident_is_a_404(client, office):
    """A made-up id is not found."""
    assert client.get(f"{LIST}/999999").status_code == 404

"""Staff incident pages: the report form lists only the chosen organisation's flows, a
posted report lands on its page, the workflow buttons follow the table, and a stale form
shows the conflict message."""

from __future__ import annotations

from datetime import timedelta

from sharing.core.clock import local, now
from sharing.disclosures.models import Incident, IncidentStatus
from tests.factories import add_category, make_category, make_flow, make_organisation
from tests.web.tables.portal import make_incident

NEW = "/disclosures/incidents/new"


def test_report_form_offers_only_the_chosen_organisations_flows(client, login_as):
    """?organisation=<id> lists that organisation's flows, never another's."""
    login_as("privacy")
    mine = make_organisation()
    own, other = make_flow(mine, system_name="Own system"), make_flow(system_name="Other system")
    page = client.get(f"{NEW}?organisation={mine.id}").get_data(as_text=True)
    assert f'value="{own.id}">Own system' in page and "Other system" not in page
    assert 'id="staff-incident-form"' in page
    assert other.id != own.id


def test_staff_report_is_saved_with_flows_and_opens_its_page(client, login_as, db):
    """Posting the form records the incident with its flow and category and redirects to it."""
    login_as("privacy")
    organisation, category = make_organisation(), make_category()
    flow = make_flow(organisation)
    add_category(flow, category)
    response = client.post_form(
        NEW,
        {
            "organisation_id": str(organisation.id),
            "title": "Misdirected letters",
            "description": "Letters went to the wrong addresses.",
            "discovered_at": local(now() - timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M"),
            "flow_ids": [str(flow.id)],
            "category_ids": [str(category.id)],
        },
        from_url=f"{NEW}?organisation={organisation.id}",
    )
    saved = db.session.query(Incident).one()
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/disclosures/incidents/{saved.id}")
    assert [f.id for f in saved.flows] == [flow.id] and saved.categories[0].id == category.id


def test_report_without_an_organisation_shows_the_error_on_the_field(client, login_as, db):
    """No organisation chosen: the form comes back with the reason, nothing is saved."""
    login_as("procurement")
    response = client.post_form(NEW, {"title": "x", "description": "y"})
    assert response.status_code == 200
    assert "Choose an organization." in response.get_data(as_text=True)
    assert db.session.query(Incident).count() == 0


def test_detail_page_shows_only_the_steps_the_status_allows(client, login_as):
    """A reported incident offers investigating and notified, not closing."""
    login_as("privacy")
    incident = make_incident(make_organisation().id)
    page = client.get(f"/disclosures/incidents/{incident.id}").get_data(as_text=True)
    assert 'id="step-investigating"' in page and 'id="step-notified"' in page
    assert 'id="step-closed"' not in page


def test_a_stale_step_form_shows_the_conflict_and_changes_nothing(client, login_as, db):
    """A version older than the incident's gives the conflict message; the status stays."""
    login_as("privacy")
    incident = make_incident(make_organisation().id)
    url = f"/disclosures/incidents/{incident.id}/investigating"
    response = client.post_form(
        url,
        {"version": str(incident.version - 1)},
        from_url=f"/disclosures/incidents/{incident.id}",
        follow_redirects=True,
    )
    assert "Someone else changed this incident" in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Incident, incident.id).status == IncidentStatus.REPORTED


def test_procurement_cannot_take_a_workflow_step(client, login_as):
    """The step route is for the privacy office and admins only."""
    login_as("procurement")
    incident = make_incident(make_organisation().id)
    response = client.post_form(
        f"/disclosures/incidents/{incident.id}/investigating",
        {"version": str(incident.version)},
        from_url="/auth/account",
    )
    assert response.status_code == 403

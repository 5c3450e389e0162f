"""The audit trail reads as plain language: local times, field labels, plain values, and
names instead of ids, looked up in a constant number of queries."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import event

from sharing.extensions import db as sa_db
from tests.factories import (
    make_audit_event,
    make_department,
    make_flow,
    make_organisation,
    make_user,
)
from tests.web.tables.agreement_lifecycle import make_agreement
from tests.web.tables.portal import make_incident

SUMMER_MOMENT = datetime(2026, 7, 4, 19, 5, tzinfo=UTC)
WINTER_MOMENT = datetime(2026, 12, 1, 20, 15, tzinfo=UTC)


@pytest.fixture
def app_config() -> dict:
    return {"TIMEZONE": "America/Los_Angeles"}


def _page(client, url: str = "/audit/") -> str:
    response = client.get(url)
    assert response.status_code == 200
    return response.get_data(as_text=True)


def _visible(html: str) -> str:
    """The page without the machine-readable datetime attributes of its <time> elements."""
    return re.sub(r' datetime="[^"]*"', "", html)


def _rows(html: str) -> list[str]:
    return re.findall(r"<tr data-action=.*?</tr>", html, flags=re.S)


def test_times_show_in_the_city_local_time_with_the_zone(client, login_as, db):
    """An event at 19:05 UTC in July reads 12:05 PDT; one at 20:15 UTC in December 12:15 PST."""
    make_audit_event(at=SUMMER_MOMENT, summary="Summer")
    make_audit_event(at=WINTER_MOMENT, summary="Winter")
    login_as("privacy")

    html = _visible(_page(client))

    assert "2026-07-04 12:05 PDT" in html
    assert "2026-12-01 12:15 PST" in html
    assert "19:05" not in html and "20:15" not in html


def test_changes_show_field_labels_and_plain_values(client, login_as, db):
    """Column names become the form's labels; None, booleans, lists and enums read plainly."""
    make_audit_event(
        object_type="flow",
        object_id="999999",
        action="flow.updated",
        changes={
            "includes_minors": {"before": False, "after": True},
            "storage_location": {"before": None, "after": "Sacramento"},
            "frequency": {"before": "daily", "after": "on_demand"},
            "retention_days": {"before": 30, "after": 365},
            "zz_unknown_field": {"before": ["a", "b"], "after": []},
        },
    )
    login_as("privacy")

    html = _page(client)

    assert "<strong>Includes minors</strong>: No → Yes" in html
    assert "<strong>Storage location</strong>: — → Sacramento" in html
    assert "<strong>Frequency</strong>: Daily → On demand" in html
    assert "<strong>Retention (days)</strong>: 30 → 365" in html
    assert "<strong>Zz unknown field</strong>: a, b → —" in html
    assert "None" not in html and "True" not in html and "includes_minors" not in html


def test_stored_instants_in_changes_read_in_local_time(client, login_as, db):
    """An ISO instant stored in a change is shown in the city's time, not as UTC text."""
    make_audit_event(
        object_type="invitation",
        changes={"revoked_at": {"before": None, "after": "2026-12-01T20:15:00+00:00"}},
    )
    login_as("privacy")

    html = _visible(_page(client))

    assert "<strong>Revoked at</strong>: — → 2026-12-01 12:15 PST" in html
    assert "+00:00" not in html


def test_people_organisations_and_objects_show_by_name(client, login_as, db):
    """The actor by name, the organisation by legal name, the flow by its system name and
    referenced ids in changes (department) by name."""
    actor = make_user("procurement", name="Rosa Parks-Nguyen")
    organisation = make_organisation(legal_name="Acme Data Services LLC")
    flow = make_flow(organisation, system_name="Library card sync")
    old, new = make_department(name="Parks and Recreation"), make_department(name="Library")
    make_audit_event(
        actor_id=actor.id,
        actor_email=actor.email,
        actor_role="procurement",
        organisation_id=organisation.id,
        object_type="flow",
        object_id=str(flow.id),
        action="flow.updated",
        changes={"department_id": {"before": old.id, "after": new.id}},
    )
    login_as("privacy")

    (row,) = _rows(_page(client))

    assert "Rosa Parks-Nguyen" in row
    assert "Data flow: Library card sync" in row
    assert "Acme Data Services LLC" in row
    assert "<strong>Department</strong>: Parks and Recreation → Library" in row
    assert "department_id" not in row


def test_names_are_looked_up_in_a_constant_number_of_queries(client, login_as, db):
    """Twenty events of several people and flows cost as many queries as two."""
    login_as("privacy")

    def events(count: int) -> None:
        for n in range(count):
            actor = make_user("procurement")
            flow = make_flow()
            make_audit_event(
                actor_id=actor.id,
                actor_email=actor.email,
                organisation_id=flow.organisation_id,
                object_type="flow",
                object_id=str(flow.id),
                at=SUMMER_MOMENT + timedelta(minutes=n),
                changes={"department_id": {"before": None, "after": flow.department_id}},
            )

    def queries() -> int:
        statements: list[str] = []

        def count(*_args):
            statements.append("q")

        event.listen(sa_db.engine, "before_cursor_execute", count)
        try:
            _page(client)
        finally:
            event.remove(sa_db.engine, "before_cursor_execute", count)
        return len(statements)

    events(2)
    few = queries()
    events(18)
    many = queries()

    assert len(_rows(_page(client))) == 20
    assert many == few


def test_filter_menus_offer_labels_not_codes(client, login_as, db):
    """The record type and action menus show words; the values sent stay the codes."""
    make_audit_event(object_type="attestation_request", action="attestation.submitted")
    login_as("privacy")

    html = _page(client)

    assert '<option value="attestation_request" >Attestation request</option>' in html
    assert '<option value="attestation.submitted" >Attestation submitted</option>' in html


def test_organisation_history_reads_like_the_audit_trail(client, login_as, db):
    """The organization page's history uses the same words: labels, plain values, names."""
    from sharing.vendors import services

    actor = make_user("admin", name="Grace Admin")
    organisation = make_organisation()
    services.update_organisation(
        actor=actor,
        organisation=organisation,
        values={"notes": "Checked the DPA", "website": ""},
        expected_version=None,
    )
    login_as("privacy")

    history = _page(client, f"/vendors/{organisation.id}").split('id="history"', 1)[1]

    assert "<strong>Notes</strong>: — → Checked the DPA" in history
    assert "Grace Admin" in history
    assert "<code>" not in history and "None" not in history


def test_incident_and_agreement_histories_name_the_person_in_local_time(client, login_as):
    """The short histories on an incident's and an agreement's pages read like the audit
    trail: the person's name (not their sign-in address) and the city's local time."""
    login_as("privacy")
    officer = make_user("privacy", name="Priya Officer", email="priya@example.org")
    incident = make_incident(make_organisation().id)
    agreement = make_agreement()
    for object_type, object_id in (("incident", incident.id), ("agreement", agreement.id)):
        make_audit_event(
            action=f"{object_type}.noted",
            object_type=object_type,
            object_id=str(object_id),
            actor_id=officer.id,
            actor_email=officer.email,
            summary="Noted for the record",
            at=WINTER_MOMENT,
        )
    for url in (f"/disclosures/incidents/{incident.id}", f"/agreements/{agreement.id}"):
        history = re.split(r'id="history(?:-heading)?"', _visible(_page(client, url)), maxsplit=1)[
            1
        ]
        assert "Priya Officer" in history and "2026-12-01 12:15 PST" in history, url
        assert "· priya@example.org ·" not in history
        assert "<td>priya@example.org</td>" not in history

"""The flow pages with CSRF on: forms keep what was typed, review buttons, revisions, lists."""

from __future__ import annotations

import re
from datetime import date

import pytest
from sqlalchemy import event, select

from sharing.extensions import db as ext_db
from sharing.flows import services
from sharing.flows.models import DataFlow, FlowStatus, Sensitivity
from tests.factories import make_category, make_department, make_organisation, make_user
from tests.web.tables.flows import _form, flow_in, make_ready_flow


def html(response) -> str:
    return response.get_data(as_text=True)


def switch_user(client, login_as, role: str):
    """Sign the current user out, then sign in as a new user of `role`."""
    client.post_form("/auth/sign-out", {}, from_url="/auth/account")
    return login_as(role)


# The form ------------------------------------------------------------------------------


def test_form_error_keeps_what_the_user_typed(client, login_as):
    """A rejected form re-renders with every typed value and the error beside the field."""
    login_as("procurement")
    category = make_category(name="Phone number")
    organisation, department = make_organisation(), make_department()
    response = client.post_form(
        "/flows/new",
        {
            "organisation_id": organisation.id,
            "department_id": department.id,
            "system_name": "",
            "purposes": "Text reminders about street sweeping",
            "retention_days": "forever",
            "storage_country": "US",
            "direction": "outbound",
            "frequency": "daily",
            "transfer_method": "api",
            "categories-0-category_id": category.id,
            "categories-0-selected": "y",
            "categories-0-justification": "To send the reminder",
            "subprocessors-0-name": "Texting Co",
            "subprocessors-0-country": "CA",
        },
    )
    page = html(response)
    assert response.status_code == 200
    assert "Text reminders about street sweeping" in page
    assert 'value="forever"' in page
    assert 'value="To send the reminder"' in page and 'value="Texting Co"' in page
    assert re.search(r'id="system_name-error"[^>]*>This field is required', page)
    assert re.search(r'id="retention_days-error"', page)
    assert ext_db.session.scalar(select(DataFlow.id)) is None


def test_service_rule_error_is_shown_beside_its_field(client, login_as):
    """A rule the service checks (automated decisions need a description) lands on its field."""
    login_as("procurement")
    flow = make_ready_flow()
    data = _form(flow, automated_decisions="y", automated_decision_description="")
    data["subprocessors-0-name"] = "Kept Co"
    response = client.post_form(f"/flows/{flow.id}/edit", data)
    page = html(response)
    assert response.status_code == 200
    assert 'id="automated_decision_description-error"' in page
    assert 'value="Kept Co"' in page


def test_a_bad_start_date_keeps_what_was_typed_with_the_error_beside_the_field(client, login_as):
    """Text that is not a date is refused by the form; the page shows it back with the reason."""
    login_as("procurement")
    flow = make_ready_flow()
    data = _form(flow, started_on="next Tuesday", purposes="Typed purposes")
    response = client.post_form(f"/flows/{flow.id}/edit", data)
    page = html(response)
    assert response.status_code == 200
    assert re.search(r'<input[^>]*id="started_on"[^>]*value="next Tuesday"', page)
    assert re.search(r'id="started_on-error"[^>]*>Enter a real date as YYYY-MM-DD', page)
    assert "Typed purposes" in page
    ext_db.session.expire_all()
    assert flow.started_on is None and flow.purposes != "Typed purposes"


def test_a_start_date_out_of_range_is_shown_beside_the_field(client, login_as):
    """The rule's range check (not before 1990) lands on the field, with the date kept."""
    login_as("procurement")
    flow = make_ready_flow()
    response = client.post_form(f"/flows/{flow.id}/edit", _form(flow, started_on="1989-12-31"))
    page = html(response)
    assert response.status_code == 200
    assert re.search(r'<input[^>]*id="started_on"[^>]*value="1989-12-31"', page)
    assert re.search(r'id="started_on-error"[^>]*>Enter a date from 1990-01-01 on.', page)


def test_start_date_is_saved_from_the_form_and_shown_on_the_flow_page(client, login_as):
    login_as("procurement")
    flow = make_ready_flow()
    response = client.post_form(f"/flows/{flow.id}/edit", _form(flow, started_on="2026-03-01"))
    assert response.status_code == 302
    ext_db.session.expire_all()
    assert flow.started_on == date(2026, 3, 1)
    page = html(client.get(f"/flows/{flow.id}"))
    assert re.search(r"<dt[^>]*>Sharing started on</dt>\s*<dd[^>]*>2026-03-01</dd>", page)
    form = html(client.get(f"/flows/{flow.id}/edit"))
    assert re.search(r'<input[^>]*id="started_on"[^>]*type="date"[^>]*value="2026-03-01"', form)


def test_new_flow_saves_a_draft_and_preselects_the_organisation(client, login_as):
    login_as("procurement")
    organisation = make_organisation(legal_name="Preselected Ltd")
    page = html(client.get(f"/flows/new?organisation_id={organisation.id}"))
    assert f'<option selected value="{organisation.id}">' in page
    category = make_category()
    data = _form(make_ready_flow(), system_name="Fresh system")
    data.pop("version")
    data.update(
        {
            "organisation_id": str(organisation.id),
            "categories-0-category_id": str(category.id),
            "categories-0-selected": "y",
            "categories-0-justification": "Needed",
        }
    )
    response = client.post_form("/flows/new", data)
    assert response.status_code == 302
    created = ext_db.session.scalar(select(DataFlow).where(DataFlow.system_name == "Fresh system"))
    assert created.organisation_id == organisation.id and created.status == FlowStatus.DRAFT
    assert [fc.justification for fc in created.categories] == ["Needed"]


def test_stale_edit_shows_the_other_change_and_keeps_the_saved_values(client, login_as):
    """Two editors open the form; the second save is refused (409) and says what changed."""
    login_as("procurement")
    flow = make_ready_flow()
    stale = _form(flow, purposes="My purposes")
    services.update_flow(
        actor=make_user("admin", email="other.editor@example.org"),
        flow=flow,
        values={"system_name": "Renamed by someone else"},
        categories=None,
        expected_version=flow.version,
    )
    response = client.post_form(f"/flows/{flow.id}/edit", stale)
    page = html(response)
    assert response.status_code == 409
    assert "other.editor@example.org" in page and "Renamed by someone else" in page
    assert "My purposes" in page  # what the user typed is still on screen
    ext_db.session.expire_all()
    assert flow.purposes != "My purposes" and flow.system_name == "Renamed by someone else"


def test_editing_an_approved_flow_through_the_form_starts_a_revision(client, login_as):
    login_as("procurement")
    approved = flow_in(FlowStatus.APPROVED)
    page = html(client.get(f"/flows/{approved.id}/edit"))
    assert "Saving creates revision 2" in page
    response = client.post_form(f"/flows/{approved.id}/edit", _form(approved, retention_days="30"))
    revision = ext_db.session.scalar(select(DataFlow).where(DataFlow.revision == 2))
    assert response.headers["Location"].endswith(f"/flows/{revision.id}")
    assert html(client.get(f"/flows/{approved.id}/edit", follow_redirects=True)).count(
        "Revision 2 is already open"
    )


def test_a_flow_under_review_cannot_be_opened_for_editing(client, login_as):
    login_as("procurement")
    flow = flow_in(FlowStatus.SUBMITTED)
    response = client.get(f"/flows/{flow.id}/edit")
    assert response.status_code == 302
    assert "locked while under review" in html(client.get(response.headers["Location"]))


# The flow page -------------------------------------------------------------------------


def test_flow_page_explains_the_risk_and_flags_missing_justifications(client, login_as):
    login_as("privacy")
    ssn = make_category(name="Social Security number", sensitivity=Sensitivity.RESTRICTED)
    flow = make_ready_flow(category=ssn, justification="")
    page = html(client.get(f"/flows/{flow.id}"))
    assert "Restricted data: Social Security number (+3)" in page
    assert 'id="missing-justifications"' in page and "No justification" in page


def test_review_buttons_follow_the_transition_table(client, login_as):
    flow = flow_in(FlowStatus.SUBMITTED)
    login_as("procurement")
    page = html(client.get(f"/flows/{flow.id}"))
    assert 'id="action-start_review"' not in page
    switch_user(client, login_as, "privacy")
    page = html(client.get(f"/flows/{flow.id}"))
    assert 'id="action-start_review"' in page and 'id="action-approve"' not in page


def test_review_through_the_pages_with_a_change_request_and_a_reply(client, login_as):
    flow = flow_in(FlowStatus.IN_REVIEW)
    login_as("privacy")
    url = f"/flows/{flow.id}"
    response = client.post_form(
        f"{url}/actions/request_changes",
        {"comment": "Why is the date of birth needed?", "version": flow.version},
        from_url=url,
    )
    assert response.status_code == 302
    switch_user(client, login_as, "procurement")
    client.post_form(f"{url}/comments", {"body": "It is not; removed."}, from_url=url)
    page = html(client.get(url))
    assert "Why is the date of birth needed?" in page and "It is not; removed." in page
    ext_db.session.expire_all()
    assert flow.status == FlowStatus.CHANGES_REQUESTED


def test_a_refused_step_changes_nothing(client, login_as):
    """Wrong role: 403. Wrong state: a message, and the status stays."""
    flow = flow_in(FlowStatus.DRAFT)
    login_as("procurement")
    url = f"/flows/{flow.id}"
    forbidden = client.post_form(f"{url}/actions/approve", {"version": flow.version}, from_url=url)
    assert forbidden.status_code == 403
    switch_user(client, login_as, "admin")
    response = client.post_form(f"{url}/actions/approve", {"version": flow.version}, from_url=url)
    assert response.status_code == 302
    assert "cannot be moved" in html(client.get(url))
    ext_db.session.expire_all()
    assert flow.status == FlowStatus.DRAFT


def test_pending_revision_shows_the_revision_in_force_and_compares(client, login_as):
    approved = flow_in(FlowStatus.APPROVED)
    revision = services.update_flow(
        actor=make_user("procurement"),
        flow=approved,
        values={"retention_days": 30},
        categories=None,
        expected_version=None,
    )
    login_as("privacy")
    page = html(client.get(f"/flows/{revision.id}"))
    assert 'id="in-force-banner"' in page and f'href="/flows/{approved.id}"' in page
    assert 'id="pending-banner"' in html(client.get(f"/flows/{approved.id}"))
    compare = html(client.get(f"/flows/{revision.id}/compare?other={approved.id}"))
    changed = re.findall(r'<tr class="table-warning">\s*<th scope="row">([^<]+)<', compare)
    assert [label.strip() for label in changed] == ["Status", "Retention (days)"]


def test_compare_shows_a_changed_start_date_side_by_side(client, login_as):
    approved = flow_in(FlowStatus.APPROVED, started_on="2024-05-01")
    revision = services.update_flow(
        actor=make_user("procurement"),
        flow=approved,
        values={"started_on": "2024-06-15"},
        categories=None,
        expected_version=None,
    )
    login_as("privacy")
    compare = html(client.get(f"/flows/{revision.id}/compare?other={approved.id}"))
    row = re.search(
        r'<tr class="table-warning">\s*<th scope="row">Sharing started on.*?</tr>', compare, re.S
    )
    assert row and "2024-05-01" in row.group() and "2024-06-15" in row.group()


def test_compare_refuses_a_revision_of_another_flow(client, login_as):
    login_as("admin")
    one, other = flow_in(FlowStatus.DRAFT), flow_in(FlowStatus.DRAFT)
    assert client.get(f"/flows/{one.id}/compare?other={other.id}").status_code == 404


# The list ------------------------------------------------------------------------------


def _names(page: str) -> list[str]:
    return re.findall(r'<a href="/flows/\d+">([^<]+)</a>', page)


def test_list_searches_filters_and_sorts_in_sql(client, login_as):
    parks = make_department(name="Parks")
    health = make_category(name="Health information", sensitivity=Sensitivity.RESTRICTED)
    make_ready_flow(system_name="Alpha booking", department_id=parks.id)
    make_ready_flow(system_name="Beta clinic", category=health)
    make_ready_flow(system_name="Gamma sensors", purposes="Count bicycles on trails")
    login_as("privacy")
    assert _names(html(client.get("/flows/?q=BICYCLES"))) == ["Gamma sensors"]
    assert _names(html(client.get(f"/flows/?department={parks.id}"))) == ["Alpha booking"]
    assert _names(html(client.get(f"/flows/?category={health.id}"))) == ["Beta clinic"]
    assert _names(html(client.get("/flows/?risk=medium"))) == ["Beta clinic"]
    assert _names(html(client.get("/flows/?sort=system"))) == [
        "Alpha booking",
        "Beta clinic",
        "Gamma sensors",
    ]
    assert _names(html(client.get("/flows/?sort=-system&per_page=2&page=2"))) == ["Alpha booking"]
    assert "No data flows match these filters." in html(client.get("/flows/?q=nothing-like-it"))


def test_list_hides_superseded_revisions_unless_history_is_asked(client, login_as):
    old = flow_in(FlowStatus.APPROVED, system_name="Old revision")
    old.status = FlowStatus.SUPERSEDED
    ext_db.session.commit()
    login_as("admin")
    assert _names(html(client.get("/flows/"))) == []
    assert _names(html(client.get("/flows/?history=1"))) == ["Old revision"]
    assert _names(html(client.get("/flows/?status=superseded"))) == ["Old revision"]


def test_empty_list_invites_procurement_to_record_a_flow(client, login_as):
    login_as("procurement")
    assert "Record the first data flow" in html(client.get("/flows/"))


def count_statements(client, url: str) -> int:
    statements = []

    def record(*_args):
        statements.append(1)

    engine = ext_db.engine
    event.listen(engine, "before_cursor_execute", record)
    try:
        assert client.get(url).status_code == 200
    finally:
        event.remove(engine, "before_cursor_execute", record)
    return len(statements)


@pytest.mark.parametrize("url", ["/flows/", "/flows/?sort=organisation&q=system"])
def test_list_runs_the_same_number_of_statements_for_3_and_30_flows(client, login_as, url):
    """No query per row: the statement count does not grow with the data."""
    login_as("privacy")
    category = make_category()
    organisation = make_organisation()
    for n in range(3):
        make_ready_flow(system_name=f"System {n}", category=category)
    few = count_statements(client, url)
    for n in range(27):
        make_ready_flow(system_name=f"System {n}", organisation_id=organisation.id)
    assert count_statements(client, url) == few
    assert few <= 15


# The vocabulary ------------------------------------------------------------------------


def test_vocabulary_page_offers_the_standard_set_and_edits_only_to_privacy_and_admin(
    client, login_as
):
    login_as("procurement")
    page = html(client.get("/flows/categories"))
    assert 'id="install-vocabulary"' not in page
    refused = client.post_form("/flows/categories/new", {"name": "X"}, from_url="/flows/categories")
    assert refused.status_code == 403
    switch_user(client, login_as, "privacy")
    assert 'id="install-vocabulary"' in html(client.get("/flows/categories"))


def test_category_form_keeps_typed_values_on_a_duplicate_name(client, login_as):
    make_category(name="Home address")
    login_as("admin")
    response = client.post_form(
        "/flows/categories/new",
        {"name": "home address", "description": "Typed description", "sensitivity": "restricted"},
    )
    page = html(response)
    assert response.status_code == 200
    assert "A category with this name already exists." in page and "Typed description" in page

"""The public register: anonymous pages, search and filters, the open-data feed, and the
privacy office's publication control."""

from __future__ import annotations

import csv
import io

from sharing.agreements.lifecycle import transition_agreement
from sharing.agreements.models import AgreementStatus
from sharing.audit.models import AuditEvent
from sharing.auth import services as auth
from sharing.core.clock import today
from sharing.extensions import db
from sharing.flows.models import DataFlow, FlowStatus
from sharing.register.fields import FIELD_NAMES
from sharing.register.models import RegisterChange, RegisterChangeKind
from sharing.vendors import services as vendors
from tests.factories import make_category, make_department, make_organisation, make_user
from tests.web.tables.register import arrangement_expiry, flow_agreements, make_arrangement


def _text(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200
    return response.get_data(as_text=True)


def _latest_change() -> RegisterChange:
    return db.session.scalar(db.select(RegisterChange).order_by(RegisterChange.id.desc()).limit(1))


def test_anonymous_visitors_see_active_arrangements_with_their_public_fields(client):
    """A published, approved flow under an agreement in force shows without sign-in."""
    category = make_category(name="Home address")
    flow = make_arrangement(system_name="Parking permits", categories=(category,))
    page = _text(client, "/register/")
    assert "Parking permits" in page
    assert "Home address" in page
    assert arrangement_expiry().isoformat() in page
    detail = _text(client, f"/register/{flow.lineage_id}")
    assert "Cloudy (hosting, US)" in detail
    assert flow.purposes in detail


def test_unpublished_unapproved_or_uncovered_flows_stay_off_the_register(client):
    """Exempt flows, drafts, and flows without an agreement in force are not public."""
    exempt = make_arrangement(
        system_name="Exempt system", published=False, publication_exemption="Critical"
    )
    draft = make_arrangement(system_name="Draft system", status=FlowStatus.DRAFT)
    expired = make_arrangement(
        system_name="Expired system", agreement_status=AgreementStatus.EXPIRED
    )
    page = _text(client, "/register/")
    for flow in (exempt, draft, expired):
        assert flow.system_name not in page
        assert client.get(f"/register/{flow.lineage_id}").status_code == 404
    assert client.get("/register/999999").status_code == 404


def test_search_and_filters_narrow_the_register(client):
    """Text search, department, organisation and category filters each narrow the list."""
    roads = make_department(name="Roads")
    health_cat = make_category(name="Vaccination status")
    make_arrangement(system_name="Pothole reports", department_id=roads.id)
    other = make_arrangement(system_name="Clinic bookings", categories=(health_cat,))
    assert "Clinic bookings" not in _text(client, "/register/?q=pothole")
    assert "Pothole reports" in _text(client, "/register/?q=pothole")
    by_department = _text(client, f"/register/?department={roads.id}")
    assert "Pothole reports" in by_department and "Clinic bookings" not in by_department
    by_category = _text(client, f"/register/?category={health_cat.id}")
    assert "Clinic bookings" in by_category and "Pothole reports" not in by_category
    by_org = _text(client, f"/register/?organisation={other.organisation_id}")
    assert "Clinic bookings" in by_org and "Pothole reports" not in by_org
    assert "No arrangement matches" in _text(client, "/register/?q=nothing-like-this")


def test_the_register_sorts_by_service_in_both_directions(client):
    """?sort=service and ?sort=-service order the rows in SQL."""
    make_arrangement(system_name="Alpha service")
    make_arrangement(system_name="Zulu service")
    ascending = _text(client, "/register/?sort=service")
    descending = _text(client, "/register/?sort=-service")
    assert ascending.index("Alpha service") < ascending.index("Zulu service")
    assert descending.index("Zulu service") < descending.index("Alpha service")


def test_the_csv_feed_has_exactly_the_public_fields_and_is_formula_safe(client):
    """register.csv is a download whose header is PUBLIC_FIELDS and whose cells are escaped."""
    make_arrangement(system_name="=HYPERLINK(1)")
    response = client.get("/register/register.csv")
    assert response.mimetype == "text/csv"
    assert 'filename="register.csv"' in response.headers["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True))))
    assert tuple(rows[0]) == FIELD_NAMES
    assert rows[1][FIELD_NAMES.index("service")] == "'=HYPERLINK(1)"


def test_the_json_feed_has_a_schema_version_and_the_same_fields(client):
    """register.json carries schema_version, generated_on and arrangements with PUBLIC_FIELDS."""
    flow = make_arrangement()
    response = client.get("/register/register.json")
    assert response.mimetype == "application/json"
    assert 'filename="register.json"' in response.headers["Content-Disposition"]
    body = response.get_json()
    assert body["schema_version"] == "1.2"
    assert body["generated_on"]
    (row,) = body["arrangements"]
    assert tuple(row) == FIELD_NAMES
    assert row["arrangement_id"] == flow.lineage_id
    assert row["agreement_expires_on"] == arrangement_expiry().isoformat()


def test_privacy_office_exempts_a_flow_with_a_reason_and_the_changelog_records_it(client, login_as):
    """Exempting a public flow removes it, writes one audit event and a 'removed' change."""
    user = login_as("privacy")
    flow = make_arrangement(system_name="Water meters")
    url = f"/register/flows/{flow.id}/publication"
    response = client.post_form(
        url,
        {
            "decision": "exempt",
            "exemption": "Security of critical infrastructure",
            "version": str(flow.version),
        },
    )
    assert response.status_code == 302
    # The flow's page shows the message that names the decision (and uses it up).
    page = _text(client, response.headers["Location"])
    assert "Flow “Water meters” is exempt from the public register." in page
    db.session.expire_all()
    saved = db.session.get(DataFlow, flow.id)
    assert saved.published is False
    assert saved.publication_exemption == "Security of critical infrastructure"
    (event,) = db.session.scalars(
        db.select(AuditEvent).where(AuditEvent.action == "flow.publication_changed")
    ).all()
    assert event.actor_id == user.id
    assert event.changes["published"] == {"before": True, "after": False}
    assert event.changes["register_changes"]["after"] == [f"removed: arrangement {flow.lineage_id}"]
    change = _latest_change()
    assert change.kind == RegisterChangeKind.REMOVED
    assert change.summary.endswith("Taken off the register by the privacy office.")
    assert "Water meters" not in _text(client, "/register/")
    changes = client.get("/register/changes.json").get_json()["changes"]
    assert changes[0]["change"] == "removed"
    assert "Water meters" in _text(client, "/register/changes")


def test_an_exemption_without_a_reason_is_refused_on_its_field(client, login_as):
    """Keeping a flow off the register needs a reason; nothing changes without one."""
    login_as("privacy")
    flow = make_arrangement()
    url = f"/register/flows/{flow.id}/publication"
    response = client.post_form(
        url, {"decision": "exempt", "exemption": "  ", "version": str(flow.version)}
    )
    assert response.status_code == 200
    assert "Give the reason" in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(DataFlow, flow.id).published is True
    assert _latest_change().kind == RegisterChangeKind.ADDED
    assert db.session.scalar(db.select(db.func.count(RegisterChange.id))) == 1


def test_publishing_an_exempt_flow_adds_it_to_the_register(client, login_as):
    """Publishing clears the exemption and records an 'added' change."""
    login_as("admin")
    flow = make_arrangement(published=False, publication_exemption="Was sensitive")
    url = f"/register/flows/{flow.id}/publication"
    response = client.post_form(
        url, {"decision": "publish", "exemption": "", "version": str(flow.version)}
    )
    assert response.status_code == 302
    assert flow.system_name in _text(client, "/register/")
    (change,) = db.session.scalars(db.select(RegisterChange)).all()
    assert change.kind == RegisterChangeKind.ADDED
    assert change.summary.endswith("Published by the privacy office.")
    rows = list(csv.reader(io.StringIO(_text(client, "/register/changes.csv"))))
    assert rows[0] == ["changed_on", "change", "arrangement_id", "summary"]
    assert rows[1][1] == "added"


def test_procurement_and_vendors_cannot_change_publication(client, login_as):
    """Only the privacy office and admins decide publication."""
    flow = make_arrangement()
    for role in ("procurement", "vendor"):
        login_as(role)
        response = client.post_form(
            f"/register/flows/{flow.id}/publication",
            {"decision": "exempt", "exemption": "No", "version": str(flow.version)},
            from_url="/auth/account",
        )
        assert response.status_code == 403
        client.post_form("/auth/sign-out", {}, from_url="/auth/account")
    db.session.expire_all()
    assert db.session.get(DataFlow, flow.id).published is True


def test_the_staff_flow_page_links_privacy_officers_to_publication(client, login_as):
    """The flow page shows the publication control to the privacy office."""
    login_as("privacy")
    flow = make_arrangement()
    page = _text(client, f"/flows/{flow.id}")
    assert f"/register/flows/{flow.id}/publication" in page


def test_anonymous_visitors_find_the_public_register_from_the_welcome_page(client):
    """The signed-out home page and every page footer link to the register and its feeds."""
    page = client.get("/").get_data(as_text=True)
    assert 'href="/register/"' in page
    assert 'href="/register/register.csv"' in page and 'href="/register/register.json"' in page


def test_the_changes_feeds_show_lifecycle_changes(client):
    """A terminated agreement's removal appears on the changes page, CSV and JSON."""
    flow = make_arrangement(system_name="Street lights")
    (agreement,) = flow_agreements(flow)
    transition_agreement(
        actor=make_user("privacy"),
        agreement=agreement,
        action="terminate",
        reason="Ended early",
        today=today(),
        expected_version=None,
    )
    changes = client.get("/register/changes.json").get_json()["changes"]
    assert [c["change"] for c in changes] == ["removed", "added"]
    assert changes[0]["changed_on"] == today().isoformat()
    assert changes[0]["summary"].endswith("Street lights. Its agreement was terminated.")
    rows = list(csv.reader(io.StringIO(_text(client, "/register/changes.csv"))))
    assert rows[1][:3] == [today().isoformat(), "removed", str(flow.lineage_id)]
    assert "Its agreement was terminated." in _text(client, "/register/changes")


def test_the_feeds_honour_the_register_search_and_filters(client):
    """register.csv and register.json take the page's q, department, organisation, category."""
    roads = make_department(name="Roads")
    pothole = make_arrangement(system_name="Pothole reports", department_id=roads.id)
    make_arrangement(system_name="Clinic bookings")
    body = client.get(f"/register/register.json?department={roads.id}").get_json()
    assert [row["service"] for row in body["arrangements"]] == ["Pothole reports"]
    rows = list(csv.reader(io.StringIO(_text(client, "/register/register.csv?q=clinic"))))
    assert [row[FIELD_NAMES.index("service")] for row in rows[1:]] == ["Clinic bookings"]
    by_org = client.get(f"/register/register.json?organisation={pothole.organisation_id}")
    assert len(by_org.get_json()["arrangements"]) == 1
    assert len(client.get("/register/register.json").get_json()["arrangements"]) == 2
    page = _text(client, f"/register/?department={roads.id}")
    assert f"/register/register.csv?department={roads.id}" in page


def _in_order(page: str, *names: str) -> bool:
    """True when each name first appears on the page after the one before it."""
    places = [page.index(name) for name in names]
    return places == sorted(places)


def test_the_register_sorts_by_organisation_and_department_in_both_directions(client):
    """The default sort (organisation), ?sort=department and their reverses order the rows
    by the names, and rows with the same name by arrangement, reversed with them."""
    aardvark, zebra = (
        make_organisation(legal_name="Aardvark Ltd", common_name=""),
        make_organisation(legal_name="Zebra Ltd", common_name=""),
    )
    archives, zoning = make_department(name="Archives"), make_department(name="Zoning")
    make_arrangement(system_name="First service", organisation=zebra, department_id=archives.id)
    make_arrangement(system_name="Second service", organisation=aardvark, department_id=zoning.id)
    make_arrangement(system_name="Third service", organisation=aardvark, department_id=zoning.id)
    orders = {
        "/register/": ("Second service", "Third service", "First service"),
        "/register/?sort=organisation": ("Second service", "Third service", "First service"),
        "/register/?sort=-organisation": ("First service", "Third service", "Second service"),
        "/register/?sort=department": ("First service", "Second service", "Third service"),
        "/register/?sort=-department": ("Third service", "Second service", "First service"),
    }
    for url, names in orders.items():
        assert _in_order(_text(client, url), *names), url


def test_the_register_sorts_organisations_by_the_name_it_shows(client):
    """An organisation listed under its common name sorts by that name, not by the legal
    name the page does not show, ignoring case and accents ("Élan" among the E's)."""
    shown = {
        "Acme": make_organisation(legal_name="Zenith Holdings LLC", common_name="Acme"),
        "beta Labs": make_organisation(legal_name="Beta Labs Inc.", common_name="beta Labs"),
        "Élan Data": make_organisation(legal_name="Aaron Data Corp", common_name="Élan Data"),
        "Fern Corp": make_organisation(legal_name="Fern Corp", common_name=""),
    }
    for name, organisation in shown.items():
        make_arrangement(system_name=f"Service of {name}", organisation=organisation)
    services = [f"Service of {name}" for name in shown]
    assert _in_order(_text(client, "/register/"), *services)
    assert _in_order(_text(client, "/register/?sort=-organisation"), *reversed(services))


def test_search_ignores_accents_on_both_sides(client):
    """ "Sai Gon" finds "Sài Gòn", and so does the accented search in capitals; a search with
    accents finds a name typed without them."""
    saigon = make_organisation(legal_name="Công ty Sài Gòn Xanh", common_name="")
    make_arrangement(system_name="Street trees", organisation=saigon)
    make_arrangement(system_name="Cafe permits", purposes="Sidewalk cafe seating")
    for typed in ("Sai Gon", "SÀI GÒN", "cong ty"):
        page = _text(client, f"/register/?q={typed}")
        assert "Street trees" in page and "Cafe permits" not in page, typed
    page = _text(client, "/register/?q=Café")
    assert "Cafe permits" in page and "Street trees" not in page
    feed = client.get("/register/register.json?q=sai gon").get_json()
    assert [row["service"] for row in feed["arrangements"]] == ["Street trees"]


def test_renaming_an_organisation_reorders_the_register_and_its_search(client):
    """The register sorts and searches by the organisation's names as they are now: after
    a rename through the vendor service, the next request sorts and finds it by the new."""
    aardvark = make_organisation(legal_name="Aardvark Ltd", common_name="")
    make_arrangement(system_name="Moved service", organisation=aardvark)
    make_arrangement(
        system_name="Staying service",
        organisation=make_organisation(legal_name="Badger Ltd", common_name=""),
    )
    assert _in_order(_text(client, "/register/"), "Moved service", "Staying service")
    vendors.update_organisation(
        actor=make_user("procurement"),
        organisation=aardvark,
        values={"legal_name": "Zebra Ltd", "common_name": "Stripes"},
        expected_version=None,
    )
    assert _in_order(_text(client, "/register/"), "Staying service", "Moved service")
    for found in ("zebra", "STRIPES"):
        page = _text(client, f"/register/?q={found}")
        assert "Moved service" in page and "Staying service" not in page
    assert "No arrangement matches" in _text(client, "/register/?q=aardvark")


def test_renaming_a_department_reorders_the_register_and_its_search(client):
    """The same for a department renamed through the admin service: ?sort=department and
    the search follow the new name at once."""
    archives = make_department(name="Archives")
    make_arrangement(system_name="Moved service", department_id=archives.id)
    make_arrangement(
        system_name="Staying service", department_id=make_department(name="Buildings").id
    )
    sorted_url = "/register/?sort=department"
    assert _in_order(_text(client, sorted_url), "Moved service", "Staying service")
    auth.update_department(
        actor=make_user("admin"),
        department_id=archives.id,
        name="Zoning",
        code=archives.code,
        active=True,
    )
    assert _in_order(_text(client, sorted_url), "Staying service", "Moved service")
    page = _text(client, "/register/?q=zoning")
    assert "Moved service" in page and "Staying service" not in page
    assert "No arrangement matches" in _text(client, "/register/?q=archives")


def test_a_search_matches_percent_and_underscore_literally(client):
    """% and _ in the search box are the characters themselves, not LIKE wildcards."""
    make_arrangement(system_name="100% recycled paper")
    make_arrangement(system_name="Parking permits")
    page = _text(client, "/register/?q=%25")
    assert "100% recycled paper" in page and "Parking permits" not in page
    assert "No arrangement matches" in _text(client, "/register/?q=g_p")
    assert "Parking permits" in _text(client, "/register/?q=g+p")

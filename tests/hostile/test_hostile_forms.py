"""Hostile values typed into the main forms and list searches: over-long text, control
characters, script tags, SQL metacharacters, unicode confusables and out-of-range dates and
numbers. Each is refused (the form comes back with the reason beside the field and what was
typed, or a 400 page for control characters) with rows and files unchanged, or, where the text
is legitimate, stored exactly as typed and only ever shown escaped. Never a 500."""

from __future__ import annotations

import pytest
from markupsafe import escape
from sqlalchemy import select

from sharing.core.security import CONTROL_CHARACTER_MESSAGE
from sharing.extensions import db
from sharing.vendors.models import Organisation
from tests.conftest import TEST_PASSWORD
from tests.factories import make_organisation, make_user
from tests.hostile.state import changed_tables, field_errors, snapshot
from tests.web.tables import adoptions, disclosure_log, flows, incidents, portal, vendors
from tests.web.test_audit_coverage import new_invitation

SCRIPT = '<script>alert("x")</script>'
SQL = "x'; DROP TABLE organisations; --"
SQL_OR = "' OR 1=1 --"
RTL = "Invoice\u202efdp.exe"
CYRILLIC_A = "\u0430"  # looks like the Latin "a"
TYPED_TEXT = {"script": SCRIPT, "sql": SQL, "sql_or": SQL_OR, "right_to_left": RTL}
CONTROL = {"nul": "Name\x00here", "escape": "Name \x1b[31mred", "bell": "ding\x07", "del": "x\x7f"}

# form: (setup giving the URL and a valid form, the text field attacked, a field made
# invalid so that the form must come back, and that field's invalid value)
FORMS = {
    "organisation": (vendors.register, "notes", "legal_name", "L" * 300),
    "contact": (vendors.add_contact, "name", "email", "not-an-email"),
    "flow": (flows.new_flow, "system_name", "retention_days", "-1"),
    "disclosure": (disclosure_log._new, "requested_by", "record_count", "-1"),
    "incident": (incidents.new_incident, "title", "discovered_at", "NaN"),
    "vendor_incident": (portal.report_incident, "description", "affected_individuals", "-1"),
    "invitation": (new_invitation, "email", "role", "emperor"),
}

# (setup, field, value): dates and numbers outside what the field allows
OUT_OF_RANGE = {
    "disclosure_year_one": (disclosure_log._new, "disclosed_on", "0001-01-01"),
    "disclosure_year_9999": (disclosure_log._new, "disclosed_on", "9999-12-31"),
    "disclosure_february_30": (disclosure_log._new, "disclosed_on", "2026-02-30"),
    "disclosure_negative_count": (disclosure_log._new, "record_count", "-1"),
    "disclosure_huge_count": (disclosure_log._new, "record_count", "9" * 25),
    "flow_year_one": (flows.new_flow, "started_on", "0001-01-01"),
    "flow_year_9999": (flows.new_flow, "started_on", "9999-12-31"),
    "flow_huge_retention": (flows.new_flow, "retention_days", "9" * 25),
    "flow_float_records": (flows.new_flow, "estimated_records", "1e308"),
    "incident_february_30": (incidents.new_incident, "discovered_at", "2026-02-30T10:00"),
    "incident_year_one": (incidents.new_incident, "discovered_at", "0001-01-01T00:00"),
    "incident_year_9999": (portal.report_incident, "discovered_at", "9999-12-31T23:59"),
    "incident_huge_count": (portal.report_incident, "affected_individuals", "9" * 25),
    "incident_nan_count": (portal.report_incident, "affected_individuals", "NaN"),
    "offer_year_one": (adoptions.new_offer, "available_until", "0001-01-01"),
    "offer_year_9999": (adoptions.new_offer, "available_until", "9999-12-31"),
    "offer_february_30": (adoptions.new_offer, "available_until", "2026-02-30"),
}

LIST_PAGES = (
    "/vendors/",
    "/flows/",
    "/agreements/",
    "/attestations/evidence",
    "/disclosures/log",
    "/audit/",
    "/auth/users",
    "/auth/invitations",
    "/concerns/cases",
    "/adoptions/offers",
)
QUERY_STRINGS = {
    "script": {"q": SCRIPT},
    "sql": {"q": SQL_OR, "sort": "name; DROP TABLE users"},
    "long": {"q": "q" * 5000, "sort": "-" * 300},
    "bad_page": {"page": "-1", "per_page": "9" * 30},
    "huge_page": {"page": "9" * 30},
    "dates": {"start": "0001-01-01", "end": "9999-12-31", "due_before": "2026-02-30"},
    "percent": {"q": "%_%\\"},
}


def _post(app, client, url: str, data: dict):
    """Post with a token from the page; returns the response and the snapshots around it."""
    token = client.csrf_token(url)
    before = snapshot(app)
    response = client.post(url, data={**data, "csrf_token": token})
    return response, before, snapshot(app)


@pytest.mark.parametrize("form", list(FORMS))
def test_over_long_text_is_refused_beside_its_field(app, client, login_as, form):
    """100,000 characters in a text field: the length limit is shown beside it; nothing saved."""
    setup, field, _, _ = FORMS[form]
    url, data = setup(login_as)

    response, before, after = _post(app, client, url, {**data, field: "A" * 100_000})

    assert response.status_code == 200
    assert "longer than" in field_errors(response.text).get(field, "")
    assert changed_tables(before, after) == {} and after.digest == before.digest


@pytest.mark.parametrize("value", list(CONTROL.values()), ids=list(CONTROL))
@pytest.mark.parametrize("form", list(FORMS))
def test_control_characters_are_refused_with_a_400(app, client, login_as, form, value):
    """NUL, escape and other C0 controls are refused before any form or database sees them
    (PostgreSQL cannot store NUL at all); the page says what to do."""
    setup, field, _, _ = FORMS[form]
    url, data = setup(login_as)

    response, before, after = _post(app, client, url, {**data, field: value})

    assert response.status_code == 400
    assert str(escape(CONTROL_CHARACTER_MESSAGE)) in response.text
    assert changed_tables(before, after) == {} and after.digest == before.digest


@pytest.mark.parametrize("value", list(TYPED_TEXT.values()), ids=list(TYPED_TEXT))
@pytest.mark.parametrize("form", list(FORMS))
def test_refused_form_keeps_hostile_text_escaped(app, client, login_as, form, value):
    """With another field invalid, the form comes back with that field's reason and the hostile
    text kept in its field, escaped, never as live markup; nothing is saved."""
    setup, field, invalid, bad_value = FORMS[form]
    url, data = setup(login_as)

    response, before, after = _post(app, client, url, {**data, field: value, invalid: bad_value})

    assert response.status_code == 200
    assert field_errors(response.text).get(invalid)
    if field != "email":
        assert str(escape(value)) in response.text
    assert SCRIPT not in response.text
    assert changed_tables(before, after) == {} and after.digest == before.digest


@pytest.mark.parametrize("value", [SCRIPT, SQL, RTL], ids=["script", "sql", "right_to_left"])
def test_legitimate_odd_text_is_stored_exactly_and_shown_escaped(client, login_as, db, value):
    """A name with markup or quotes is text: it is saved as typed (no SQL is run from it) and
    every page shows it escaped."""
    url, data = vendors.register(login_as)

    response = client.post_form(url, {**data, "legal_name": f"{value} LLC"})

    assert response.status_code == 302
    saved = db.session.scalar(select(Organisation).order_by(Organisation.id.desc()).limit(1))
    assert saved.legal_name == f"{value} LLC"
    for page in (response.headers["Location"], "/vendors/", f"/vendors/?q={value[:20]}"):
        html = client.get(page).text
        assert str(escape(value)) in html
        assert SCRIPT not in html
    assert db.session.scalar(select(db.func.count()).select_from(Organisation)) == 1


@pytest.mark.parametrize("case", list(OUT_OF_RANGE))
def test_out_of_range_dates_and_numbers_are_refused_beside_the_field(app, client, login_as, case):
    """Impossible, ancient, far-future dates and huge or non-numeric numbers are refused on the
    field with the typed value kept; nothing is saved."""
    setup, field, value = OUT_OF_RANGE[case]
    url, data = setup(login_as)

    response, before, after = _post(app, client, url, {**data, field: value})

    assert response.status_code == 200
    assert field_errors(response.text).get(field)
    assert f'value="{value}"' in response.text or value in response.text
    assert changed_tables(before, after) == {} and after.digest == before.digest


@pytest.mark.parametrize("query", list(QUERY_STRINGS))
@pytest.mark.parametrize("page", LIST_PAGES)
def test_hostile_search_and_sort_parameters_never_break_a_list(app, client, login_as, page, query):
    """Any search, sort, page or date parameter gives a page (never a 500), shows the search
    escaped, and changes nothing."""
    login_as("admin")
    make_organisation(legal_name="Only Match Inc")
    before = snapshot(app)

    response = client.get(page, query_string=QUERY_STRINGS[query])

    assert response.status_code == 200, response.text[:300]
    assert SCRIPT not in response.text
    assert changed_tables(before, snapshot(app)) == {}


def test_control_characters_in_a_search_get_a_400_not_a_500(client, login_as):
    """A NUL in a query string is refused with the explanation (PostgreSQL cannot compare it)."""
    login_as("privacy")
    response = client.get("/vendors/", query_string={"q": "a\x00b"})
    assert response.status_code == 400
    assert "control characters" in response.text


@pytest.mark.parametrize("value", [SQL_OR, SCRIPT, "a" * 10_000, f"{CYRILLIC_A}dmin@example.org"])
def test_hostile_sign_in_is_refused_without_saying_which_part_was_wrong(app, client, db, value):
    """A hostile email (SQL, markup, 10,000 characters, a Cyrillic look-alike of a real address)
    does not sign in, and writes only its failure (the audit event and the rate-limit count)."""
    make_user(role="admin", email="admin@example.org", password=TEST_PASSWORD)
    url = "/auth/sign-in"
    response, before, after = _post(app, client, url, {"email": value, "password": TEST_PASSWORD})

    assert response.status_code in (200, 400, 429)
    assert SCRIPT not in response.text
    assert set(changed_tables(before, after)) <= {"audit_events", "sign_in_failures"}
    assert client.get("/auth/account").status_code == 302


def test_confusable_email_is_a_different_invitation_not_the_existing_user(app, client, login_as):
    """An invitation to a look-alike address (Cyrillic "а") is refused or kept distinct: it
    never reaches or merges with the real account."""
    real = make_user(
        role="vendor", email="anna@example.org", organisation_id=make_organisation().id
    )
    url, data = new_invitation(login_as)

    response, before, after = _post(
        app, client, url, {**data, "email": f"{CYRILLIC_A}nna@example.org"}
    )

    assert response.status_code in (200, 302)
    db.session.refresh(real)
    assert real.email == "anna@example.org"
    if response.status_code == 200:
        assert field_errors(response.text).get("email")
        assert changed_tables(before, after) == {}


def test_confusable_organisation_name_never_touches_the_real_organisation(client, login_as, db):
    """A Cyrillic look-alike of a registered name is warned about as a possible duplicate of
    it (the name keys read the look-alike letters as Latin), and nothing is saved; the real
    organisation is unchanged."""
    real = make_organisation(legal_name="Harbour Analytics LLC")
    url, data = vendors.register(login_as)
    lookalike = f"H{CYRILLIC_A}rbour Analytics LLC"

    response = client.post_form(url, {**data, "legal_name": lookalike, "common_name": ""})

    assert response.status_code == 200
    assert 'id="possible-duplicates"' in response.text
    assert str(escape(lookalike)) in response.text
    db.session.refresh(real)
    assert real.legal_name == "Harbour Analytics LLC"
    names = set(db.session.scalars(select(Organisation.legal_name)))
    assert names == {"Harbour Analytics LLC"}

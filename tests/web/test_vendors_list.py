"""The organisations list page: search, filters, sorting, paging, empty states, query count."""

from __future__ import annotations

import re

from sqlalchemy import event

from sharing.flows.models import RiskTier
from tests.factories import make_contact, make_department, make_flow, make_organisation


def listed(html: str) -> list[str]:
    """The organisation names shown in the table, in order."""
    table = html.split('id="organisations-table"', 1)[-1] if "organisations-table" in html else ""
    return re.findall(r'<a href="/vendors/\d+">([^<]+)</a>', table)


def test_staff_see_organisations_with_flow_count_and_risk(client, login_as):
    login_as("privacy")
    org = make_organisation(legal_name="Lumen Parking Inc.")
    make_flow(org, risk_tier=RiskTier.HIGH)
    html = client.get("/vendors/").get_data(as_text=True)
    assert listed(html) == ["Lumen Parking Inc."]
    assert ">High</span>" in html
    assert "Register an organisation" not in html  # privacy may look but not register


def test_search_by_name_identifier_and_contact_email(client, login_as):
    login_as("procurement")
    org = make_organisation(legal_name="Tidewater Survey Co", ein="98-7654321")
    make_contact(org, email="privacy@tidewater.example")
    make_organisation(legal_name="Unrelated")
    for q in ("tidewater survey", "987654321", "privacy@tidewater"):
        html = client.get("/vendors/", query_string={"q": q}).get_data(as_text=True)
        assert listed(html) == ["Tidewater Survey Co"], q
        assert f'value="{q}"' in html  # the search box keeps what was typed


def test_filters_are_applied_and_shown_selected(client, login_as):
    login_as("admin")
    parks = make_department(name="Parks")
    make_flow(make_organisation(legal_name="Parks Vendor"), department_id=parks.id)
    make_organisation(legal_name="Idle Vendor")
    response = client.get("/vendors/", query_string={"department": parks.id})
    html = response.get_data(as_text=True)
    assert listed(html) == ["Parks Vendor"]
    assert f'<option value="{parks.id}" selected>Parks</option>' in html


def test_sort_headers_reverse_the_order(client, login_as):
    login_as("admin")
    for name in ("Beta", "Alpha", "Gamma"):
        make_organisation(legal_name=name)
    html = client.get("/vendors/").get_data(as_text=True)
    assert listed(html) == ["Alpha", "Beta", "Gamma"]
    assert 'href="/vendors/?sort=-name"' in html
    html = client.get("/vendors/?sort=-name").get_data(as_text=True)
    assert listed(html) == ["Gamma", "Beta", "Alpha"]
    assert 'aria-sort="descending"' in html


def test_pagination_splits_the_list(client, login_as):
    login_as("admin")
    for n in range(5):
        make_organisation(legal_name=f"Org {n}")
    first = client.get("/vendors/?per_page=2").get_data(as_text=True)
    third = client.get("/vendors/?per_page=2&page=3").get_data(as_text=True)
    assert listed(first) == ["Org 0", "Org 1"]
    assert listed(third) == ["Org 4"]
    assert "5 results, page 1 of 3" in first


def test_empty_states_distinguish_no_data_from_no_match(client, login_as):
    login_as("procurement")
    empty = client.get("/vendors/").get_data(as_text=True)
    assert "No organizations are registered yet." in empty
    assert "Register the first organization" in empty
    make_organisation(legal_name="Something")
    nothing = client.get("/vendors/?q=zzz").get_data(as_text=True)
    assert "No organization matches these filters." in nothing


def _statements_for(client, db, url: str) -> int:
    statements: list[str] = []

    def count(conn, cursor, statement, parameters, context, executemany):
        statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", count)
    try:
        assert client.get(url).status_code == 200
    finally:
        event.remove(db.engine, "before_cursor_execute", count)
    return len(statements)


def _organisations_with_flows(count: int) -> None:
    department = make_department()
    for _ in range(count):
        org = make_organisation()
        make_contact(org)
        make_flow(org, department_id=department.id, risk_tier=RiskTier.MEDIUM)


def test_list_page_runs_the_same_statements_for_3_and_30_organisations(client, login_as, db):
    """No N+1: the statement count does not grow with the rows shown."""
    login_as("admin")
    _organisations_with_flows(3)
    small = _statements_for(client, db, "/vendors/")
    _organisations_with_flows(27)
    large = _statements_for(client, db, "/vendors/")
    assert small == large <= 15
    filtered = "/vendors/?q=vendor&risk=medium&agreement=none&sort=-risk"
    assert _statements_for(client, db, filtered) == large


def test_long_list_says_more_than_the_counted_rows(client, login_as, monkeypatch):
    """A list longer than the count bound shows "More than N results" and a Next link, and no
    last-page number it has not counted."""
    from sharing.core import pagination

    monkeypatch.setattr(pagination, "COUNT_LIMIT", 3)
    login_as("admin")
    for n in range(13):
        make_organisation(legal_name=f"Org {n:02d}")
    html = client.get("/vendors/", query_string={"per_page": 1}).get_data(as_text=True)
    assert "More than 11 results, page 1." in html
    assert re.search(r'href="[^"]*page=2[^"]*"[^>]*>Next<', html)
    assert ">11</a>" not in html  # the right edge is not offered as if it were the last page
    exact = client.get("/vendors/", query_string={"per_page": 1, "page": 13})
    assert "13 results, page 13 of 13." in exact.get_data(as_text=True)

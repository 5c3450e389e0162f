"""The audit trail pages: filters, paging, CSV export and who may see them."""

from __future__ import annotations

import csv
import io
import re
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from sharing.audit.models import AuditEvent
from sharing.core.clock import today
from tests.factories import make_audit_event

BASE_MOMENT = datetime(2026, 3, 10, 18, 0, tzinfo=UTC)


@pytest.fixture
def app_config() -> dict:
    return {"TIMEZONE": "America/Los_Angeles"}


def make_event(db, **overrides) -> AuditEvent:
    return make_audit_event(**{"at": BASE_MOMENT, **overrides})


def rows_of(html: str) -> list[str]:
    """The action of each row of the events table, in page order."""
    return re.findall(r'<tr data-action="([^"]+)">', html)


def summaries_of(html: str) -> list[str]:
    return re.findall(r'<span class="event-summary">([^<]+)</span>', html)


def read_csv(response) -> list[dict[str, str]]:
    text = response.get_data(as_text=True)
    assert text.startswith("\ufeff")
    return list(csv.DictReader(io.StringIO(text[1:])))


@pytest.mark.parametrize("role", ["privacy", "admin"])
def test_privacy_and_admins_browse_the_audit_trail(client, login_as, db, role):
    """Privacy officers and admins see events, newest first, with who did what."""
    make_event(db, summary="Older event", at=BASE_MOMENT - timedelta(days=1))
    make_event(db, summary="Newer event", actor_email="admin9@example.org")
    login_as(role)

    response = client.get("/audit/?action=vendor.registered")

    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert summaries_of(html) == ["Newer event", "Older event"]
    assert "admin9@example.org" in html


@pytest.mark.parametrize("role", ["procurement", "vendor"])
def test_other_roles_may_not_see_the_audit_trail(client, login_as, db, role):
    """Procurement and vendor users get 403 on the page and on the export."""
    make_event(db, summary="Confidential summary")
    login_as(role)

    page = client.get("/audit/")
    export = client.get("/audit/export.csv")

    assert page.status_code == 403
    assert export.status_code == 403
    assert "Confidential summary" not in page.get_data(as_text=True)
    assert "Confidential summary" not in export.get_data(as_text=True)


def test_anonymous_visitors_are_sent_to_sign_in(client, db):
    """The audit trail is never shown to a signed-out visitor."""
    response = client.get("/audit/export.csv")

    assert response.status_code == 302
    assert "/auth/sign-in" in response.headers["Location"]


def test_filter_by_actor(client, login_as, db):
    """The actor filter matches part of the actor's email address."""
    make_event(db, actor_email="ann.lee@example.org", summary="By Ann")
    make_event(db, actor_email="bob.roy@example.org", summary="By Bob")
    login_as("privacy")

    html = client.get("/audit/?actor=ann.lee").get_data(as_text=True)

    assert summaries_of(html) == ["By Ann"]


def test_filter_by_object_type_and_object_id(client, login_as, db):
    """Object type and object id together pick out one record's history."""
    make_event(db, object_type="flow", object_id="7", summary="Flow 7")
    make_event(db, object_type="flow", object_id="8", summary="Flow 8")
    make_event(db, object_type="organisation", object_id="7", summary="Organisation 7")
    login_as("privacy")

    by_type = client.get("/audit/?object_type=flow").get_data(as_text=True)
    by_both = client.get("/audit/?object_type=flow&object_id=7").get_data(as_text=True)

    assert sorted(summaries_of(by_type)) == ["Flow 7", "Flow 8"]
    assert summaries_of(by_both) == ["Flow 7"]


def test_filter_by_action(client, login_as, db):
    """The action filter keeps only that action, and the select offers the known actions."""
    make_event(db, action="flow.approved", summary="Approved")
    make_event(db, action="flow.rejected", summary="Rejected")
    login_as("privacy")

    html = client.get("/audit/?action=flow.rejected").get_data(as_text=True)

    assert rows_of(html) == ["flow.rejected"]
    assert '<option value="flow.approved" >' in html
    assert '<option value="flow.rejected" selected>' in html


def test_filter_by_date_range_uses_city_local_dates(client, login_as, db):
    """date_from and date_to are Los Angeles calendar days, inclusive at both ends."""
    make_event(db, at=datetime(2026, 3, 10, 6, 30, tzinfo=UTC), summary="9 Mar 23:30 local")
    make_event(db, at=datetime(2026, 3, 10, 7, 30, tzinfo=UTC), summary="10 Mar 00:30 local")
    make_event(db, at=datetime(2026, 3, 12, 6, 59, tzinfo=UTC), summary="11 Mar 23:59 local")
    make_event(db, at=datetime(2026, 3, 12, 7, 1, tzinfo=UTC), summary="12 Mar 00:01 local")
    login_as("privacy")

    html = client.get("/audit/?date_from=2026-03-10&date_to=2026-03-11").get_data(as_text=True)

    assert summaries_of(html) == ["11 Mar 23:59 local", "10 Mar 00:30 local"]
    assert 'value="2026-03-10"' in html and 'value="2026-03-11"' in html


def test_invalid_dates_are_ignored_rather_than_failing(client, login_as, db):
    """A malformed date in the query string shows the unfiltered list, not an error."""
    make_event(db, summary="Still listed")
    login_as("privacy")

    response = client.get("/audit/?date_from=not-a-date&action=vendor.registered")

    assert response.status_code == 200
    assert summaries_of(response.get_data(as_text=True)) == ["Still listed"]


def test_audit_trail_is_paginated(client, login_as, db):
    """Lists page at 25 by default; page 2 holds the rest; per_page changes the size."""
    for n in range(30):
        make_event(db, action="flow.submitted", at=BASE_MOMENT + timedelta(minutes=n))
    login_as("privacy")

    first = client.get("/audit/?action=flow.submitted").get_data(as_text=True)
    second = client.get("/audit/?action=flow.submitted&page=2").get_data(as_text=True)
    small = client.get("/audit/?action=flow.submitted&per_page=10").get_data(as_text=True)

    assert len(rows_of(first)) == 25
    assert "30 results, page 1 of 2" in first
    assert "action=flow.submitted" in re.search(r'href="([^"]*page=2[^"]*)"', first).group(1)
    assert len(rows_of(second)) == 5
    assert len(rows_of(small)) == 10
    assert "page 1 of 3" in small


def test_csv_export_has_a_dated_attachment_filename(client, login_as, db):
    """The export downloads as text/csv named audit-trail-<city date>.csv."""
    make_event(db)
    login_as("privacy")

    response = client.get("/audit/export.csv")

    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert response.headers["Content-Disposition"] == (
        f'attachment; filename="audit-trail-{today().isoformat()}.csv"'
    )
    assert response.headers["Cache-Control"] == "no-store"


def test_csv_export_honours_the_filters(client, login_as, db):
    """Only the events matching the page's filters are exported, with every column."""
    make_event(db, object_type="flow", object_id="7", summary="Flow 7", ip="198.51.100.4")
    make_event(db, object_type="flow", object_id="8", summary="Flow 8")
    make_event(
        db,
        object_type="flow",
        object_id="7",
        summary="Too early",
        at=datetime(2026, 1, 1, tzinfo=UTC),
    )
    login_as("privacy")

    response = client.get("/audit/export.csv?object_type=flow&object_id=7&date_from=2026-03-01")

    rows = read_csv(response)
    assert [r["summary"] for r in rows] == ["Flow 7"]
    row = rows[0]
    assert row["object_type"] == "flow"
    assert row["object_id"] == "7"
    assert row["ip"] == "198.51.100.4"
    assert row["at_utc"] == "2026-03-10T18:00:00+00:00"


def test_csv_export_neutralises_formula_injection(client, login_as, db):
    """A summary beginning with "=" is written with a leading apostrophe."""
    make_event(db, summary='=HYPERLINK("http://evil.example","click")', actor_email="@evil")
    login_as("privacy")

    rows = read_csv(client.get("/audit/export.csv?object_type=organisation"))

    assert rows[0]["summary"] == '\'=HYPERLINK("http://evil.example","click")'
    assert rows[0]["actor_email"] == "'@evil"


def test_page_links_to_the_export_with_the_same_filters(client, login_as, db):
    """The Download CSV link carries the filters shown on the page."""
    make_event(db)
    login_as("privacy")

    html = client.get("/audit/?action=vendor.registered&object_id=1").get_data(as_text=True)

    link = re.search(r'href="(/audit/export\.csv[^"]*)"', html).group(1)
    assert "action=vendor.registered" in link
    assert "object_id=1" in link


def test_sign_in_request_is_audited_with_ip_and_request_id(client, db):
    """A real request records the client address and the X-Request-ID it carried."""
    from tests.conftest import TEST_PASSWORD
    from tests.factories import make_user

    user = make_user("privacy", password=TEST_PASSWORD)

    response = client.post_form(
        "/auth/sign-in",
        {"email": user.email, "password": TEST_PASSWORD},
        headers={"X-Request-ID": "trace-abc-12345"},
        environ_base={"REMOTE_ADDR": "198.51.100.23"},
    )

    assert response.status_code == 302
    assert response.headers["X-Request-ID"] == "trace-abc-12345"
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "auth.signed_in"))
    assert (event.actor_id, event.actor_role) == (user.id, "privacy")
    assert event.ip == "198.51.100.23"
    assert event.request_id == "trace-abc-12345"

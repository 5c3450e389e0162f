"""The calendar page and the feed through the test client: the new URL is shown once, the feed
opens without signing in, and rotated or revoked URLs are plain 404s."""

from __future__ import annotations

import re
from datetime import timedelta

import icalendar
from sqlalchemy import func, select

from sharing.agreements.models import AgreementStatus
from sharing.audit.models import AuditEvent
from sharing.core.clock import today
from tests.factories import make_organisation
from tests.web.tables.agreement_lifecycle import make_agreement
from tests.web.tables.calendar import give_feed

PAGE = "/renewals/calendar"
ROTATE = "/renewals/calendar/rotate"
REVOKE = "/renewals/calendar/revoke"
FEED_URL = re.compile(r"http://localhost/renewals/calendar/([A-Za-z0-9_-]{40,})\.ics")


def _rotate(client) -> str:
    """Press the rotate button and read the new URL's token off the next page."""
    response = client.post_form(ROTATE, from_url=PAGE)
    assert response.status_code == 302 and response.headers["Location"].endswith(PAGE)
    match = FEED_URL.search(client.get(PAGE).get_data(as_text=True))
    assert match, "the new feed URL is shown after rotation"
    return match.group(1)


def in_the_feed_window() -> dict:
    """Agreement dates whose expiry the feed shows on the day the test runs."""
    return {
        "effective_date": today() - timedelta(days=300),
        "expiry_date": today() + timedelta(days=90),
    }


def test_creating_a_feed_url_shows_it_once_and_never_again(client, login_as):
    """The URL appears on the page after the post; a reload shows only when it was made."""
    login_as("privacy")
    assert "Create feed URL" in client.get(PAGE).get_data(as_text=True)

    token = _rotate(client)
    reloaded = client.get(PAGE).get_data(as_text=True)

    assert token not in reloaded and not FEED_URL.search(reloaded)
    assert "Your feed URL was created on" in reloaded and "Rotate URL" in reloaded


def test_feed_opens_without_signing_in_as_a_private_calendar(app, client, login_as):
    """An anonymous client gets the ICS, uncached, with no session cookie set."""
    user = login_as("vendor")
    agreement = make_agreement(
        AgreementStatus.ACTIVE, organisation_id=user.organisation_id, **in_the_feed_window()
    )
    token = _rotate(client)

    anonymous = app.test_client()
    response = anonymous.get(f"/renewals/calendar/{token}.ics")

    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/calendar; charset=utf-8"
    assert response.headers["Content-Disposition"] == 'inline; filename="sharing.ics"'
    assert "no-store" in response.headers["Cache-Control"]
    assert "Set-Cookie" not in response.headers
    parsed = icalendar.Calendar.from_ical(response.data)
    uids = {str(e["uid"]) for e in parsed.walk("VEVENT")}
    assert f"agreement-{agreement.id}-expiry@sharing" in uids


def test_vendor_feed_through_the_client_has_no_other_organisations_dates(app, client, login_as):
    """The served feed of a vendor user leaves out another organisation's agreement."""
    user = login_as("vendor")
    dates = in_the_feed_window()
    other = make_agreement(AgreementStatus.ACTIVE, organisation_id=make_organisation().id, **dates)
    own = make_agreement(AgreementStatus.ACTIVE, organisation_id=user.organisation_id, **dates)
    body = app.test_client().get(f"/renewals/calendar/{_rotate(client)}.ics").data

    assert f"agreement-{own.id}-expiry@sharing".encode() in body
    assert f"agreement-{other.id}-".encode() not in body


def test_after_rotation_the_old_url_is_a_404_like_any_unknown_url(app, client, login_as):
    """The old token gets the same 404 as a made-up one; the new token works."""
    login_as("procurement")
    old = _rotate(client)
    new = _rotate(client)
    anonymous = app.test_client()

    stale = anonymous.get(f"/renewals/calendar/{old}.ics")
    unknown = anonymous.get(f"/renewals/calendar/{'x' * 43}.ics")

    assert stale.status_code == unknown.status_code == 404
    assert "revoked" not in stale.get_data(as_text=True).lower()
    assert anonymous.get(f"/renewals/calendar/{new}.ics").status_code == 200


def test_turning_the_feed_off_breaks_its_url_and_resets_the_page(app, client, login_as, db):
    """Revoke: the URL is a 404, the page offers to create one, one event is recorded."""
    user = login_as("admin")
    token = give_feed(user)

    response = client.post_form(REVOKE, from_url=PAGE)

    assert response.status_code == 302
    assert app.test_client().get(f"/renewals/calendar/{token}.ics").status_code == 404
    page = client.get(PAGE).get_data(as_text=True)
    assert "Create feed URL" in page and "Turn off" not in page
    actions = db.session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)).all()
    assert actions[-1] == "calendar.revoked"


def test_turning_off_a_feed_that_is_not_on_changes_nothing(client, login_as, db):
    """Revoking with no URL says so and writes no audit event."""
    login_as("privacy")
    count = db.session.scalar(select(func.count(AuditEvent.id)))

    response = client.post_form(REVOKE, from_url=PAGE, follow_redirects=True)

    assert "no calendar feed URL to turn off" in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count(AuditEvent.id))) == count


def test_rotating_without_the_csrf_token_is_refused(client, login_as, db):
    """A cross-site post cannot swap a user's feed URL."""
    user = login_as("privacy")

    response = client.post(ROTATE, data={})

    assert response.status_code == 400
    db.session.refresh(user)
    assert user.calendar_token_hash is None

"""The calendar feed: which dates it carries, for whom, stable UIDs, escaping, and the secret
token that opens it (rotated, revoked, never audited)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import icalendar
import pytest
from sqlalchemy import select

from sharing.agreements.models import AgreementStatus
from sharing.attestations.models import AttestationStatus
from sharing.audit.models import AuditEvent
from sharing.errors import Conflict
from sharing.renewals import calendar
from tests.factories import make_organisation, make_user
from tests.web.tables.agreement_lifecycle import make_agreement
from tests.web.tables.attestations import make_request
from tests.web.tables.evidence import make_evidence

TODAY = date(2026, 6, 1)
NOW = datetime(2026, 6, 1, 16, 30, tzinfo=UTC)
S = AgreementStatus


def _events(user) -> dict[str, icalendar.Event]:
    """The user's feed, parsed back, by UID."""
    parsed = icalendar.Calendar.from_ical(calendar.build_feed(user=user, today=TODAY, now=NOW))
    return {str(event["uid"]): event for event in parsed.walk("VEVENT")}


def _day(event) -> date:
    return event.decoded("dtstart")


def _agreement(organisation_id: int, **overrides):
    values = {"effective_date": date(2026, 1, 1), "notice_days": 90, "auto_renew": True}
    values.update(overrides)
    return make_agreement(S.ACTIVE, organisation_id=organisation_id, **values)


def test_feed_carries_expiry_cancel_by_attestation_due_and_evidence_expiry_dates(db):
    """One all-day event per date: expiry, cancel-by, open attestation due, evidence expiry."""
    org = make_organisation(common_name="Acme")
    agreement = _agreement(org.id, expiry_date=date(2027, 3, 31))
    request = make_request(org.id, due_date=date(2026, 7, 15))
    evidence = make_evidence(org.id, valid_until=date(2026, 9, 30))

    events = _events(make_user("privacy"))

    expiry = events[f"agreement-{agreement.id}-expiry@sharing"]
    assert _day(expiry) == date(2027, 3, 31) and expiry.decoded("dtend") == date(2027, 4, 1)
    assert str(expiry["summary"]) == f"Expires: {agreement.number} (Acme)"
    cancel = events[f"agreement-{agreement.id}-cancel-by@sharing"]
    assert _day(cancel) == agreement.cancel_by == date(2026, 12, 31)
    assert str(cancel["summary"]) == f"Cancel-by: {agreement.number} (Acme)"
    due = events[f"attestation-{request.id}-due@sharing"]
    assert _day(due) == date(2026, 7, 15)
    assert str(due["summary"]) == f"Attestation due: {request.agreement.number} (Acme)"
    expires = events[f"evidence-{evidence.id}-expiry@sharing"]
    assert _day(expires) == date(2026, 9, 30)
    assert str(expires["summary"]) == "Evidence expires: SOC 2 report.pdf (Acme)"


def test_feed_leaves_out_drafts_answered_attestations_and_dates_outside_its_window(db):
    """Drafts, submitted requests and dates beyond the window are not in the feed."""
    org = make_organisation()
    draft = make_agreement(S.DRAFT, organisation_id=org.id, expiry_date=date(2027, 1, 1))
    old = _agreement(org.id, expiry_date=date(2024, 1, 31))
    submitted = make_request(org.id, AttestationStatus.SUBMITTED, due_date=date(2026, 7, 1))
    far = make_evidence(org.id, valid_until=date(2035, 1, 1))

    uids = set(_events(make_user("privacy")))

    assert f"agreement-{draft.id}-expiry@sharing" not in uids
    assert f"agreement-{old.id}-expiry@sharing" not in uids
    assert f"attestation-{submitted.id}-due@sharing" not in uids
    assert f"evidence-{far.id}-expiry@sharing" not in uids
    # The submitted request's own agreement is in force, so its dates are there.
    assert f"agreement-{submitted.agreement_id}-expiry@sharing" in uids


def test_uids_are_stable_so_a_moved_date_updates_the_same_event(db):
    """Two builds give the same UIDs; a new expiry date keeps the event's UID."""
    org = make_organisation()
    agreement = _agreement(org.id, expiry_date=date(2026, 12, 31))
    make_request(org.id, due_date=date(2026, 8, 1))
    user = make_user("privacy")

    first, second = _events(user), _events(user)
    agreement.expiry_date = date(2027, 12, 31)  # a tacit renewal rolled it forward
    db.session.commit()
    third = _events(user)

    assert list(first) == list(second) == list(third)
    uid = f"agreement-{agreement.id}-expiry@sharing"
    assert _day(first[uid]) == date(2026, 12, 31) and _day(third[uid]) == date(2027, 12, 31)


def test_vendor_feed_holds_only_its_own_organisation_and_staff_feeds_hold_all(db):
    """A vendor user's feed has only its organisation's dates; a staff feed has everyone's."""
    own, other = make_organisation(), make_organisation()
    mine, theirs = _agreement(own.id), _agreement(other.id)
    due = TODAY + timedelta(days=30)
    my_request, their_request = (
        make_request(own.id, due_date=due),
        make_request(other.id, due_date=due),
    )
    my_file = make_evidence(own.id, valid_until=date(2026, 10, 1))
    their_file = make_evidence(other.id, valid_until=date(2026, 10, 1))
    vendor = make_user("vendor", organisation_id=own.id)

    vendor_uids = set(_events(vendor))
    staff_uids = set(_events(make_user("procurement")))

    mine_uids = {
        f"agreement-{mine.id}-expiry@sharing",
        f"attestation-{my_request.id}-due@sharing",
        f"evidence-{my_file.id}-expiry@sharing",
    }
    theirs_uids = {
        f"agreement-{theirs.id}-expiry@sharing",
        f"attestation-{their_request.id}-due@sharing",
        f"evidence-{their_file.id}-expiry@sharing",
    }
    assert mine_uids <= vendor_uids and not theirs_uids & vendor_uids
    assert mine_uids | theirs_uids <= staff_uids
    assert all(other.display_name not in str(e["summary"]) for e in _events(vendor).values())


def test_links_lead_to_the_staff_page_or_the_portal_page_by_role(db):
    """Staff feeds link agreements to the staff page, vendor feeds to the portal page."""
    org = make_organisation()
    agreement = _agreement(org.id)
    uid = f"agreement-{agreement.id}-expiry@sharing"

    staff = _events(make_user("privacy"))[uid]
    vendor = _events(make_user("vendor", organisation_id=org.id))[uid]

    assert str(staff["url"]) == f"http://localhost/agreements/{agreement.id}"
    assert str(vendor["url"]) == f"http://localhost/portal/agreements/{agreement.id}"
    assert str(vendor["url"]) in str(vendor["description"])


def test_feed_has_a_name_a_prodid_and_a_dtstamp_on_every_event(db):
    """The calendar names itself and the product; each event carries DTSTAMP."""
    org = make_organisation(common_name="Acme")
    _agreement(org.id)
    raw = calendar.build_feed(
        user=make_user("vendor", organisation_id=org.id), today=TODAY, now=NOW
    )
    parsed = icalendar.Calendar.from_ical(raw)

    assert str(parsed["prodid"]) == calendar.PRODID and str(parsed["version"]) == "2.0"
    assert str(parsed["x-wr-calname"]).endswith("Acme")
    events = parsed.walk("VEVENT")
    assert events and all(e.decoded("dtstamp") == NOW for e in events)


def test_commas_semicolons_and_newlines_in_names_are_escaped(db):
    """An organisation name with , ; and a line break is escaped in the ICS and reads back."""
    name = "Acme, Inc.; Data\nServices"
    org = make_organisation(common_name=name)
    agreement = _agreement(org.id)

    raw = calendar.build_feed(user=make_user("privacy"), today=TODAY, now=NOW)

    assert b"Acme\\, Inc.\\; Data\\nServices" in raw
    assert b"Acme, Inc." not in raw  # never unescaped, which would split the value
    event = _events(make_user("privacy"))[f"agreement-{agreement.id}-expiry@sharing"]
    assert str(event["summary"]) == f"Expires: {agreement.number} ({name})"


# -- the secret token ---------------------------------------------------------------------------


def test_rotating_returns_a_token_that_opens_the_feed_and_stores_only_its_hash(db):
    """The token finds its user; the database keeps only the SHA-256, with the time."""
    user = make_user("privacy")

    token = calendar.rotate_calendar_token(user=user, actor=user, now=NOW)

    assert len(token) >= 40
    assert calendar.user_for_token(token) == user
    assert user.calendar_token_hash == calendar.token_hash(token) != token
    assert user.calendar_token_created_at == NOW


def test_rotation_is_audited_with_its_time_but_never_the_token_or_hash(db):
    """calendar.rotated records the before/after creation time only."""
    user = make_user("vendor")
    first = calendar.rotate_calendar_token(user=user, actor=user, now=NOW)
    later = NOW.replace(hour=18)
    second = calendar.rotate_calendar_token(user=user, actor=user, now=later)

    events = db.session.scalars(select(AuditEvent).order_by(AuditEvent.id)).all()

    assert [e.action for e in events] == ["calendar.rotated", "calendar.rotated"]
    assert events[1].changes == {
        "calendar_token_created_at": {"before": NOW.isoformat(), "after": later.isoformat()}
    }
    assert events[1].object_type == "user" and events[1].object_id == str(user.id)
    assert events[1].organisation_id == user.organisation_id
    trail = str([(e.changes, e.summary) for e in events])
    for secret in (first, second, calendar.token_hash(first), calendar.token_hash(second)):
        assert secret not in trail


def test_the_old_token_stops_working_after_rotation(db):
    """Rotating replaces the URL: the old token finds nobody, the new one finds the user."""
    user = make_user("privacy")
    old = calendar.rotate_calendar_token(user=user, actor=user, now=NOW)

    new = calendar.rotate_calendar_token(user=user, actor=user, now=NOW)

    assert new != old
    assert calendar.user_for_token(old) is None
    assert calendar.user_for_token(new) == user


def test_a_revoked_token_stops_working_and_the_revocation_is_audited(db):
    """Turning the feed off clears the hash and time and records calendar.revoked."""
    user = make_user("procurement")
    token = calendar.rotate_calendar_token(user=user, actor=user, now=NOW)

    calendar.revoke_calendar_token(user=user, actor=user)

    assert calendar.user_for_token(token) is None
    assert user.calendar_token_hash is None and user.calendar_token_created_at is None
    event = db.session.scalars(select(AuditEvent).order_by(AuditEvent.id.desc())).first()
    assert event.action == "calendar.revoked"
    assert event.changes == {
        "calendar_token_created_at": {"before": NOW.isoformat(), "after": None}
    }


def test_revoking_without_a_feed_url_is_refused_and_records_nothing(db):
    """There is nothing to turn off: Conflict, and no audit event."""
    user = make_user("privacy")

    with pytest.raises(Conflict):
        calendar.revoke_calendar_token(user=user, actor=user)

    assert db.session.scalars(select(AuditEvent)).all() == []


def test_a_deactivated_users_token_and_junk_tokens_find_nobody(db):
    """Inactive users, empty, unknown and oversized tokens all give None."""
    user = make_user("privacy")
    token = calendar.rotate_calendar_token(user=user, actor=user, now=NOW)
    user.active = False
    db.session.commit()

    assert calendar.user_for_token(token) is None
    assert calendar.user_for_token("") is None
    assert calendar.user_for_token("not-a-real-token") is None
    assert calendar.user_for_token("x" * 10_000) is None

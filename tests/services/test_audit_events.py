"""Recording audit events, and the append-only rule enforced by the ORM and the database."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from flask import g
from sqlalchemy import delete, func, select, text, update
from sqlalchemy.exc import DBAPIError

from sharing.audit import services as audit
from sharing.audit.models import AppendOnlyViolation, AuditEvent
from sharing.audit.queries import AuditFilters, events_query
from tests.factories import make_audit_event, make_organisation, make_user


def count_events(db) -> int:
    return db.session.scalar(select(func.count()).select_from(AuditEvent))


def test_record_stores_actor_role_organisation_ip_and_request_id(app, db):
    """record() copies who acted, their role and organisation, and the request's address and id."""
    organisation = make_organisation()
    vendor = make_user("vendor", organisation_id=organisation.id)

    with app.test_request_context("/x", method="POST", environ_base={"REMOTE_ADDR": "203.0.113.9"}):
        g.request_id = "req-0123456789"
        audit.record(
            actor=vendor,
            action="attestation.submitted",
            object_type="attestation",
            object_id=42,
            changes=audit.diff({"status": "open"}, {"status": "submitted"}),
            summary="Submitted the annual attestation",
        )
        db.session.commit()

    event = db.session.scalar(select(AuditEvent))
    assert event.actor_id == vendor.id
    assert event.actor_email == vendor.email
    assert event.actor_role == "vendor"
    assert event.organisation_id == organisation.id
    assert event.ip == "203.0.113.9"
    assert event.request_id == "req-0123456789"
    assert event.object_id == "42"
    assert event.changes == {"status": {"before": "open", "after": "submitted"}}
    assert event.at is not None and event.at.tzinfo is not None


def test_record_outside_a_request_is_by_the_system_with_no_address(db):
    """Command-line jobs record the system actor and leave ip and request id empty."""
    audit.record(actor=None, action="renewal.reminded", object_type="agreement", object_id=7)
    db.session.commit()

    event = db.session.scalar(select(AuditEvent))
    assert (event.actor_id, event.actor_email, event.actor_role) == (None, "system", "system")
    assert event.organisation_id is None
    assert (event.ip, event.request_id) == ("", "")


def test_record_explicit_organisation_overrides_the_actors(db):
    """A staff action about a vendor is filed under that vendor's organisation."""
    organisation = make_organisation()
    staff = make_user("privacy")

    audit.record(
        actor=staff, action="flow.approved", object_type="flow", organisation_id=organisation.id
    )
    db.session.commit()

    assert db.session.scalar(select(AuditEvent.organisation_id)) == organisation.id


def test_record_makes_changes_json_safe(db):
    """Dates and enumerations in changes are stored as text, so any caller can record them."""
    staff = make_user("admin")
    moment = datetime(2027, 1, 15, 9, 30, tzinfo=UTC)

    audit.record(
        actor=staff,
        action="user.updated",
        object_type="user",
        changes={"role": {"before": staff.role, "after": None}, "when": {"after": moment}},
    )
    db.session.commit()

    changes = db.session.scalar(select(AuditEvent.changes))
    assert changes == {
        "role": {"before": "admin", "after": None},
        "when": {"after": "2027-01-15T09:30:00+00:00"},
    }


def test_orm_update_of_an_audit_event_raises(db):
    """Changing an AuditEvent through the ORM is refused before any SQL is sent."""
    event = make_audit_event()
    event.summary = "rewritten history"

    with pytest.raises(AppendOnlyViolation):
        db.session.commit()
    db.session.rollback()
    assert db.session.scalar(select(AuditEvent.summary)) == "Registered a vendor"


def test_orm_delete_of_an_audit_event_raises(db):
    """Deleting an AuditEvent through the ORM is refused."""
    event = make_audit_event()
    db.session.delete(event)

    with pytest.raises(AppendOnlyViolation):
        db.session.commit()
    db.session.rollback()
    assert count_events(db) == 1


@pytest.mark.parametrize(
    "statement",
    [
        update(AuditEvent).values(summary="rewritten"),
        delete(AuditEvent),
    ],
    ids=["update", "delete"],
)
def test_orm_bulk_update_or_delete_of_audit_events_raises(db, statement):
    """ORM-enabled bulk UPDATE and DELETE statements are refused too."""
    make_audit_event()

    with pytest.raises(AppendOnlyViolation):
        db.session.execute(statement)
    db.session.rollback()
    assert db.session.scalar(select(AuditEvent.summary)) == "Registered a vendor"


@pytest.mark.parametrize(
    "sql",
    ["UPDATE audit_events SET summary = 'rewritten'", "DELETE FROM audit_events"],
    ids=["update", "delete"],
)
def test_raw_sql_update_or_delete_is_refused_by_the_database(db, sql):
    """The database trigger refuses UPDATE and DELETE even when the ORM is bypassed."""
    make_audit_event()

    with pytest.raises(DBAPIError, match="append-only"), db.engine.begin() as connection:
        connection.execute(text(sql))

    db.session.rollback()
    assert count_events(db) == 1
    assert db.session.scalar(select(AuditEvent.summary)) == "Registered a vendor"


def test_inserting_audit_events_still_works_alongside_the_triggers(db):
    """Append-only still allows appending: two events give two rows."""
    make_audit_event()
    make_audit_event(action="vendor.updated")

    assert count_events(db) == 2


def test_date_filters_use_the_citys_calendar_dates(db):
    """A date range covers midnight to midnight in the city, not in UTC."""
    before_midnight = make_audit_event(at=datetime(2026, 3, 10, 6, 30, tzinfo=UTC))  # 9 Mar 23:30
    just_after = make_audit_event(at=datetime(2026, 3, 10, 7, 30, tzinfo=UTC))  # 10 Mar 00:30
    late_evening = make_audit_event(at=datetime(2026, 3, 11, 6, 59, tzinfo=UTC))  # 10 Mar 23:59
    next_day = make_audit_event(at=datetime(2026, 3, 11, 7, 1, tzinfo=UTC))  # 11 Mar 00:01
    day = datetime(2026, 3, 10).date()

    found = db.session.scalars(events_query(AuditFilters(date_from=day, date_to=day))).all()

    assert [e.id for e in found] == [late_evening.id, just_after.id]
    assert before_midnight not in found and next_day not in found


def test_actor_filter_matches_underscores_literally(db):
    """An underscore typed in the actor filter is not a LIKE wildcard."""
    wanted = make_audit_event(actor_email="ann_lee@example.org")
    make_audit_event(actor_email="annxlee@example.org")

    found = db.session.scalars(events_query(AuditFilters(actor="ann_lee"))).all()

    assert [e.id for e in found] == [wanted.id]


def test_actor_filter_ignores_case(db):
    """Typing an address in capitals still finds the (lower-case) stored actor."""
    wanted = make_audit_event(actor_email="privacy7@example.org")

    found = db.session.scalars(events_query(AuditFilters(actor="PRIVACY7@"))).all()

    assert [e.id for e in found] == [wanted.id]

"""The incident workflow and staff reports: the transition table, notification dates, the
closing note, optimistic locking, one audit event per step, flows/categories checks, and the
overdue-notice reminder that stops once the incident is notified."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import select

from sharing.audit.models import AuditEvent
from sharing.disclosures import services
from sharing.disclosures.models import IncidentStatus
from sharing.disclosures.workflow import step_incident
from sharing.errors import Conflict, ValidationFailed
from sharing.renewals.models import Reminder
from sharing.renewals.reminders import send_reminders
from tests.factories import add_category, make_category, make_flow, make_organisation, make_user
from tests.web.tables.portal import make_incident

NOW = datetime(2026, 3, 10, 17, 0, tzinfo=UTC)
TODAY = date(2026, 3, 10)


@pytest.fixture
def office(db):
    return make_user("privacy")


def _incident(status=IncidentStatus.REPORTED, **overrides):
    overrides.setdefault("discovered_at", NOW - timedelta(days=2))
    return make_incident(make_organisation().id, status=status, **overrides)


def _events(db) -> list[AuditEvent]:
    return list(db.session.scalars(select(AuditEvent).order_by(AuditEvent.id)))


def test_each_step_moves_the_status_and_records_one_event_with_before_and_after(db, office):
    """investigating, notified, closed: each writes one incident.<step> event with the change."""
    incident = _incident()
    step_incident(
        actor=office, incident=incident, step="investigating", expected_version=None, now=NOW
    )
    step_incident(
        actor=office, incident=incident, step="notified", expected_version=None, now=NOW,
        individuals_notified_on=date(2026, 3, 9), authorities_notified_on=date(2026, 3, 10),
    )  # fmt: skip
    step_incident(
        actor=office, incident=incident, step="closed", expected_version=None, now=NOW,
        note="Letters recovered.",
    )  # fmt: skip
    assert incident.status == IncidentStatus.CLOSED and incident.closed_at == NOW
    assert incident.individuals_notified_on == date(2026, 3, 9)
    assert "Letters recovered." in incident.containment
    events = _events(db)
    assert [e.action for e in events] == [
        "incident.investigating",
        "incident.notified",
        "incident.closed",
    ]
    assert events[1].changes["status"] == {"before": "investigating", "after": "notified"}
    assert events[1].changes["authorities_notified_on"]["after"] == "2026-03-10"


def test_a_step_not_allowed_from_the_current_status_is_refused(db, office):
    """A reported incident cannot be closed straight away; nothing is written."""
    incident = _incident()
    with pytest.raises(Conflict):
        step_incident(
            actor=office, incident=incident, step="closed", expected_version=None, now=NOW,
            note="Done",
        )  # fmt: skip
    assert incident.status == IncidentStatus.REPORTED and _events(db) == []


def test_vendors_and_procurement_cannot_move_an_incident(db):
    """Only the privacy office (and admins) take workflow steps."""
    incident = _incident()
    for role in ("procurement", "vendor"):
        with pytest.raises(Exception) as caught:
            step_incident(
                actor=make_user(role), incident=incident, step="investigating",
                expected_version=None, now=NOW,
            )  # fmt: skip
        assert getattr(caught.value, "status_code", None) == 403


def test_a_stale_version_is_a_conflict(db, office):
    """Someone else's step since the page was read is reported, not overwritten."""
    incident = _incident()
    with pytest.raises(Conflict) as caught:
        step_incident(
            actor=office, incident=incident, step="investigating",
            expected_version=incident.version - 1, now=NOW,
        )  # fmt: skip
    assert "Someone else changed" in caught.value.message


def test_notified_needs_at_least_one_date(db, office):
    """Marking notified without any date is refused on the individuals' date field."""
    with pytest.raises(ValidationFailed) as caught:
        step_incident(
            actor=office, incident=_incident(), step="notified", expected_version=None, now=NOW
        )
    assert set(caught.value.errors) == {"individuals_notified_on"}


def test_notification_dates_in_the_future_or_before_discovery_are_refused(db, office):
    """A date after today (in the city) or before the discovery day is refused on its field."""
    with pytest.raises(ValidationFailed) as caught:
        step_incident(
            actor=office, incident=_incident(), step="notified", expected_version=None, now=NOW,
            individuals_notified_on=TODAY + timedelta(days=1),
            authorities_notified_on=date(2026, 3, 1),
        )  # fmt: skip
    assert "future" in caught.value.errors["individuals_notified_on"]
    assert "before the discovery" in caught.value.errors["authorities_notified_on"]


def test_closing_needs_a_note(db, office):
    """A blank closing note is refused and the incident stays open."""
    incident = _incident(IncidentStatus.NOTIFIED)
    with pytest.raises(ValidationFailed) as caught:
        step_incident(
            actor=office, incident=incident, step="closed", expected_version=None, now=NOW,
            note="  ",
        )  # fmt: skip
    assert set(caught.value.errors) == {"note"} and incident.closed_at is None


def test_staff_report_records_the_organisations_flows_and_their_categories(db, office):
    """Flows of the organisation and categories shared in them are attached to the incident."""
    organisation = make_organisation()
    flow, category = make_flow(organisation), make_category()
    add_category(flow, category)
    incident = _staff_report(office, organisation.id, [flow.id], [category.id])
    assert [f.id for f in incident.flows] == [flow.id]
    assert [c.id for c in incident.categories] == [category.id]


def test_another_organisations_flow_or_an_unshared_category_is_refused(db, office):
    """Choices outside the organisation's flows, or their categories, fail on their fields."""
    organisation = make_organisation()
    other_flow, stray = make_flow(make_organisation()), make_category()
    with pytest.raises(ValidationFailed) as caught:
        _staff_report(office, organisation.id, [other_flow.id], [stray.id])
    assert set(caught.value.errors) == {"flow_ids", "category_ids"}
    assert _events(db) == []


def test_overdue_notice_is_reminded_and_stops_once_notified(db, office):
    """After the deadline a 'passed' reminder is queued; once notified, no more reminders."""
    incident = _incident(IncidentStatus.INVESTIGATING, notice_deadline=NOW - timedelta(hours=1))
    send_reminders(today=TODAY, now=NOW)
    windows = db.session.scalars(
        select(Reminder.window).where(
            Reminder.object_type == "incident", Reminder.object_id == incident.id
        )
    ).all()
    assert windows == ["passed"]

    later_incident = _incident(notice_deadline=NOW - timedelta(hours=1))
    step_incident(
        actor=office, incident=later_incident, step="notified", expected_version=None, now=NOW,
        individuals_notified_on=TODAY,
    )  # fmt: skip
    send_reminders(today=TODAY, now=NOW)
    assert (
        db.session.scalars(
            select(Reminder).where(
                Reminder.object_type == "incident", Reminder.object_id == later_incident.id
            )
        ).all()
        == []
    )


def _staff_report(actor, organisation_id, flow_ids, category_ids):
    return services.report_incident(
        actor=actor,
        organisation_id=organisation_id,
        title="Misdirected letters",
        description="Letters went to the wrong addresses.",
        discovered_at=NOW - timedelta(hours=3),
        affected_individuals=12,
        containment="",
        agreement_id=None,
        now=NOW,
        flow_ids=flow_ids,
        category_ids=category_ids,
    )

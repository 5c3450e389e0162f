"""report_incident: references, the notice deadline, checks, the audit event and the alert."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from sharing.agreements.models import AgreementStatus
from sharing.audit.models import AuditEvent
from sharing.disclosures import services
from sharing.disclosures.models import Incident, IncidentStatus
from sharing.errors import ValidationFailed
from sharing.mail.models import Notification
from tests.factories import make_organisation, make_user
from tests.web.tables.agreement_lifecycle import make_agreement
from tests.web.tables.portal import make_incident

NOW = datetime(2026, 3, 10, 17, 0, tzinfo=UTC)


def _report(actor, organisation_id, **overrides):
    values = {
        "actor": actor,
        "organisation_id": organisation_id,
        "title": "Misdirected email",
        "description": "Jane Doe's record was emailed to the wrong customer.",
        "discovered_at": NOW - timedelta(hours=3),
        "affected_individuals": 1,
        "containment": "Recipient deleted it.",
        "agreement_id": None,
        "now": NOW,
    }
    values.update(overrides)
    return services.report_incident(**values)


@pytest.fixture
def vendor(db):
    return make_user("vendor")


def _count(db, model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def test_references_count_up_within_the_year_after_the_highest(db, vendor):
    """INC-YYYY-NNNN continues after the highest number of the year, whatever the gaps."""
    make_incident(vendor.organisation_id, reference="INC-2026-0007")
    make_incident(vendor.organisation_id, reference="INC-2025-0040")
    first = _report(vendor, vendor.organisation_id)
    second = _report(vendor, vendor.organisation_id)
    assert (first.reference, second.reference) == ("INC-2026-0008", "INC-2026-0009")


def test_a_new_year_starts_its_references_at_one(db, vendor):
    """The year in the reference is the city's year of the report."""
    make_incident(vendor.organisation_id, reference="INC-2025-0040")
    assert _report(vendor, vendor.organisation_id).reference == "INC-2026-0001"


def test_report_is_recorded_as_reported_with_reporter_and_time(db, vendor):
    """The row keeps what was reported, who reported it and when, in the initial status."""
    incident = _report(vendor, vendor.organisation_id, title="  Stolen laptop  ")
    db.session.expire_all()
    saved = db.session.get(Incident, incident.id)
    assert saved.status == IncidentStatus.REPORTED
    assert saved.title == "Stolen laptop"
    assert saved.reported_by_id == vendor.id and saved.reported_at == NOW
    assert saved.affected_individuals == 1 and saved.containment == "Recipient deleted it."


def test_notice_deadline_uses_the_agreements_breach_notice_hours(db, vendor):
    """BRN-1's breach_notice_hours on the related agreement counts from discovery."""
    agreement = make_agreement(
        AgreementStatus.ACTIVE,
        organisation_id=vendor.organisation_id,
        parameters={"breach_notice_hours": 24},
    )
    discovered = NOW - timedelta(hours=3)
    incident = _report(
        vendor, vendor.organisation_id, agreement_id=agreement.id, discovered_at=discovered
    )
    assert incident.notice_deadline == discovered + timedelta(hours=24)
    assert incident.agreement_id == agreement.id


def test_notice_deadline_defaults_to_72_hours_without_an_agreement(db, vendor):
    """With no agreement (or no parameter) the policy default of 72 hours applies."""
    discovered = NOW - timedelta(hours=1)
    incident = _report(vendor, vendor.organisation_id, discovered_at=discovered)
    assert incident.notice_deadline == discovered + timedelta(hours=72)


def test_another_organisations_agreement_is_refused_and_nothing_is_written(db, vendor):
    """An agreement of another organisation cannot be named; no incident, event or mail."""
    make_user("privacy")
    other = make_agreement(AgreementStatus.ACTIVE, organisation_id=make_organisation().id)
    before = _count(db, AuditEvent), _count(db, Notification)
    with pytest.raises(ValidationFailed) as caught:
        _report(vendor, vendor.organisation_id, agreement_id=other.id)
    assert set(caught.value.errors) == {"agreement_id"}
    assert _count(db, Incident) == 0
    assert (_count(db, AuditEvent), _count(db, Notification)) == before


def test_unknown_agreement_id_is_refused(db, vendor):
    """An id that names no agreement is refused the same way."""
    with pytest.raises(ValidationFailed) as caught:
        _report(vendor, vendor.organisation_id, agreement_id=999_999)
    assert set(caught.value.errors) == {"agreement_id"}


def test_discovery_in_the_future_blank_text_and_negative_count_are_refused(db, vendor):
    """Each broken rule is reported on its own field."""
    with pytest.raises(ValidationFailed) as caught:
        _report(
            vendor,
            vendor.organisation_id,
            title=" ",
            description="",
            discovered_at=NOW + timedelta(minutes=5),
            affected_individuals=-1,
        )
    assert set(caught.value.errors) == {
        "title",
        "description",
        "discovered_at",
        "affected_individuals",
    }
    assert _count(db, Incident) == 0


def test_one_audit_event_without_the_free_text(db, vendor):
    """incident.reported is recorded once, with the facts but not the description."""
    incident = _report(vendor, vendor.organisation_id)
    events = db.session.scalars(select(AuditEvent)).all()
    assert [e.action for e in events] == ["incident.reported"]
    event = events[0]
    assert event.object_id == str(incident.id) and event.organisation_id == vendor.organisation_id
    assert event.changes["reference"]["after"] == incident.reference
    assert "description" not in event.changes and "Jane Doe" not in str(event.changes)


def test_every_active_privacy_user_is_alerted_once_without_personal_details(db, vendor):
    """One message per active privacy user; the body names reference, organisation, title."""
    alice, bob = make_user("privacy"), make_user("privacy")
    make_user("privacy", active=False)
    make_user("admin")
    incident = _report(vendor, vendor.organisation_id)
    messages = db.session.scalars(select(Notification).order_by(Notification.recipient)).all()
    assert sorted(m.recipient for m in messages) == sorted([alice.email, bob.email])
    for message in messages:
        assert incident.reference in message.subject
        assert incident.reference in message.body and "Misdirected email" in message.body
        assert vendor.organisation.display_name in message.body
        assert "Jane Doe" not in message.body and "Recipient deleted" not in message.body
        assert message.object_type == "incident" and message.object_id == str(incident.id)
        assert f"http://localhost/disclosures/incidents/{incident.id}\n" in message.body

"""Scheduling attestation requests, requesting one by hand, and the questionnaire snapshot."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import func, select

from sharing.agreements.models import AgreementStatus
from sharing.attestations.models import AttestationRequest, AttestationStatus
from sharing.attestations.queries import open_requests
from sharing.attestations.services import request_attestation, schedule_attestations
from sharing.audit.models import AuditEvent
from sharing.errors import ValidationFailed
from sharing.obligations import services as policy
from tests.factories import make_user
from tests.web.tables.agreement_lifecycle import make_agreement
from tests.web.tables.attestations import CODES, make_agreement_in_force, make_request

NOW = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)


def _events(db, action: str) -> list[AuditEvent]:
    return list(db.session.scalars(select(AuditEvent).where(AuditEvent.action == action)))


def _count(db) -> int:
    return db.session.scalar(select(func.count()).select_from(AttestationRequest))


def test_schedule_creates_the_request_twelve_months_after_the_effective_date(db):
    """By default a request falls due every 12 months from the effective date."""
    agreement = make_agreement_in_force(effective_date=date(2026, 1, 1))
    created = schedule_attestations(today=date(2026, 12, 10))
    assert [(r.agreement_id, r.due_date) for r in created] == [(agreement.id, date(2027, 1, 1))]
    request = created[0]
    assert (request.period_start, request.period_end) == (date(2026, 1, 1), date(2026, 12, 31))
    assert request.status == AttestationStatus.PENDING
    assert [q["code"] for q in request.questionnaire] == CODES
    events = _events(db, "attestation.scheduled")
    assert len(events) == 1 and events[0].actor_role == "system"


def test_schedule_uses_the_agreements_attestation_interval(db):
    """An agreement with a 6-month interval is due six months after it takes effect."""
    make_agreement_in_force(
        effective_date=date(2026, 1, 1), parameters={"attestation_interval_months": 6}
    )
    created = schedule_attestations(today=date(2026, 6, 15))
    assert [r.due_date for r in created] == [date(2026, 7, 1)]
    assert created[0].period_start == date(2026, 1, 1)


def test_schedule_creates_only_the_latest_missed_due_date(db):
    """Due dates missed long ago are not backfilled: only the most recent one is requested."""
    make_agreement_in_force(
        effective_date=date(2026, 1, 1), parameters={"attestation_interval_months": 6}
    )
    created = schedule_attestations(today=date(2027, 8, 1))
    assert [r.due_date for r in created] == [date(2027, 7, 1)]


def test_schedule_waits_until_a_due_date_is_within_the_lead_time(db):
    """Nothing is created more than lead_days before the first due date."""
    make_agreement_in_force(effective_date=date(2026, 1, 1))
    assert schedule_attestations(today=date(2026, 11, 1)) == []
    assert _count(db) == 0


def test_schedule_run_twice_creates_nothing_and_writes_no_audit(db):
    """The schedule is idempotent: a second run adds no request and no audit event."""
    make_agreement_in_force(effective_date=date(2026, 1, 1))
    assert len(schedule_attestations(today=date(2026, 12, 10))) == 1
    events_before = db.session.scalar(select(func.count()).select_from(AuditEvent))
    assert schedule_attestations(today=date(2026, 12, 20)) == []
    assert _count(db) == 1
    assert db.session.scalar(select(func.count()).select_from(AuditEvent)) == events_before


def test_schedule_ignores_agreements_not_in_force(db):
    """Draft, generated, expired and terminated agreements get no requests."""
    for status in (AgreementStatus.GENERATED, AgreementStatus.EXPIRED, AgreementStatus.TERMINATED):
        make_agreement(status, effective_date=date(2025, 1, 1), obligation_codes=CODES)
    assert schedule_attestations(today=date(2026, 12, 10)) == []


def test_request_by_hand_records_who_asked_and_snapshots_the_questions(db):
    """The privacy office may request an attestation outside the schedule."""
    officer = make_user("privacy")
    agreement = make_agreement_in_force()
    request = request_attestation(
        actor=officer, agreement=agreement, due_date=date(2026, 9, 1), today=date(2026, 8, 1)
    )
    assert request.requested_by_id == officer.id
    assert [q["code"] for q in request.questionnaire] == CODES
    assert set(request.questionnaire[0]) == {"code", "title", "question", "source"}
    [event] = _events(db, "attestation.requested")
    assert event.object_id == str(request.id) and event.actor_id == officer.id


@pytest.mark.parametrize(
    ("due", "field"),
    [(date(2026, 7, 31), "due_date"), (None, "due_date")],
    ids=["in-the-past", "missing"],
)
def test_request_by_hand_refuses_a_bad_due_date(db, due, field):
    """The due date must be given and may not be in the past."""
    agreement = make_agreement_in_force()
    with pytest.raises(ValidationFailed) as raised:
        request_attestation(
            actor=make_user("privacy"), agreement=agreement, due_date=due, today=date(2026, 8, 1)
        )
    assert field in raised.value.errors
    assert _count(db) == 0


def test_request_by_hand_refuses_a_duplicate_due_date(db):
    """Two requests for one agreement cannot fall due on the same day."""
    officer = make_user("privacy")
    agreement = make_agreement_in_force()
    kwargs = {"actor": officer, "agreement": agreement, "today": date(2026, 8, 1)}
    request_attestation(due_date=date(2026, 9, 1), **kwargs)
    with pytest.raises(ValidationFailed) as raised:
        request_attestation(due_date=date(2026, 9, 1), **kwargs)
    assert "already has an attestation" in raised.value.errors["due_date"]
    assert _count(db) == 1


def test_request_by_hand_needs_an_agreement_in_force(db):
    """An agreement that is only generated cannot be attested to yet."""
    agreement = make_agreement(AgreementStatus.GENERATED)
    with pytest.raises(ValidationFailed) as raised:
        request_attestation(
            actor=make_user("privacy"),
            agreement=agreement,
            due_date=date(2026, 9, 1),
            today=date(2026, 8, 1),
        )
    assert "agreement_id" in raised.value.errors


def test_questionnaire_snapshot_survives_a_new_policy_version(db):
    """Publishing a policy with a changed question leaves an existing request's questions alone."""
    request = make_request()
    before = [dict(q) for q in request.questionnaire]
    officer = make_user("privacy")
    draft = policy.create_draft(actor=officer, label="2027.1")
    changed = next(o for o in draft.obligations if o.code == "SEC-1")
    policy.update_obligation(
        actor=officer,
        obligation=changed,
        values={"attestation_question": "A brand-new question about security?"},
    )
    policy.publish_policy(actor=officer, version=draft, effective_date=date(2027, 1, 1), now=NOW)
    db.session.expire_all()
    fresh = db.session.get(AttestationRequest, request.id)
    assert fresh.questionnaire == before
    assert "brand-new" not in str(fresh.questionnaire)


def test_open_requests_lists_an_organisations_open_requests_by_due_date(db):
    """The portal's open tasks: pending, in progress and returned, soonest first, own org only."""
    later = make_request(status=AttestationStatus.PENDING, due_date=date(2027, 3, 1))
    org = later.organisation_id
    sooner = make_request(org, AttestationStatus.RETURNED, due_date=date(2027, 2, 1))
    make_request(org, AttestationStatus.ACCEPTED, due_date=date(2027, 1, 1))
    make_request(status=AttestationStatus.PENDING)  # another organisation's
    assert [r.id for r in open_requests(organisation_id=org)] == [sooner.id, later.id]


def test_request_period_starts_at_the_effective_date_or_after_the_last_period(db):
    """The period never reaches back before the agreement took effect, nor repeats a period
    an earlier attestation of the same agreement already covered."""
    officer = make_user("privacy")
    agreement = make_agreement_in_force(effective_date=date(2026, 12, 6))
    kwargs = {"actor": officer, "agreement": agreement, "today": date(2026, 12, 10)}
    first = request_attestation(due_date=date(2027, 1, 5), **kwargs)
    assert (first.period_start, first.period_end) == (date(2026, 12, 6), date(2027, 1, 4))
    second = request_attestation(due_date=date(2027, 6, 1), **kwargs)
    assert (second.period_start, second.period_end) == (date(2027, 1, 5), date(2027, 5, 31))

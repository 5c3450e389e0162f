"""The privacy dashboard's status tallies: kept on every ORM write of agreements, attestation
requests and flows, equal to a recount, and giving the same counts and charts as counting the
rows themselves with the rules the linked lists use."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import func, select, update

from sharing.agreements.models import Agreement, AgreementStatus
from sharing.attestations.models import AttestationRequest
from sharing.attestations.models import AttestationStatus as S
from sharing.attestations.queries import overdue_clause
from sharing.audit.models import AuditEvent
from sharing.core.clock import now, today
from sharing.extensions import db
from sharing.flows.models import DataFlow, FlowStatus, RiskTier
from sharing.reports import dashboard, tallies
from sharing.reports.models import StatusTally
from tests.factories import make_flow
from tests.web.tables.agreement_lifecycle import make_agreement
from tests.web.tables.attestations import make_request


def kept() -> dict:
    """The tallies as the writes left them (rows that came back to zero left out)."""
    rows = db.session.scalars(select(StatusTally))
    return {(r.subject, r.status, r.detail, r.day): r.n for r in rows if r.n}


def recounted() -> dict:
    """The tallies counted again from the rows (in a savepoint that is then rolled back)."""
    savepoint = db.session.begin_nested()
    connection = db.session.connection()
    tallies.rebuild(connection)
    rows = connection.execute(select(StatusTally.__table__)).all()
    savepoint.rollback()
    return {(r.subject, r.status, r.detail, r.day): r.n for r in rows}


def _count(model, *where) -> int:
    return db.session.scalar(select(func.count()).select_from(model).where(*where))


def test_status_tallies_equal_a_recount_after_every_kind_of_write(db):
    """Creating, changing a status, a risk tier or a due date, and deleting all keep the
    tallies equal to counting the rows again."""
    flow = make_flow(status=FlowStatus.SUBMITTED)
    other = make_flow(status=FlowStatus.APPROVED, risk_tier=RiskTier.HIGH)
    request = make_request(status=S.PENDING, due_date=date(2026, 3, 1))
    make_request(status=S.RETURNED, due_date=date(2026, 3, 1))
    agreement = make_agreement(AgreementStatus.DRAFT)
    assert kept() == recounted() and kept()

    flow.status, flow.risk_tier = FlowStatus.IN_REVIEW, RiskTier.LOW
    other.risk_tier = None
    request.status, request.due_date = S.SUBMITTED, date(2026, 4, 2)
    agreement.status = AgreementStatus.SENT_FOR_SIGNATURE
    db.session.commit()
    assert kept() == recounted()

    db.session.delete(flow)
    db.session.commit()
    assert kept() == recounted()
    assert ("flow", "in_review", "low", tallies.NO_DAY) not in kept()


def test_a_rolled_back_write_leaves_the_tallies_as_they_were(db):
    """The tallies change in the writer's transaction, so a rollback takes them back too."""
    flow = make_flow(status=FlowStatus.DRAFT)
    before = kept()
    flow.status = FlowStatus.SUBMITTED
    db.session.flush()
    assert kept() != before
    db.session.rollback()
    assert kept() == before == recounted()


def test_dashboard_counts_and_charts_equal_counting_the_rows(db):
    """Awaiting review, overdue and returned requests, agreements by status, flows by risk
    and the completion chart give what counting the rows with the lists' rules gives."""
    day = today()
    for status, tier in (
        (FlowStatus.SUBMITTED, None),
        (FlowStatus.SUBMITTED, RiskTier.HIGH),
        (FlowStatus.APPROVED, RiskTier.HIGH),
        (FlowStatus.SUPERSEDED, RiskTier.HIGH),
        (FlowStatus.DRAFT, RiskTier.LOW),
    ):
        make_flow(status=status, risk_tier=tier)
    for status, due in (
        (S.PENDING, day - timedelta(days=3)),
        (S.RETURNED, day - timedelta(days=1)),
        (S.RETURNED, day + timedelta(days=5)),
        (S.IN_PROGRESS, day),
        (S.SUBMITTED, day - timedelta(days=10)),
        (S.ACCEPTED, day - timedelta(days=40)),
    ):
        make_request(status=status, due_date=due)

    counts = dashboard.privacy_counts(today=day, now=now())

    assert counts["awaiting_review"] == _count(DataFlow, DataFlow.status == FlowStatus.SUBMITTED)
    assert counts["awaiting_review"] == 2
    assert counts["overdue_attestations"] == _count(AttestationRequest, overdue_clause(day)) == 2
    assert counts["returned_attestations"] == 2
    by_status = dict(dashboard.agreements_by_status())
    for status in AgreementStatus:
        assert by_status[status] == _count(Agreement, Agreement.status == status)
    risk = dict(dashboard.flows_by_risk())
    assert risk[RiskTier.HIGH] == 2  # the superseded revision is not counted
    assert risk[None] == _count(
        DataFlow, DataFlow.risk_tier.is_(None), DataFlow.status != FlowStatus.SUPERSEDED
    )
    current = dict(dashboard.attestation_completion(today=day))[dashboard.quarter(day)]
    in_quarter = [
        (r.status, r.due_date)
        for r in db.session.scalars(select(AttestationRequest))
        if dashboard.quarter(r.due_date) == dashboard.quarter(day)
    ]
    for state, _ in dashboard.COMPLETION:
        expected = sum(
            1
            for status, due in in_quarter
            if dashboard._completion_state(status, due, day) == state
        )
        assert current[state] == expected


def test_reports_retally_restores_tallies_that_drifted_and_is_audited(app, db):
    """After a write that bypassed the ORM, `reports retally` brings the dashboard's counts
    back to what the rows hold, and records the step in the audit trail."""
    make_flow(status=FlowStatus.SUBMITTED)
    make_flow(status=FlowStatus.SUBMITTED)
    db.session.execute(update(DataFlow).values(status=FlowStatus.APPROVED))  # no flush events
    db.session.commit()
    assert dashboard.privacy_counts(today=today(), now=now())["awaiting_review"] == 2

    result = app.test_cli_runner().invoke(args=["reports", "retally"])

    assert result.exit_code == 0, result.output
    assert "Counted the dashboard tallies again" in result.output
    db.session.expire_all()
    assert dashboard.privacy_counts(today=today(), now=now())["awaiting_review"] == 0
    assert kept() == recounted()
    event = db.session.scalar(
        select(AuditEvent).where(AuditEvent.action == "report.tallies_recounted")
    )
    assert event.changes["rows"]["after"] == len(recounted())

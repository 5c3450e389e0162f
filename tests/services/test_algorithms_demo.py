"""The demo's algorithm records: linked to demo flows with automated decisions, in several
review states, and a public face-matching check-in used with children."""

from __future__ import annotations

from sqlalchemy import select

from sharing.algorithms.models import Algorithm, AlgorithmStatus
from sharing.algorithms.public import FIELD_NAMES
from sharing.flows.models import DataFlow, RiskTier


def test_demo_algorithm_records_cover_the_review_states_and_a_childrens_face_check_in(app, db):
    """At least one approved public record, one submitted, one high risk; the face check-in
    for children is public and its flow involves minors and automated decisions."""
    result = app.test_cli_runner().invoke(args=["demo", "seed"])
    assert result.exit_code == 0, result.output
    records = {a.name: a for a in db.session.scalars(select(Algorithm))}
    statuses = {a.status for a in records.values()}
    assert {AlgorithmStatus.APPROVED, AlgorithmStatus.SUBMITTED} <= statuses
    assert any(a.risk_tier in (RiskTier.HIGH, RiskTier.CRITICAL) for a in records.values())
    for record in records.values():
        assert record.flows, record.name
        lineages = [link.flow_lineage_id for link in record.flows]
        flows = db.session.scalars(select(DataFlow).where(DataFlow.lineage_id.in_(lineages)))
        assert all(flow.automated_decisions for flow in flows), record.name
    check_in = records["Youth center face check-in"]
    assert check_in.is_public
    # PostgreSQL stores the snapshot as JSONB, which keeps keys but not their order.
    assert sorted(check_in.approved_snapshot) == sorted(FIELD_NAMES)
    assert check_in.owner_name not in repr(check_in.approved_snapshot)
    flow = db.session.scalar(
        select(DataFlow).where(DataFlow.lineage_id == check_in.flows[0].flow_lineage_id)
    )
    assert flow.includes_minors and flow.automated_decisions


def test_demo_fact_sheets_and_concerns_give_every_state_something_to_show(app, db):
    """Each approved record has an accepted first edition, one has its next edition open; the
    residents' concerns cover received, in review and answered, one of them past its date."""
    from sharing.algorithms.models import FactSheet, FactSheetStatus
    from sharing.concerns.models import Concern, ConcernStatus
    from sharing.concerns.queries import overdue_clause
    from sharing.core.clock import today

    result = app.test_cli_runner().invoke(args=["demo", "seed"])
    assert result.exit_code == 0, result.output
    approved = db.session.scalars(
        select(Algorithm).where(Algorithm.status == AlgorithmStatus.APPROVED)
    ).all()
    sheets = db.session.scalars(select(FactSheet)).all()
    accepted = {s.algorithm_id for s in sheets if s.status == FactSheetStatus.ACCEPTED}
    assert accepted == {a.id for a in approved}
    assert any(s.status == FactSheetStatus.IN_PROGRESS and s.edition == 2 for s in sheets)
    assert all(s.organisation_id == s.algorithm.organisation_id for s in sheets)
    concerns = db.session.scalars(select(Concern)).all()
    assert {ConcernStatus.RECEIVED, ConcernStatus.IN_REVIEW, ConcernStatus.ANSWERED} <= {
        c.status for c in concerns
    }
    assert all(c.reference.startswith("SJ-") for c in concerns)
    assert db.session.scalars(select(Concern).where(overdue_clause(today()))).first()

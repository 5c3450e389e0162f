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
    assert tuple(check_in.approved_snapshot) == FIELD_NAMES
    assert check_in.owner_name not in repr(check_in.approved_snapshot)
    flow = db.session.scalar(
        select(DataFlow).where(DataFlow.lineage_id == check_in.flows[0].flow_lineage_id)
    )
    assert flow.includes_minors and flow.automated_decisions

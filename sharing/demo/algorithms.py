"""Builds the demo algorithm records from algorithms_data.py, each linked to its flow, with
the review steps its status implies and, once approved, its public snapshot."""

from __future__ import annotations

from datetime import timedelta

from sharing.algorithms.models import Algorithm, AlgorithmComment, AlgorithmFlow, AlgorithmStatus
from sharing.algorithms.queries import public_values
from sharing.core.roles import Role
from sharing.demo.algorithms_data import ALGORITHMS
from sharing.demo.context import DemoContext
from sharing.extensions import db

REVIEWED = (AlgorithmStatus.APPROVED, AlgorithmStatus.RETIRED)
SUBMITTED = (AlgorithmStatus.SUBMITTED, AlgorithmStatus.IN_REVIEW, *REVIEWED)


def build_algorithms(ctx: DemoContext) -> None:
    procurement = ctx.users.get(Role.PROCUREMENT)
    privacy = ctx.users.get(Role.PRIVACY)
    for spec in ALGORITHMS:
        flow = ctx.current_flow(spec["flow"])
        status = spec["status"]
        algorithm = Algorithm(
            **spec["values"],
            organisation_id=flow.organisation_id,
            department_id=flow.department_id,
            status=status,
            published=True,
            deployed_on=ctx.today - timedelta(days=spec["deployed_days_ago"]),
            created_by_id=procurement.id if procurement else None,
            created_at=ctx.days_ago(60),
            is_demo=True,
        )
        if spec["tested_days_ago"] is not None:
            algorithm.last_tested_on = ctx.today - timedelta(days=spec["tested_days_ago"])
        algorithm.organisation = flow.organisation
        algorithm.department = flow.department
        algorithm.flows = [AlgorithmFlow(flow_lineage_id=flow.lineage_id)]
        if status in SUBMITTED:
            algorithm.submitted_by_id = procurement.id if procurement else None
            algorithm.submitted_at = ctx.days_ago(20)
        db.session.add(algorithm)
        db.session.flush()
        if status in REVIEWED:
            algorithm.approved_by_id = privacy.id if privacy else None
            algorithm.approved_at = ctx.days_ago(10)
            algorithm.approved_snapshot = public_values(
                algorithm, approved_on=ctx.today - timedelta(days=10)
            )
            algorithm.comments.append(
                AlgorithmComment(
                    author_id=privacy.id if privacy else None,
                    body="Approved. Please send the next bias test results when they are in.",
                    created_at=ctx.days_ago(10),
                )
            )
        ctx.count("algorithm_records")

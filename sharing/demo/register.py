"""The demo register's changelog: an addition for each arrangement the register shows."""

from __future__ import annotations

from datetime import date

from sharing.demo.context import DemoContext
from sharing.register.changelog import Cause, sync_changes
from sharing.register.queries import agreements_for

DEMO_CAUSE = Cause("The flow was approved and its agreement is in force.", "")


def build_register_history(ctx: DemoContext) -> None:
    """Record, through the changelog's one writer, when each public arrangement came onto
    the register: once its flow was first approved and its agreement took effect."""
    rows = sync_changes(today=ctx.today, causes=[DEMO_CAUSE])
    flows = {flow.id: flow for flow in ctx.flows}
    agreements = agreements_for([flows[row.flow_id] for row in rows])
    for row in rows:
        became = [_first_approval(ctx, row.flow_lineage_id)]
        agreement = agreements.get(row.flow_lineage_id)
        if agreement is not None and agreement.effective_date is not None:
            became.append(agreement.effective_date)
        row.changed_on = min(max(day for day in became if day is not None), ctx.today)
    ctx.count("register_changes", len(rows))


def _first_approval(ctx: DemoContext, lineage_id: int) -> date | None:
    days = [f.approved_at.date() for f in ctx.flows if f.lineage_id == lineage_id and f.approved_at]
    return min(days, default=None)

"""The public changelog's record of disposal: when the privacy office accepts a vendor's
certificate of disposition, each arrangement the directive covers gets an entry dated the day
the City's data were returned or destroyed. Only arrangements the register has shown before
get one, so that the changelog names no arrangement it never listed."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from sharing.disposition.models import DispositionDirective
from sharing.extensions import db
from sharing.flows.models import DataFlow
from sharing.register.changelog import MAX_SUMMARY, audit_changes
from sharing.register.models import RegisterChange, RegisterChangeKind

DISPOSED_WORDS = "City data returned or destroyed; certificate accepted."


def follow_certificate(
    _sender: Any, *, directive: DispositionDirective, today: date, **_: Any
) -> dict[str, Any]:
    """disposition.events.certificate_accepted: one DISPOSED entry per arrangement (flow
    lineage) the directive covers, dated its disposed_on. Returns the entries written, for the
    acceptance's audit event."""
    flows = _flows(directive)
    lineages = {flow.lineage_id or flow.id: flow for flow in flows}
    if not lineages:
        return {}
    when = directive.disposed_on or today
    listed = set(
        db.session.scalars(
            select(RegisterChange.flow_lineage_id)
            .where(RegisterChange.flow_lineage_id.in_(list(lineages)))
            .distinct()
        )
    )
    recorded = set(
        db.session.scalars(
            select(RegisterChange.flow_lineage_id).where(
                RegisterChange.flow_lineage_id.in_(list(lineages)),
                RegisterChange.kind == RegisterChangeKind.DISPOSED,
                RegisterChange.changed_on == when,
            )
        )
    )
    rows = [
        RegisterChange(
            flow_lineage_id=lineage,
            flow_id=flow.id,
            kind=RegisterChangeKind.DISPOSED,
            changed_on=when,
            summary=_summary(flow),
        )
        for lineage, flow in sorted(lineages.items())
        if lineage in listed and lineage not in recorded
    ]
    db.session.add_all(rows)
    db.session.flush()
    return audit_changes(rows)


def _flows(directive: DispositionDirective) -> list[DataFlow]:
    """The flows the directive covers: its elements' flows, and the retired flow if any."""
    ids = {element.flow_id for element in directive.elements}
    if directive.flow_id is not None:
        ids.add(directive.flow_id)
    if not ids:
        return []
    return list(
        db.session.scalars(
            select(DataFlow)
            .where(DataFlow.id.in_(ids))
            .options(selectinload(DataFlow.organisation))
            .order_by(DataFlow.id)
        )
    )


def _summary(flow: DataFlow) -> str:
    return f"{flow.organisation.display_name}: {flow.system_name}. {DISPOSED_WORDS}"[:MAX_SUMMARY]

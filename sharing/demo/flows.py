"""Builds the demo data flows: revisions, categories, risk tiers, review comments, register."""

from __future__ import annotations

import random
from datetime import date, timedelta
from typing import Any

from sharing.core.roles import Role
from sharing.demo.context import DemoContext
from sharing.demo.flow_wording_data import (
    DISPOSAL_METHODS,
    EQUITY_NOTE,
    JUSTIFICATIONS,
    LEGAL_AUTHORITY,
    NOTICE_METHODS,
    PUBLICATION_EXEMPTION,
)
from sharing.demo.flows_data_community import COMMUNITY_FLOWS
from sharing.demo.flows_data_streets import STREETS_FLOWS
from sharing.demo.flows_data_utilities import UTILITIES_FLOWS
from sharing.demo.oversight_data import REVIEW_COMMENTS
from sharing.demo.specs import FlowSpec
from sharing.extensions import db
from sharing.flows.models import (
    DataFlow,
    Direction,
    FlowCategory,
    FlowComment,
    FlowStatus,
    Frequency,
    TransferMethod,
)
from sharing.flows.risk import assess_risk
from sharing.vendors.models import OrganisationKind

ALL_FLOWS: tuple[FlowSpec, ...] = STREETS_FLOWS + COMMUNITY_FLOWS + UTILITIES_FLOWS

# Days before today that a flow in each status was first drafted: (earliest, latest).
AGE_DAYS: dict[FlowStatus, tuple[int, int]] = {
    FlowStatus.DRAFT: (2, 30),
    FlowStatus.SUBMITTED: (10, 40),
    FlowStatus.IN_REVIEW: (15, 45),
    FlowStatus.CHANGES_REQUESTED: (20, 60),
    FlowStatus.APPROVED: (120, 700),
    FlowStatus.SUPERSEDED: (900, 1100),
    FlowStatus.RETIRED: (800, 1200),
}
REVIEWED = (FlowStatus.APPROVED, FlowStatus.SUPERSEDED, FlowStatus.RETIRED)


def build_flows(ctx: DemoContext) -> None:
    for spec in ALL_FLOWS:
        if spec.revised:
            first = add_flow(ctx, spec, FlowStatus.SUPERSEDED, revision=1, lineage_id=None)
            second = add_flow(ctx, spec, spec.status, revision=2, lineage_id=first.lineage_id)
            second.started_on = first.started_on  # a revision does not restart the sharing
        else:
            add_flow(ctx, spec, spec.status, revision=1, lineage_id=None)
    _add_review_comments(ctx)


def add_flow(
    ctx: DemoContext, spec: FlowSpec, status: FlowStatus, *, revision: int, lineage_id: int | None
) -> DataFlow:
    timeline = _timeline(ctx, status, revision)
    flow = DataFlow(**_describe(ctx, spec), **timeline, started_on=_started_on(ctx, spec, timeline))
    flow.revision = revision
    flow.lineage_id = lineage_id
    if revision == 1 and spec.revised:
        # The first revision kept data twice as long; review shortened it.
        flow.retention_days = 2 * (flow.retention_days or 365)
    flow.categories = _categories(ctx, spec)
    flow.risk_tier, flow.risk_factors = assess_risk(flow, [fc.category for fc in flow.categories])
    _publish(flow, status)
    db.session.add(flow)
    db.session.flush()
    if flow.lineage_id is None:
        flow.lineage_id = flow.id
    ctx.flows.append(flow)
    ctx.count("flows")
    return flow


def _describe(ctx: DemoContext, spec: FlowSpec) -> dict[str, Any]:
    """What the flow is: the columns a department fills in on the flow form."""
    profile = ctx.profiles[spec.org]
    organisation = ctx.organisations[spec.org]
    department = ctx.departments[spec.department]
    location, country = profile["storage"]
    agency = organisation.kind == OrganisationKind.PUBLIC_AGENCY
    rng = ctx.rng
    return {
        "organisation": organisation,
        "department": department,
        "system_name": spec.system,
        "description": f"{spec.purpose} Provided by {organisation.display_name} "
        f"for {department.name}.",
        "direction": Direction.BOTH if agency else Direction.OUTBOUND,
        "purposes": spec.purpose,
        "legal_authority": LEGAL_AUTHORITY[spec.department],
        "data_subjects": spec.subjects,
        "includes_minors": spec.minors,
        "includes_vulnerable": spec.vulnerable,
        "estimated_records": rng.choice((800, 2500, 12000, 45000, 180000, 950000)),
        "frequency": rng.choice((Frequency.REAL_TIME, Frequency.DAILY, Frequency.WEEKLY)),
        "transfer_method": rng.choice((TransferMethod.API, TransferMethod.SFTP)),
        "storage_location": location,
        "storage_country": country,
        "retention_days": spec.retention_days or rng.choice((90, 365, 730)),
        "disposal_method": rng.choice(DISPOSAL_METHODS),
        "subprocessors": [dict(s) for s in profile["subprocessors"]],
        "notice_given": True,
        "notice_method": rng.choice(NOTICE_METHODS),
        "automated_decisions": bool(spec.automated),
        "automated_decision_description": spec.automated,
        "human_oversight": spec.oversight,
        "equity_considerations": EQUITY_NOTE if spec.vulnerable else "",
        "is_demo": True,
    }


def _timeline(ctx: DemoContext, status: FlowStatus, revision: int) -> dict[str, Any]:
    """When the flow was drafted, submitted and approved, and by whom."""
    earliest, latest = (60, 110) if revision == 2 else AGE_DAYS[status]
    created = ctx.days_ago(ctx.rng.randint(earliest, latest))
    procurement, privacy = ctx.users[Role.PROCUREMENT], ctx.users[Role.PRIVACY]
    values: dict[str, Any] = {
        "status": status,
        "created_at": created,
        "updated_at": created,
        "created_by_id": procurement.id,
    }
    if status != FlowStatus.DRAFT:
        submitted = created + timedelta(days=ctx.rng.randint(1, 6))
        values.update(submitted_at=submitted, submitted_by_id=procurement.id)
        values["updated_at"] = submitted
    if status in REVIEWED:
        approved = values["submitted_at"] + timedelta(days=ctx.rng.randint(7, 30))
        values.update(approved_at=approved, approved_by_id=privacy.id, updated_at=approved)
    return values


def _started_on(ctx: DemoContext, spec: FlowSpec, values: dict[str, Any]) -> date | None:
    """Reviewed flows went live a few weeks after approval; open ones plan a start, or not yet.

    Drawn from a generator seeded by the system name, so the dates are the same on every run
    and drawing them leaves every other demo value (drawn from ctx.rng) unchanged.
    """
    rng = random.Random(f"started_on:{spec.system}")
    if values.get("approved_at") is not None:
        return values["approved_at"].date() + timedelta(days=rng.randint(3, 45))
    if rng.random() < 0.25:
        return None  # the department has not set a date yet
    return ctx.date_in(rng.randint(30, 240))


def _categories(ctx: DemoContext, spec: FlowSpec) -> list[FlowCategory]:
    rows = []
    for position, name in enumerate(spec.categories, start=1):
        left_blank = spec.unjustified and position == len(spec.categories)
        reason = JUSTIFICATIONS.get(name, f"Needed for this purpose: {spec.purpose}")
        rows.append(
            FlowCategory(category=ctx.categories[name], justification="" if left_blank else reason)
        )
    return rows


def _publish(flow: DataFlow, status: FlowStatus) -> None:
    """Approved flows go on the public register, except those awaiting an evidence review."""
    if status != FlowStatus.APPROVED:
        return
    if any(fc.category.is_criminal_justice for fc in flow.categories):
        flow.publication_exemption = PUBLICATION_EXEMPTION
    else:
        flow.published = True


def _add_review_comments(ctx: DemoContext) -> None:
    privacy, procurement = ctx.users[Role.PRIVACY], ctx.users[Role.PROCUREMENT]
    for system, question, reply in REVIEW_COMMENTS:
        flow = ctx.current_flow(system)
        asked = (flow.submitted_at or ctx.days_ago(10)) + timedelta(days=5)
        flow.comments.append(FlowComment(author_id=privacy.id, body=question, created_at=asked))
        if reply:
            answered = asked + timedelta(days=1)
            flow.comments.append(
                FlowComment(author_id=procurement.id, body=reply, created_at=answered)
            )
        ctx.count("flow_comments", 2 if reply else 1)

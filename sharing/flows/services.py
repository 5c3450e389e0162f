"""Data-flow use cases: drafting, editing, and starting a new revision of an approved flow.

The review steps (submit, approve, ...) live in workflow.py; the rules in rules.py.
"""

from __future__ import annotations

import copy
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from sharing.audit import services as audit
from sharing.audit.models import AuditEvent
from sharing.auth.models import Department
from sharing.core.clock import local
from sharing.core.database import commit_or_conflict
from sharing.core.models import utcnow
from sharing.errors import Conflict, NotFound, ValidationFailed
from sharing.extensions import db
from sharing.flows.models import DataCategory, DataFlow, FlowCategory, FlowStatus
from sharing.flows.risk import assess_risk
from sharing.flows.rules import FIELD_LABELS, FLOW_FIELDS, check_flow, normalise_flow
from sharing.vendors.models import Organisation

__all__ = [
    "FLOW_FIELDS",
    "assess_risk",
    "check_flow",
    "create_flow",
    "update_flow",
    "open_revision",
    "get_flow",
]

OPEN_STATUSES = (
    FlowStatus.DRAFT,
    FlowStatus.SUBMITTED,
    FlowStatus.IN_REVIEW,
    FlowStatus.CHANGES_REQUESTED,
)
EDITABLE_IN_PLACE = (FlowStatus.DRAFT, FlowStatus.CHANGES_REQUESTED)
MAX_JUSTIFICATION = 2000
STALE_MESSAGE = "This flow was changed by someone else while you were saving it."

Categories = list[tuple[int, str]]


def get_flow(flow_id: int) -> DataFlow:
    flow = db.session.get(DataFlow, flow_id)
    if flow is None:
        raise NotFound("That data flow does not exist.")
    return flow


def create_flow(*, actor: Any, values: dict[str, Any], categories: Categories) -> DataFlow:
    """Save a new draft flow (revision 1 of its own lineage) with its categories."""
    clean = _checked(values)
    _check_references(clean, current=None)
    chosen = _checked_categories(categories, allowed_inactive=set())
    flow = DataFlow(status=FlowStatus.DRAFT, revision=1, created_by_id=actor.id, **clean)
    flow.categories = [
        FlowCategory(category=category, justification=reason) for category, reason in chosen
    ]
    _assess(flow)
    db.session.add(flow)
    db.session.flush()
    flow.lineage_id = flow.id
    audit.record(
        actor=actor,
        action="flow.created",
        object_type="flow",
        object_id=flow.id,
        organisation_id=flow.organisation_id,
        changes=audit.created(snapshot(flow)),
        summary=f"Drafted {flow.system_name}",
    )
    commit_or_conflict(STALE_MESSAGE)
    return flow


def update_flow(
    *,
    actor: Any,
    flow: DataFlow,
    values: dict[str, Any],
    categories: Categories | None,
    expected_version: int | None,
) -> DataFlow:
    """Save changes. Drafts change in place; an approved flow gets a new draft revision.

    `values` may hold only some fields; `categories=None` keeps the current ones.
    Returns the flow that was saved (the new revision, when one was started).
    """
    if expected_version is not None and expected_version != flow.version:
        raise Conflict(changes_since(flow, expected_version))
    if flow.status == FlowStatus.APPROVED:
        revision = _start_revision(actor=actor, approved=flow, values=values, categories=categories)
        commit_or_conflict(STALE_MESSAGE)
        return revision
    if flow.status not in EDITABLE_IN_PLACE:
        raise Conflict(locked_message(flow))
    clean = _checked({**current_values(flow), **values})
    _check_references(clean, current=flow)
    chosen = None
    if categories is not None:
        chosen = _checked_categories(categories, allowed_inactive=_category_ids(flow))
    before = snapshot(flow)
    version = flow.version
    apply_values(flow, clean, chosen)
    changes = audit.diff(before, snapshot(flow))
    changes["version"] = {"before": version, "after": version + 1}
    audit.record(
        actor=actor,
        action="flow.updated",
        object_type="flow",
        object_id=flow.id,
        organisation_id=flow.organisation_id,
        changes=changes,
        summary=f"Edited {flow.system_name} (revision {flow.revision})",
    )
    commit_or_conflict(STALE_MESSAGE)
    return flow


def _start_revision(
    *, actor: Any, approved: DataFlow, values: dict[str, Any], categories: Categories | None
) -> DataFlow:
    pending = open_revision(approved)
    if pending is not None:
        raise Conflict(
            f"Revision {pending.revision} of this flow is already {pending.status.label.lower()}. "
            "Edit that revision instead; the approved one stays in force until it is approved."
        )
    clean = _checked({**current_values(approved), **values})
    _check_references(clean, current=approved)
    source = [(fc.category_id, fc.justification) for fc in approved.categories]
    chosen = _checked_categories(
        source if categories is None else categories, allowed_inactive=_category_ids(approved)
    )
    revision = DataFlow(
        lineage_id=approved.lineage_id,
        revision=next_revision(approved.lineage_id),
        status=FlowStatus.DRAFT,
        created_by_id=actor.id,
    )
    apply_values(revision, clean, chosen)
    db.session.add(revision)
    try:
        db.session.flush()
    except IntegrityError:
        db.session.rollback()
        raise Conflict(
            "Someone else started a new revision of this flow at the same time."
        ) from None
    audit.record(
        actor=actor,
        action="flow.revision_started",
        object_type="flow",
        object_id=revision.id,
        organisation_id=revision.organisation_id,
        changes=audit.diff(snapshot(approved), snapshot(revision)),
        summary=f"Started revision {revision.revision} of {revision.system_name}; "
        f"revision {approved.revision} stays in force until it is approved",
    )
    return revision


def open_revision(flow: DataFlow) -> DataFlow | None:
    """The revision of this flow's lineage still being drafted or reviewed, if any."""
    return db.session.scalar(
        select(DataFlow)
        .where(
            DataFlow.lineage_id == flow.lineage_id,
            DataFlow.id != flow.id,
            DataFlow.status.in_(OPEN_STATUSES),
        )
        .order_by(DataFlow.revision.desc())
        .limit(1)
    )


def in_force(flow: DataFlow) -> DataFlow | None:
    """The approved revision of this flow's lineage (the one in force), if any."""
    return db.session.scalar(
        select(DataFlow)
        .where(DataFlow.lineage_id == flow.lineage_id, DataFlow.status == FlowStatus.APPROVED)
        .order_by(DataFlow.revision.desc())
        .limit(1)
    )


def lineage(flow: DataFlow) -> list[DataFlow]:
    """Every revision of this flow, newest first."""
    stmt = (
        select(DataFlow)
        .where(DataFlow.lineage_id == flow.lineage_id)
        .order_by(DataFlow.revision.desc())
    )
    return list(db.session.scalars(stmt))


def revisions_around(flow: DataFlow) -> tuple[list[DataFlow], DataFlow | None, DataFlow | None]:
    """In one query: every revision (newest first), the one in force, and the open one other
    than this flow, as `lineage`, `in_force` and `open_revision` would each give them."""
    revisions = lineage(flow)
    approved = next((r for r in revisions if r.status == FlowStatus.APPROVED), None)
    pending = next((r for r in revisions if r.id != flow.id and r.status in OPEN_STATUSES), None)
    return revisions, approved, pending


def next_revision(lineage_id: int | None) -> int:
    highest = db.session.scalar(
        select(func.max(DataFlow.revision)).where(DataFlow.lineage_id == lineage_id)
    )
    return (highest or 0) + 1


def locked_message(flow: DataFlow) -> str:
    if flow.status in (FlowStatus.SUBMITTED, FlowStatus.IN_REVIEW):
        return (
            f"This flow is {flow.status.label.lower()} and locked while under review. "
            "The privacy office can request changes if something needs correcting."
        )
    return f"A {flow.status.label.lower()} revision cannot be edited."


# Checks -------------------------------------------------------------------------------


def _checked(values: dict[str, Any]) -> dict[str, Any]:
    clean, errors = normalise_flow(values)
    if errors:
        raise ValidationFailed(errors)
    return clean


def current_values(flow: DataFlow) -> dict[str, Any]:
    return {name: copy.deepcopy(getattr(flow, name)) for name in FLOW_FIELDS}


def _check_references(clean: dict[str, Any], *, current: DataFlow | None) -> None:
    errors = {}
    if db.session.get(Organisation, clean["organisation_id"]) is None:
        errors["organisation_id"] = "Choose one of the listed organizations."
    department = db.session.get(Department, clean["department_id"])
    keeps = current is not None and current.department_id == clean["department_id"]
    if department is None or not (department.active or keeps):
        errors["department_id"] = "Choose one of the active departments."
    if errors:
        raise ValidationFailed(errors)


def _category_ids(flow: DataFlow) -> set[int]:
    return {fc.category_id for fc in flow.categories}


def _checked_categories(
    categories: Categories, *, allowed_inactive: set[int]
) -> list[tuple[DataCategory, str]]:
    """The chosen categories as rows; inactive ones only if the flow already had them."""
    ids = [category_id for category_id, _ in categories]
    if len(set(ids)) != len(ids):
        raise ValidationFailed({"categories": "Choose each category once."})
    found = {
        c.id: c for c in db.session.scalars(select(DataCategory).where(DataCategory.id.in_(ids)))
    }
    chosen = []
    for category_id, reason in categories:
        category = found.get(category_id)
        if category is None or not (category.active or category_id in allowed_inactive):
            raise ValidationFailed({"categories": "Choose categories from the vocabulary."})
        reason = (reason or "").strip()
        if len(reason) > MAX_JUSTIFICATION:
            raise ValidationFailed(
                {"categories": f"Keep each justification under {MAX_JUSTIFICATION} characters."}
            )
        chosen.append((category, reason))
    return chosen


# Writing ------------------------------------------------------------------------------


def apply_values(
    flow: DataFlow, clean: dict[str, Any], chosen: list[tuple[DataCategory, str]] | None
) -> None:
    """Set checked values and categories on a flow and reassess its risk (no audit, no commit);
    the flow services and the import's writer both save through this."""
    for name, value in clean.items():
        setattr(flow, name, value)
    if chosen is not None:
        wanted = {category.id: (category, reason) for category, reason in chosen}
        flow.categories = [fc for fc in flow.categories if fc.category_id in wanted]
        have = {fc.category_id: fc for fc in flow.categories}
        for category_id, (category, reason) in wanted.items():
            if category_id in have:
                have[category_id].justification = reason
            else:
                flow.categories.append(FlowCategory(category=category, justification=reason))
    _assess(flow)
    # Always touch the row, so that every save moves the version on (optimistic locking),
    # even one that only changes categories.
    flow.updated_at = utcnow()


def _assess(flow: DataFlow) -> None:
    flow.risk_tier, flow.risk_factors = assess_risk(flow, [fc.category for fc in flow.categories])


def snapshot(flow: DataFlow) -> dict[str, Any]:
    """The flow's editable values, risk tier and categories (name → justification)."""
    values = audit.snapshot(flow, FLOW_FIELDS)
    values["risk_tier"] = audit.jsonable(flow.risk_tier)
    values["categories"] = {fc.category.name: fc.justification for fc in flow.categories}
    return values


# Conflicts ----------------------------------------------------------------------------


def changes_since(flow: DataFlow, version: int) -> str:
    """A conflict message that says who changed what since `version` was read."""
    events = db.session.scalars(
        select(AuditEvent)
        .where(AuditEvent.object_type == "flow", AuditEvent.object_id == str(flow.id))
        .order_by(AuditEvent.id)
    )
    parts = []
    for event in events:
        seen = (event.changes or {}).get("version") or {}
        if not isinstance(seen.get("before"), int) or seen["before"] < version:
            continue
        fields = [k for k in event.changes if k != "version"]
        detail = "; ".join(_describe_change(k, event.changes[k]) for k in fields[:6])
        if len(fields) > 6:
            detail += f"; and {len(fields) - 6} more"
        when = local(event.at).strftime("%Y-%m-%d %H:%M")
        parts.append(f"{event.actor_email} ({event.action}, {when}): {detail or 'no field'}")
    head = "Someone else changed this flow after you opened it, so nothing was saved."
    if not parts:
        return f"{head} Reload the page to see the current version."
    return f"{head} Their changes: " + " | ".join(parts) + ". Reload and apply yours again."


def _describe_change(field: str, change: dict[str, Any]) -> str:
    label = FIELD_LABELS.get(field, field)
    return f"{label}: {_short(change.get('before'))} → {_short(change.get('after'))}"


def _short(value: Any) -> str:
    if value in (None, "", [], {}):
        return "(empty)"
    if isinstance(value, dict):
        value = ", ".join(sorted(str(k) for k in value))
    text = str(value)
    return f"“{text[:77]}…”" if len(text) > 80 else f"“{text}”"

"""Filtering and sorting data flows in SQL, for the list page and the exports."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, Select, case, exists, func, or_, select
from sqlalchemy.orm import contains_eager

from sharing.audit.models import AuditEvent
from sharing.auth.models import Department
from sharing.core.pagination import Sort, apply_sort, parse_sort
from sharing.core.query_args import positive_int
from sharing.core.search import contains_text
from sharing.extensions import db
from sharing.flows.models import (
    DataCategory,
    DataFlow,
    Direction,
    FlowCategory,
    FlowStatus,
    Frequency,
    RiskTier,
    TransferMethod,
)
from sharing.flows.rules import FIELD_LABELS, FLOW_FIELDS
from sharing.flows.services import snapshot
from sharing.vendors.models import Organisation
from sharing.vendors.queries import organisation_menu

RISK_ORDER = case(
    {tier.value: rank for rank, tier in enumerate(RiskTier)}, value=DataFlow.risk_tier, else_=-1
)
STATUS_ORDER = case(
    {status.value: rank for rank, status in enumerate(FlowStatus)}, value=DataFlow.status
)

SORTS: dict[str, Any] = {
    "system": func.lower(DataFlow.system_name),
    "organisation": func.lower(Organisation.legal_name),
    "department": func.lower(Department.name),
    "status": STATUS_ORDER,
    "risk": RISK_ORDER,
    "updated": DataFlow.updated_at,
    "submitted": DataFlow.submitted_at,
}
DEFAULT_SORT = "-updated"


def _choice(raw: Any, allowed: type) -> str:
    raw = (raw or "").strip()
    return raw if raw in {m.value for m in allowed} else ""


@dataclass(frozen=True)
class FlowFilters:
    q: str = ""
    status: str = ""
    organisation_id: int | None = None
    department_id: int | None = None
    risk_tier: str = ""
    category_id: int | None = None
    history: bool = False  # include superseded revisions
    mine: bool = False  # the signed-in user's: see mine_clause
    sort: Sort = parse_sort(DEFAULT_SORT, SORTS, DEFAULT_SORT)

    @classmethod
    def from_args(cls, args) -> FlowFilters:
        return cls(
            q=(args.get("q") or "").strip()[:200],
            status=_choice(args.get("status"), FlowStatus),
            organisation_id=positive_int(args.get("organisation")),
            department_id=positive_int(args.get("department")),
            risk_tier=_choice(args.get("risk"), RiskTier),
            category_id=positive_int(args.get("category")),
            history=(args.get("history") or "") in ("1", "on", "yes", "true"),
            mine=(args.get("mine") or "") in ("1", "on", "yes", "true"),
            sort=parse_sort(args.get("sort"), SORTS, DEFAULT_SORT),
        )

    def as_args(self) -> dict[str, str]:
        """The query arguments that reproduce these filters (for export links)."""
        values = {
            "q": self.q,
            "status": self.status,
            "organisation": str(self.organisation_id or ""),
            "department": str(self.department_id or ""),
            "risk": self.risk_tier,
            "category": str(self.category_id or ""),
            "history": "1" if self.history else "",
            "mine": "1" if self.mine else "",
            "sort": self.sort.param if self.sort.param != DEFAULT_SORT else "",
        }
        return {k: v for k, v in values.items() if v}


def flows_query(filters: FlowFilters, *, actor: Any = None) -> Select:
    """The flows matching the filters, sorted, with organisation and department loaded.

    When `actor` is a vendor user, only their organisation's flows are returned.
    """
    stmt = (
        select(DataFlow)
        .join(DataFlow.organisation)
        .join(DataFlow.department)
        .options(contains_eager(DataFlow.organisation), contains_eager(DataFlow.department))
    )
    stmt = scope(stmt, actor)
    if filters.q:
        stmt = stmt.where(
            contains_text(
                filters.q,
                DataFlow.system_name,
                Organisation.legal_name,
                Organisation.common_name,
                DataFlow.purposes,
            )
        )
    if filters.status:
        stmt = stmt.where(DataFlow.status == FlowStatus(filters.status))
    elif not filters.history:
        stmt = stmt.where(DataFlow.status != FlowStatus.SUPERSEDED)
    if filters.organisation_id:
        stmt = stmt.where(DataFlow.organisation_id == filters.organisation_id)
    if filters.department_id:
        stmt = stmt.where(DataFlow.department_id == filters.department_id)
    if filters.mine and actor is not None:
        stmt = stmt.where(mine_clause(actor))
    if filters.risk_tier:
        stmt = stmt.where(DataFlow.risk_tier == RiskTier(filters.risk_tier))
    if filters.category_id:
        stmt = stmt.where(
            exists().where(
                FlowCategory.flow_id == DataFlow.id,
                FlowCategory.category_id == filters.category_id,
            )
        )
    return apply_sort(stmt, filters.sort, SORTS, DataFlow.id)


def mine_clause(user: Any) -> ColumnElement[bool]:
    """Flows the user answers for: those they created or submitted, whatever the department,
    and those their department owns."""
    clauses = [DataFlow.created_by_id == user.id, DataFlow.submitted_by_id == user.id]
    if getattr(user, "department_id", None):
        clauses.append(DataFlow.department_id == user.department_id)
    return or_(*clauses)


def scope(stmt: Select, actor: Any) -> Select:
    """Vendor users see only their own organisation's flows, whatever else is asked."""
    role = getattr(getattr(actor, "role", None), "value", None)
    if role == "vendor":
        return stmt.where(DataFlow.organisation_id == actor.organisation_id)
    return stmt


def filter_choices(*, organisation_id: int | None = None) -> dict:
    """Options for the list's filter menus: three small queries, whatever the row count (the
    organisation menu lists at most MENU_LIMIT names; beyond that the search box finds them)."""
    return {
        "organisations": organisation_menu(organisation_id),
        "departments": list(
            db.session.execute(select(Department.id, Department.name).order_by(Department.name))
        ),
        "categories": list(
            db.session.execute(
                select(DataCategory.id, DataCategory.name).order_by(DataCategory.name)
            )
        ),
    }


# What changed since the privacy office returned the flow ------------------------------------

RETURNED = "flow.request_changes"
EDITED = "flow.updated"
COMPARED = (*FLOW_FIELDS, "categories", "risk_tier")
ENUMS: dict[str, type[enum.Enum]] = {
    "direction": Direction,
    "frequency": Frequency,
    "transfer_method": TransferMethod,
    "risk_tier": RiskTier,
}


@dataclass(frozen=True)
class ReviewChange:
    """One field changed since the return: its value then and now, or for the lists (data
    categories, subprocessors) what was added and removed."""

    label: str
    before: Any = None
    after: Any = None
    added: tuple[str, ...] = ()
    removed: tuple[str, ...] = ()

    @property
    def is_list(self) -> bool:
        return bool(self.added or self.removed)


def changes_since_return(flow: DataFlow) -> list[ReviewChange] | None:
    """What changed in this revision since the privacy office last requested changes on it,
    field by field in the form's order; None when it was never returned.

    The values at the return are rebuilt from the audit trail: every edit after it records
    each changed field's value before the edit, and the first such value is the one the
    reviewer saw. A field edited and then put back shows no change."""
    rows = db.session.execute(
        select(AuditEvent.action, AuditEvent.changes)
        .where(
            AuditEvent.object_type == "flow",
            AuditEvent.object_id == str(flow.id),
            AuditEvent.action.in_((RETURNED, EDITED)),
        )
        .order_by(AuditEvent.id)
    ).all()
    returned = [position for position, row in enumerate(rows) if row.action == RETURNED]
    if not returned:
        return None
    at_return: dict[str, Any] = {}
    for row in rows[returned[-1] + 1 :]:
        for field, change in (row.changes or {}).items():
            if field in COMPARED and field not in at_return and isinstance(change, dict):
                at_return[field] = change.get("before")
    now = snapshot(flow)
    changes: list[ReviewChange] = []
    for field in COMPARED:
        if field in at_return and at_return[field] != now[field]:
            changes.extend(_described(field, at_return[field], now[field]))
    return changes


def _described(field: str, before: Any, after: Any) -> list[ReviewChange]:
    label = FIELD_LABELS.get(field, field)
    if field == "categories":
        return _category_changes(label, before or {}, after or {})
    if field == "subprocessors":
        was = [_subprocessor(item) for item in before or []]
        now = [_subprocessor(item) for item in after or []]
        added = tuple(item for item in now if item not in was)
        removed = tuple(item for item in was if item not in now)
        return [ReviewChange(label, added=added, removed=removed)] if added or removed else []
    return [ReviewChange(label, _shown(field, before), _shown(field, after))]


def _category_changes(label: str, before: dict, after: dict) -> list[ReviewChange]:
    added = tuple(sorted(set(after) - set(before)))
    removed = tuple(sorted(set(before) - set(after)))
    changes = [ReviewChange(label, added=added, removed=removed)] if added or removed else []
    for name in sorted(set(before) & set(after)):
        if before[name] != after[name]:
            changes.append(ReviewChange(f"Justification for {name}", before[name], after[name]))
    return changes


def _subprocessor(item: Any) -> str:
    if not isinstance(item, dict):
        return str(item)
    text = item.get("name") or ""
    if item.get("service"):
        text += f" — {item['service']}"
    return f"{text} ({item['country']})" if item.get("country") else text


def _shown(field: str, value: Any) -> Any:
    """A stored value as the flow page shows it: names for ids, labels for choices."""
    if value is None:
        return None
    if field == "organisation_id":
        organisation = db.session.get(Organisation, value)
        return organisation.display_name if organisation else value
    if field == "department_id":
        department = db.session.get(Department, value)
        return department.name if department else value
    if field in ENUMS:
        try:
            return ENUMS[field](value).label
        except ValueError:
            return value
    return value

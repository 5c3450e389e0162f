"""Filtering and sorting data flows in SQL, for the list page and the exports."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, Select, case, exists, func, or_, select
from sqlalchemy.orm import contains_eager

from sharing.auth.models import Department
from sharing.core.pagination import Sort, apply_sort, parse_sort
from sharing.core.query_args import positive_int
from sharing.core.search import contains_text
from sharing.flows.models import DataCategory, DataFlow, FlowCategory, FlowStatus, RiskTier
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
    from sharing.extensions import db

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

"""What the algorithm pages read: the list filtered and sorted in SQL, a record's linked flows
with their agreements and data categories, what changed since the last approval, and the
approved flows with automated decisions that no record describes yet."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import Select, case, exists, func, select
from sqlalchemy.orm import contains_eager, selectinload

from sharing.agreements.models import Agreement, agreement_flows
from sharing.algorithms.models import Algorithm, AlgorithmFlow, AlgorithmStatus
from sharing.algorithms.public import ALGORITHM_FIELDS, public_record
from sharing.core.pagination import Sort, apply_sort, parse_sort
from sharing.core.query_args import positive_int
from sharing.core.search import contains_text
from sharing.extensions import db
from sharing.flows.models import DataFlow, FlowCategory, FlowStatus, RiskTier
from sharing.vendors.models import Organisation
from sharing.vendors.queries import organisation_menu

STATUS_ORDER = case(
    {status.value: rank for rank, status in enumerate(AlgorithmStatus)}, value=Algorithm.status
)
SORTS: dict[str, Any] = {
    "name": func.lower(Algorithm.name),
    "provider": func.lower(Organisation.legal_name),
    "status": STATUS_ORDER,
    "tested": Algorithm.last_tested_on,
    "updated": Algorithm.updated_at,
    "submitted": Algorithm.submitted_at,
}
DEFAULT_SORT = "-updated"


def _choice(raw: Any, allowed: type) -> str:
    raw = (raw or "").strip()
    return raw if raw in {m.value for m in allowed} else ""


@dataclass(frozen=True)
class AlgorithmFilters:
    q: str = ""
    status: str = ""
    risk_tier: str = ""
    organisation_id: int | None = None
    mine: bool = False  # created or submitted by the signed-in user
    sort: Sort = parse_sort(DEFAULT_SORT, SORTS, DEFAULT_SORT)

    @classmethod
    def from_args(cls, args: Any) -> AlgorithmFilters:
        return cls(
            q=(args.get("q") or "").strip()[:200],
            status=_choice(args.get("status"), AlgorithmStatus),
            risk_tier=_choice(args.get("risk"), RiskTier),
            organisation_id=positive_int(args.get("provider")),
            mine=(args.get("mine") or "") in ("1", "on", "yes", "true"),
            sort=parse_sort(args.get("sort"), SORTS, DEFAULT_SORT),
        )

    def as_args(self) -> dict[str, str]:
        values = {
            "q": self.q,
            "status": self.status,
            "risk": self.risk_tier,
            "provider": str(self.organisation_id or ""),
            "mine": "1" if self.mine else "",
            "sort": self.sort.param if self.sort.param != DEFAULT_SORT else "",
        }
        return {k: v for k, v in values.items() if v}


def algorithms_query(filters: AlgorithmFilters, *, actor: Any = None) -> Select:
    """The records matching the filters, sorted, with their provider loaded (one query)."""
    stmt = (
        select(Algorithm)
        .join(Algorithm.organisation)
        .options(contains_eager(Algorithm.organisation), selectinload(Algorithm.department))
    )
    if filters.q:
        stmt = stmt.where(
            contains_text(
                filters.q,
                Algorithm.name,
                Organisation.legal_name,
                Organisation.common_name,
                Algorithm.purpose,
            )
        )
    if filters.status:
        stmt = stmt.where(Algorithm.status == AlgorithmStatus(filters.status))
    if filters.risk_tier:
        stmt = stmt.where(Algorithm.risk_tier == RiskTier(filters.risk_tier))
    if filters.organisation_id:
        stmt = stmt.where(Algorithm.organisation_id == filters.organisation_id)
    if filters.mine and actor is not None:
        stmt = stmt.where(
            (Algorithm.created_by_id == actor.id) | (Algorithm.submitted_by_id == actor.id)
        )
    return apply_sort(stmt, filters.sort, SORTS, Algorithm.id, nulls_last=True)


def filter_choices(*, organisation_id: int | None = None) -> dict:
    """The provider menu lists only organisations that provide a recorded system."""
    return {"providers": organisation_menu(organisation_id, named_by=Algorithm.organisation_id)}


# A record's flows, agreements and categories ------------------------------------------------


def current_flows(lineages: list[int]) -> list[DataFlow]:
    """For each lineage, the revision in force (approved), or else its latest revision; by
    name. Two queries whatever the number of flows."""
    if not lineages:
        return []
    rows = db.session.scalars(
        select(DataFlow)
        .where(DataFlow.lineage_id.in_(lineages))
        .options(selectinload(DataFlow.categories).selectinload(FlowCategory.category))
        .order_by(DataFlow.lineage_id, DataFlow.revision.desc())
    ).all()
    chosen: dict[int, DataFlow] = {}
    for flow in rows:
        held = chosen.get(flow.lineage_id)
        if held is None or (
            flow.status == FlowStatus.APPROVED and held.status != FlowStatus.APPROVED
        ):
            chosen[flow.lineage_id] = flow
    return sorted(chosen.values(), key=lambda flow: flow.system_name.lower())


def categories_of(flows: list[DataFlow]) -> list[str]:
    """The data the system uses: the union of its flows' categories, derived, never typed."""
    return sorted({fc.category.name for flow in flows for fc in flow.categories})


def agreements_covering(flows: list[DataFlow]) -> list[Agreement]:
    """The agreements that cover any revision of the linked flows, newest first."""
    lineages = [flow.lineage_id for flow in flows]
    if not lineages:
        return []
    covered = (
        select(agreement_flows.c.agreement_id)
        .join(DataFlow, DataFlow.id == agreement_flows.c.flow_id)
        .where(DataFlow.lineage_id.in_(lineages))
    )
    return list(
        db.session.scalars(
            select(Agreement)
            .where(Agreement.id.in_(covered))
            .order_by(Agreement.effective_date.desc().nulls_last(), Agreement.id.desc())
        )
    )


def public_values(algorithm: Algorithm, *, approved_on: date) -> dict[str, Any]:
    """The public record as it would read if approved now: the linked flows' categories and
    lineage numbers, with the record's own values."""
    lineages = sorted(link.flow_lineage_id for link in algorithm.flows)
    return public_record(
        algorithm,
        categories=categories_of(current_flows(lineages)),
        arrangements=lineages,
        approved_on=approved_on,
    )


@dataclass(frozen=True)
class FieldChange:
    """One public field that differs from the approved snapshot, as the reviewer reads it."""

    label: str
    before: Any
    after: Any

    @property
    def sentence(self) -> str:
        if _blank(self.before):
            return f"{self.label} added: {_shown(self.after)}."
        if _blank(self.after):
            return f"{self.label} removed (was {_shown(self.before)})."
        return f"{self.label} changed from {_shown(self.before)} to {_shown(self.after)}."


def changes_since_approval(algorithm: Algorithm, *, today: date) -> list[FieldChange] | None:
    """What the public would read differently if the record were approved now, field by field
    in the declared order; None when the record was never approved. The approval date itself
    is left out: it changes with every approval."""
    if not algorithm.approved_snapshot:
        return None
    now = public_values(algorithm, approved_on=today)
    then = algorithm.approved_snapshot
    return [
        FieldChange(field.label, then.get(field.name), now[field.name])
        for field in ALGORITHM_FIELDS
        if field.name != "approved_on" and then.get(field.name) != now[field.name]
    ]


def _blank(value: Any) -> bool:
    return value in (None, "", [])


def _shown(value: Any) -> str:
    if isinstance(value, list):
        return ", ".join(str(item) for item in value) or "none"
    text = str(value)
    return f"“{text[:197]}…”" if len(text) > 200 else f"“{text}”"


# Flows with automated decisions and no record ---------------------------------------------


def flows_without_record(*, limit: int | None = None) -> list[DataFlow]:
    """Approved flows that make automated decisions about people and whose lineage no
    algorithm record links, by name; the register should describe each such system."""
    linked = exists().where(AlgorithmFlow.flow_lineage_id == DataFlow.lineage_id)
    stmt = (
        select(DataFlow)
        .join(DataFlow.organisation)
        .options(contains_eager(DataFlow.organisation), selectinload(DataFlow.department))
        .where(
            DataFlow.status == FlowStatus.APPROVED,
            DataFlow.automated_decisions.is_(True),
            ~linked,
        )
        .order_by(func.lower(DataFlow.system_name), DataFlow.id)
    )
    if limit is not None:
        stmt = stmt.limit(limit)
    return list(db.session.scalars(stmt))


def provider_flows(organisation_id: int | None) -> list[DataFlow]:
    """The flows a record may link: the current revision of each of the provider's flow
    lineages (retired and superseded revisions left out), those with automated decisions
    first, then by name."""
    if not organisation_id:
        return []
    rows = db.session.scalars(
        select(DataFlow)
        .where(
            DataFlow.organisation_id == organisation_id,
            DataFlow.status.notin_((FlowStatus.SUPERSEDED,)),
        )
        .order_by(DataFlow.lineage_id, DataFlow.revision.desc())
    ).all()
    latest: dict[int, DataFlow] = {}
    for flow in rows:
        latest.setdefault(flow.lineage_id, flow)
    return sorted(
        latest.values(), key=lambda flow: (not flow.automated_decisions, flow.system_name.lower())
    )


# Waiting lists ----------------------------------------------------------------------------


def awaiting_review() -> Select:
    """Submitted records, the oldest first: waiting for the privacy office."""
    filters = AlgorithmFilters(
        status=AlgorithmStatus.SUBMITTED.value, sort=parse_sort("submitted", SORTS, "submitted")
    )
    return algorithms_query(filters)


def returned_to(user: Any) -> Select:
    """Records returned for changes to the person who created or submitted them."""
    filters = AlgorithmFilters(
        status=AlgorithmStatus.CHANGES_REQUESTED.value,
        mine=True,
        sort=parse_sort("updated", SORTS, "updated"),
    )
    return algorithms_query(filters, actor=user)

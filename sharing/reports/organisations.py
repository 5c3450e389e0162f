"""The organisation list and page as staff see them, with what other packages hold about each
organisation: the list's search, filters, sort, flow count, highest risk and agreement in force
(shared by the list page and its export), and the portal users, flows, agreements, attestation
requests and incidents the page shows. The pages are vendors/views.py; reading organisations
and contacts alone is vendors/queries.py."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, case, exists, func, select
from sqlalchemy.orm import selectinload, with_expression

from sharing.agreements.models import Agreement, AgreementStatus
from sharing.attestations.models import AttestationRequest
from sharing.auth.models import Department, User
from sharing.core.pagination import apply_sort, parse_sort
from sharing.core.query_args import positive_int
from sharing.core.roles import Role
from sharing.disclosures.models import Incident
from sharing.extensions import db
from sharing.flows.models import DataFlow, FlowStatus, RiskTier
from sharing.vendors.models import (
    RISK_ORDER,
    Organisation,
    OrganisationKind,
    OrganisationStatus,
)
from sharing.vendors.queries import search_clause

# Flows counted on the list: every current revision (superseded ones are history).
LISTED_FLOW = DataFlow.status != FlowStatus.SUPERSEDED
# Flows whose risk counts: current and not retired.
RISKY_FLOW = DataFlow.status.not_in((FlowStatus.SUPERSEDED, FlowStatus.RETIRED))
AGREEMENT_CHOICES = {"active": "Has an agreement in force", "none": "No agreement in force"}
DEFAULT_SORT = "name"

_RANK = case(
    *((DataFlow.risk_tier == tier, rank) for rank, tier in enumerate(RISK_ORDER, 1)),
    else_=None,
)
FLOW_COUNT = (
    select(func.count(func.distinct(func.coalesce(DataFlow.lineage_id, DataFlow.id))))
    .where(DataFlow.organisation_id == Organisation.id, LISTED_FLOW)
    .correlate(Organisation)
    .scalar_subquery()
)
RISK_RANK = (
    select(func.max(_RANK))
    .where(DataFlow.organisation_id == Organisation.id, RISKY_FLOW)
    .correlate(Organisation)
    .scalar_subquery()
)

SORTS: dict[str, Any] = {
    "name": Organisation.legal_name,
    "kind": Organisation.kind,
    "status": Organisation.status,
    "country": Organisation.country,
    "flows": FLOW_COUNT,
    "risk": func.coalesce(RISK_RANK, 0),
    "updated": Organisation.updated_at,
}


def _choice(raw: str | None, allowed) -> str:
    value = (raw or "").strip()
    return value if value in allowed else ""


@dataclass(frozen=True)
class OrganisationFilters:
    q: str = ""
    kind: str = ""
    status: str = ""
    department: int | None = None
    risk: str = ""
    agreement: str = ""
    sort: str = DEFAULT_SORT

    @classmethod
    def from_args(cls, args) -> OrganisationFilters:
        """Read the list's query string; unknown values are ignored rather than refused."""
        sort = parse_sort(args.get("sort"), SORTS, DEFAULT_SORT)
        return cls(
            q=(args.get("q") or "").strip()[:200],
            kind=_choice(args.get("kind"), {k.value for k in OrganisationKind}),
            status=_choice(args.get("status"), {s.value for s in OrganisationStatus}),
            department=positive_int(args.get("department")),
            risk=_choice(args.get("risk"), RISK_ORDER),
            agreement=_choice(args.get("agreement"), AGREEMENT_CHOICES),
            sort=sort.param,
        )

    @property
    def narrowed(self) -> bool:
        """Whether any filter or search (not just a sort order) is applied."""
        return bool(set(self.as_args()) - {"sort"})

    def as_args(self) -> dict[str, str]:
        """The filters as query arguments (for export links), without empty ones."""
        values = {
            "q": self.q,
            "kind": self.kind,
            "status": self.status,
            "department": str(self.department) if self.department else "",
            "risk": self.risk,
            "agreement": self.agreement,
            "sort": self.sort if self.sort != DEFAULT_SORT else "",
        }
        return {k: v for k, v in values.items() if v}


def organisations_query(filters: OrganisationFilters, *, viewer=None) -> Select:
    """Organisations matching the filters, sorted; each carries flow_count and risk_rank.

    A vendor `viewer` only ever sees their own organisation.
    """
    stmt = select(Organisation).options(
        with_expression(Organisation.flow_count, FLOW_COUNT),
        with_expression(Organisation.risk_rank, RISK_RANK),
    )
    if viewer is not None and getattr(viewer.role, "value", viewer.role) == Role.VENDOR.value:
        stmt = stmt.where(Organisation.id == viewer.organisation_id)
    if filters.q:
        stmt = stmt.where(search_clause(filters.q))
    if filters.kind:
        stmt = stmt.where(Organisation.kind == OrganisationKind(filters.kind))
    if filters.status:
        stmt = stmt.where(Organisation.status == OrganisationStatus(filters.status))
    if filters.department:
        stmt = stmt.where(
            exists().where(
                DataFlow.organisation_id == Organisation.id,
                DataFlow.department_id == filters.department,
                LISTED_FLOW,
            )
        )
    if filters.risk:
        rank = RISK_ORDER.index(filters.risk) + 1
        stmt = stmt.where(RISK_RANK == rank)  # noqa: SIM300 - RISK_RANK is a SQL expression
    if filters.agreement:
        in_force = exists().where(
            Agreement.organisation_id == Organisation.id,
            Agreement.status.in_(AgreementStatus.IN_FORCE),
        )
        stmt = stmt.where(in_force if filters.agreement == "active" else ~in_force)
    sort = parse_sort(filters.sort, SORTS, DEFAULT_SORT)
    stmt = apply_sort(stmt, sort, SORTS, Organisation.id)
    # Objects already in the session would otherwise keep flow_count and risk_rank unset.
    return stmt.execution_options(populate_existing=True)


# The list's filter menus ------------------------------------------------------------


def departments() -> list[Department]:
    return list(db.session.scalars(select(Department).order_by(Department.name)))


def risk_tiers() -> list[RiskTier]:
    return list(RiskTier)


# The organisation page -----------------------------------------------------------------


def portal_users(organisation: Organisation) -> list[User]:
    stmt = select(User).where(User.role == Role.VENDOR, User.organisation_id == organisation.id)
    return list(db.session.scalars(stmt.order_by(User.name, User.id)))


def current_flows(organisation: Organisation) -> list[DataFlow]:
    stmt = (
        select(DataFlow)
        .where(DataFlow.organisation_id == organisation.id, LISTED_FLOW)
        .options(selectinload(DataFlow.department))
        .order_by(DataFlow.system_name, DataFlow.revision)
    )
    return list(db.session.scalars(stmt))


def agreements(organisation: Organisation) -> list[Agreement]:
    stmt = select(Agreement).where(Agreement.organisation_id == organisation.id)
    return list(db.session.scalars(stmt.order_by(Agreement.effective_date.desc(), Agreement.id)))


def attestations(organisation: Organisation) -> list[AttestationRequest]:
    stmt = (
        select(AttestationRequest)
        .where(AttestationRequest.organisation_id == organisation.id)
        .options(selectinload(AttestationRequest.agreement))
        .order_by(AttestationRequest.due_date.desc(), AttestationRequest.id)
    )
    return list(db.session.scalars(stmt))


def incidents(organisation: Organisation) -> list[Incident]:
    stmt = select(Incident).where(Incident.organisation_id == organisation.id)
    return list(db.session.scalars(stmt.order_by(Incident.reported_at.desc(), Incident.id)))

"""The flows an agreement covers, read as typed records of what the obligation rules and
Exhibit A read (not ORM objects: at a thousand flows, building and tracking ORM objects would
be most of the cost of a generation)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, fields
from typing import Any

from sqlalchemy import select

from sharing.agreements.models import Agreement, agreement_flows
from sharing.auth.models import Department
from sharing.extensions import db
from sharing.flows.models import (
    DataCategory,
    DataFlow,
    FlowCategory,
    FlowStatus,
    Sensitivity,
    TransferMethod,
)
from sharing.vendors.models import Organisation, OrganisationKind


@dataclass(frozen=True)
class CoveredCategory:
    """A data category a covered flow shares: its name, sensitivity and special flags
    (DataCategory.SPECIAL_FLAGS, which the rules read by name)."""

    name: str
    sensitivity: Sensitivity
    is_minors: bool
    is_health: bool
    is_biometric: bool
    is_precise_location: bool
    is_licence_plate: bool
    is_ssn: bool
    is_financial: bool
    is_criminal_justice: bool


@dataclass(frozen=True)
class CategoryLink:
    """A flow's link to a category, shaped like FlowCategory (`link.category`)."""

    category: CoveredCategory
    justification: str = ""


@dataclass(frozen=True)
class DepartmentName:
    """A covered flow's department, shaped like Department for what Exhibit A reads."""

    name: str


@dataclass(frozen=True)
class CoveredFlow:
    """A covered flow: the fields the rules (obligations.rules.FLOW_FIELDS among them) and
    Exhibit A (context.flow_context) read, its department and its category links."""

    id: int
    lineage_id: int | None
    system_name: str
    status: FlowStatus
    revision: int
    purposes: str
    retention_days: int | None
    disposal_method: str
    storage_location: str
    storage_country: str
    subprocessors: list[dict[str, Any]]
    automated_decisions: bool
    includes_minors: bool
    includes_vulnerable: bool
    notice_given: bool
    legal_authority: str
    data_subjects: str
    automated_decision_description: str
    human_oversight: str
    transfer_method: TransferMethod
    estimated_records: int | None
    organisation_kind: OrganisationKind | None = None
    department: DepartmentName | None = None
    categories: tuple[CategoryLink, ...] = ()


# The columns read for each record: its fields, less the three read from other tables.
FLOW_FACTS = tuple(
    f.name
    for f in fields(CoveredFlow)
    if f.name not in ("organisation_kind", "department", "categories")
)
CATEGORY_FACTS = tuple(f.name for f in fields(CoveredCategory))


def covered_flows(agreement: Agreement) -> list[CoveredFlow]:
    """The agreement's flows as CoveredFlow records, in two statements."""
    covered = agreement_flows.c.agreement_id == agreement.id
    connection = db.session.connection()
    flow_rows = connection.execute(
        select(
            *(getattr(DataFlow, name) for name in FLOW_FACTS), Organisation.kind, Department.name
        )
        .join(agreement_flows, agreement_flows.c.flow_id == DataFlow.id)
        .join(Organisation, Organisation.id == DataFlow.organisation_id)
        .outerjoin(Department, Department.id == DataFlow.department_id)
        .where(covered)
    ).all()
    category_rows = connection.execute(
        select(
            FlowCategory.flow_id,
            FlowCategory.justification,
            *(getattr(DataCategory, name) for name in CATEGORY_FACTS),
        )
        .join(DataCategory, DataCategory.id == FlowCategory.category_id)
        .join(agreement_flows, agreement_flows.c.flow_id == FlowCategory.flow_id)
        .where(covered)
    )
    links: dict[int, list[CategoryLink]] = defaultdict(list)
    for flow_id, justification, *values in category_rows:
        category = CoveredCategory(**dict(zip(CATEGORY_FACTS, values, strict=True)))
        links[flow_id].append(CategoryLink(category, justification or ""))
    flows = []
    for *values, kind, department in flow_rows:
        facts = dict(zip(FLOW_FACTS, values, strict=True))
        flows.append(
            CoveredFlow(
                **facts,
                organisation_kind=kind,
                department=DepartmentName(department) if department is not None else None,
                categories=tuple(links[facts["id"]]),
            )
        )
    return flows


def covered_flow_of(flow: DataFlow) -> CoveredFlow:
    """One flow, loaded already, as the record the rules and conflict checks read: for a flow
    not (yet) covered by any agreement, such as one a department asks to adopt an offer for."""
    links = tuple(
        CategoryLink(
            CoveredCategory(**{name: getattr(link.category, name) for name in CATEGORY_FACTS}),
            link.justification or "",
        )
        for link in flow.categories
    )
    return CoveredFlow(
        **{name: getattr(flow, name) for name in FLOW_FACTS},
        organisation_kind=flow.organisation.kind if flow.organisation else None,
        department=DepartmentName(flow.department.name) if flow.department else None,
        categories=links,
    )

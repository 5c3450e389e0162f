"""What an attestation covers when its agreement has been adopted: the base agreement's own
flows and its adoptions' flows, each with its department. An adoption gets no attestation
of its own (the schedule and the request form skip it); its flows are attested under its
base, and its page shows the base's latest attestation."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import ColumnElement, exists, select

from sharing.agreements.models import (
    Agreement,
    AgreementStatus,
    agreement_adoptions,
    agreement_flows,
)
from sharing.attestations.models import AttestationRequest
from sharing.auth.models import Department
from sharing.extensions import db
from sharing.flows.models import DataFlow


@dataclass(frozen=True)
class CoveredFlow:
    flow_id: int
    system_name: str
    department: str
    adoption_number: str | None  # None: the agreement's own flow


def is_adoption() -> ColumnElement[bool]:
    """The agreement adopts another's terms (it has a row in agreement_adoptions)."""
    return exists().where(agreement_adoptions.c.agreement_id == Agreement.id)


def attested_flows(agreement: Agreement) -> list[CoveredFlow]:
    """The agreement's own flows, then the flows of its adoptions that are signed and not
    ended, by department and name: two statements."""
    own = db.session.execute(
        select(DataFlow.id, DataFlow.system_name, Department.name)
        .join(agreement_flows, agreement_flows.c.flow_id == DataFlow.id)
        .outerjoin(Department, Department.id == DataFlow.department_id)
        .where(agreement_flows.c.agreement_id == agreement.id)
        .order_by(DataFlow.system_name, DataFlow.id)
    )
    adopted = db.session.execute(
        select(DataFlow.id, DataFlow.system_name, Department.name, Agreement.number)
        .join(agreement_flows, agreement_flows.c.flow_id == DataFlow.id)
        .join(Agreement, Agreement.id == agreement_flows.c.agreement_id)
        .join(agreement_adoptions, agreement_adoptions.c.agreement_id == Agreement.id)
        .outerjoin(Department, Department.id == DataFlow.department_id)
        .where(
            agreement_adoptions.c.base_id == agreement.id,
            Agreement.status.in_(AgreementStatus.RENEWABLE),
            # An adoption is with the base's vendor; the vendor's page never shows another's.
            Agreement.organisation_id == agreement.organisation_id,
        )
        .order_by(Department.name, DataFlow.system_name, DataFlow.id)
    )
    return [CoveredFlow(i, name, dept or "", None) for i, name, dept in own] + [
        CoveredFlow(i, name, dept or "", number) for i, name, dept, number in adopted
    ]


def attested_under(agreement: Agreement) -> tuple[Agreement, AttestationRequest | None] | None:
    """For an adoption, its base and the base's latest attestation request (None when the base
    has none yet); None for an agreement that adopts nothing."""
    base = agreement.adopts
    if base is None:
        return None
    latest = db.session.scalar(
        select(AttestationRequest)
        .where(AttestationRequest.agreement_id == base.id)
        .order_by(AttestationRequest.due_date.desc(), AttestationRequest.id.desc())
        .limit(1)
    )
    return base, latest

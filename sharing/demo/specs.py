"""The shapes of the demo data entries: one flow, one agreement, one attestation request."""

from __future__ import annotations

from typing import NamedTuple

from sharing.agreements.models import AgreementStatus
from sharing.attestations.models import AttestationStatus
from sharing.flows.models import FlowStatus


class FlowSpec(NamedTuple):
    """One demo data flow. `revised` adds a superseded revision 1 before this one."""

    org: str
    department: str
    system: str
    status: FlowStatus
    purpose: str
    subjects: str
    categories: tuple[str, ...]
    minors: bool = False
    vulnerable: bool = False
    automated: str = ""
    oversight: str = ""
    revised: bool = False
    # The last category is left without a justification, for reviewers to flag.
    unjustified: bool = False
    retention_days: int | None = None


class AgreementSpec(NamedTuple):
    """One demo agreement with an organisation, covering all its approved flows.
    `parameters` change the policy's defaults; `accepted` gives, by conflict check name, the
    privacy office's reason for accepting each conflict that check raises on the agreement."""

    org: str
    status: AgreementStatus
    breach_notice_hours: int = 72
    parameters: tuple[tuple[str, int], ...] = ()
    accepted: tuple[tuple[str, str], ...] = ()


class AttestationSpec(NamedTuple):
    """One attestation request on the agreement keyed by `org`, due `due_in_days` from today."""

    org: str
    status: AttestationStatus
    due_in_days: int


# Short names for the statuses, used by the flow data tables.
DRAFT = FlowStatus.DRAFT
SUBMITTED = FlowStatus.SUBMITTED
IN_REVIEW = FlowStatus.IN_REVIEW
CHANGES = FlowStatus.CHANGES_REQUESTED
APPROVED = FlowStatus.APPROVED
RETIRED = FlowStatus.RETIRED

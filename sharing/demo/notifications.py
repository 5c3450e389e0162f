"""The notifications a fresh demo opens with: the handoffs its data implies, made by the
same notices the workflow steps call, so each demo person's bell and inbox show real items
(and the outbox holds the mail of those who chose immediate mail)."""

from __future__ import annotations

from sqlalchemy import func, select

from sharing.attestations import notices as attestation_notices
from sharing.attestations.models import AttestationRequest, AttestationStatus
from sharing.auth.recipients import Directory
from sharing.core.roles import Role
from sharing.demo.context import DemoContext
from sharing.disclosures import notices as incident_notices
from sharing.disclosures.models import Incident, IncidentStatus
from sharing.extensions import db
from sharing.flows import notices as flow_notices
from sharing.flows.models import DataFlow, FlowStatus
from sharing.inbox.models import InboxItem

RETURN_COMMENT = "Say how long the records are kept, and why that long."


def build_notifications(ctx: DemoContext) -> None:
    """For the privacy office: the flows waiting for review, the attestations submitted and
    the incidents just reported. For procurement: its flows returned for changes. For the
    vendors: attestations returned with questions, and the demo vendor's requests to answer."""
    db.session.flush()
    procurement, privacy = ctx.users[Role.PROCUREMENT], ctx.users[Role.PRIVACY]
    vendor = ctx.users[Role.VENDOR]
    for flow in _flows(FlowStatus.SUBMITTED):
        flow_notices.notify_step(flow, "submit", "", actor=procurement)
    for flow in _flows(FlowStatus.CHANGES_REQUESTED):
        flow_notices.notify_step(flow, "request_changes", RETURN_COMMENT, actor=privacy)
    for request in _requests(AttestationStatus.SUBMITTED):
        attestation_notices.notify_submitted(request, actor=vendor)
    for request in _requests(AttestationStatus.RETURNED):
        attestation_notices.mail_returned(request, submitter_id=None)
    # The demo vendor's own open requests, so its portal opens with something to act on.
    own = _requests(AttestationStatus.PENDING, organisation_id=vendor.organisation_id)
    directory = Directory.load([vendor.organisation_id])
    for request in own:
        attestation_notices.mail_requested(request, directory)
    incidents = db.session.scalars(
        select(Incident).where(Incident.status == IncidentStatus.REPORTED).order_by(Incident.id)
    )
    for incident in incidents:
        incident_notices.incident_reported(incident, incident.organisation, actor=None)
    db.session.flush()
    ctx.count("notifications", db.session.scalar(select(func.count(InboxItem.id))) or 0)


def _flows(status: FlowStatus) -> list[DataFlow]:
    return list(
        db.session.scalars(
            select(DataFlow).where(DataFlow.status == status).order_by(DataFlow.id).limit(3)
        )
    )


def _requests(
    status: AttestationStatus, *, organisation_id: int | None = None
) -> list[AttestationRequest]:
    stmt = select(AttestationRequest).where(AttestationRequest.status == status)
    if organisation_id is not None:
        stmt = stmt.where(AttestationRequest.organisation_id == organisation_id)
    return list(db.session.scalars(stmt.order_by(AttestationRequest.id).limit(3)))

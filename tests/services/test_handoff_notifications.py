"""Each handoff notifies the people who act next, and nobody else: not another organization's
vendor users, not inactive users, not the person who took the step."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import select

from sharing.agreements import lifecycle
from sharing.agreements.models import AgreementStatus
from sharing.attestations.answers import review_attestation, save_answers, submit_attestation
from sharing.attestations.models import AnswerReview, AnswerValue, AttestationStatus
from sharing.attestations.services import request_attestation
from sharing.auth import invitations
from sharing.auth.models import User
from sharing.core.clock import now, today
from sharing.disclosures import services as incidents
from sharing.disclosures.models import IncidentStatus
from sharing.disclosures.workflow import step_incident
from sharing.extensions import db
from sharing.flows.workflow import transition_flow
from sharing.inbox.models import InboxItem
from sharing.mail.models import Notification
from tests.factories import make_organisation, make_user
from tests.web.tables.agreement_lifecycle import SAMPLE_PDF, make_agreement
from tests.web.tables.attestations import make_agreement_in_force, make_request
from tests.web.tables.flows import make_ready_flow
from tests.web.tables.portal import make_incident


@dataclass
class Cast:
    vendor: User  # active vendor user of the organisation concerned
    colleague: User  # another active vendor user of the same organisation
    outsider: User  # a vendor user of another organisation
    privacy: User
    privacy_too: User
    procurement: User  # creates and owns things
    bystander: User  # procurement, unrelated


@pytest.fixture
def cast(db) -> Cast:
    org = make_organisation()
    people = Cast(
        vendor=make_user("vendor", organisation_id=org.id),
        colleague=make_user("vendor", organisation_id=org.id),
        outsider=make_user("vendor"),
        privacy=make_user("privacy"),
        privacy_too=make_user("privacy"),
        procurement=make_user("procurement"),
        bystander=make_user("procurement"),
    )
    make_user("vendor", organisation_id=org.id, active=False)
    make_user("privacy", active=False)
    return people


def told(kind: str) -> set[int]:
    return set(db.session.scalars(select(InboxItem.user_id).where(InboxItem.kind == kind)))


def ids(*users: User) -> set[int]:
    return {user.id for user in users}


# Flows ---------------------------------------------------------------------------------


def _flow_through(cast: Cast, *actions: str):
    flow = make_ready_flow(cast.procurement)
    for action in actions:
        actor = cast.procurement if action == "submit" else cast.privacy
        comment = "Narrow the categories." if action == "request_changes" else ""
        transition_flow(
            actor=actor, flow=flow, action=action, comment=comment, expected_version=None
        )
    return flow


def test_a_submitted_flow_reaches_every_active_privacy_officer(cast):
    """Flow submitted → the privacy office; nobody in procurement or at a vendor."""
    flow = _flow_through(cast, "submit")
    assert told("flow.submit") == ids(cast.privacy, cast.privacy_too)
    item = db.session.scalar(select(InboxItem).where(InboxItem.user_id == cast.privacy.id))
    assert item.link == f"/flows/{flow.id}" and flow.system_name in item.title


@pytest.mark.parametrize("decision", ["request_changes", "approve"])
def test_a_decision_reaches_the_submitter_and_owner_in_any_department(cast, decision):
    """Returned or approved → the flow's submitter and creator, whatever their department."""
    submitter = make_user("procurement")
    flow = make_ready_flow(cast.procurement)
    transition_flow(actor=submitter, flow=flow, action="submit", expected_version=None)
    transition_flow(actor=cast.privacy, flow=flow, action="start_review", expected_version=None)
    comment = "Narrow the categories." if decision == "request_changes" else ""
    transition_flow(
        actor=cast.privacy, flow=flow, action=decision, comment=comment, expected_version=None
    )
    assert told(f"flow.{decision}") == ids(cast.procurement, submitter)


def test_a_flow_decision_mails_each_person_once(cast):
    """The inbox item's mail replaces the old per-event mail: one message per person."""
    _flow_through(cast, "submit", "start_review", "approve")
    messages = db.session.scalars(
        select(Notification.recipient).where(Notification.kind == "flow.approve")
    ).all()
    assert messages == [cast.procurement.email]


# Attestations --------------------------------------------------------------------------


def test_an_attestation_request_reaches_the_organisations_vendor_users_only(cast):
    """Requested → the organisation's active vendor users, no other organisation's."""
    agreement = make_agreement_in_force(cast.vendor.organisation_id)
    request_attestation(
        actor=cast.privacy,
        agreement=agreement,
        due_date=today() + timedelta(days=30),
        today=today(),
    )
    assert told("attestation.requested") == ids(cast.vendor, cast.colleague)


def _submitted(cast: Cast):
    request = make_request(cast.vendor.organisation_id, AttestationStatus.PENDING)
    save_answers(
        actor=cast.vendor,
        request=request,
        answers={q["code"]: (AnswerValue.YES, "") for q in request.questionnaire},
        expected_version=request.version,
        now=now(),
    )
    submit_attestation(
        actor=cast.vendor,
        request=request,
        signer_name="Ada Signer",
        signer_title="CISO",
        attested=True,
        expected_version=request.version,
        now=now(),
    )
    return request


def test_a_submitted_attestation_reaches_the_privacy_office(cast):
    """Submission used to send nothing; now every active privacy officer hears of it."""
    request = _submitted(cast)
    assert told("attestation.submitted") == ids(cast.privacy, cast.privacy_too)
    mailed = set(
        db.session.scalars(
            select(Notification.recipient).where(Notification.kind == "attestation.submitted")
        )
    )
    assert mailed == {cast.privacy.email, cast.privacy_too.email}
    assert request.status == AttestationStatus.SUBMITTED


@pytest.mark.parametrize("decision", [AnswerReview.RETURNED, AnswerReview.ACCEPTED])
def test_a_review_reaches_the_organisations_vendor_users(cast, decision):
    """Returned or accepted → the organisation's active vendor users."""
    request = _submitted(cast)
    note = "Attach the report." if decision == AnswerReview.RETURNED else ""
    review_attestation(
        actor=cast.privacy,
        request=request,
        decisions={q["code"]: (decision, note) for q in request.questionnaire},
        comment="",
        expected_version=request.version,
        now=now(),
    )
    kind = "attestation.returned" if decision == AnswerReview.RETURNED else "attestation.accepted"
    assert told(kind) == ids(cast.vendor, cast.colleague)


# Incidents -----------------------------------------------------------------------------


def test_an_incident_reported_by_the_vendor_reaches_the_privacy_office(cast):
    """Reported → every active privacy officer, linked to the staff incident page."""
    incident = incidents.report_incident(
        actor=cast.vendor,
        organisation_id=cast.vendor.organisation_id,
        title="Misdirected email",
        description="A record went to the wrong customer.",
        discovered_at=now() - timedelta(hours=3),
        affected_individuals=1,
        containment="",
        agreement_id=None,
        now=now(),
    )
    assert told("incident.reported") == ids(cast.privacy, cast.privacy_too)
    item = db.session.scalar(select(InboxItem).where(InboxItem.user_id == cast.privacy.id))
    assert item.link == f"/disclosures/incidents/{incident.id}"


def test_a_status_change_by_the_office_reaches_the_vendor_users(cast):
    """A step by the office → the organisation's vendor users, linked to the portal."""
    incident = make_incident(cast.vendor.organisation_id, status=IncidentStatus.REPORTED)
    step_incident(
        actor=cast.privacy,
        incident=incident,
        step="investigating",
        expected_version=incident.version,
        now=now(),
    )
    assert told("incident.investigating") == ids(cast.vendor, cast.colleague)
    item = db.session.scalar(select(InboxItem).where(InboxItem.user_id == cast.vendor.id))
    assert item.link == f"/portal/incidents/{incident.id}"


# Agreements ----------------------------------------------------------------------------


def test_an_agreement_sent_for_signature_reaches_the_vendor_users(cast):
    """Sent for signature → the chosen signer is asked; the organisation's other active vendor
    users learn who signs; nobody else hears."""
    from sharing.signing.services import send_for_signature
    from tests.web.tables.signing import one_page_pdf

    agreement = make_agreement(
        AgreementStatus.GENERATED,
        organisation_id=cast.vendor.organisation_id,
        created_by_id=cast.procurement.id,
        generated_sha256="0" * 64,
    )
    cast.vendor.may_sign = True
    send_for_signature(
        actor=cast.privacy,
        agreement=agreement,
        pdf=one_page_pdf(),
        signer=cast.vendor,
        now=now(),
        today=today(),
        expected_version=agreement.version,
    )
    assert told("signature.requested") == ids(cast.vendor)
    assert told("signature.requested_of_other") == ids(cast.colleague)


def test_a_signed_then_active_agreement_reaches_the_office_and_its_owner(cast):
    """Signed, then in force → the privacy office and the agreement's creator."""
    agreement = make_agreement(
        AgreementStatus.SENT_FOR_SIGNATURE,
        organisation_id=cast.vendor.organisation_id,
        created_by_id=cast.procurement.id,
        effective_date=date(2026, 1, 5),
    )
    signed = date(2026, 1, 5)
    lifecycle.record_execution(
        actor=cast.bystander,
        agreement=agreement,
        signed_pdf=SAMPLE_PDF,
        original_name="signed.pdf",
        signed_on=signed,
        today=date(2026, 1, 6),
        expected_version=agreement.version,
    )
    assert told("agreement.executed") == ids(cast.privacy, cast.privacy_too, cast.procurement)
    lifecycle.transition_agreement(
        actor=cast.privacy,
        agreement=agreement,
        action="activate",
        today=date(2026, 1, 6),
        expected_version=agreement.version,
    )
    assert told("agreement.activated") == ids(cast.privacy_too, cast.procurement)


# Invitations ---------------------------------------------------------------------------


def test_an_accepted_invitation_reaches_the_inviter_only(cast):
    """Accepted → the person who sent the invitation."""
    moment = datetime(2026, 11, 20, 12, tzinfo=UTC)
    invitation, token = invitations.invite(
        actor=cast.procurement,
        email="new.vendor@example.org",
        name="Nia New",
        role="vendor",
        organisation_id=cast.vendor.organisation_id,
        department_id=None,
        now=moment,
    )
    invitations.accept(token=token, name="Nia New", password="a long passphrase 42", now=moment)
    assert told("invitation.accepted") == ids(cast.procurement)

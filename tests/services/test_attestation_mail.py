"""Mail about attestation requests: queued with the request, and when questions are returned."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from sharing.attestations.answers import review_attestation
from sharing.attestations.models import AnswerReview, AttestationStatus
from sharing.attestations.services import request_attestation
from sharing.core.clock import now, today
from sharing.mail.models import Notification
from tests.factories import make_user
from tests.services.reminder_setup import make_world
from tests.web.tables.attestations import make_agreement_in_force, make_request


def _mail(db, kind: str) -> dict[str, Notification]:
    rows = db.session.scalars(select(Notification).where(Notification.kind == kind))
    return {row.recipient: row for row in rows}


def test_a_new_request_mails_privacy_contacts_and_vendor_users_once(db):
    """Requesting an attestation queues one message to each privacy contact and active vendor
    user of the organisation, keyed attestation:<id>:requested, in the same commit."""
    world = make_world()
    agreement = make_agreement_in_force(world.organisation.id)
    office = make_user("privacy")

    request = request_attestation(
        actor=office, agreement=agreement, due_date=today() + timedelta(days=30), today=today()
    )

    sent = _mail(db, "attestation.requested")
    assert sorted(sent) == sorted([world.privacy_contact, world.vendor_user])
    message = sent[world.vendor_user]
    assert message.dedupe_key == f"attestation:{request.id}:requested:{world.vendor_user}"
    assert f"/attestations/{request.id}" in message.body
    assert agreement.number in message.subject


def test_returning_questions_mails_vendor_users_and_the_submitter(db):
    """Returned answers queue a message to the organisation's vendor users and the submitter."""
    world = make_world()
    submitter = make_user("vendor", organisation_id=world.organisation.id)
    request = make_request(
        world.organisation.id, AttestationStatus.SUBMITTED, submitted_by_id=submitter.id
    )
    decisions = {
        q["code"]: (AnswerReview.RETURNED, "Please attach the SOC 2 report.")
        for q in request.questionnaire
    }

    review_attestation(
        actor=make_user("privacy"),
        request=request,
        decisions=decisions,
        comment="",
        expected_version=request.version,
        now=now(),
    )

    sent = _mail(db, "attestation.returned")
    assert sorted(sent) == sorted([world.vendor_user, submitter.email])
    assert sent[submitter.email].dedupe_key.startswith(f"attestation:{request.id}:returned:1:")
    assert world.privacy_contact not in sent

"""Follow-ups: accepting an answer of "no" opens one, accepting "yes" or returning opens none,
a later round never opens a second for the same question, and closing is audited once."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from sharing.attestations.answers import accept_remaining, review_attestation, save_answers
from sharing.attestations.answers import submit_attestation as submit
from sharing.attestations.follow_ups import close_follow_up
from sharing.attestations.models import (
    AnswerReview,
    AnswerValue,
    AttestationFollowUp,
    AttestationStatus,
    FollowUpStatus,
)
from sharing.audit.models import AuditEvent
from sharing.errors import Conflict, ValidationFailed
from tests.factories import make_user
from tests.web.tables.attestations import make_request

S = AttestationStatus
NOW = datetime(2026, 9, 1, 9, 0, tzinfo=UTC)
ACCEPT, RETURN = AnswerReview.ACCEPTED, AnswerReview.RETURNED


def _submitted(answers: dict[str, tuple[AnswerValue, str]]):
    request = make_request(status=S.PENDING)
    vendor = make_user("vendor", organisation_id=request.organisation_id)
    save_answers(actor=vendor, request=request, answers=answers, expected_version=None, now=NOW)
    submit(
        actor=vendor,
        request=request,
        signer_name="Ada",
        signer_title="CISO",
        attested=True,
        expected_version=None,
        now=NOW,
    )
    return vendor, request


def _review(officer, request, decisions):
    return review_attestation(
        actor=officer,
        request=request,
        decisions=decisions,
        comment="",
        expected_version=None,
        now=NOW,
    )


def _items(db) -> list[tuple[str, FollowUpStatus]]:
    rows = db.session.scalars(select(AttestationFollowUp).order_by(AttestationFollowUp.id))
    return [(row.obligation_code, row.status) for row in rows]


ANSWERS = {
    "PUR-1": (AnswerValue.YES, ""),
    "SEC-1": (AnswerValue.NO, "Multi-factor sign-in reaches staff in May"),
    "BRN-1": (AnswerValue.NOT_APPLICABLE, "No incidents can reach us"),
}


def test_accepting_a_no_opens_a_follow_up_and_yes_or_not_applicable_do_not(db):
    """Only SEC-1, answered no, gets an item; its text carries the title and the explanation."""
    _, request = _submitted(ANSWERS)
    officer = make_user("privacy")
    _review(officer, request, {code: (ACCEPT, "") for code in ANSWERS})
    assert _items(db) == [("SEC-1", FollowUpStatus.OPEN)]
    item = db.session.scalar(select(AttestationFollowUp))
    assert "Keep the data safe" in item.text and "reaches staff in May" in item.text
    assert item.created_by_id == officer.id


def test_a_returned_no_opens_nothing_until_its_new_answer_is_accepted(db):
    """Returned in round 1, answered no again in round 2 and accepted: one item, then."""
    vendor, request = _submitted(ANSWERS)
    officer = make_user("privacy")
    decisions = {code: (ACCEPT, "") for code in ANSWERS}
    decisions["SEC-1"] = (RETURN, "When in May?")
    _review(officer, request, decisions)
    assert _items(db) == []
    answers = {"SEC-1": (AnswerValue.NO, "By 15 May")}
    save_answers(actor=vendor, request=request, answers=answers, expected_version=None, now=NOW)
    submit(
        actor=vendor,
        request=request,
        signer_name="Ada",
        signer_title="CISO",
        attested=True,
        expected_version=None,
        now=NOW,
    )
    _review(officer, request, {"SEC-1": (ACCEPT, "")})
    assert _items(db) == [("SEC-1", FollowUpStatus.OPEN)]
    assert "By 15 May" in db.session.scalar(select(AttestationFollowUp.text))


def test_accept_remaining_fills_only_the_undecided_answers():
    """Decisions already made stay; the rest become accepted, and are named."""
    filled, accepted = accept_remaining(
        {"SEC-1": (RETURN, "Attach it"), "PUR-1": (None, "")}, ["PUR-1", "SEC-1", "BRN-1"]
    )
    assert filled == {
        "SEC-1": (RETURN, "Attach it"),
        "PUR-1": (ACCEPT, ""),
        "BRN-1": (ACCEPT, ""),
    }
    assert accepted == ["PUR-1", "BRN-1"]


def test_closing_needs_a_note_records_who_and_when_and_is_audited(db):
    """A blank note is refused; a closed item cannot be closed twice."""
    _, request = _submitted(ANSWERS)
    officer = make_user("privacy")
    _review(officer, request, {code: (ACCEPT, "") for code in ANSWERS})
    item = db.session.scalar(select(AttestationFollowUp))
    with pytest.raises(ValidationFailed):
        close_follow_up(actor=officer, follow_up=item, note="  ", now=NOW)
    close_follow_up(actor=officer, follow_up=item, note="Turned on for all staff", now=NOW)
    assert (item.status, item.closed_by_id, item.closed_at) == (
        FollowUpStatus.CLOSED,
        officer.id,
        NOW,
    )
    event = db.session.scalar(
        select(AuditEvent).where(AuditEvent.action == "attestation.follow_up_closed")
    )
    assert event.organisation_id == request.organisation_id
    assert event.changes["status"] == {"before": "open", "after": "closed"}
    with pytest.raises(Conflict):
        close_follow_up(actor=officer, follow_up=item, note="again", now=NOW)

"""Answering, submitting and reviewing an attestation, round after round."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from sharing.attestations.answers import (
    answer_field,
    answerable_codes,
    comment_field,
    current_answers,
    decision_field,
    explanation_field,
    review_attestation,
    save_answers,
    submit_attestation,
)
from sharing.attestations.models import AnswerReview, AnswerValue, AttestationStatus
from sharing.audit.models import AuditEvent
from sharing.errors import Conflict, Forbidden, ValidationFailed
from tests.factories import make_user
from tests.web.tables.attestations import CODES, make_request

S = AttestationStatus
YES, NO, NA = AnswerValue.YES, AnswerValue.NO, AnswerValue.NOT_APPLICABLE
NOW = datetime(2026, 9, 1, 9, 0, tzinfo=UTC)
ACCEPT, RETURN = AnswerReview.ACCEPTED, AnswerReview.RETURNED


def _vendor_and_request(status=S.PENDING):
    request = make_request(status=status)
    return make_user("vendor", organisation_id=request.organisation_id), request


def _save(vendor, request, answers):
    return save_answers(
        actor=vendor, request=request, answers=answers, expected_version=request.version, now=NOW
    )


def _submit(vendor, request, **overrides):
    values = {"signer_name": "Ada Signer", "signer_title": "CISO", "attested": True}
    values.update(overrides)
    return submit_attestation(
        actor=vendor, request=request, expected_version=request.version, now=NOW, **values
    )


def _review(officer, request, decisions, comment=""):
    return review_attestation(
        actor=officer,
        request=request,
        decisions=decisions,
        comment=comment,
        expected_version=request.version,
        now=NOW,
    )


def _actions(db) -> list[str]:
    return list(db.session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)))


def test_saving_a_draft_keeps_the_answers_and_marks_it_in_progress(db):
    """A draft may be incomplete; it is saved as given and the request is in progress."""
    vendor, request = _vendor_and_request()
    _save(vendor, request, {"PUR-1": (YES, ""), "SEC-1": (NO, "Rotating keys next month")})
    assert request.status == S.IN_PROGRESS
    saved = current_answers(request)
    assert saved["PUR-1"].answer == YES
    assert saved["SEC-1"].explanation == "Rotating keys next month"
    assert "BRN-1" not in saved
    assert _actions(db)[-1] == "attestation.saved"


def test_saving_again_updates_the_same_round_answer(db):
    """A second save changes the answer in place rather than adding another row."""
    vendor, request = _vendor_and_request()
    _save(vendor, request, {"PUR-1": (NO, "")})
    _save(vendor, request, {"PUR-1": (YES, "")})
    assert [(a.obligation_code, a.answer) for a in request.answers] == [("PUR-1", YES)]


def test_submit_lists_every_missing_answer_explanation_and_signature(db):
    """Missing answers, unexplained no/N/A, a missing signer and an unticked statement fail."""
    vendor, request = _vendor_and_request()
    _save(vendor, request, {"PUR-1": (NO, ""), "SEC-1": (NA, "  ")})
    with pytest.raises(ValidationFailed) as raised:
        _submit(vendor, request, signer_name="", signer_title="", attested=False)
    assert set(raised.value.errors) == {
        explanation_field("PUR-1"),
        explanation_field("SEC-1"),
        answer_field("BRN-1"),
        "signer_name",
        "signer_title",
        "attested",
    }
    assert request.status == S.IN_PROGRESS


def test_submit_signs_and_locks_the_answers(db):
    """A complete submission records the signer; later saves are refused."""
    vendor, request = _vendor_and_request()
    _save(vendor, request, {"PUR-1": (YES, ""), "SEC-1": (NA, "No systems"), "BRN-1": (YES, "")})
    _submit(vendor, request)
    assert request.status == S.SUBMITTED
    assert (request.signer_name, request.signer_title, request.attested) == (
        "Ada Signer",
        "CISO",
        True,
    )
    assert request.submitted_by_id == vendor.id and request.submitted_at is not None
    with pytest.raises(Conflict):
        _save(vendor, request, {"PUR-1": (NO, "changed my mind")})
    assert current_answers(request)["PUR-1"].answer == YES


def test_a_stale_version_is_refused_with_a_conflict(db):
    """A page opened before someone else saved cannot overwrite their answers."""
    vendor, request = _vendor_and_request()
    opened = request.version
    _save(vendor, request, {"PUR-1": (YES, "")})
    with pytest.raises(Conflict) as raised:
        save_answers(
            actor=vendor,
            request=request,
            answers={"PUR-1": (NO, "x")},
            expected_version=opened,
            now=NOW,
        )
    assert "changed since you opened it" in raised.value.message


def test_a_vendor_of_another_organisation_cannot_answer(db):
    """The service refuses a vendor whose organisation does not own the request."""
    request = make_request()
    stranger = make_user("vendor")
    with pytest.raises(Forbidden):
        _save(stranger, request, {"PUR-1": (YES, "")})
    assert request.answers == []


def test_staff_cannot_answer_and_vendors_cannot_review(db):
    """Answering is for the vendor; review is for the privacy office."""
    vendor, request = _vendor_and_request(S.SUBMITTED)
    with pytest.raises(Forbidden):
        _save(make_user("privacy"), request, {"PUR-1": (YES, "")})
    with pytest.raises(Forbidden):
        _review(vendor, request, {c: (ACCEPT, "") for c in CODES})
    with pytest.raises(Forbidden):
        _review(make_user("procurement"), request, {c: (ACCEPT, "") for c in CODES})


def test_review_needs_a_decision_for_each_answer_and_a_comment_to_return(db):
    """Every answer is accepted or returned, and a returned one says why."""
    _, request = _vendor_and_request(S.SUBMITTED)
    with pytest.raises(ValidationFailed) as raised:
        _review(make_user("privacy"), request, {"PUR-1": (RETURN, ""), "SEC-1": (ACCEPT, "")})
    assert set(raised.value.errors) == {comment_field("PUR-1"), decision_field("BRN-1")}
    assert request.status == S.SUBMITTED


def test_accepting_every_answer_accepts_the_attestation(db):
    """All accepted: the request is accepted and the reviewer recorded."""
    officer = make_user("privacy")
    _, request = _vendor_and_request(S.SUBMITTED)
    _review(officer, request, {c: (ACCEPT, "") for c in CODES}, comment="Thanks")
    assert request.status == S.ACCEPTED
    assert request.reviewed_by_id == officer.id and request.review_comment == "Thanks"
    assert all(a.review == ACCEPT for a in request.answers)
    assert _actions(db)[-1] == "attestation.accepted"


def test_returned_questions_are_answered_again_in_a_new_round(db):
    """Returning SEC-1 starts round 2 with only SEC-1 answerable; round 1 stays as history."""
    officer = make_user("privacy")
    vendor, request = _vendor_and_request(S.SUBMITTED)
    decisions = {c: (ACCEPT, "") for c in CODES}
    decisions["SEC-1"] = (RETURN, "Attach the penetration test.")
    _review(officer, request, decisions)
    assert (request.status, request.round) == (S.RETURNED, 2)
    assert answerable_codes(request) == ["SEC-1"]
    assert request.signer_name == "" and request.submitted_at is None and not request.attested
    event = db.session.scalar(select(AuditEvent).order_by(AuditEvent.id.desc()).limit(1))
    assert event.action == "attestation.returned"
    assert event.changes["returned"]["after"] == ["SEC-1"]

    _save(vendor, request, {"SEC-1": (YES, "Report attached"), "PUR-1": (NO, "ignored")})
    assert request.status == S.RETURNED
    _submit(vendor, request, signer_name="Bo Second", signer_title="CTO")
    current = current_answers(request)
    assert current["PUR-1"].round == 1 and current["PUR-1"].answer == YES
    assert current["SEC-1"].round == 2 and current["SEC-1"].explanation == "Report attached"

    _review(officer, request, {"SEC-1": (ACCEPT, "")})
    assert request.status == S.ACCEPTED
    rounds = sorted((a.round, a.obligation_code, a.review.value) for a in request.answers)
    assert rounds == [
        (1, "BRN-1", "accepted"),
        (1, "PUR-1", "accepted"),
        (1, "SEC-1", "returned"),
        (2, "SEC-1", "accepted"),
    ]

"""Reviewing with CSRF on: "accept all remaining" asks first and then accepts only the answers
not yet decided, and accepted answers of "no" open follow-ups the office can close."""

from __future__ import annotations

from sqlalchemy import func, select

from sharing.attestations.models import (
    AnswerReview,
    AnswerValue,
    AttestationFollowUp,
    AttestationRequest,
    AttestationStatus,
    FollowUpStatus,
)
from sharing.audit.models import AuditEvent
from tests.web.tables.attestations import make_follow_up, make_request

S = AttestationStatus


def _submitted_with_a_no(db, code: str = "SEC-1", explanation: str = "Keys rotate in May"):
    request = make_request(status=S.SUBMITTED)
    for row in request.answers:
        if row.obligation_code == code:
            row.answer, row.explanation = AnswerValue.NO, explanation
    db.session.commit()
    return request


def _reviews(db, request_id: int) -> dict[str, AnswerReview]:
    db.session.expire_all()
    request = db.session.get(AttestationRequest, request_id)
    return {a.obligation_code: a.review for a in request.answers if a.round == 1}


def _count(db, model) -> int:
    db.session.expire_all()
    return db.session.scalar(select(func.count()).select_from(model))


def test_accept_all_remaining_asks_first_and_says_how_many(client, login_as, db):
    """The first post changes nothing and shows a confirmation naming the count."""
    request = make_request(status=S.SUBMITTED)
    login_as("privacy")
    events = _count(db, AuditEvent)
    response = client.post_form(
        f"/attestations/{request.id}/review",
        {
            "decision_sec_1": "returned",
            "comment_sec_1": "Attach the pen test",
            "accept_remaining": "Accept all remaining…",
            "version": str(request.version),
        },
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and 'id="confirm-remaining-form"' in page
    assert "This accepts <strong>2</strong> answers" in page
    assert "returns <strong>1</strong>" in page
    assert set(_reviews(db, request.id).values()) == {AnswerReview.PENDING}
    assert _count(db, AuditEvent) == events


def test_confirming_accepts_only_the_remaining_answers(client, login_as, db):
    """After confirmation the undecided answers are accepted and the returned one stays returned."""
    request = make_request(status=S.SUBMITTED)
    login_as("privacy")
    response = client.post_form(
        f"/attestations/{request.id}/review",
        {
            "decision_sec_1": "returned",
            "comment_sec_1": "Attach the pen test",
            "confirm_remaining": "Accept them and record the review",
            "version": str(request.version),
        },
    )
    assert response.status_code == 302
    assert _reviews(db, request.id) == {
        "PUR-1": AnswerReview.ACCEPTED,
        "SEC-1": AnswerReview.RETURNED,
        "BRN-1": AnswerReview.ACCEPTED,
    }
    assert db.session.get(AttestationRequest, request.id).status == S.RETURNED


def test_accept_all_remaining_with_a_return_lacking_its_comment_shows_the_error(
    client, login_as, db
):
    """The confirmation is not offered while a returned answer has no comment."""
    request = make_request(status=S.SUBMITTED)
    login_as("privacy")
    response = client.post_form(
        f"/attestations/{request.id}/review",
        {
            "decision_sec_1": "returned",
            "accept_remaining": "Accept all remaining…",
            "version": str(request.version),
        },
    )
    page = response.get_data(as_text=True)
    assert 'id="comment_sec_1-error"' in page and 'id="confirm-remaining-form"' not in page


def test_back_from_the_confirmation_keeps_the_decisions_made(client, login_as, db):
    """ "Back to the review" shows the form again with the reviewer's choices, saving nothing."""
    request = make_request(status=S.SUBMITTED)
    login_as("privacy")
    response = client.post_form(
        f"/attestations/{request.id}/review",
        {
            "decision_sec_1": "returned",
            "comment_sec_1": "Attach the pen test",
            "back": "Back to the review",
            "version": str(request.version),
        },
    )
    page = response.get_data(as_text=True)
    assert 'id="review-form"' in page and "Attach the pen test" in page
    assert set(_reviews(db, request.id).values()) == {AnswerReview.PENDING}


def test_accepting_a_no_opens_a_follow_up_and_a_yes_does_not(client, login_as, db):
    """Only the accepted "no" gets an open follow-up, with the vendor's explanation."""
    request = _submitted_with_a_no(db)
    login_as("privacy")
    confirm = client.post_form(
        f"/attestations/{request.id}/review",
        {"accept_remaining": "Accept all remaining…", "version": str(request.version)},
    ).get_data(as_text=True)
    assert 'id="follow-up-note"' in confirm
    response = client.post_form(
        f"/attestations/{request.id}/review",
        {"confirm_remaining": "Accept them", "version": str(request.version)},
    )
    assert response.status_code == 302
    items = db.session.scalars(select(AttestationFollowUp)).all()
    assert [(i.obligation_code, i.status) for i in items] == [("SEC-1", FollowUpStatus.OPEN)]
    assert "Keys rotate in May" in items[0].text
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "attestation.accepted"))
    assert event.changes["follow_ups_opened"]["after"] == ["SEC-1"]
    page = client.get(f"/attestations/{request.id}").get_data(as_text=True)
    assert 'id="follow-ups"' in page and "Keys rotate in May" in page


def test_returning_a_no_opens_no_follow_up(client, login_as, db):
    """A "no" sent back for a new answer is not accepted, so nothing is opened yet."""
    request = _submitted_with_a_no(db)
    login_as("privacy")
    client.post_form(
        f"/attestations/{request.id}/review",
        {
            "decision_sec_1": "returned",
            "comment_sec_1": "When in May?",
            "confirm_remaining": "Accept them",
            "version": str(request.version),
        },
    )
    assert _count(db, AttestationFollowUp) == 0


def test_the_office_lists_open_follow_ups_and_closes_one_with_a_note(client, login_as, db):
    """The list shows open items; closing needs a note, is audited, and moves it to closed."""
    item = make_follow_up()
    login_as("privacy")
    listing = client.get("/attestations/follow-ups").get_data(as_text=True)
    assert f"/attestations/follow-ups/{item.id}/close" in listing
    url = f"/attestations/follow-ups/{item.id}/close"
    empty = client.post_form(url, {"note": ""})
    assert empty.status_code == 200 and 'id="note-error"' in empty.get_data(as_text=True)
    response = client.post_form(url, {"note": "Encryption at rest is on."})
    assert response.status_code == 302
    db.session.expire_all()
    closed = db.session.get(AttestationFollowUp, item.id)
    assert closed.status == FollowUpStatus.CLOSED and closed.closing_note
    assert closed.closed_at is not None and closed.closed_by_id is not None
    closing = select(func.count()).where(AuditEvent.action == "attestation.follow_up_closed")
    assert db.session.scalar(closing) == 1
    assert f"/{item.id}/close" not in client.get("/attestations/follow-ups").get_data(as_text=True)
    assert "Encryption at rest is on." in client.get(
        "/attestations/follow-ups?status=closed"
    ).get_data(as_text=True)


def test_vendors_cannot_see_the_follow_up_list(client, login_as):
    """Follow-ups are the privacy office's working list."""
    login_as("vendor")
    assert client.get("/attestations/follow-ups").status_code == 403

"""The privacy office's cases: who may see them, the list's search, filters and overdue
marks, each step by role (assign, move along, note, answer, deadline), the mail to the
person, the inbox notices, the "waiting for you" lists, and the figures for reports."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import event, func, select

from sharing.audit.models import AuditEvent
from sharing.concerns.models import Concern, ConcernKind, ConcernNote, ConcernStatus
from sharing.concerns.queries import overdue_cases, tally_for_year
from sharing.core.clock import today
from sharing.extensions import db
from sharing.inbox.models import InboxItem
from sharing.mail.models import Notification
from tests.factories import make_concern, make_user

S = ConcernStatus


def _events(action: str) -> list[AuditEvent]:
    return list(db.session.scalars(select(AuditEvent).where(AuditEvent.action == action)))


def _post(client, concern: Concern, path: str, data: dict | None = None, **kw):
    payload = {"version": str(concern.version), **(data or {})}
    url = f"/concerns/cases/{concern.id}/{path}"
    return client.post_form(url, payload, from_url=f"/concerns/cases/{concern.id}", **kw)


def _reload(concern: Concern) -> Concern:
    db.session.expire_all()
    return db.session.get(Concern, concern.id)


@pytest.mark.parametrize("role", ["procurement", "vendor"])
def test_only_the_office_may_open_cases(client, login_as, role):
    concern = make_concern()
    login_as(role)
    assert client.get("/concerns/cases").status_code == 403
    assert client.get(f"/concerns/cases/{concern.id}").status_code == 403


@pytest.mark.parametrize("role", ["procurement", "vendor"])
def test_only_the_office_may_take_a_step(client, login_as, role):
    concern = make_concern()
    login_as(role)
    token = client.csrf_token("/auth/account")
    url = f"/concerns/cases/{concern.id}/steps/start_review"
    response = client.post(url, data={"csrf_token": token, "version": str(concern.version)})
    assert response.status_code == 403
    assert _reload(concern).status == S.RECEIVED


def test_the_list_searches_filters_and_marks_the_overdue_in_words(client, login_as):
    officer = login_as("privacy")
    late = make_concern(
        reference="SJ-LATE2222", due_on=today() - timedelta(days=3), body="About parking"
    )
    mine = make_concern(reference="SJ-MINE2222", assignee_id=officer.id, body="About libraries")
    error = make_concern(reference="SJ-ERR22222", kind=ConcernKind.ERROR, status=S.ANSWERED)
    page = client.get("/concerns/cases").get_data(as_text=True)
    assert all(c.reference in page for c in (late, mine, error))
    assert "Overdue by 3 days" in page
    assert page.index(late.reference) < page.index(mine.reference)  # earliest deadline first

    def shown(query: str) -> set[str]:
        text = client.get(f"/concerns/cases?{query}").get_data(as_text=True)
        return {c.reference for c in (late, mine, error) if c.reference in text}

    assert shown("q=libraries") == {mine.reference}
    assert shown("q=sj-late") == {late.reference}
    assert shown("status=answered") == {error.reference}
    assert shown("kind=error") == {error.reference}
    assert shown("assignee=me") == {mine.reference}
    assert shown("assignee=none") == {late.reference, error.reference}
    assert shown(f"assignee={officer.id}") == {mine.reference}
    assert shown("overdue=1") == {late.reference}


@pytest.mark.parametrize("role", ["privacy", "admin"])
def test_the_office_moves_a_case_along_its_transition_table(client, login_as, role):
    login_as(role)
    concern = make_concern()
    assert _post(client, concern, "steps/start_review").status_code == 302
    concern = _reload(concern)
    assert concern.status == S.IN_REVIEW
    assert _post(client, concern, "steps/close").status_code == 302
    concern = _reload(concern)
    assert concern.status == S.CLOSED and concern.closed_at is not None
    assert _post(client, concern, "steps/reopen").status_code == 302
    concern = _reload(concern)
    assert concern.status == S.IN_REVIEW and concern.closed_at is None
    steps = [
        e.changes["status"] for e in _events("concern.start_review") + _events("concern.close")
    ]
    assert steps == [
        {"before": "received", "after": "in_review"},
        {"before": "in_review", "after": "closed"},
    ]
    assert len(_events("concern.reopen")) == 1


def test_a_step_the_table_does_not_allow_changes_nothing(client, login_as):
    login_as("privacy")
    concern = make_concern(status=S.CLOSED)
    response = _post(client, concern, "steps/start_review", follow_redirects=True)
    assert "cannot be moved that way" in response.get_data(as_text=True)
    assert _reload(concern).status == S.CLOSED
    assert _events("concern.start_review") == []


def test_a_step_on_a_stale_page_is_refused(client, login_as):
    login_as("privacy")
    concern = make_concern()
    response = _post(
        client, concern, "steps/start_review", {"version": "99"}, follow_redirects=True
    )
    assert "changed by someone else" in response.get_data(as_text=True)
    assert _reload(concern).status == S.RECEIVED


def test_assigning_to_me_and_to_a_colleague_notifies_the_assignee(client, login_as):
    me = login_as("privacy")
    colleague = make_user("privacy")
    concern = make_concern()
    _post(client, concern, "assign", {"me": "1", "assignee_id": ""})
    concern = _reload(concern)
    assert concern.assignee_id == me.id
    assert (
        db.session.scalar(
            select(func.count()).select_from(InboxItem).where(InboxItem.kind == "concern.assigned")
        )
        == 0
    )  # nobody tells themselves
    _post(client, concern, "assign", {"assignee_id": str(colleague.id)})
    assert _reload(concern).assignee_id == colleague.id
    item = db.session.scalars(select(InboxItem).where(InboxItem.kind == "concern.assigned")).one()
    assert item.user_id == colleague.id
    changes = [e.changes["assignee_id"] for e in _events("concern.assigned")]
    assert changes == [{"before": None, "after": me.id}, {"before": me.id, "after": colleague.id}]


def test_a_case_cannot_be_given_to_someone_outside_the_office(client, login_as):
    login_as("privacy")
    buyer = make_user("procurement")
    concern = make_concern()
    response = _post(client, concern, "assign", {"assignee_id": str(buyer.id)})
    assert response.status_code == 400
    assert "Choose an active privacy office user" in response.get_data(as_text=True)
    assert _reload(concern).assignee_id is None


def test_an_internal_note_is_kept_and_audited(client, login_as):
    login_as("privacy")
    concern = make_concern()
    assert _post(client, concern, "notes", {"body": "Called the department."}).status_code == 302
    note = db.session.scalars(select(ConcernNote)).one()
    assert note.body == "Called the department."
    event = _events("concern.note_added")[0]
    assert event.object_type == "concern_note" and event.object_id == str(note.id)
    page = client.get(f"/concerns/cases/{concern.id}").get_data(as_text=True)
    assert "Called the department." in page


def test_an_empty_note_is_refused_beside_its_field(client, login_as):
    login_as("privacy")
    concern = make_concern()
    response = _post(client, concern, "notes", {"body": "  "})
    assert response.status_code == 400
    assert 'id="body-error"' in response.get_data(as_text=True)


def test_answering_sets_answered_and_mails_the_person_once(client, login_as):
    officer = login_as("privacy")
    concern = make_concern(email="resident@example.org")
    data = {"public_response": "We removed the wrong entry."}
    assert _post(client, concern, "response", data).status_code == 302
    concern = _reload(concern)
    assert concern.status == S.ANSWERED
    assert concern.responded_at is not None and concern.responded_by_id == officer.id
    _post(client, concern, "response", data)  # saved again, unchanged
    mails = db.session.scalars(
        select(Notification).where(Notification.recipient == "resident@example.org")
    ).all()
    assert len(mails) == 1
    assert "We removed the wrong entry." in mails[0].body
    assert concern.reference in mails[0].subject
    assert len(_events("concern.answered")) == 1


def test_a_revised_response_is_audited_and_sent_again(client, login_as):
    login_as("privacy")
    concern = make_concern(email="resident@example.org")
    _post(client, concern, "response", {"public_response": "First answer."})
    _post(client, _reload(concern), "response", {"public_response": "Better answer."})
    assert _reload(concern).public_response == "Better answer."
    event = _events("concern.response_revised")[0]
    assert event.changes["public_response"] == {
        "before": "First answer.",
        "after": "Better answer.",
    }
    count = (
        select(func.count())
        .select_from(Notification)
        .where(Notification.recipient == "resident@example.org")
    )
    assert db.session.scalar(count) == 2


def test_without_an_address_answering_mails_nobody(client, login_as):
    login_as("privacy")
    concern = make_concern(email="")
    _post(client, concern, "response", {"public_response": "Answered on the page."})
    assert _reload(concern).status == S.ANSWERED
    assert db.session.scalar(select(func.count()).select_from(Notification)) == 0


def test_a_closed_case_must_be_reopened_before_answering(client, login_as):
    login_as("privacy")
    concern = make_concern(status=S.CLOSED)
    response = _post(
        client, concern, "response", {"public_response": "Late."}, follow_redirects=True
    )
    assert "Reopen the case" in response.get_data(as_text=True)
    assert _reload(concern).public_response == ""


def test_changing_the_deadline_needs_a_reason_and_is_audited(client, login_as):
    login_as("privacy")
    concern = make_concern()
    later = concern.due_on + timedelta(days=14)
    refused = _post(client, concern, "deadline", {"due_on": later.isoformat(), "reason": ""})
    assert refused.status_code == 400
    assert 'id="reason-error"' in refused.get_data(as_text=True)
    assert _reload(concern).due_on != later
    data = {"due_on": later.isoformat(), "reason": "Waiting for the vendor's records."}
    assert _post(client, _reload(concern), "deadline", data).status_code == 302
    assert _reload(concern).due_on == later
    event = _events("concern.deadline_changed")[0]
    assert event.changes["due_on"]["after"] == later.isoformat()
    assert event.changes["reason"]["after"] == "Waiting for the vendor's records."


def test_new_concerns_wait_for_every_office_user_and_assigned_ones_for_the_assignee(
    client, login_as
):
    officer = login_as("privacy")
    other = make_user("privacy")
    new = make_concern(reference="SJ-NEW22222")
    mine = make_concern(reference="SJ-MINE3333", assignee_id=officer.id, status=S.IN_REVIEW)
    theirs = make_concern(reference="SJ-THEM3333", assignee_id=other.id)
    late = make_concern(
        reference="SJ-LATE3333", assignee_id=officer.id, due_on=today() - timedelta(days=2)
    )
    page = client.get("/").get_data(as_text=True)
    you = page.split('id="waiting-for-you"')[1].split("</section>")[0]
    assert new.reference in you and mine.reference in you and late.reference in you
    assert theirs.reference not in you
    assert you.index(late.reference) < you.index(mine.reference)


def test_overdue_cases_are_the_open_ones_past_their_deadline(app):
    past = today() - timedelta(days=1)
    late = make_concern(due_on=past)
    make_concern(due_on=past, status=S.ANSWERED)
    make_concern(due_on=today())
    db.session.commit()
    assert [c.id for c in overdue_cases(today=today())] == [late.id]


def test_the_years_tally_counts_raised_answered_on_time_and_open_by_kind(app):
    year = 2025
    received = datetime(year, 3, 1, 12, tzinfo=UTC)
    due = received.date() + timedelta(days=30)
    make_concern(
        received_at=received,
        due_on=due,
        status=S.ANSWERED,
        responded_at=received + timedelta(days=5),
    )
    make_concern(
        received_at=received,
        due_on=due,
        status=S.CLOSED,
        responded_at=received + timedelta(days=45),
    )
    make_concern(received_at=received, due_on=due, kind=ConcernKind.ERROR)
    make_concern(received_at=datetime(year + 1, 1, 2, tzinfo=UTC), due_on=due)
    db.session.commit()
    tally = tally_for_year(year)
    assert tally["concern"].raised == 2
    assert tally["concern"].answered == 2
    assert tally["concern"].answered_on_time == 1
    assert tally["error"].open == 1
    assert tally["all"].raised == 3


def _count_statements(client, url: str) -> int:
    seen = {"n": 0}

    def _seen(*_args, **_kwargs):
        seen["n"] += 1

    event.listen(db.engine, "before_cursor_execute", _seen)
    try:
        assert client.get(url).status_code == 200
    finally:
        event.remove(db.engine, "before_cursor_execute", _seen)
    return seen["n"]


def test_the_list_and_a_case_send_as_many_statements_for_1_row_as_for_20(client, login_as):
    """Assignees and note authors are loaded with their list, not one by one."""
    login_as("privacy")
    first = make_concern(assignee_id=make_user("privacy").id)
    db.session.add(ConcernNote(concern_id=first.id, author_id=make_user("privacy").id, body="n"))
    db.session.commit()
    url = f"/concerns/cases/{first.id}"
    client.get("/concerns/cases")  # warm-up: first-request work is not the page's
    one_list, one_case = (
        _count_statements(client, "/concerns/cases"),
        _count_statements(client, url),
    )
    for _ in range(19):
        make_concern(assignee_id=make_user("privacy").id)
        author = make_user("privacy")
        db.session.add(ConcernNote(concern_id=first.id, author_id=author.id, body="n"))
    db.session.commit()
    assert _count_statements(client, "/concerns/cases") == one_list
    assert _count_statements(client, url) == one_case

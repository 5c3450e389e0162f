"""The attestation pages with CSRF on: answering, submitting, review rounds, lists, roles,
vendor isolation, and the schedule command."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from sharing.attestations.cli import schedule_command
from sharing.attestations.models import (
    AnswerValue,
    AttestationAnswer,
    AttestationRequest,
    AttestationStatus,
)
from sharing.attestations.services import request_attestation
from sharing.audit.models import AuditEvent
from sharing.core.clock import today
from sharing.obligations import services as policy
from tests.factories import make_user
from tests.web.tables.attestations import (
    CODES,
    ISOLATION_CASES,
    make_agreement_in_force,
    make_request,
)

S = AttestationStatus


def _answers(values: dict[str, tuple[str, str]]) -> dict[str, str]:
    data = {}
    for code, (answer, explanation) in values.items():
        slug = code.lower().replace("-", "_")
        data[f"answer_{slug}"], data[f"explanation_{slug}"] = answer, explanation
    return data


def _row_count(db) -> dict[str, int]:
    return {
        "requests": db.session.scalar(select(func.count()).select_from(AttestationRequest)),
        "answers": db.session.scalar(select(func.count()).select_from(AttestationAnswer)),
        "events": db.session.scalar(select(func.count()).select_from(AuditEvent)),
    }


def test_vendor_saves_a_draft_and_sees_it_again(client, login_as, db):
    """A saved draft comes back on the answer page, with the request in progress."""
    vendor = login_as("vendor")
    request = make_request(vendor.organisation_id)
    url = f"/attestations/{request.id}/answer"
    data = {**_answers({"SEC-1": ("no", "Keys rotate in May")}), "version": str(request.version)}
    response = client.post_form(url, data)
    assert response.status_code == 302 and response.headers["Location"].endswith(url)
    page = client.get(url).get_data(as_text=True)
    assert re.search(r'<input checked[^>]*value="no"', page)
    assert "Keys rotate in May" in page
    db.session.expire_all()
    assert db.session.get(AttestationRequest, request.id).status == S.IN_PROGRESS


def test_submit_shows_each_problem_beside_its_field_and_keeps_what_was_typed(client, login_as, db):
    """Missing answers, a missing explanation and an unticked statement are shown in place."""
    vendor = login_as("vendor")
    request = make_request(vendor.organisation_id)
    client.post_form(
        f"/attestations/{request.id}/answer",
        {**_answers({"PUR-1": ("no", "")}), "version": str(request.version)},
    )
    url = f"/attestations/{request.id}/submit"
    version = str(db.session.get(AttestationRequest, request.id).version)
    response = client.post_form(
        url, {"signer_name": "Ada Typed", "signer_title": "", "version": version}
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert 'id="explanation_pur_1-error"' in page
    assert 'id="answer_sec_1-error"' in page and 'id="answer_brn_1-error"' in page
    assert 'id="attested-error"' in page and 'id="signer_title-error"' in page
    assert 'value="Ada Typed"' in page


def _answered(organisation_id: int) -> AttestationRequest:
    request = make_request(organisation_id, S.IN_PROGRESS)
    for code in CODES:
        request.answers.append(AttestationAnswer(obligation_code=code, answer=AnswerValue.YES))
    return request


def test_submitted_answers_are_read_only(client, login_as, db):
    """After submission the answer page shows the answers read-only and refuses changes."""
    vendor = login_as("vendor")
    request = _answered(vendor.organisation_id)
    db.session.commit()
    response = client.post_form(
        f"/attestations/{request.id}/submit",
        {"signer_name": "Ada", "signer_title": "CISO", "attested": "y", "version": request.version},
    )
    assert response.status_code == 302
    url = f"/attestations/{request.id}/answer"
    page = client.get(url).get_data(as_text=True)
    assert 'id="read-only"' in page and 'type="radio"' not in page
    token = client.csrf_token(url)
    changed = client.post(url, data={**_answers({"PUR-1": ("no", "x")}), "csrf_token": token})
    assert changed.status_code == 409
    assert "submitted, so you cannot" in changed.get_data(as_text=True)
    db.session.expire_all()
    assert {a.answer for a in db.session.get(AttestationRequest, request.id).answers} == {
        AnswerValue.YES
    }


def test_a_stale_page_gets_a_conflict_message(client, login_as):
    """Posting a version older than the request's shows the optimistic-lock message."""
    vendor = login_as("vendor")
    request = make_request(vendor.organisation_id)
    url, opened = f"/attestations/{request.id}/answer", str(request.version)
    client.post_form(url, {**_answers({"PUR-1": ("yes", "")}), "version": opened})
    stale = client.post_form(url, {**_answers({"PUR-1": ("no", "x")}), "version": opened})
    assert stale.status_code == 409
    assert "changed since you opened it" in stale.get_data(as_text=True)


def test_return_then_answer_again_shows_both_rounds_in_the_history(client, login_as, db):
    """A returned question is the only one answerable in round 2; the page keeps round 1."""
    request = make_request(status=S.SUBMITTED)
    login_as("privacy")
    decisions = {
        "decision_pur_1": "accepted",
        "decision_sec_1": "returned",
        "comment_sec_1": "Attach the pen test",
        "decision_brn_1": "accepted",
        "version": str(request.version),
    }
    response = client.post_form(f"/attestations/{request.id}/review", decisions)
    assert response.status_code == 302
    client.post_form("/auth/sign-out", {}, from_url="/auth/account")
    login_as("vendor", organisation_id=request.organisation_id)
    page = client.get(f"/attestations/{request.id}/answer").get_data(as_text=True)
    assert 'name="answer_sec_1"' in page and 'name="answer_pur_1"' not in page
    assert "Attach the pen test" in page
    detail = client.get(f"/attestations/{request.id}").get_data(as_text=True)
    assert 'id="round-1"' in detail and 'id="round-2"' in detail
    assert "Returned SEC-1" in detail


def test_review_with_a_missing_comment_shows_the_error_beside_the_answer(client, login_as):
    """Returning an answer without a comment re-renders with the reason beside it."""
    request = make_request(status=S.SUBMITTED)
    login_as("admin")
    response = client.post_form(
        f"/attestations/{request.id}/review",
        {"decision_pur_1": "returned", "version": str(request.version)},
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert 'id="comment_pur_1-error"' in page and 'id="decision_sec_1-error"' in page


def test_overdue_requests_are_marked_and_can_be_filtered(client, login_as):
    """An open request past its due date has an Overdue badge; the filter shows only those."""
    late = make_request(due_date=today() - timedelta(days=3))
    on_time = make_request(due_date=today() + timedelta(days=10))
    login_as("privacy")
    page = client.get("/attestations/").get_data(as_text=True)
    assert page.count("data-overdue") == 1
    filtered = client.get("/attestations/?overdue=1").get_data(as_text=True)
    assert f"/attestations/{late.id}" in filtered and f"/attestations/{on_time.id}" not in filtered


def test_staff_list_sorts_by_due_date_and_searches_by_organisation(client, login_as):
    """The default order is by due date; the search matches the organisation's name."""
    second = make_request(due_date=today() + timedelta(days=20))
    first = make_request(due_date=today() + timedelta(days=5))
    login_as("procurement")
    page = client.get("/attestations/").get_data(as_text=True)
    assert page.index(f'/attestations/{first.id}"') < page.index(f'/attestations/{second.id}"')
    name = second.organisation.legal_name
    found = client.get("/attestations/", query_string={"q": name}).get_data(as_text=True)
    assert f'/attestations/{second.id}"' in found and f'/attestations/{first.id}"' not in found


def test_vendor_list_shows_only_its_own_organisation(client, login_as):
    """A vendor sees its own requests, even when it asks for another organisation's."""
    vendor = login_as("vendor")
    own = make_request(vendor.organisation_id)
    other = make_request()
    page = client.get(
        "/attestations/", query_string={"organisation": other.organisation_id}
    ).get_data(as_text=True)
    assert f'/attestations/{other.id}"' not in page
    page = client.get("/attestations/").get_data(as_text=True)
    assert f'/attestations/{own.id}"' in page and f'/attestations/{other.id}"' not in page


@pytest.mark.parametrize("role", ["procurement", "vendor"])
def test_only_the_privacy_office_may_review(client, login_as, role):
    """Procurement can read a request but not review it; a vendor cannot review its own."""
    request = make_request(status=S.SUBMITTED)
    overrides = {"organisation_id": request.organisation_id} if role == "vendor" else {}
    login_as(role, **overrides)
    assert client.get(f"/attestations/{request.id}").status_code == 200
    assert client.get(f"/attestations/{request.id}/review").status_code == 403


@pytest.mark.parametrize("case", ISOLATION_CASES, ids=[c.id for c in ISOLATION_CASES])
def test_vendor_cannot_open_or_change_another_orgs_attestation(app, client, login_as, db, case):
    """Another organisation's request id gives 404 on every vendor route, and nothing changes."""
    from flask import url_for

    from tests.factories import make_organisation

    values = case.setup(make_organisation())
    login_as("vendor")
    with app.test_request_context():
        url = url_for(case.endpoint, **values)
    before = _row_count(db)
    if case.method == "GET":
        response = client.get(url)
    else:
        token = client.csrf_token("/attestations/")
        response = client.post(url, data={**(case.data or {}), "csrf_token": token})
    assert response.status_code == 404
    db.session.expire_all()
    assert _row_count(db) == before


def test_questionnaire_page_is_unchanged_by_a_new_policy_version(client, login_as, db):
    """A request's page shows the question it was sent with, not a later policy's wording."""
    request = make_request()
    officer = make_user("privacy")
    original = next(q["question"] for q in request.questionnaire if q["code"] == "SEC-1")
    draft = policy.create_draft(actor=officer, label="2099.1")
    changed = next(o for o in draft.obligations if o.code == "SEC-1")
    policy.update_obligation(
        actor=officer, obligation=changed, values={"attestation_question": "Reworded question?"}
    )
    policy.publish_policy(
        actor=officer, version=draft, effective_date=date(2099, 1, 1), now=request.created_at
    )
    login_as("privacy")
    page = client.get(f"/attestations/{request.id}").get_data(as_text=True)
    assert "Reworded question?" not in page
    assert str(original).replace("'", "&#39;") in page


def test_new_request_page_preselects_the_agreement_and_reports_a_duplicate(client, login_as, db):
    """`?agreement=` preselects; a second request due the same day is refused beside the date."""
    agreement = make_agreement_in_force()
    login_as("privacy")
    page = client.get(f"/attestations/new?agreement={agreement.id}").get_data(as_text=True)
    assert f'<option selected value="{agreement.id}"' in page or (
        f'value="{agreement.id}" selected' in page
    )
    assert (today() + timedelta(days=30)).isoformat() in page
    due = (today() + timedelta(days=40)).isoformat()
    data = {"agreement_id": str(agreement.id), "due_date": due}
    assert client.post_form("/attestations/new", data).status_code == 302
    again = client.post_form("/attestations/new", data)
    assert again.status_code == 200
    assert 'id="due_date-error"' in again.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(AttestationRequest)) == 1


def test_schedule_command_prints_what_it_created_and_is_idempotent(app, db):
    """The CLI lists each new request; run again for the same day it creates none."""
    agreement = make_agreement_in_force(effective_date=date(2026, 1, 1))
    runner = app.test_cli_runner()
    first = runner.invoke(schedule_command, ["--today", "2026-12-15"])
    assert first.exit_code == 0, first.output
    assert f"{agreement.number}" in first.output and "due 2027-01-01" in first.output
    assert "Created 1 attestation request." in first.output
    second = runner.invoke(schedule_command, ["--today", "2026-12-15"])
    assert "Created 0 attestation requests." in second.output
    assert db.session.scalar(select(func.count()).select_from(AttestationRequest)) == 1


def test_an_organisation_filter_too_large_for_an_integer_column_is_ignored(client, login_as):
    """`?organisation=` beyond PostgreSQL's integer range lists everything instead of failing."""
    login_as("privacy")
    response = client.get("/attestations/?organisation=99999999999999")
    assert response.status_code == 200


def test_list_shows_a_first_period_that_starts_at_the_effective_date(client, login_as):
    """An attestation due 2027-01-05 on an agreement effective 2026-12-06 covers one month."""
    agreement = make_agreement_in_force(effective_date=date(2026, 12, 6))
    request = request_attestation(
        actor=make_user("privacy"),
        agreement=agreement,
        due_date=date(2027, 1, 5),
        today=date(2026, 12, 10),
    )
    login_as("privacy")
    page = client.get("/attestations/").get_data(as_text=True)
    assert f"/attestations/{request.id}" in page
    assert "2026-12-06 – 2027-01-04" in page
    assert "2026-01-05" not in page

"""The AI fact sheet pages through the test client, CSRF on: vendor scoping, the office's
review, the waiting lists, the changes page, files and the daily command."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest
from sqlalchemy import event, func, select

from sharing.algorithms.models import AlgorithmStatus, FactSheet, FactSheetEvidence, FactSheetStatus
from sharing.core.clock import today
from sharing.extensions import db as _db
from tests.factories import make_algorithm, make_flow, make_organisation
from tests.fixtures import upload_corpus as corpus
from tests.web.tables.fact_sheets import (
    full_answers,
    make_fact_sheet,
    make_sheet_file,
    upload_data,
)

S = FactSheetStatus


@pytest.fixture
def app_config() -> dict:
    return {"EVIDENCE_MAX_BYTES": corpus.CORPUS_MAX_BYTES}


def _url(sheet: FactSheet, tail: str = "") -> str:
    return f"/algorithms/fact-sheets/{sheet.id}{tail}"


def test_a_vendor_cannot_see_or_change_another_organisations_sheet(client, db, login_as):
    """Vendor B gets 404 on vendor A's sheet, its changes and its save; nothing changes."""
    sheet = make_fact_sheet(status=S.IN_PROGRESS)
    answers = dict(sheet.answers)
    login_as("vendor")  # of another organisation
    assert client.get(_url(sheet)).status_code == 404
    assert client.get(_url(sheet, "/changes")).status_code == 404
    response = client.post_form(
        _url(sheet, "/answers"),
        {"training_data": "Overwritten"},
        from_url="/algorithms/fact-sheets",
    )
    assert response.status_code == 404
    db.session.expire_all()
    assert db.session.get(FactSheet, sheet.id).answers == answers


def test_the_vendor_list_shows_only_the_organisations_own_sheets(client, login_as):
    """A vendor's list holds its own sheets, never another organisation's."""
    user = login_as("vendor")
    mine = make_fact_sheet(user.organisation_id)
    theirs = make_fact_sheet()
    html = client.get("/algorithms/fact-sheets").get_data(as_text=True)
    assert mine.algorithm.name in html and theirs.algorithm.name not in html


def test_the_staff_list_puts_overdue_sheets_first(client, login_as):
    """An overdue sheet comes before one that is not yet late."""
    login_as("procurement")
    later = make_fact_sheet(due_date=today() + timedelta(days=5))
    late = make_fact_sheet(due_date=today() - timedelta(days=3))
    html = client.get("/algorithms/fact-sheets").get_data(as_text=True)
    assert html.index(late.algorithm.name) < html.index(later.algorithm.name)
    assert "Overdue" in html


def test_procurement_cannot_accept_a_sheet(client, db, login_as):
    """The review post answers 403 to procurement, and the sheet stays submitted."""
    sheet = make_fact_sheet(status=S.SUBMITTED)
    login_as("procurement")
    response = client.post_form(
        _url(sheet, "/review"), {"decision": "accept", "comment": ""}, from_url=_url(sheet)
    )
    assert response.status_code == 403
    db.session.expire_all()
    assert db.session.get(FactSheet, sheet.id).status == S.SUBMITTED


def test_the_portal_waiting_list_shows_the_sheet_to_fill_in(client, login_as):
    """The vendor's home lists a requested sheet with its link."""
    user = login_as("vendor")
    sheet = make_fact_sheet(user.organisation_id)
    html = client.get("/portal/").get_data(as_text=True)
    assert "AI fact sheet to fill in" in html and _url(sheet) in html


def test_the_office_home_lists_submitted_sheets_to_review(client, login_as):
    """A submitted sheet waits for the privacy office on its home page."""
    sheet = make_fact_sheet(status=S.SUBMITTED)
    login_as("privacy")
    html = client.get("/").get_data(as_text=True)
    assert "AI fact sheet to review" in html and _url(sheet) in html


def test_submitting_names_each_missing_input_beside_it(client, login_as):
    """A submission with unanswered inputs comes back with each reason beside its input."""
    user = login_as("vendor")
    sheet = make_fact_sheet(user.organisation_id, S.IN_PROGRESS, answers=full_answers(retention=""))
    response = client.post_form(
        _url(sheet, "/submit"),
        {"signer_name": "Ada", "signer_title": "CTO", "attested": "y"},
        from_url=_url(sheet),
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert 'id="retention-error"' in html and "There is a problem" in html


def test_saving_then_submitting_through_the_pages(client, db, login_as):
    """The vendor saves every answer, then signs; the sheet is submitted."""
    user = login_as("vendor")
    sheet = make_fact_sheet(user.organisation_id)
    saved = client.post_form(_url(sheet, "/answers"), full_answers(), from_url=_url(sheet))
    assert saved.status_code == 302
    submitted = client.post_form(
        _url(sheet, "/submit"),
        {"signer_name": "Ada", "signer_title": "CTO", "attested": "y"},
        from_url=_url(sheet),
    )
    assert submitted.status_code == 302
    db.session.expire_all()
    assert db.session.get(FactSheet, sheet.id).status == S.SUBMITTED


def test_accepting_through_the_page_sends_the_record_to_review(client, db, login_as):
    """The office accepts; the algorithm record is SUBMITTED with the vendor's answers."""
    sheet = make_fact_sheet(status=S.SUBMITTED, answers=full_answers(known_limits="Weak at night"))
    login_as("privacy")
    response = client.post_form(
        _url(sheet, "/review"), {"decision": "accept", "comment": ""}, from_url=_url(sheet)
    )
    assert response.status_code == 302
    db.session.expire_all()
    algorithm = db.session.get(FactSheet, sheet.id).algorithm
    assert (algorithm.status, algorithm.limitations) == (AlgorithmStatus.SUBMITTED, "Weak at night")


def test_returning_without_a_comment_shows_the_reason_beside_the_comment(client, login_as):
    """The comment is required to return a sheet."""
    sheet = make_fact_sheet(status=S.SUBMITTED)
    login_as("privacy")
    response = client.post_form(
        _url(sheet, "/review"), {"decision": "return", "comment": ""}, from_url=_url(sheet)
    )
    assert response.status_code == 200
    assert 'id="comment-error"' in response.get_data(as_text=True)


def test_the_changes_page_marks_words_and_escapes_answers(client, login_as):
    """Insertions and deletions are <ins>/<del> with words; an answer's markup is escaped."""
    user = login_as("vendor")
    algorithm = make_algorithm(make_organisation(), approved=True)
    algorithm.organisation_id = user.organisation_id
    old = make_fact_sheet(user.organisation_id, S.ACCEPTED, algorithm=algorithm)
    new = make_fact_sheet(
        user.organisation_id,
        S.IN_PROGRESS,
        algorithm=algorithm,
        edition=2,
        answers={**old.answers, "training_data": "Permit <script>alert(1)</script> records"},
    )
    html = client.get(_url(new, "/changes")).get_data(as_text=True)
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;" in html
    assert "<ins" in html and "<del" in html and "[added: " in html and "[removed: " in html


def _files(app) -> list[str]:
    folder = Path(app.config["UPLOAD_DIR"]) / "fact_sheets"
    return sorted(p.name for p in folder.iterdir()) if folder.exists() else []


def test_a_hostile_upload_is_refused_beside_the_file_field(app, client, db, login_as):
    """The files package's reason shows beside the file field; no file and no row remain."""
    sample = next(s for s in corpus.hostile() if s.code == "pdf_launch")
    user = login_as("vendor")
    sheet = make_fact_sheet(user.organisation_id, S.IN_PROGRESS)
    response = client.post_form(
        _url(sheet, "/files"),
        upload_data(sample.filename, sample.data),
        from_url=_url(sheet),
        content_type="multipart/form-data",
    )
    assert response.status_code == 200
    assert 'id="file-error"' in response.get_data(as_text=True)
    assert _files(app) == []
    assert db.session.scalar(select(func.count()).select_from(FactSheetEvidence)) == 0


def test_a_file_downloads_under_its_own_name(client, login_as):
    """The download is an attachment with the uploaded name and nosniff."""
    user = login_as("vendor")
    row = make_sheet_file(
        make_fact_sheet(user.organisation_id, S.IN_PROGRESS), original_name="Báo cáo.pdf"
    )
    response = client.get(f"/algorithms/fact-sheets/files/{row.id}/download")
    assert response.status_code == 200
    assert "filename*=UTF-8''B%C3%A1o%20c%C3%A1o.pdf" in response.headers["Content-Disposition"]
    assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_the_daily_command_requests_due_sheets(app, db):
    """`flask algorithms request-fact-sheets` requests the first edition and says so."""
    organisation = make_organisation()
    flow = make_flow(organisation, automated_decisions=True)
    algorithm = make_algorithm(organisation, (flow,), approved=True)
    result = app.test_cli_runner().invoke(
        args=["algorithms", "request-fact-sheets", "--today", date(2026, 9, 1).isoformat()]
    )
    assert result.exit_code == 0, result.output
    assert f"edition 1 for {algorithm.name}" in result.output
    assert "Requested 1 fact sheet." in result.output


def test_saving_one_input_leaves_the_others_as_they_were(client, db, login_as):
    """A post that carries only one input changes that input and empties no other."""
    user = login_as("vendor")
    sheet = make_fact_sheet(user.organisation_id, S.IN_PROGRESS)
    response = client.post_form(
        _url(sheet, "/answers"), {"training_data": "Permit records"}, from_url=_url(sheet)
    )
    assert response.status_code == 302
    db.session.expire_all()
    answers = db.session.get(FactSheet, sheet.id).answers
    assert answers == full_answers(training_data="Permit records")


def _statements(client, url: str) -> int:
    seen = {"n": 0}

    def _seen(*_args, **_kwargs):
        seen["n"] += 1

    event.listen(_db.engine, "before_cursor_execute", _seen)
    try:
        assert client.get(url).status_code == 200
    finally:
        event.remove(_db.engine, "before_cursor_execute", _seen)
    return seen["n"]


def test_the_list_and_a_sheet_send_as_many_statements_however_many_rows(client, login_as):
    """No statement per sheet on the list, nor per file on a sheet's page."""
    login_as("privacy")
    sheet = make_fact_sheet(status=S.SUBMITTED)
    make_sheet_file(sheet)
    few = (_statements(client, "/algorithms/fact-sheets"), _statements(client, _url(sheet)))
    for n in range(4):
        make_fact_sheet(status=S.SUBMITTED)
        make_sheet_file(sheet, original_name=f"File {n}.pdf")
    many = (_statements(client, "/algorithms/fact-sheets"), _statements(client, _url(sheet)))
    assert many == few


def test_a_request_while_an_edition_is_open_says_why_and_makes_nothing(client, db, login_as):
    """The office's second request is refused with its reason; still one edition."""
    sheet = make_fact_sheet(status=S.IN_PROGRESS)
    login_as("privacy")
    url = f"/algorithms/{sheet.algorithm_id}/fact-sheets/request"
    response = client.post_form(url, {}, from_url="/algorithms/fact-sheets", follow_redirects=True)
    assert "still open" in response.get_data(as_text=True)
    count = (
        select(func.count())
        .select_from(FactSheet)
        .where(FactSheet.algorithm_id == sheet.algorithm_id)
    )
    assert db.session.scalar(count) == 1


def test_the_audit_trail_names_the_sheet_by_algorithm_and_edition(client, login_as):
    """An acceptance reads as the AI fact sheet of its algorithm and edition."""
    sheet = make_fact_sheet(status=S.SUBMITTED, answers=full_answers(known_limits="Weak at night"))
    login_as("privacy")
    client.post_form(
        _url(sheet, "/review"), {"decision": "accept", "comment": ""}, from_url=_url(sheet)
    )
    html = client.get("/audit/").get_data(as_text=True)
    assert "AI fact sheet" in html
    assert f"{sheet.algorithm.name}, edition 1" in html

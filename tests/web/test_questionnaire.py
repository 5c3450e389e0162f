"""The vendor's questionnaire with CSRF on: saving as the vendor goes, evidence on a question,
questions grouped by topic with progress, and the privacy office's upload on a request."""

from __future__ import annotations

import re
from io import BytesIO

from sqlalchemy import func, select

from sharing.attestations.models import (
    AnswerValue,
    AttestationAnswer,
    AttestationRequest,
    AttestationStatus,
    EvidenceFile,
)
from sharing.audit.models import AuditEvent
from tests.factories import make_organisation
from tests.fixtures import upload_corpus as corpus
from tests.web.tables.attestations import make_request
from tests.web.tables.evidence import QUESTION, upload_data

S = AttestationStatus
JSON = {"Accept": "application/json"}


def _events(db, action: str) -> int:
    db.session.expire_all()
    return db.session.scalar(
        select(func.count()).select_from(AuditEvent).where(AuditEvent.action == action)
    )


FROM_PAGE = object()  # take the CSRF token from the answer page


def _autosave(client, request, data: dict, *, token=FROM_PAGE):
    url = f"/attestations/{request.id}/autosave"
    payload = {"version": str(request.version), **data}
    if token is FROM_PAGE:
        token = client.csrf_token(f"/attestations/{request.id}/answer")
    if token is not None:
        payload["csrf_token"] = token
    return client.post(url, data=payload, headers=JSON)


def test_autosave_saves_the_answers_and_audits_like_a_draft(client, login_as, db):
    """The answers are stored, the request is in progress, the new version and the saving
    time come back, and one attestation.saved event is written."""
    vendor = login_as("vendor")
    request = make_request(vendor.organisation_id)
    opened = request.version
    response = _autosave(client, request, {"answer_sec_1": "no", "explanation_sec_1": "In May"})
    assert response.status_code == 200, response.get_data(as_text=True)
    body = response.get_json()
    assert re.fullmatch(r"\d\d:\d\d", body["saved_at"]) and body["answered"] == 1
    db.session.expire_all()
    saved = db.session.get(AttestationRequest, request.id)
    assert saved.status == S.IN_PROGRESS and body["version"] == saved.version != opened
    row = db.session.scalar(
        select(AttestationAnswer).where(
            AttestationAnswer.request_id == saved.id, AttestationAnswer.obligation_code == "SEC-1"
        )
    )
    assert (row.obligation_code, row.answer, row.explanation) == ("SEC-1", AnswerValue.NO, "In May")
    assert _events(db, "attestation.saved") == 1


def test_autosave_then_save_draft_with_the_returned_version_succeeds(client, login_as, db):
    """The page carries the version the autosave returned, so its own Save is not stale."""
    vendor = login_as("vendor")
    request = make_request(vendor.organisation_id)
    version = _autosave(client, request, {"answer_sec_1": "yes"}).get_json()["version"]
    response = client.post_form(
        f"/attestations/{request.id}/answer", {"answer_sec_1": "no", "version": str(version)}
    )
    assert response.status_code == 302


def test_autosave_of_another_organisations_request_is_404(client, login_as, db):
    """A vendor cannot reach another organisation's request, and nothing is saved."""
    login_as("vendor")
    other = make_request(make_organisation().id)
    response = _autosave(client, other, {"answer_sec_1": "no"}, token=client.csrf_token("/"))
    assert response.status_code == 404
    assert db.session.scalar(select(func.count()).select_from(AttestationAnswer)) == 0


def test_autosave_of_a_submitted_request_is_refused(client, login_as, db):
    """Once submitted, the request no longer takes answers: 409 with the reason."""
    vendor = login_as("vendor")
    request = make_request(vendor.organisation_id, S.SUBMITTED)
    response = _autosave(client, request, {"answer_sec_1": "no"}, token=client.csrf_token("/"))
    assert response.status_code == 409
    assert "submitted" in response.get_json()["message"]
    db.session.expire_all()
    assert {a.answer for a in db.session.get(AttestationRequest, request.id).answers} == {
        AnswerValue.YES
    }


def test_autosave_without_the_csrf_token_is_refused(client, login_as, db):
    """No token: 400, and no answer is stored."""
    vendor = login_as("vendor")
    request = make_request(vendor.organisation_id)
    response = _autosave(client, request, {"answer_sec_1": "no"}, token=None)
    assert response.status_code == 400
    assert db.session.scalar(select(func.count()).select_from(AttestationAnswer)) == 0


def test_the_privacy_office_may_not_autosave(client, login_as):
    """Answering is the vendor's: the office gets 403."""
    request = make_request()
    login_as("privacy")
    assert _autosave(client, request, {"answer_sec_1": "no"}).status_code in (400, 403)


def test_the_answer_page_offers_autosave_and_an_upload_on_each_question(client, login_as):
    """The form names its autosave URL; each question has its own evidence upload form."""
    vendor = login_as("vendor")
    request = make_request(vendor.organisation_id)
    page = client.get(f"/attestations/{request.id}/answer").get_data(as_text=True)
    assert f'data-autosave-url="/attestations/{request.id}/autosave"' in page
    assert 'id="autosave-status" role="status" aria-live="polite"' in page
    for code in ("PUR-1", "SEC-1", "BRN-1"):
        assert f'<form method="post" enctype="multipart/form-data" id="evidence-{code}"' in page
        assert f'form="evidence-{code}"' in page


def _upload_on_question(client, request, sample_data: dict):
    url = f"/attestations/evidence/new?request={request.id}&code={QUESTION}"
    token = client.csrf_token(f"/attestations/{request.id}/answer")
    return client.post(url, data={**sample_data, "csrf_token": token}, headers=JSON)


def test_evidence_on_a_question_is_attached_and_described_in_json(client, login_as, db):
    """The page's fetch gets 201 with the file's name and link; the row names the question."""
    vendor = login_as("vendor")
    request = make_request(vendor.organisation_id)
    response = _upload_on_question(client, request, upload_data("pen test.pdf"))
    assert response.status_code == 201
    body = response.get_json()["file"]
    row = db.session.scalar(select(EvidenceFile))
    assert body["name"] == "pen test.pdf" and body["url"].endswith(f"/{row.id}/download")
    assert (row.request_id, row.obligation_code) == (request.id, QUESTION)


def test_refused_evidence_on_a_question_comes_back_as_reasons_for_that_question(
    client, login_as, db
):
    """A hostile file still meets every content check: 422 with the reason, nothing stored."""
    vendor = login_as("vendor")
    request = make_request(vendor.organisation_id)
    sample = corpus.hostile()[0]
    data = upload_data(sample.filename, sample.data)
    data["file"] = (BytesIO(sample.data), sample.filename, sample.content_type)
    response = _upload_on_question(client, request, data)
    assert response.status_code == 422
    assert response.get_json()["errors"]["file"]
    assert db.session.scalar(select(func.count()).select_from(EvidenceFile)) == 0


def test_privacy_office_upload_on_a_request_lands_on_the_request_page(client, login_as, db):
    """The office cannot answer, so after attaching a file it returns to the request page
    (which it may open), not to the vendor-only answer page."""
    request = make_request()
    login_as("privacy")
    url = f"/attestations/evidence/new?request={request.id}&code={QUESTION}"
    data = upload_data(organisation_id=str(request.organisation_id))
    response = client.post_form(url, data)
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/attestations/{request.id}")
    assert client.get(response.headers["Location"]).status_code == 200
    form = client.get(url).get_data(as_text=True)
    assert f'href="/attestations/{request.id}">Cancel' in form


def test_the_request_page_offers_the_office_an_upload_on_each_open_question(client, login_as):
    """The office reaches the upload for a question from the request page."""
    request = make_request()
    login_as("privacy")
    page = client.get(f"/attestations/{request.id}").get_data(as_text=True)
    assert f"/attestations/evidence/new?request={request.id}&amp;code=SEC-1" in page


# Topics and progress --------------------------------------------------------------------------


def _part(page: str, start: str, end: str) -> str:
    begin = page.index(start)
    return page[begin : page.index(end, begin)]


def test_questions_are_grouped_by_topic_with_progress_and_a_contents_list(client, login_as, db):
    """Each topic is a section with "n of m answered"; the contents list links to each, and
    the overall count covers the whole questionnaire."""
    vendor = login_as("vendor")
    codes = ("PUR-1", "SEC-1", "BRN-1", "RET-1")
    request = make_request(vendor.organisation_id, codes=codes)
    request.answers.append(AttestationAnswer(obligation_code="SEC-1", answer=AnswerValue.YES))
    request.answers.append(AttestationAnswer(obligation_code="PUR-1", answer=None))
    db.session.commit()
    page = client.get(f"/attestations/{request.id}/answer").get_data(as_text=True)
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page))
    assert "1 of 4 answered" in text
    contents = _part(page, 'id="questionnaire-contents"', "</nav>")
    for anchor in ("topic-notice-and-purpose", "topic-collection-and-retention", "topic-security"):
        assert f'href="#{anchor}"' in contents and f'id="{anchor}"' in page
    security = _part(page, 'id="topic-security"', "</section>")
    assert 'id="question-SEC-1"' in security and 'id="question-BRN-1"' in security
    assert re.search(r"<span data-answered-count>1</span> of 2 answered", security)


def test_returned_questions_are_listed_at_the_top_with_links_to_each(client, login_as, db):
    """In a later round, the page opens with how many questions need an answer, each a link
    to its question, and marks the question itself."""
    request = make_request(status=S.SUBMITTED)
    login_as("privacy")
    response = client.post_form(
        f"/attestations/{request.id}/review",
        {
            "decision_pur_1": "accepted",
            "decision_sec_1": "returned",
            "comment_sec_1": "Attach the pen test",
            "decision_brn_1": "returned",
            "comment_brn_1": "Name the 72 hours",
            "version": str(request.version),
        },
    )
    assert response.status_code == 302
    client.post_form("/auth/sign-out", {}, from_url="/auth/account")
    login_as("vendor", organisation_id=request.organisation_id)
    for url in (f"/attestations/{request.id}/answer", f"/attestations/{request.id}"):
        page = client.get(url).get_data(as_text=True)
        summary = page[page.index('id="returned-summary"') :]
        summary = summary[: summary.index("</div>")]
        assert "2 questions need your answer" in summary
        assert 'href="#question-SEC-1"' in summary and 'href="#question-BRN-1"' in summary
        assert 'href="#question-PUR-1"' not in summary
        assert "Attach the pen test" in summary
    answer_page = client.get(f"/attestations/{request.id}/answer").get_data(as_text=True)
    assert "Returned for a new answer." in answer_page

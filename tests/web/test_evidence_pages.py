"""Evidence pages with CSRF on: every hostile file is refused through the form with nothing
stored, every benign file comes back byte-identical as an attachment, and each page keeps a
vendor to their own organisation."""

from __future__ import annotations

from io import BytesIO
from pathlib import Path

import pytest
from sqlalchemy import func, select

from sharing.attestations import evidence
from sharing.attestations.models import AttestationStatus, EvidenceFile
from tests.factories import make_organisation
from tests.fixtures import upload_corpus as corpus
from tests.web.tables.attestations import make_request
from tests.web.tables.evidence import QUESTION, make_evidence

UPLOAD = "/attestations/evidence/new"
LIST = "/attestations/evidence"


@pytest.fixture
def app_config() -> dict:
    return {"EVIDENCE_MAX_BYTES": corpus.CORPUS_MAX_BYTES}


def _form(sample: corpus.Sample, **fields) -> dict:
    values = {
        "file": (BytesIO(sample.data), sample.filename, sample.content_type),
        "evidence_type": "policy",
        "valid_until": "",
        "description": "Typed by the vendor",
    }
    values.update(fields)
    return values


def _files(app) -> list[str]:
    root = Path(app.config["UPLOAD_DIR"])
    return sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.is_file())


def _rows(db) -> int:
    db.session.expire_all()
    return db.session.scalar(select(func.count()).select_from(EvidenceFile))


HOSTILE = corpus.hostile()
BENIGN = corpus.benign()


@pytest.mark.parametrize("sample", HOSTILE, ids=[s.label for s in HOSTILE])
def test_hostile_upload_is_refused_with_its_reason_and_nothing_is_stored(
    app, client, db, login_as, sample
):
    """The form comes back with the reason beside the file field; no file and no row remain."""
    login_as("vendor")
    files, rows = _files(app), _rows(db)
    response = client.post_form(UPLOAD, _form(sample))
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert 'id="file-error"' in html and "Typed by the vendor" in html
    assert (_files(app), _rows(db)) == (files, rows)


@pytest.mark.parametrize("sample", BENIGN, ids=[s.label for s in BENIGN])
def test_benign_upload_downloads_byte_identical_as_an_attachment(app, client, db, login_as, sample):
    """The download is the uploaded bytes, as an attachment, with nosniff and the real type."""
    login_as("vendor")
    response = client.post_form(UPLOAD, _form(sample))
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    row = db.session.scalar(select(EvidenceFile).order_by(EvidenceFile.id.desc()).limit(1))
    download = client.get(f"/attestations/evidence/{row.id}/download")
    assert download.status_code == 200
    assert download.data == sample.data
    assert download.headers["X-Content-Type-Options"] == "nosniff"
    assert download.headers["Content-Disposition"].startswith("attachment")
    assert download.mimetype == row.content_type


def test_a_unicode_name_is_offered_back_on_download(client, db, login_as):
    """The original name, accents included, is the download name (RFC 5987 encoded)."""
    user = login_as("vendor")
    row = make_evidence(user.organisation_id, original_name="Báo cáo.pdf")
    download = client.get(f"/attestations/evidence/{row.id}/download")
    assert "filename*=UTF-8''B%C3%A1o%20c%C3%A1o.pdf" in download.headers["Content-Disposition"]


@pytest.mark.parametrize("app_config", [{"MAX_CONTENT_LENGTH": 512 * 1024}], indirect=False)
def test_an_upload_over_the_request_limit_is_refused_before_reading(app, client, db, login_as):
    """Over MAX_CONTENT_LENGTH the server answers 413 and stores nothing."""
    login_as("vendor")
    big = corpus.Sample("big", "big.pdf", corpus.oversize_pdf(600 * 1024), corpus.PDF)
    response = client.post_form(UPLOAD, _form(big))
    assert response.status_code == 413
    assert (_files(app), _rows(db)) == ([], 0)


@pytest.mark.parametrize("app_config", [{"EVIDENCE_MAX_BYTES": 512 * 1024}], indirect=False)
def test_the_configured_evidence_limit_applies(app, client, db, login_as):
    """A real file just over EVIDENCE_MAX_BYTES is refused with the limit in the message."""
    login_as("vendor")
    big = corpus.Sample("big", "big.pdf", corpus.oversize_pdf(512 * 1024 + 1), corpus.PDF)
    response = client.post_form(UPLOAD, _form(big))
    assert "larger than the 0.5 MB limit" in response.get_data(as_text=True)
    assert (_files(app), _rows(db)) == ([], 0)


def test_a_tampered_file_is_not_downloaded(client, db, login_as):
    """A file whose SHA-256 no longer matches gets a clear 410 page, not the bytes."""
    user = login_as("vendor")
    row = make_evidence(user.organisation_id)
    evidence.path_of(row.stored_name).write_bytes(b"%PDF-1.7 something else")
    response = client.get(f"/attestations/evidence/{row.id}/download")
    assert response.status_code == 410
    assert "checksum does not match" in response.get_data(as_text=True)
    assert b"something else" not in response.data


def test_procurement_cannot_upload(client, db, login_as):
    """Procurement may read the list but not add files."""
    login_as("procurement")
    sample = BENIGN[0]
    token = client.csrf_token(LIST)
    response = client.post(UPLOAD, data={**_form(sample), "csrf_token": token})
    assert response.status_code == 403 and _rows(db) == 0


def test_privacy_uploads_for_the_organisation_it_chooses(client, db, login_as):
    """Staff pick the organisation; the row belongs to it."""
    organisation = make_organisation()
    login_as("privacy")
    response = client.post_form(UPLOAD, _form(BENIGN[0], organisation_id=str(organisation.id)))
    assert response.status_code == 302
    assert db.session.scalar(select(EvidenceFile.organisation_id)) == organisation.id


def test_a_vendor_cannot_choose_another_organisation(client, db, login_as):
    """A vendor's upload always belongs to their own organisation, whatever the form says."""
    user = login_as("vendor")
    other = make_organisation()
    client.post_form(UPLOAD, _form(BENIGN[0], organisation_id=str(other.id)))
    assert db.session.scalar(select(EvidenceFile.organisation_id)) == user.organisation_id


def test_an_upload_for_a_question_attaches_and_returns_to_the_answers(client, db, login_as):
    """?request=&code= attaches the file to that question and redirects to the answer page."""
    user = login_as("vendor")
    attestation = make_request(user.organisation_id)
    url = f"{UPLOAD}?request={attestation.id}&code={QUESTION}"
    response = client.post_form(url, _form(BENIGN[0]))
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/attestations/{attestation.id}/answer")
    row = db.session.scalar(select(EvidenceFile))
    assert (row.request_id, row.obligation_code) == (attestation.id, QUESTION)


@pytest.mark.parametrize("case", ["other-organisation", "submitted", "unknown-code"])
def test_attaching_to_a_request_the_vendor_may_not_answer_is_404(client, db, login_as, case):
    """Another organisation's request, a closed one, or a code not asked: 404, nothing stored."""
    user = login_as("vendor")
    code = QUESTION
    if case == "other-organisation":
        attestation = make_request(make_organisation().id)
    elif case == "submitted":
        attestation = make_request(user.organisation_id, status=AttestationStatus.SUBMITTED)
    else:
        attestation, code = make_request(user.organisation_id), "NOPE-9"
    url = f"{UPLOAD}?request={attestation.id}&code={code}"
    assert client.get(url).status_code == 404
    token = client.csrf_token(LIST)
    response = client.post(url, data={**_form(BENIGN[0]), "csrf_token": token})
    assert response.status_code == 404 and _rows(db) == 0


def test_the_vendor_list_shows_only_their_organisation(client, db, login_as):
    """Another organisation's file is not listed, even with its organisation in the filter."""
    user = login_as("vendor")
    make_evidence(user.organisation_id, original_name="ours.pdf")
    other = make_organisation()
    make_evidence(other.id, original_name="theirs.pdf")
    html = client.get(f"{LIST}?organisation={other.id}").get_data(as_text=True)
    assert "theirs.pdf" not in html
    html = client.get(LIST).get_data(as_text=True)
    assert "ours.pdf" in html and "theirs.pdf" not in html


def test_the_list_marks_expired_and_expiring_files(client, db, login_as):
    """Valid-until dates show as 'expired' or 'expires in N days'."""
    from datetime import timedelta

    from sharing.core.clock import today

    user = login_as("vendor")
    make_evidence(user.organisation_id, valid_until=today() - timedelta(days=1))
    make_evidence(user.organisation_id, valid_until=today() + timedelta(days=12))
    html = client.get(LIST).get_data(as_text=True)
    assert ">expired<" in html and "expires in 12 days" in html


def test_the_empty_list_offers_an_upload(client, login_as):
    """With no files the page says what to do next."""
    login_as("vendor")
    html = client.get(LIST).get_data(as_text=True)
    assert "No evidence has been uploaded yet" in html and UPLOAD in html


def test_removal_asks_for_confirmation_and_deletes(app, client, db, login_as):
    """The remove button confirms first; the post removes the row and the file."""
    user = login_as("vendor")
    row = make_evidence(user.organisation_id)
    assert "data-confirm" in client.get(LIST).get_data(as_text=True)
    response = client.post_form(f"/attestations/evidence/{row.id}/delete", {}, from_url=LIST)
    assert response.status_code == 302
    assert (_rows(db), _files(app)) == (0, [])


def test_removal_of_submitted_evidence_is_refused_with_a_message(app, client, db, login_as):
    """Evidence of a submitted attestation stays, and the user is told why."""
    user = login_as("vendor")
    attestation = make_request(user.organisation_id, status=AttestationStatus.SUBMITTED)
    row = make_evidence(user.organisation_id, request_id=attestation.id, obligation_code=QUESTION)
    url = f"/attestations/evidence/{row.id}/delete"
    response = client.post_form(url, {}, from_url=LIST)
    assert response.status_code == 302 and _rows(db) == 1
    html = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "cannot be removed" in html

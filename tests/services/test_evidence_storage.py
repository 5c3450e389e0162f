"""Evidence storage: a file and its row appear together or not at all, downloads are checked
against the SHA-256, and the consistency check finds files and rows that disagree."""

from __future__ import annotations

import hashlib
import os
from datetime import date, timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select

from sharing.attestations import evidence
from sharing.attestations.cli import check_files_command
from sharing.attestations.models import AttestationStatus, EvidenceFile, EvidenceType
from sharing.audit.models import AuditEvent
from sharing.core import file_store
from sharing.errors import Conflict, ValidationFailed
from sharing.files import RejectedUpload
from tests.factories import make_organisation, make_user
from tests.fixtures import upload_corpus as corpus
from tests.web.tables.attestations import make_request
from tests.web.tables.evidence import make_evidence

TODAY = date(2026, 3, 1)
PDF = corpus.simple_pdf()


def _upload(actor, organisation_id, data=PDF, name="report.pdf", **kw):
    values = {
        "actor": actor,
        "organisation_id": organisation_id,
        "data": data,
        "original_name": name,
        "evidence_type": EvidenceType.SOC2,
        "valid_until": None,
        "description": "",
        "today": TODAY,
    }
    values.update(kw)
    return evidence.upload_evidence(**values)


def _vendor():
    return make_user("vendor")


def _stored() -> list[str]:
    return sorted(p.name for p in evidence.evidence_dir().iterdir())


def _count(db, model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def test_upload_stores_the_file_under_a_random_name_with_its_sha256(db):
    """The row records size, SHA-256 and content type; the file name is random, not the upload's."""
    user = _vendor()
    row = _upload(user, user.organisation_id, corpus.image("PNG"), "holiday.png")
    assert row.stored_name != "holiday.png" and row.stored_name.endswith(".png")
    assert evidence.path_of(row.stored_name).read_bytes() == corpus.image("PNG")
    assert row.sha256 == hashlib.sha256(corpus.image("PNG")).hexdigest()
    assert (row.content_type, row.original_name) == ("image/png", "holiday.png")
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "evidence.uploaded"))
    assert event.changes["sha256"]["after"] == row.sha256


def test_files_live_outside_the_static_folder(app):
    """Evidence goes under UPLOAD_DIR/evidence, never under the app's static folder."""
    folder = evidence.evidence_dir()
    assert folder.parent == Path(app.config["UPLOAD_DIR"])
    assert not str(folder).startswith(str(app.static_folder))


def test_a_refused_file_leaves_no_file_and_no_row(db):
    """The content check runs before anything is written."""
    user = _vendor()
    with pytest.raises(RejectedUpload):
        _upload(user, user.organisation_id, b"<html></html>", "x.pdf")
    assert _stored() == [] and _count(db, EvidenceFile) == 0


def test_a_valid_until_date_in_the_past_is_refused_on_its_field(db):
    """The reason is given for the valid_until field, and nothing is stored."""
    user = _vendor()
    with pytest.raises(ValidationFailed) as failed:
        _upload(user, user.organisation_id, valid_until=TODAY - timedelta(days=1))
    assert "valid_until" in failed.value.errors
    assert _stored() == []


def test_a_failing_commit_leaves_no_orphan_file(db, monkeypatch):
    """An exception between the file write and the commit removes the file; no row remains."""
    user = _vendor()

    def broken_commit():
        raise RuntimeError("database went away")

    monkeypatch.setattr(db.session, "commit", broken_commit)
    with pytest.raises(RuntimeError):
        _upload(user, user.organisation_id)
    monkeypatch.undo()
    db.session.rollback()
    assert _stored() == [] and _count(db, EvidenceFile) == 0


def test_a_failing_audit_record_leaves_no_orphan_file(db, monkeypatch):
    """The audit event is part of the same unit: if it fails, the file and row go too."""
    user = _vendor()

    def broken_record(**_kw):
        raise RuntimeError("audit unavailable")

    monkeypatch.setattr(evidence.audit, "record", broken_record)
    with pytest.raises(RuntimeError):
        _upload(user, user.organisation_id)
    assert _stored() == [] and _count(db, EvidenceFile) == 0


def test_a_failing_rename_leaves_no_partial_file(db, monkeypatch):
    """If the rename into place fails, the temporary .part file is removed too."""
    user = _vendor()

    def broken_replace(*_args):
        raise OSError("disk full")

    monkeypatch.setattr(file_store.os, "replace", broken_replace)
    with pytest.raises(OSError):
        _upload(user, user.organisation_id)
    assert _stored() == [] and _count(db, EvidenceFile) == 0


def test_stored_names_that_could_leave_the_folder_are_refused(app):
    """path_of accepts only names this module makes."""
    for name in ("../x.pdf", ".abc.pdf.part", "a" * 32 + ".exe", "", "/etc/passwd"):
        with pytest.raises(ValueError):
            evidence.path_of(name)


def test_reading_checks_the_sha256(db):
    """A file changed on disk is not served."""
    row = make_evidence(make_organisation().id)
    evidence.path_of(row.stored_name).write_bytes(PDF + b"tampered")
    with pytest.raises(evidence.EvidenceUnavailable, match="checksum"):
        evidence.read_evidence(row)


def test_reading_a_missing_file_says_so(db):
    """A row whose file has gone raises a clear error rather than a stack trace."""
    row = make_evidence(make_organisation().id)
    os.remove(evidence.path_of(row.stored_name))
    with pytest.raises(evidence.EvidenceUnavailable, match="missing"):
        evidence.read_evidence(row)


def test_removal_deletes_the_row_and_the_file_and_records_what_was_there(db):
    """The audit event keeps the removed row's values."""
    user = _vendor()
    row = _upload(user, user.organisation_id)
    stored = row.stored_name
    evidence.remove_evidence(actor=user, evidence=row, today=TODAY)
    assert _stored() == [] and _count(db, EvidenceFile) == 0
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "evidence.removed"))
    assert event.changes["stored_name"]["before"] == stored


@pytest.mark.parametrize("status", [AttestationStatus.SUBMITTED, AttestationStatus.ACCEPTED])
def test_evidence_of_a_submitted_attestation_cannot_be_removed(db, status):
    """Once the attestation is submitted the file is part of the record."""
    organisation = make_organisation()
    attestation = make_request(organisation.id, status=status)
    row = make_evidence(organisation.id, request_id=attestation.id, obligation_code="SEC-1")
    with pytest.raises(Conflict, match="submitted"):
        evidence.remove_evidence(actor=make_user("privacy"), evidence=row, today=TODAY)
    assert _count(db, EvidenceFile) == 1 and evidence.path_of(row.stored_name).is_file()


def test_a_file_can_only_be_attached_to_an_open_request_of_its_organisation(db):
    """Another organisation's request, a closed one or a code not asked are all refused."""
    user = _vendor()
    other = make_request(make_organisation().id)
    closed = make_request(user.organisation_id, status=AttestationStatus.SUBMITTED)
    for attestation, code in ((other, "SEC-1"), (closed, "SEC-1")):
        with pytest.raises(Conflict):
            _upload(user, user.organisation_id, request=attestation, obligation_code=code)
    own = make_request(user.organisation_id)
    with pytest.raises(Conflict):
        _upload(user, user.organisation_id, request=own, obligation_code="NOT-ASKED")
    assert _stored() == []


def test_evidence_for_request_groups_files_by_question(db):
    """The request page gets each question's files."""
    organisation = make_organisation()
    attestation = make_request(organisation.id, codes=("SEC-1", "SEC-2"))
    first = make_evidence(organisation.id, request_id=attestation.id, obligation_code="SEC-1")
    second = make_evidence(organisation.id, request_id=attestation.id, obligation_code="SEC-2")
    make_evidence(organisation.id)  # not attached
    grouped = evidence.evidence_for_request(attestation.id)
    assert {code: [f.id for f in files] for code, files in grouped.items()} == {
        "SEC-1": [first.id],
        "SEC-2": [second.id],
    }


def test_expiring_evidence_is_the_organisations_within_the_window(db):
    """Files expiring within 60 days (or recently expired) show; others and other orgs' don't."""
    organisation, other = make_organisation(), make_organisation()
    soon = make_evidence(organisation.id, valid_until=TODAY + timedelta(days=10))
    lapsed = make_evidence(organisation.id, valid_until=TODAY - timedelta(days=5))
    make_evidence(organisation.id, valid_until=TODAY + timedelta(days=200))
    make_evidence(organisation.id)
    make_evidence(other.id, valid_until=TODAY + timedelta(days=10))
    found = evidence.expiring_evidence(organisation_id=organisation.id, today=TODAY)
    assert [f.id for f in found] == [lapsed.id, soon.id]


def test_the_list_query_keeps_a_vendor_to_their_organisation_whatever_the_filter(db):
    """An organisation filter naming another organisation cannot widen a vendor's list."""
    own, other = make_organisation(), make_organisation()
    mine = make_evidence(own.id)
    make_evidence(other.id)
    filters = evidence.EvidenceFilters(today=TODAY, organisation_id=other.id)
    assert list(db.session.scalars(evidence.evidence_query(filters, organisation_id=own.id))) == []
    everything = evidence.EvidenceFilters(today=TODAY)
    rows = db.session.scalars(evidence.evidence_query(everything, organisation_id=own.id))
    assert [r.id for r in rows] == [mine.id]


def test_the_list_query_filters_by_state_type_and_text(db):
    """Expired, type and search filters run in SQL."""
    organisation = make_organisation()
    old = make_evidence(organisation.id, valid_until=TODAY - timedelta(days=1))
    iso = make_evidence(
        organisation.id, evidence_type=EvidenceType.ISO27001, original_name="ISO cert.pdf"
    )

    def ids(**kw):
        stmt = evidence.evidence_query(evidence.EvidenceFilters(today=TODAY, **kw))
        return [r.id for r in db.session.scalars(stmt)]

    assert ids(state="expired") == [old.id]
    assert ids(evidence_type="iso27001") == [iso.id]
    assert ids(q="iso c") == [iso.id]


def test_the_consistency_report_finds_orphans_missing_and_changed_files(db):
    """A file with no row, a row with no file and a changed file are each reported."""
    organisation = make_organisation()
    gone = make_evidence(organisation.id)
    changed = make_evidence(organisation.id)
    make_evidence(organisation.id)  # fine
    os.remove(evidence.path_of(gone.stored_name))
    evidence.path_of(changed.stored_name).write_bytes(b"changed")
    orphan = evidence.store_file(PDF, ".pdf")
    (evidence.evidence_dir() / f".{orphan}.part").write_bytes(b"half")
    report = evidence.consistency_report()
    assert report.orphan_files == sorted([orphan, f".{orphan}.part"])
    assert [r.id for r in report.missing_files] == [gone.id]
    assert [r.id for r in report.mismatched] == [changed.id]


def test_check_files_exits_1_when_anything_is_wrong_and_0_when_clean(app, db):
    """The command can run from monitoring: its exit status says whether to look."""
    runner = app.test_cli_runner()
    make_evidence(make_organisation().id)
    clean = runner.invoke(check_files_command, catch_exceptions=False)
    assert clean.exit_code == 0, clean.output
    evidence.store_file(PDF, ".pdf")
    dirty = runner.invoke(check_files_command, catch_exceptions=False)
    assert dirty.exit_code == 1 and "orphan file" in dirty.output

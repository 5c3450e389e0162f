"""AI fact sheets: requesting editions by hand and on the daily schedule, filling and signing
them, their evidence files, the office's review that fills the algorithm record, and the
changes between two editions."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import func, select

from sharing.agreements.models import AgreementStatus
from sharing.algorithms import differences, fact_sheet_files, fact_sheet_review, fact_sheets
from sharing.algorithms.models import (
    AlgorithmStatus,
    FactSheet,
    FactSheetEvidence,
    FactSheetEvidenceKind,
    FactSheetStatus,
)
from sharing.audit.models import AuditEvent
from sharing.errors import Conflict, Forbidden, ValidationFailed
from sharing.files import RejectedUpload
from sharing.inbox.models import InboxItem
from tests.factories import make_algorithm, make_flow, make_organisation, make_user
from tests.fixtures import upload_corpus as corpus
from tests.web.tables.agreement_lifecycle import make_agreement
from tests.web.tables.fact_sheets import full_answers, make_fact_sheet, make_sheet_file

S = FactSheetStatus
NOW = datetime(2026, 9, 1, 9, 0, tzinfo=UTC)
TODAY = date(2026, 9, 1)


@pytest.fixture
def app_config() -> dict:
    return {"EVIDENCE_MAX_BYTES": corpus.CORPUS_MAX_BYTES}


def _actions(db) -> list[str]:
    return list(db.session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)))


def _vendor_for(sheet: FactSheet):
    return make_user("vendor", organisation_id=sheet.organisation_id)


def _automated_algorithm(**overrides):
    """An approved system whose provider has a live flow that makes automated decisions."""
    organisation = make_organisation()
    flow = make_flow(organisation, automated_decisions=True)
    return make_algorithm(organisation, (flow,), approved=True, **overrides), flow


def _accepted(algorithm, *, on: date, edition: int = 1) -> FactSheet:
    moment = datetime(on.year, on.month, on.day, 12, tzinfo=UTC)
    return make_fact_sheet(
        algorithm.organisation_id,
        S.ACCEPTED,
        algorithm=algorithm,
        edition=edition,
        reviewed_at=moment,
    )


# Requesting -------------------------------------------------------------------------------


def test_a_request_by_hand_is_due_in_30_days_audited_and_sent_to_the_vendor(db):
    """The office's request makes edition 1, due 30 days on, with an inbox item for the
    vendor's users and one audit event."""
    officer = make_user("privacy")
    algorithm = make_algorithm(make_organisation(), approved=True)
    vendor = make_user("vendor", organisation_id=algorithm.organisation_id)
    sheet = fact_sheets.request_fact_sheet(actor=officer, algorithm=algorithm, today=TODAY)
    assert (sheet.edition, sheet.due_date, sheet.status) == (
        1,
        TODAY + timedelta(days=30),
        S.REQUESTED,
    )
    assert _actions(db)[-1] == "fact_sheet.requested"
    items = db.session.scalars(select(InboxItem).where(InboxItem.user_id == vendor.id)).all()
    assert [i.link for i in items] == [f"/algorithms/fact-sheets/{sheet.id}"]


def test_a_second_request_while_an_edition_is_open_is_refused(db):
    """One edition at a time: a request while one is still open names the reason."""
    officer = make_user("privacy")
    sheet = make_fact_sheet(status=S.IN_PROGRESS)
    with pytest.raises(ValidationFailed) as failed:
        fact_sheets.request_fact_sheet(actor=officer, algorithm=sheet.algorithm, today=TODAY)
    assert "still open" in failed.value.errors["algorithm"]


def test_the_daily_job_requests_the_first_edition_once(db):
    """An approved system with automated flows and no sheet gets edition 1; a second run the
    same day makes nothing more."""
    algorithm, _ = _automated_algorithm()
    created = fact_sheets.request_due_fact_sheets(today=TODAY)
    assert [(s.algorithm_id, s.edition) for s in created] == [(algorithm.id, 1)]
    assert fact_sheets.request_due_fact_sheets(today=TODAY) == []
    assert _actions(db).count("fact_sheet.scheduled") == 1


def test_the_daily_job_skips_providers_without_automated_decisions(db):
    """A provider whose flows make no automated decisions is not asked."""
    organisation = make_organisation()
    make_algorithm(organisation, (make_flow(organisation),), approved=True)
    assert fact_sheets.request_due_fact_sheets(today=TODAY) == []


def test_the_daily_job_skips_a_system_never_approved(db):
    """A draft record is not on the schedule yet."""
    organisation = make_organisation()
    make_algorithm(organisation, (make_flow(organisation, automated_decisions=True),))
    assert fact_sheets.request_due_fact_sheets(today=TODAY) == []


def test_the_next_edition_waits_for_the_agreement_interval(db):
    """With an agreement in force covering the flow at six months, an edition accepted five
    months ago is not yet due, and one accepted six months ago is."""
    algorithm, flow = _automated_algorithm()
    make_agreement(
        AgreementStatus.ACTIVE,
        organisation_id=algorithm.organisation_id,
        flows=[flow],
        parameters={"attestation_interval_months": 6},
    )
    assert fact_sheets.interval_for(algorithm.id) == 6
    _accepted(algorithm, on=date(2026, 4, 2))
    assert fact_sheets.request_due_fact_sheets(today=TODAY) == []
    created = fact_sheets.request_due_fact_sheets(today=date(2026, 10, 2))
    assert [(s.algorithm_id, s.edition) for s in created] == [(algorithm.id, 2)]


def test_without_an_agreement_the_interval_is_twelve_months(db):
    """No agreement in force covers the flows: the next edition is due a year on."""
    algorithm, _ = _automated_algorithm()
    _accepted(algorithm, on=date(2025, 10, 1))
    assert fact_sheets.interval_for(algorithm.id) == 12
    assert fact_sheets.request_due_fact_sheets(today=TODAY) == []
    assert len(fact_sheets.request_due_fact_sheets(today=date(2026, 10, 1))) == 1


def test_a_new_edition_starts_with_the_last_accepted_answers(db):
    """Edition 2 is prefilled with edition 1's accepted answers."""
    algorithm, _ = _automated_algorithm()
    first = _accepted(algorithm, on=date(2025, 1, 1))
    sheet = fact_sheets.request_fact_sheet(
        actor=make_user("privacy"), algorithm=algorithm, today=TODAY
    )
    assert sheet.edition == 2 and sheet.answers == first.answers


# Filling ----------------------------------------------------------------------------------


def test_saving_a_draft_keeps_the_answers_and_marks_it_in_progress(db):
    """A draft may be incomplete; it is kept as given and audited."""
    sheet = make_fact_sheet()
    vendor = _vendor_for(sheet)
    fact_sheets.save_answers(
        actor=vendor,
        sheet=sheet,
        answers={"training_data": " City permit records, 2019-2024 "},
        expected_version=sheet.version,
        now=NOW,
    )
    assert sheet.status == S.IN_PROGRESS
    assert sheet.answers["training_data"] == "City permit records, 2019-2024"
    assert _actions(db)[-1] == "fact_sheet.saved"


def test_a_date_that_is_not_a_date_is_refused_on_its_input(db):
    """The test date must read as YYYY-MM-DD."""
    sheet = make_fact_sheet()
    with pytest.raises(ValidationFailed) as failed:
        fact_sheets.save_answers(
            actor=_vendor_for(sheet),
            sheet=sheet,
            answers={"last_tested_on": "last spring"},
            expected_version=None,
            now=NOW,
        )
    assert set(failed.value.errors) == {"last_tested_on"}


def test_submit_names_each_missing_answer_and_the_signature(db):
    """Every unanswered input is named, with the signer, title and statement."""
    sheet = make_fact_sheet(status=S.IN_PROGRESS, answers=full_answers(security="", tested_by=""))
    with pytest.raises(ValidationFailed) as failed:
        fact_sheets.submit_fact_sheet(
            actor=_vendor_for(sheet),
            sheet=sheet,
            signer_name="",
            signer_title="",
            attested=False,
            expected_version=None,
            now=NOW,
        )
    errors = failed.value.errors
    assert set(errors) == {"security", "tested_by", "signer_name", "signer_title", "attested"}
    assert "Security measures" in errors["security"]
    assert sheet.status == S.IN_PROGRESS


def test_a_signed_submission_locks_the_sheet(db):
    """Submitted, the answers cannot be saved again."""
    sheet = make_fact_sheet(status=S.IN_PROGRESS)
    vendor = _vendor_for(sheet)
    fact_sheets.submit_fact_sheet(
        actor=vendor,
        sheet=sheet,
        signer_name="Ada Signer",
        signer_title="CTO",
        attested=True,
        expected_version=sheet.version,
        now=NOW,
    )
    assert (sheet.status, sheet.submitted_by_id) == (S.SUBMITTED, vendor.id)
    with pytest.raises(Conflict):
        fact_sheets.save_answers(
            actor=vendor, sheet=sheet, answers={}, expected_version=None, now=NOW
        )


def test_another_organisations_vendor_may_not_save(db):
    """A vendor user of another organisation is refused by the service too."""
    sheet = make_fact_sheet()
    with pytest.raises(Forbidden):
        fact_sheets.save_answers(
            actor=make_user("vendor"), sheet=sheet, answers={}, expected_version=None, now=NOW
        )


# Evidence files ---------------------------------------------------------------------------


def _stored(app) -> list[str]:
    return sorted(p.name for p in fact_sheet_files.files_dir().iterdir())


def test_a_hostile_file_is_refused_with_the_packages_message_leaving_nothing(app, db):
    """A refused upload (a PDF carrying JavaScript) leaves no row and no file."""
    sample = next(s for s in corpus.hostile() if s.code == "pdf_javascript")
    sheet = make_fact_sheet(status=S.IN_PROGRESS)
    with pytest.raises(RejectedUpload) as refused:
        fact_sheet_files.upload_file(
            actor=_vendor_for(sheet),
            sheet=sheet,
            data=sample.data,
            original_name=sample.filename,
            kind=FactSheetEvidenceKind.BIAS_AUDIT,
            description="",
        )
    assert refused.value.code == sample.code
    assert _stored(app) == []
    assert db.session.scalar(select(func.count()).select_from(FactSheetEvidence)) == 0


def test_an_accepted_file_is_stored_recorded_and_read_back(app, db):
    """A benign PDF is stored under a random name, recorded and audited."""
    sample = next(s for s in corpus.benign() if s.kind == "pdf")
    sheet = make_fact_sheet(status=S.IN_PROGRESS)
    row = fact_sheet_files.upload_file(
        actor=_vendor_for(sheet),
        sheet=sheet,
        data=sample.data,
        original_name="model card.pdf",
        kind=FactSheetEvidenceKind.MODEL_CARD,
        description="Version 3",
    )
    assert _stored(app) == [row.stored_name]
    assert fact_sheet_files.read_file(row) == sample.data
    assert _actions(db)[-1] == "fact_sheet_evidence.uploaded"


def test_a_file_can_be_removed_before_submission_but_not_after(app, db):
    """Removal deletes row and file while the sheet is open; a submitted sheet's files stay."""
    sheet = make_fact_sheet(status=S.IN_PROGRESS)
    vendor = _vendor_for(sheet)
    row = make_sheet_file(sheet)
    fact_sheet_files.remove_file(actor=vendor, item=row)
    assert _stored(app) == []
    submitted = make_fact_sheet(sheet.organisation_id, S.SUBMITTED)
    kept = make_sheet_file(submitted)
    with pytest.raises(Conflict):
        fact_sheet_files.remove_file(actor=vendor, item=kept)
    assert _stored(app) == [kept.stored_name]


# Review -----------------------------------------------------------------------------------


def test_accepting_fills_the_algorithm_and_sends_it_back_to_review(db):
    """The mapped answers land in the record's fields, the record is SUBMITTED by the
    reviewer with a comment naming the edition, the public snapshot is untouched, and one
    audit event holds the fields' before and after."""
    sheet = make_fact_sheet(
        status=S.SUBMITTED,
        answers=full_answers(known_limits="Weak on handwritten forms", last_tested_on="2026-05-01"),
    )
    algorithm = sheet.algorithm
    snapshot = dict(algorithm.approved_snapshot)
    officer = make_user("privacy")
    before = len(_actions(db))
    fact_sheet_review.accept_fact_sheet(
        actor=officer, sheet=sheet, comment="", expected_version=sheet.version, now=NOW
    )
    assert sheet.status == S.ACCEPTED
    assert algorithm.limitations == "Weak on handwritten forms"
    assert algorithm.last_tested_on == date(2026, 5, 1)
    assert algorithm.training_data == sheet.answers["training_data"]
    assert (algorithm.status, algorithm.submitted_by_id) == (AlgorithmStatus.SUBMITTED, officer.id)
    assert algorithm.approved_snapshot == snapshot
    assert "edition 1" in algorithm.comments[-1].body
    assert _actions(db)[before:] == ["fact_sheet.accepted"]
    event = db.session.scalar(select(AuditEvent).order_by(AuditEvent.id.desc()).limit(1))
    assert event.changes["algorithm.limitations"]["after"] == "Weak on handwritten forms"
    assert event.changes["algorithm.status"] == {"before": "approved", "after": "submitted"}


def test_internal_answers_never_reach_the_algorithm(db):
    """Security, retention and incident contact stay on the sheet only."""
    sheet = make_fact_sheet(status=S.SUBMITTED, answers=full_answers(security="Secret detail"))
    fact_sheet_review.accept_fact_sheet(
        actor=make_user("privacy"), sheet=sheet, comment="", expected_version=None, now=NOW
    )
    record = sheet.algorithm
    columns = [getattr(record, c.key) for c in record.__table__.columns]
    assert "Secret detail" not in [str(v) for v in columns]


def test_returning_needs_a_comment(db):
    """A return without a comment is refused on the comment field, and nothing changes."""
    sheet = make_fact_sheet(status=S.SUBMITTED)
    with pytest.raises(ValidationFailed) as failed:
        fact_sheet_review.return_fact_sheet(
            actor=make_user("privacy"), sheet=sheet, comment="  ", expected_version=None, now=NOW
        )
    assert set(failed.value.errors) == {"comment"}
    assert sheet.status == S.SUBMITTED


def test_returning_reopens_the_sheet_for_a_fresh_signature(db):
    """Returned with a comment, the sheet is open again and unsigned."""
    sheet = make_fact_sheet(status=S.SUBMITTED)
    fact_sheet_review.return_fact_sheet(
        actor=make_user("admin"),
        sheet=sheet,
        comment="Add the groups",
        expected_version=None,
        now=NOW,
    )
    assert (sheet.status, sheet.review_comment, sheet.attested) == (
        S.RETURNED,
        "Add the groups",
        False,
    )
    assert _actions(db)[-1] == "fact_sheet.returned"


def test_procurement_may_not_review(db):
    """Only the privacy office (and admins) accept or return."""
    sheet = make_fact_sheet(status=S.SUBMITTED)
    with pytest.raises(Forbidden):
        fact_sheet_review.accept_fact_sheet(
            actor=make_user("procurement"), sheet=sheet, comment="", expected_version=None, now=NOW
        )


# Differences ------------------------------------------------------------------------------


def test_word_diff_marks_insertions_and_deletions():
    """Changed words appear as one removal and one insertion; the rest is unchanged."""
    segments = differences.word_diff("Tested on 500 cases", "Tested on 900 cases")
    assert [(s.kind, s.text) for s in segments] == [
        ("unchanged", "Tested on "),
        ("removed", "500"),
        ("added", "900"),
        ("unchanged", " cases"),
    ]


def test_differences_between_two_editions(db):
    """Against the previous accepted edition: a changed answer, an emptied one, a new file,
    a removed file and a replaced file are each reported."""
    algorithm = make_algorithm(make_organisation(), approved=True)
    old = _accepted(algorithm, on=date(2025, 9, 1))
    make_sheet_file(old, original_name="Bias audit.pdf")
    make_sheet_file(old, original_name="Model card.pdf")
    new = make_fact_sheet(
        algorithm.organisation_id,
        S.SUBMITTED,
        algorithm=algorithm,
        edition=2,
        answers=full_answers(training_data="Permit records", retention=""),
    )
    make_sheet_file(new, data=corpus.simple_pdf(b"/Lang (en) "), original_name="Bias audit.pdf")
    make_sheet_file(new, original_name="Evaluation.pdf")
    found = differences.differences(new)
    assert found.previous.id == old.id
    changed = {a.code: a.change for a in found.changed}
    assert changed == {"training_data": "changed", "retention": "removed"}
    files = {(f.name, f.change) for f in found.files}
    assert files == {
        ("Bias audit.pdf", "changed"),
        ("Evaluation.pdf", "added"),
        ("Model card.pdf", "removed"),
    }

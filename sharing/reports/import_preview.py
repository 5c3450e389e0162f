"""Reading and previewing an import: the stored upload read, every row planned and its
planned action stored (nothing else is written), and a job marked failed when reading or
writing goes wrong."""

from __future__ import annotations

import logging
from collections import Counter
from typing import Any

from sqlalchemy import delete, insert

from sharing.core.clock import now as clock_now
from sharing.core.clock import today as clock_today
from sharing.core.database import commit_or_conflict
from sharing.errors import Conflict, ValidationFailed
from sharing.extensions import db
from sharing.files import Kind
from sharing.reports.decisions import Decision, digest
from sharing.reports.disclosure_import import DisclosurePlanner
from sharing.reports.import_jobs import DISCLOSURES, ROW_BATCH, holds_disclosures
from sharing.reports.import_mapping import recall_mappings
from sharing.reports.import_store import discard, save_rows, upload_path
from sharing.reports.models import ImportJob, ImportRow, ImportStatus
from sharing.reports.planning import Planner
from sharing.reports.reading import Issue, ReadResult, read_upload

log = logging.getLogger(__name__)

KINDS = {
    "organisation": "organisations",
    "flow": "flows",
    "contact": "contacts",
    "disclosure": "disclosures",
}
REGISTRY = ("organisations", "flows", "contacts")
WRITE_FAILED = (
    "The import failed and nothing was written: all changes were rolled back. This can "
    "happen when someone edits the same records at the same moment. Upload the file again."
)


def _set_stage(job: ImportJob, status: ImportStatus, *, total: int | None = None) -> None:
    job.status = status
    job.progress = 0
    if total is not None:
        job.total = total
    commit_or_conflict()


def prepare_import(job_id: int) -> None:
    """Read the stored file and plan every row; leaves the job READY (or FAILED)."""
    job = db.session.get(ImportJob, job_id)
    try:
        _set_stage(job, ImportStatus.READING)
        result = read_upload(upload_path(job), Kind(job.file_kind))
        recall_mappings(result)
        save_rows(job, result)
        set_file_issues(job, result)
        _set_stage(job, ImportStatus.VALIDATING, total=result.row_count)
        preview(job, result)
    except Exception as error:  # noqa: BLE001 - the job must show the failure, not hang
        log.exception("import %s could not be read", job_id)
        db.session.rollback()
        fail(db.session.get(ImportJob, job_id), failure_message(error, "read"))


def set_file_issues(job: ImportJob, result: ReadResult) -> None:
    """The job's file-level errors and warnings, from the read file and its mapping."""
    _check_kinds(result, holds_disclosures(job))
    job.warnings = [_issue(i) for i in result.warnings]
    job.file_errors = [_issue(i) for i in result.errors]


def _check_kinds(result: ReadResult, disclosures: bool) -> None:
    """A disclosure upload holds only disclosures; a registry upload holds none."""
    for table in result.tables:
        if disclosures and DISCLOSURES not in table.kinds:
            reason = (
                "This sheet holds organizations or flows, not disclosures. Disclosures need "
                "a “Date disclosed” column; registry rows are imported from the registry import."
            )
        elif not disclosures and DISCLOSURES in table.kinds:
            reason = "This sheet holds disclosures; import it from the disclosure log instead."
        else:
            continue
        result.errors.append(Issue(table.sheet, None, "", reason))


def planner_for(result: ReadResult):
    """The registry's planner, or the disclosure log's for a file of disclosures."""
    if any(DISCLOSURES in table.kinds for table in result.tables):
        return DisclosurePlanner(result, today=clock_today())
    return Planner(result)


def _issue(issue: Issue) -> dict[str, Any]:
    return {"sheet": issue.sheet, "row": issue.row, "column": issue.column, "reason": issue.reason}


def preview(job: ImportJob, result: ReadResult) -> None:
    """Store each row's planned action; commits in batches so progress can be watched."""
    db.session.execute(delete(ImportRow).where(ImportRow.job_id == job.id))
    planner = planner_for(result)
    keys = (DISCLOSURES,) if holds_disclosures(job) else REGISTRY
    counts: dict[str, Counter] = {key: Counter() for key in keys}
    fingerprints, batch, errors = [], [], 0
    if not job.file_errors:
        for done, decision in enumerate(planner.decisions(), 1):
            counts[KINDS[decision.kind]][decision.action.value] += 1
            errors += len(decision.errors)
            fingerprints.append(decision.fingerprint())
            batch.append(_row(job, decision))
            if len(batch) >= ROW_BATCH:
                _insert_rows(job, batch, done)
                batch = []
    _insert_rows(job, batch, job.total)
    # Contacts are counted only when the file has some, so registry counts read as before.
    job.counts = {
        kind: dict(counter) for kind, counter in counts.items() if counter or kind != "contacts"
    }
    job.error_count = errors + len(job.file_errors)
    job.plan_digest = digest(fingerprints)
    waiting = getattr(getattr(planner, "departments", None), "suggestions", {})
    job.suggestions = sorted(waiting.values(), key=lambda s: s["typed"].casefold())
    job.status = ImportStatus.READY
    commit_or_conflict()


def _row(job: ImportJob, decision: Decision) -> dict[str, Any]:
    return {
        "job_id": job.id,
        "sheet": decision.sheet[:100],
        "row_number": decision.row,
        "kind": decision.kind,
        "action": decision.action.value,
        "label": decision.label[:300],
        "target_id": decision.target_id,
        "target_version": decision.target_version,
        "detail": decision.detail,
        "errors": [{"column": c, "reason": r} for c, r in decision.errors],
    }


def _insert_rows(job: ImportJob, batch: list[dict], done: int) -> None:
    if batch:
        db.session.execute(insert(ImportRow), batch)
    job.progress = done
    commit_or_conflict()


def fail(job: ImportJob, message: str) -> None:
    job.status = ImportStatus.FAILED
    job.message = message
    job.finished_at = clock_now()
    discard(job)
    commit_or_conflict()


def failure_message(error: Exception, step: str) -> str:
    if isinstance(error, Conflict | ValidationFailed):
        return error.message
    if step == "read":
        return (
            "The file could not be read. Check that it opens in a spreadsheet program and "
            "that the first row holds the column headers, then upload it again."
        )
    return WRITE_FAILED

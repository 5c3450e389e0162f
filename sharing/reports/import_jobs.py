"""Reading import jobs: who may see which job, its planned rows, the progress the page polls,
and the error report."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from sharing.core.roles import Role
from sharing.errors import Conflict, NotFound
from sharing.extensions import db
from sharing.reports.import_runner import runner
from sharing.reports.models import ImportJob, ImportRow, ImportStatus, RowAction

ROW_BATCH = 1_000  # rows written, or read back, per batch
DISCLOSURES = "disclosures"


def holds_disclosures(job: ImportJob) -> bool:
    """Whether the job was uploaded as disclosure-log entries (not registry rows)."""
    return DISCLOSURES in (job.counts or {})


def check_open(job: ImportJob, now: datetime, *, doing: str) -> None:
    """A preview the user may still act on: read and planned, and not expired. `doing` says
    what was refused ("confirmed", "changed")."""
    if job.status != ImportStatus.READY:
        raise Conflict(f"This import is {job.status.label.lower()}; it cannot be {doing} now.")
    if job.expires_at is not None and job.expires_at <= now:
        raise Conflict("This preview has expired. Upload the file again.")


def get_job(job_id: int, viewer: Any) -> ImportJob:
    """A job its uploader or an admin may see; anyone else is told it does not exist.

    A role that may not import registry rows sees only disclosure imports.
    """
    job = db.session.get(ImportJob, job_id)
    if job is None or not (viewer.role.value == "admin" or job.uploaded_by_id == viewer.id):
        raise NotFound("That import does not exist.")
    if viewer.role not in Role.REGISTRY_EDITORS and not holds_disclosures(job):
        raise NotFound("That import does not exist.")
    return job


def jobs_query(viewer: Any):
    stmt = (
        select(ImportJob)
        .options(selectinload(ImportJob.uploaded_by))
        .order_by(ImportJob.created_at.desc(), ImportJob.id.desc())
    )
    if viewer.role.value != "admin":
        stmt = stmt.where(ImportJob.uploaded_by_id == viewer.id)
    return stmt


def rows_query(job: ImportJob, action: str = ""):
    stmt = select(ImportRow).where(ImportRow.job_id == job.id)
    if action in {a.value for a in RowAction}:
        stmt = stmt.where(ImportRow.action == action)
    return stmt.order_by(ImportRow.id)


def status_of(job: ImportJob) -> dict[str, Any]:
    """What the progress page polls: stage, progress and whether to reload."""
    progress = runner().progress(job.id, job.progress)
    percent = min(100, round(100 * progress / job.total)) if job.total else 0
    return {
        "id": job.id,
        "status": job.status.value,
        "stage": job.status.label,
        "progress": progress,
        "total": job.total,
        "percent": percent,
        "working": job.status.working,
    }


def error_report_rows(job: ImportJob):
    """(sheet, row, column, reason) for every problem: file-level first, then by row."""
    for issue in job.file_errors or []:
        yield [issue["sheet"], issue["row"] or "", issue["column"], issue["reason"]]
    stmt = rows_query(job, RowAction.ERROR.value).execution_options(yield_per=ROW_BATCH)
    for row in db.session.scalars(stmt):
        for problem in row.errors:
            yield [row.sheet, row.row_number, problem["column"], problem["reason"]]

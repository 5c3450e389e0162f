"""Import use cases: upload, read and preview, confirm (one transaction), cancel; with progress.

An upload is stored under UPLOAD_DIR/imports/, checked by content (files.check_upload), read,
and every row planned (planning.Planner) without writing anything but the preview. The parsed
rows wait in a JSON file beside the job until the user confirms or cancels; confirming plans
again against the database as it is then, refuses if anything the preview relied on changed,
and otherwise writes every row in one transaction. Large files run in a background thread.
"""

from __future__ import annotations

import json
import logging
import secrets
import shutil
import threading
from collections import Counter
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path
from typing import IO, Any

from flask import Flask, current_app
from sqlalchemy import delete, insert, select
from sqlalchemy.orm import selectinload

from sharing.audit import services as audit
from sharing.auth.models import User
from sharing.core.clock import now as clock_now
from sharing.core.clock import today as clock_today
from sharing.core.database import commit_or_conflict
from sharing.errors import Conflict, NotFound, ValidationFailed
from sharing.extensions import db
from sharing.reports import files
from sharing.reports.disclosure_import import DisclosurePlanner, DisclosureWriter
from sharing.reports.models import ImportJob, ImportRow, ImportStatus, RowAction
from sharing.reports.planning import Decision, Planner, digest
from sharing.reports.reading import Issue, ReadResult, Table, read_upload
from sharing.reports.writing import Writer

log = logging.getLogger(__name__)

STALE_WORK = timedelta(hours=2)  # a job still "working" after this was interrupted
ROW_BATCH = 1_000
KINDS = {"organisation": "organisations", "flow": "flows", "disclosure": "disclosures"}
REGISTRY = ("organisations", "flows")
DISCLOSURES = "disclosures"
REGISTRY_IMPORTERS = ("admin", "procurement")
WRITE_FAILED = (
    "The import failed and nothing was written: all changes were rolled back. This can "
    "happen when someone edits the same records at the same moment. Upload the file again."
)

# Background threads by job id, so that tests (and shutdown) can wait for them.
THREADS: dict[int, threading.Thread] = {}
# Commit progress lives in memory: the commit's own transaction cannot report it.
COMMIT_PROGRESS: dict[int, int] = {}


# Storage --------------------------------------------------------------------------------


def import_dir() -> Path:
    path = Path(current_app.config["UPLOAD_DIR"]) / "imports"
    path.mkdir(parents=True, exist_ok=True)
    return path


def _pending_path(job: ImportJob) -> Path | None:
    return import_dir() / job.stored_path if job.stored_path else None


def _store(stream: IO[bytes], limit: int) -> Path:
    """Copy the upload to a random name, stopping as soon as it passes the limit."""
    path = import_dir() / secrets.token_hex(16)
    with path.open("wb") as out:
        shutil.copyfileobj(_Capped(stream, limit + 1), out)
    return path


class _Capped:
    def __init__(self, stream: IO[bytes], limit: int) -> None:
        self.stream, self.left = stream, limit

    def read(self, size: int = -1) -> bytes:
        if self.left <= 0:
            return b""
        chunk = self.stream.read(min(self.left, size if size > 0 else self.left))
        self.left -= len(chunk)
        return chunk


def _discard(job: ImportJob) -> None:
    path = _pending_path(job)
    if path is not None:
        path.unlink(missing_ok=True)
        path.with_suffix(".rows.json").unlink(missing_ok=True)
    job.stored_path = None


def _save_rows(job: ImportJob, result: ReadResult) -> None:
    data = {
        "tables": [
            {
                "sheet": t.sheet,
                "kinds": list(t.kinds),
                "headers": t.headers,
                "mapping": t.mapping,
                "rows": t.rows,
            }
            for t in result.tables
        ],
    }
    rows_path = import_dir() / f"{job.stored_path}.rows.json"
    with rows_path.open("w", encoding="utf-8") as out:
        json.dump(data, out, ensure_ascii=False, separators=(",", ":"))
    (import_dir() / job.stored_path).unlink(missing_ok=True)  # the parsed rows replace it


def _load_rows(job: ImportJob) -> ReadResult:
    path = import_dir() / f"{job.stored_path}.rows.json" if job.stored_path else None
    if path is None or not path.exists():
        raise Conflict("The uploaded file is no longer available. Upload it again.")
    with path.open(encoding="utf-8") as handle:
        data = json.load(handle)
    tables = [
        Table(
            t["sheet"],
            tuple(t["kinds"]),
            t["headers"],
            t["mapping"],
            [(number, tuple(cells)) for number, cells in t["rows"]],
        )
        for t in data["tables"]
    ]
    return ReadResult(tables=tables)


# Settings --------------------------------------------------------------------------------


def _background(size_or_rows: int, threshold: int) -> bool:
    """Large work runs in a thread when IMPORT_BACKGROUND is on (tests turn it off)."""
    return bool(current_app.config["IMPORT_BACKGROUND"]) and size_or_rows > threshold


def _preview_hours() -> int:
    return int(current_app.config["IMPORT_PREVIEW_HOURS"])


# Upload -------------------------------------------------------------------------------------


def upload_import(
    *, actor: Any, stream: IO[bytes], filename: str, now: datetime, disclosures: bool = False
) -> ImportJob:
    """Store and check an upload, then read and preview it (now, or in the background).

    A file holds registry rows (organisations and flows) or, with `disclosures`, entries of
    the disclosure log; the job remembers which in its counts. A rejected file is deleted at
    once and only an `import.rejected` event is written;
    ValidationFailed({"file": reason}) tells the user why.
    """
    expire_stale_jobs(now=now)
    name = Path(filename or "upload").name[:255] or "upload"
    limit = files.max_import_bytes()
    path = _store(stream, limit)
    try:
        kind = files.check_upload(path, max_bytes=limit)
    except files.RejectedFile as error:
        path.unlink(missing_ok=True)
        audit.record(
            actor=actor,
            action="import.rejected",
            object_type="import",
            summary=f"Refused {name}: {error.message}",
            changes={"file": {"before": None, "after": name}},
        )
        commit_or_conflict()
        raise ValidationFailed({"file": error.message}, error.message) from None
    size = path.stat().st_size
    job = ImportJob(
        uploaded_by_id=actor.id,
        filename=name,
        file_kind=str(kind),
        size_bytes=size,
        stored_path=path.name,
        status=ImportStatus.RECEIVED,
        counts={DISCLOSURES: {}} if disclosures else {},
        file_errors=[],
        warnings=[],
        expires_at=now + timedelta(hours=_preview_hours()),
    )
    db.session.add(job)
    db.session.flush()
    audit.record(
        actor=actor,
        action="import.uploaded",
        object_type="import",
        object_id=job.id,
        summary=f"Uploaded {name} ({kind.value.upper()}, {size:,} bytes) for import",
    )
    commit_or_conflict()
    if _background(size, int(current_app.config["IMPORT_BACKGROUND_BYTES"])):
        _spawn(job.id, prepare_import)
    else:
        prepare_import(job.id)
    return job


def _spawn(job_id: int, work: Callable[[int], Any], *args: Any) -> None:
    app = current_app._get_current_object()
    thread = threading.Thread(target=_run_in_context, args=(app, work, job_id, *args), daemon=True)
    THREADS[job_id] = thread
    thread.start()


def _run_in_context(app: Flask, work: Callable, job_id: int, *args: Any) -> None:
    with app.app_context():
        try:
            work(job_id, *args)
        finally:
            db.session.remove()
            THREADS.pop(job_id, None)


def wait_for(job_id: int, timeout: float | None = None) -> None:
    """Wait until a background step of this job has finished (tests and shutdown)."""
    thread = THREADS.get(job_id)
    if thread is not None:
        thread.join(timeout)


# Reading and planning ---------------------------------------------------------------------


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
        result = read_upload(import_dir() / job.stored_path, files.FileKind(job.file_kind))
        _check_kinds(result, holds_disclosures(job))
        _save_rows(job, result)
        job.warnings = [_issue(i) for i in result.warnings]
        job.file_errors = [_issue(i) for i in result.errors]
        _set_stage(job, ImportStatus.VALIDATING, total=result.row_count)
        _preview(job, result)
    except Exception as error:  # noqa: BLE001 - the job must show the failure, not hang
        log.exception("import %s could not be read", job_id)
        db.session.rollback()
        _fail(db.session.get(ImportJob, job_id), _failure_message(error, "read"))


def holds_disclosures(job: ImportJob) -> bool:
    """Whether the job was uploaded as disclosure-log entries (not registry rows)."""
    return DISCLOSURES in (job.counts or {})


def _check_kinds(result: ReadResult, disclosures: bool) -> None:
    """A disclosure upload holds only disclosures; a registry upload holds none."""
    for table in result.tables:
        if disclosures and DISCLOSURES not in table.kinds:
            reason = (
                "This sheet holds organisations or flows, not disclosures. Disclosures need "
                "a “Date disclosed” column; registry rows are imported from the registry import."
            )
        elif not disclosures and DISCLOSURES in table.kinds:
            reason = "This sheet holds disclosures; import it from the disclosure log instead."
        else:
            continue
        result.errors.append(Issue(table.sheet, None, "", reason))


def _planner(result: ReadResult):
    """The registry's planner, or the disclosure log's for a file of disclosures."""
    if any(DISCLOSURES in table.kinds for table in result.tables):
        return DisclosurePlanner(result, today=clock_today())
    return Planner(result)


def _issue(issue: Issue) -> dict[str, Any]:
    return {"sheet": issue.sheet, "row": issue.row, "column": issue.column, "reason": issue.reason}


def _preview(job: ImportJob, result: ReadResult) -> None:
    """Store each row's planned action; commits in batches so progress can be watched."""
    db.session.execute(delete(ImportRow).where(ImportRow.job_id == job.id))
    planner = _planner(result)
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
    job.counts = {kind: dict(counter) for kind, counter in counts.items()}
    job.error_count = errors + len(job.file_errors)
    job.plan_digest = digest(fingerprints)
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


# Confirm and cancel --------------------------------------------------------------------------


def _check_ready(job: ImportJob, now: datetime) -> None:
    if job.status != ImportStatus.READY:
        raise Conflict(f"This import is {job.status.label.lower()}; it cannot be confirmed now.")
    if job.expires_at is not None and job.expires_at <= now:
        raise Conflict("This preview has expired. Upload the file again.")
    if job.error_count:
        raise Conflict("Fix the errors in the file and upload it again; nothing was imported.")


def confirm_import(*, actor: Any, job: ImportJob, now: datetime) -> ImportJob:
    """Write every row in one transaction, or refuse if the database changed since the preview."""
    _check_ready(job, now)
    threshold = int(current_app.config["IMPORT_BACKGROUND_ROWS"])
    if _background(job.total, threshold):
        job.status = ImportStatus.COMMITTING
        audit.record(
            actor=actor,
            action="import.confirmed",
            object_type="import",
            object_id=job.id,
            summary=f"Confirmed the import of {job.filename}; writing in the background",
        )
        commit_or_conflict()
        _spawn(job.id, commit_import, actor.id)
        return job
    commit_import(job.id, actor.id)
    return db.session.get(ImportJob, job.id)


def commit_import(job_id: int, actor_id: int) -> None:
    """Plan again, compare with the preview, and write everything, or nothing."""
    job = db.session.get(ImportJob, job_id)
    actor = db.session.get(User, actor_id)
    try:
        result = _load_rows(job)
        job.status = ImportStatus.COMMITTING
        COMMIT_PROGRESS[job_id] = 0
        planner = _planner(result)
        writing = DisclosureWriter if isinstance(planner, DisclosurePlanner) else Writer
        writer = writing(
            actor=actor, source=job.filename, progress=lambda n: COMMIT_PROGRESS.update({job_id: n})
        )
        # Plan and write in one pass, inside one transaction. Each row's plan is compared with
        # the preview; any difference (a record edited meanwhile) rolls the whole pass back.
        fingerprints = []
        for decision in planner.decisions():
            fingerprints.append(decision.fingerprint())
            writer.add(decision)
        writer.flush()
        if digest(fingerprints) != job.plan_digest:
            db.session.rollback()
            _refuse(db.session.get(ImportJob, job_id), db.session.get(User, actor_id))
            return
        _finish(job, actor, writer.counts)
    except Exception as error:  # noqa: BLE001 - any failure rolls everything back
        log.exception("import %s failed to commit", job_id)
        db.session.rollback()
        job = db.session.get(ImportJob, job_id)
        actor = db.session.get(User, actor_id)
        audit.record(
            actor=actor,
            action="import.failed",
            object_type="import",
            object_id=job.id,
            summary=f"Importing {job.filename} failed; nothing was written",
        )
        _fail(job, _failure_message(error, "write"))
    finally:
        COMMIT_PROGRESS.pop(job_id, None)


def _finish(job: ImportJob, actor: Any, counts: Counter) -> None:
    summary = ", ".join(f"{n} {key.replace('.', ' ')}" for key, n in sorted(counts.items()))
    audit.record(
        actor=actor,
        action="import.committed",
        object_type="import",
        object_id=job.id,
        summary=f"Imported {job.filename}: {summary or 'no changes'}",
        changes={key: {"before": None, "after": n} for key, n in counts.items()},
    )
    job.status = ImportStatus.COMMITTED
    job.progress = job.total
    job.finished_at = clock_now()
    _discard(job)
    commit_or_conflict(WRITE_FAILED)


def _refuse(job: ImportJob, actor: Any) -> None:
    """Show a new preview instead of writing over changes made since the first one."""
    before = {
        (r.kind, r.sheet, r.row_number): (r.action, r.target_id, r.target_version)
        for r in db.session.scalars(select(ImportRow).where(ImportRow.job_id == job.id))
    }
    audit.record(
        actor=actor,
        action="import.refused",
        object_type="import",
        object_id=job.id,
        summary=f"Did not import {job.filename}: records changed since the preview",
    )
    result = _load_rows(job)
    job.total = result.row_count
    _preview(job, result)
    changed = [
        f"row {r.row_number} ({r.label or r.kind})"
        for r in db.session.scalars(select(ImportRow).where(ImportRow.job_id == job.id))
        if before.get((r.kind, r.sheet, r.row_number)) != (r.action, r.target_id, r.target_version)
    ] or ["records the rows depend on"]
    shown = ", ".join(changed[:10]) + (
        f" and {len(changed) - 10} more" if len(changed) > 10 else ""
    )
    job.message = (
        "Records changed after the preview was made, so nothing was imported. "
        f"Affected: {shown}. The preview below is up to date; review it and confirm again."
    )
    commit_or_conflict()


def cancel_import(*, actor: Any, job: ImportJob) -> ImportJob:
    if job.status.finished or job.status == ImportStatus.COMMITTING:
        raise Conflict(f"This import is {job.status.label.lower()}; there is nothing to cancel.")
    _discard(job)
    job.status = ImportStatus.CANCELLED
    job.finished_at = clock_now()
    audit.record(
        actor=actor,
        action="import.cancelled",
        object_type="import",
        object_id=job.id,
        summary=f"Cancelled the import of {job.filename}; nothing was written",
    )
    commit_or_conflict()
    return job


def _fail(job: ImportJob, message: str) -> None:
    job.status = ImportStatus.FAILED
    job.message = message
    job.finished_at = clock_now()
    _discard(job)
    commit_or_conflict()


def _failure_message(error: Exception, step: str) -> str:
    if isinstance(error, Conflict | ValidationFailed):
        return error.message
    if step == "read":
        return (
            "The file could not be read. Check that it opens in a spreadsheet program and "
            "that the first row holds the column headers, then upload it again."
        )
    return WRITE_FAILED


def expire_stale_jobs(*, now: datetime) -> int:
    """Mark old previews expired and interrupted work failed, and delete their files."""
    stale = db.session.scalars(
        select(ImportJob).where(
            ((ImportJob.status == ImportStatus.READY) & (ImportJob.expires_at <= now))
            | (
                ImportJob.status.in_(
                    (ImportStatus.RECEIVED, ImportStatus.READING, ImportStatus.VALIDATING)
                )
                & (ImportJob.updated_at <= now - STALE_WORK)
            )
        )
    ).all()
    for job in stale:
        if job.id in THREADS:
            continue
        _discard(job)
        if job.status == ImportStatus.READY:
            job.status = ImportStatus.EXPIRED
        else:
            job.status, job.message = ImportStatus.FAILED, "The import was interrupted."
    return len(stale)


# Reading jobs ---------------------------------------------------------------------------------


def get_job(job_id: int, viewer: Any) -> ImportJob:
    """A job its uploader or an admin may see; anyone else is told it does not exist.

    A role that may not import registry rows sees only disclosure imports.
    """
    job = db.session.get(ImportJob, job_id)
    if job is None or not (viewer.role.value == "admin" or job.uploaded_by_id == viewer.id):
        raise NotFound("That import does not exist.")
    if viewer.role.value not in REGISTRY_IMPORTERS and not holds_disclosures(job):
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
    progress = COMMIT_PROGRESS.get(job.id, job.progress)
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

"""Import use cases: upload, confirm (one transaction), cancel, and expiry of stale jobs.

An upload is stored under UPLOAD_DIR/imports/ (import_store), checked by content
(files.check_upload), read, and every row planned without writing anything but the preview
(import_preview). The parsed rows wait in a JSON file beside the job until the user confirms
or cancels; confirming plans again against the database as it is then, refuses if anything the
preview relied on changed, and otherwise writes every row in one transaction. Large files run
in a background thread (import_runner).
"""

from __future__ import annotations

import logging
from collections import Counter
from datetime import datetime, timedelta
from typing import IO, Any

from flask import current_app
from sqlalchemy import select

from sharing.audit import services as audit
from sharing.auth.models import User
from sharing.core.clock import now as clock_now
from sharing.core.database import commit_or_conflict
from sharing.errors import Conflict, ValidationFailed
from sharing.extensions import db
from sharing.files import RejectedUpload, clean_name
from sharing.reports import files
from sharing.reports.decisions import digest
from sharing.reports.disclosure_import import DisclosurePlanner, DisclosureWriter
from sharing.reports.import_jobs import DISCLOSURES, check_open
from sharing.reports.import_preview import (
    WRITE_FAILED,
    fail,
    failure_message,
    planner_for,
    prepare_import,
    preview,
)
from sharing.reports.import_runner import runner
from sharing.reports.import_store import discard, load_rows, store_upload
from sharing.reports.models import ImportJob, ImportRow, ImportStatus
from sharing.reports.writing import Writer

log = logging.getLogger(__name__)

STALE_WORK = timedelta(hours=2)  # a job still "working" after this was interrupted


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
    name = clean_name(filename)
    limit = files.max_import_bytes()
    path = store_upload(stream, limit)
    try:
        checked = files.check_upload(path, name, max_bytes=limit)
    except RejectedUpload as error:
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
        filename=checked.name,
        file_kind=str(checked.kind),
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
        summary=f"Uploaded {checked.name} ({checked.kind.upper()}, {size:,} bytes) for import",
    )
    commit_or_conflict()
    if _background(size, int(current_app.config["IMPORT_BACKGROUND_BYTES"])):
        runner().start(job.id, prepare_import)
    else:
        prepare_import(job.id)
    return job


# Confirm and cancel --------------------------------------------------------------------------


def _check_ready(job: ImportJob, now: datetime) -> None:
    check_open(job, now, doing="confirmed")
    if job.error_count:
        raise Conflict("Fix the errors in the file and upload it again; nothing was imported.")
    if job.suggestions:
        raise Conflict("Confirm the suggested departments first; nothing was imported.")


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
        runner().start(job.id, commit_import, actor.id)
        return job
    commit_import(job.id, actor.id)
    return db.session.get(ImportJob, job.id)


def commit_import(job_id: int, actor_id: int) -> None:
    """Plan again, compare with the preview, and write everything, or nothing."""
    job = db.session.get(ImportJob, job_id)
    actor = db.session.get(User, actor_id)
    try:
        result = load_rows(job)
        job.status = ImportStatus.COMMITTING
        progress = runner()
        progress.report(job_id, 0)
        planner = planner_for(result)
        writing = DisclosureWriter if isinstance(planner, DisclosurePlanner) else Writer
        writer = writing(
            actor=actor, source=job.filename, progress=lambda n: progress.report(job_id, n)
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
        fail(job, failure_message(error, "write"))
    finally:
        runner().forget(job_id)


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
    discard(job)
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
    result = load_rows(job)
    job.total = result.row_count
    preview(job, result)
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
    discard(job)
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
        if runner().running(job.id):
            continue
        discard(job)
        if job.status == ImportStatus.READY:
            job.status = ImportStatus.EXPIRED
        else:
            job.status, job.message = ImportStatus.FAILED, "The import was interrupted."
    return len(stale)

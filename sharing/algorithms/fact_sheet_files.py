"""A fact sheet's evidence files (bias audits, model cards, evaluations): stored whole under
UPLOAD_DIR/fact_sheets under random names, judged by sharing.files with the same policy as
attestation evidence, and read back only after their SHA-256 matches.

The folder is apart from the attestation evidence, whose consistency check counts any file
without an evidence row as an orphan.
"""

from __future__ import annotations

import hashlib
import logging
import re
from pathlib import Path
from typing import Any

from flask import current_app
from sqlalchemy import select

from sharing.algorithms.fact_sheets import OPEN_FOR_ANSWERS, role_of
from sharing.algorithms.models import FactSheet, FactSheetEvidence, FactSheetEvidenceKind
from sharing.attestations.evidence import EvidenceUnavailable, evidence_policy
from sharing.audit import services as audit
from sharing.core.database import commit_or_conflict
from sharing.core.file_store import write_new
from sharing.errors import Conflict, Forbidden, ValidationFailed
from sharing.extensions import db
from sharing.files import inspect

log = logging.getLogger(__name__)

STORED_NAME = re.compile(r"^[0-9a-f]{32}\.(?:pdf|docx|xlsx|png|jpg)$")
MAX_DESCRIPTION = 2000
AUDIT_FIELDS = (
    "fact_sheet_id",
    "organisation_id",
    "kind",
    "description",
    "original_name",
    "stored_name",
    "content_type",
    "size",
    "sha256",
)


def files_dir() -> Path:
    path = Path(current_app.config["UPLOAD_DIR"]) / "fact_sheets"
    path.mkdir(parents=True, exist_ok=True)
    return path


def path_of(stored_name: str) -> Path:
    """The path of a stored file; anything but a name this module made is refused."""
    if not stored_name or not STORED_NAME.match(stored_name):
        raise ValueError(f"not a stored fact sheet file: {stored_name!r}")
    return files_dir() / stored_name


def discard_file(stored_name: str) -> None:
    path_of(stored_name).unlink(missing_ok=True)


def max_bytes() -> int:
    return evidence_policy().max_bytes


def _check_vendor(actor: Any, sheet: FactSheet) -> None:
    if role_of(actor) != "vendor" or actor.organisation_id != sheet.organisation_id:
        raise Forbidden("Only the vendor's users add or remove a fact sheet's files.")
    if sheet.status not in OPEN_FOR_ANSWERS:
        raise Conflict(
            "This fact sheet has been submitted, so its files are part of the record and "
            "cannot change."
        )


def upload_file(
    *,
    actor: Any,
    sheet: FactSheet,
    data: bytes,
    original_name: str,
    kind: FactSheetEvidenceKind,
    description: str,
) -> FactSheetEvidence:
    """Check the file by content, store it, then record and commit its row; a refusal
    (RejectedUpload, with the files package's message) leaves neither file nor row."""
    _check_vendor(actor, sheet)
    description = (description or "").strip()
    if len(description) > MAX_DESCRIPTION:
        raise ValidationFailed({"description": f"Use at most {MAX_DESCRIPTION} characters."})
    checked = inspect(data, original_name, evidence_policy())
    stored = write_new(files_dir(), data, checked.suffix)
    try:
        row = FactSheetEvidence(
            fact_sheet_id=sheet.id,
            organisation_id=sheet.organisation_id,
            kind=kind,
            description=description,
            original_name=checked.name,
            stored_name=stored,
            content_type=checked.content_type,
            size=len(data),
            sha256=hashlib.sha256(data).hexdigest(),
            uploaded_by_id=actor.id,
        )
        db.session.add(row)
        db.session.flush()
        audit.record(
            actor=actor,
            action="fact_sheet_evidence.uploaded",
            object_type="fact_sheet_evidence",
            object_id=row.id,
            changes=audit.created(audit.snapshot(row, AUDIT_FIELDS)),
            summary=f"Fact sheet file uploaded: {checked.name}",
            organisation_id=sheet.organisation_id,
        )
        commit_or_conflict()
    except BaseException:
        db.session.rollback()
        discard_file(stored)
        raise
    return row


def remove_file(*, actor: Any, item: FactSheetEvidence) -> None:
    """Delete the row (recording what it was), commit, then delete the file."""
    _check_vendor(actor, item.fact_sheet)
    stored = item.stored_name
    audit.record(
        actor=actor,
        action="fact_sheet_evidence.removed",
        object_type="fact_sheet_evidence",
        object_id=item.id,
        changes=audit.deleted(audit.snapshot(item, AUDIT_FIELDS)),
        summary=f"Fact sheet file removed: {item.original_name}",
        organisation_id=item.organisation_id,
    )
    db.session.delete(item)
    try:
        commit_or_conflict()
    except BaseException:
        db.session.rollback()
        raise
    try:
        discard_file(stored)
    except OSError:
        log.warning("fact sheet file %s could not be deleted", stored)


def read_file(item: FactSheetEvidence) -> bytes:
    """The stored bytes, after checking them against the recorded SHA-256."""
    try:
        data = path_of(item.stored_name).read_bytes()
    except (OSError, ValueError):
        log.error("fact sheet file %s (row %s) is missing", item.stored_name, item.id)
        raise EvidenceUnavailable(
            "This file is missing from storage, so it cannot be downloaded. Ask the vendor "
            "to upload it again."
        ) from None
    if hashlib.sha256(data).hexdigest() != item.sha256:
        log.error("fact sheet file %s (row %s) fails its SHA-256", item.stored_name, item.id)
        raise EvidenceUnavailable(
            "This file has changed since it was uploaded (its checksum does not match), so it "
            "is not served."
        )
    return data


def files_of(sheet_id: int) -> list[FactSheetEvidence]:
    return list(
        db.session.scalars(
            select(FactSheetEvidence)
            .where(FactSheetEvidence.fact_sheet_id == sheet_id)
            .order_by(FactSheetEvidence.uploaded_at, FactSheetEvidence.id)
        )
    )

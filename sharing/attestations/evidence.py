"""Evidence files: atomic storage under UPLOAD_DIR/evidence, the upload and removal services,
the queries the list, the portal and the requests use, and the files-versus-rows check.

A file is written whole (temporary name, fsync, rename, fsync of the folder) before its row is
committed, and removed again if anything fails before the commit, so an interrupted upload leaves
neither. Stored names are random; the uploaded name is only ever shown and offered on download.
"""

from __future__ import annotations

import hashlib
import logging
import re
from collections import defaultdict
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from flask import current_app
from sqlalchemy import ColumnElement, Select, func, or_, select
from sqlalchemy.orm import joinedload

from sharing.attestations.models import (
    AttestationRequest,
    AttestationStatus,
    EvidenceFile,
    EvidenceType,
)
from sharing.audit import services as audit
from sharing.core.database import commit_or_conflict
from sharing.core.file_store import write_new
from sharing.core.pagination import Sort, apply_sort, parse_sort
from sharing.core.query_args import positive_int
from sharing.core.search import contains_text
from sharing.errors import Conflict, DomainError, ValidationFailed
from sharing.extensions import db
from sharing.files import Kind, UploadPolicy, inspect
from sharing.vendors.models import Organisation

log = logging.getLogger(__name__)

STORED_NAME = re.compile(r"^[0-9a-f]{32}\.(?:pdf|docx|xlsx|png|jpg)$")
OPEN_STATES = (AttestationStatus.PENDING, AttestationStatus.IN_PROGRESS, AttestationStatus.RETURNED)
LOCKED_STATES = (AttestationStatus.SUBMITTED, AttestationStatus.ACCEPTED)
AUDIT_FIELDS = (
    "organisation_id",
    "request_id",
    "obligation_code",
    "evidence_type",
    "description",
    "original_name",
    "stored_name",
    "content_type",
    "size",
    "sha256",
    "valid_until",
)


class EvidenceUnavailable(DomainError):
    """The stored file is missing or no longer matches its recorded SHA-256."""

    status_code = 410


# -- storage -----------------------------------------------------------------------------------


def evidence_dir() -> Path:
    path = Path(current_app.config["UPLOAD_DIR"]) / "evidence"
    path.mkdir(parents=True, exist_ok=True)
    return path


def store_file(data: bytes, suffix: str) -> str:
    """Write `data` under a new random name, atomically, and return the name."""
    return write_new(evidence_dir(), data, suffix)


def path_of(stored_name: str) -> Path:
    """The path of a stored file; anything but a name this module made is refused."""
    if not stored_name or not STORED_NAME.match(stored_name):
        raise ValueError(f"not a stored evidence name: {stored_name!r}")
    return evidence_dir() / stored_name


def discard_file(stored_name: str) -> None:
    path_of(stored_name).unlink(missing_ok=True)


# What evidence may be; the limits come from the configuration (evidence_policy).
EVIDENCE = UploadPolicy(
    noun="evidence",
    accepts=frozenset({Kind.PDF, Kind.DOCX, Kind.XLSX, Kind.PNG, Kind.JPEG}),
    max_bytes=10 * 1024 * 1024,
)


def evidence_policy(policy: UploadPolicy = EVIDENCE) -> UploadPolicy:
    """`policy` with the configured size and pixel limits of evidence files."""
    return replace(policy, max_bytes=max_bytes(), max_pixels=max_pixels())


def max_bytes() -> int:
    return int(current_app.config["EVIDENCE_MAX_BYTES"])


def max_pixels() -> int:
    return int(current_app.config["EVIDENCE_MAX_PIXELS"])


# -- services ----------------------------------------------------------------------------------


def attachable_request(
    request_id: int, code: str, *, organisation_id: int | None
) -> AttestationRequest | None:
    """The request a file may be attached to: open for answers, asking `code`, and (when an
    organisation is given) belonging to it. None otherwise."""
    attestation = db.session.get(AttestationRequest, request_id)
    if attestation is None or attestation.status not in OPEN_STATES:
        return None
    if organisation_id is not None and attestation.organisation_id != organisation_id:
        return None
    codes = {question.get("code") for question in attestation.questionnaire or []}
    return attestation if code in codes else None


def upload_evidence(
    *,
    actor: Any,
    organisation_id: int,
    data: bytes,
    original_name: str,
    evidence_type: EvidenceType,
    valid_until: date | None,
    description: str,
    today: date,
    request: AttestationRequest | None = None,
    obligation_code: str | None = None,
) -> EvidenceFile:
    """Check the file by content, store it, then record and commit its row."""
    if valid_until is not None and valid_until < today:
        raise ValidationFailed({"valid_until": "The valid-until date cannot be in the past."})
    if request is not None and (
        attachable_request(request.id, obligation_code or "", organisation_id=organisation_id)
        is None
    ):
        raise Conflict("This request is not open for evidence on that question.")
    checked = inspect(data, original_name, evidence_policy())
    stored = store_file(data, checked.suffix)
    try:
        evidence = EvidenceFile(
            organisation_id=organisation_id,
            request_id=request.id if request is not None else None,
            obligation_code=obligation_code if request is not None else None,
            evidence_type=evidence_type,
            description=description.strip(),
            original_name=checked.name,
            stored_name=stored,
            content_type=checked.content_type,
            size=len(data),
            sha256=hashlib.sha256(data).hexdigest(),
            uploaded_by_id=actor.id,
            valid_until=valid_until,
        )
        db.session.add(evidence)
        db.session.flush()
        audit.record(
            actor=actor,
            action="evidence.uploaded",
            object_type="evidence_file",
            object_id=evidence.id,
            changes=audit.created(audit.snapshot(evidence, AUDIT_FIELDS)),
            summary=f"Evidence uploaded: {checked.name}",
            organisation_id=organisation_id,
        )
        commit_or_conflict()
    except BaseException:
        db.session.rollback()
        discard_file(stored)
        raise
    return evidence


def remove_evidence(*, actor: Any, evidence: EvidenceFile, today: date) -> None:
    """Delete the row (recording what it was), commit, then delete the file."""
    if evidence.request_id is not None:
        attestation = db.session.get(AttestationRequest, evidence.request_id)
        if attestation is not None and attestation.status in LOCKED_STATES:
            raise Conflict(
                "This file supports an attestation that has been submitted, so it is part of "
                "the record and cannot be removed."
            )
    stored = evidence.stored_name
    audit.record(
        actor=actor,
        action="evidence.removed",
        object_type="evidence_file",
        object_id=evidence.id,
        changes=audit.deleted(audit.snapshot(evidence, AUDIT_FIELDS)),
        summary=f"Evidence removed on {today.isoformat()}: {evidence.original_name}",
        organisation_id=evidence.organisation_id,
    )
    db.session.delete(evidence)
    try:
        commit_or_conflict()
    except BaseException:
        db.session.rollback()
        raise
    try:
        discard_file(stored)
    except OSError:
        log.warning("evidence file %s could not be deleted; check-files will report it", stored)


def read_evidence(evidence: EvidenceFile) -> bytes:
    """The stored bytes, after checking them against the recorded SHA-256."""
    try:
        data = path_of(evidence.stored_name).read_bytes()
    except (OSError, ValueError):
        log.error("evidence file %s (row %s) is missing", evidence.stored_name, evidence.id)
        raise EvidenceUnavailable(
            "This file is missing from storage, so it cannot be downloaded. The privacy office "
            "has been told; ask them, or upload the file again."
        ) from None
    if hashlib.sha256(data).hexdigest() != evidence.sha256:
        log.error("evidence file %s (row %s) fails its SHA-256", evidence.stored_name, evidence.id)
        raise EvidenceUnavailable(
            "This file has changed since it was uploaded (its checksum does not match), so it "
            "is not served. The privacy office has been told; ask them, or upload it again."
        )
    return data


# -- queries -----------------------------------------------------------------------------------


def evidence_for_request(request_id: int) -> dict[str, list[EvidenceFile]]:
    """The files attached to a request, keyed by obligation code, oldest first."""
    rows = db.session.scalars(
        select(EvidenceFile)
        .where(EvidenceFile.request_id == request_id)
        .order_by(EvidenceFile.uploaded_at, EvidenceFile.id)
    )
    grouped: dict[str, list[EvidenceFile]] = defaultdict(list)
    for row in rows:
        grouped[row.obligation_code or ""].append(row)
    return dict(grouped)


def expiring_evidence(
    *, organisation_id: int, today: date, within_days: int = 60
) -> list[EvidenceFile]:
    """An organisation's files whose valid-until date falls within the window (or has passed
    within it), soonest first."""
    stmt = (
        select(EvidenceFile)
        .where(
            EvidenceFile.organisation_id == organisation_id,
            EvidenceFile.valid_until.is_not(None),
            EvidenceFile.valid_until >= today - timedelta(days=within_days),
            EvidenceFile.valid_until <= today + timedelta(days=within_days),
        )
        .order_by(EvidenceFile.valid_until, EvidenceFile.id)
    )
    return list(db.session.scalars(stmt))


SORTS: dict[str, Any] = {
    "uploaded": EvidenceFile.uploaded_at,
    "valid_until": EvidenceFile.valid_until,
    "name": func.lower(EvidenceFile.original_name),
}
DEFAULT_SORT = "-uploaded"
STATES = ("expired", "expiring", "current")
EXPIRING_DAYS = 60
# `?expiring=1`: still valid, but not for more than this many days (the reminder's window).
SOON_DAYS = 30


def expiring_soon_clause(today: date) -> ColumnElement[bool]:
    """Valid today, and its valid-until date falls within SOON_DAYS days."""
    return EvidenceFile.valid_until.between(today, today + timedelta(days=SOON_DAYS))


@dataclass(frozen=True)
class EvidenceFilters:
    today: date
    q: str = ""
    evidence_type: str = ""
    organisation_id: int | None = None
    state: str = ""
    expiring_soon: bool = False
    sort: Sort = field(default_factory=lambda: parse_sort(DEFAULT_SORT, SORTS, DEFAULT_SORT))

    @classmethod
    def from_args(cls, args, *, today: date) -> EvidenceFilters:
        kind = (args.get("type") or "").strip()
        state = (args.get("state") or "").strip()
        return cls(
            today=today,
            q=(args.get("q") or "").strip()[:200],
            evidence_type=kind if kind in {t.value for t in EvidenceType} else "",
            organisation_id=positive_int(args.get("organisation")),
            state=state if state in STATES else "",
            expiring_soon=(args.get("expiring") or "") in ("1", "on", "yes", "true"),
            sort=parse_sort(args.get("sort"), SORTS, DEFAULT_SORT),
        )

    @property
    def active(self) -> bool:
        return bool(
            self.q or self.evidence_type or self.organisation_id or self.state or self.expiring_soon
        )


def organisations_named(text: str) -> Select:
    """The ids of organisations whose legal or common name contains `text`, in any case."""
    return select(Organisation.id).where(
        contains_text(text, Organisation.legal_name, Organisation.common_name)
    )


def evidence_query(filters: EvidenceFilters, *, organisation_id: int | None = None) -> Select:
    """The files matching the filters, sorted in SQL. `organisation_id` (always given for a
    vendor user) limits the list to that organisation whatever the filters say."""
    # Each file has one organisation and at most one request: joined in the same statement,
    # so the lists and the portal home pay no extra statement for them.
    stmt = select(EvidenceFile).options(
        joinedload(EvidenceFile.organisation), joinedload(EvidenceFile.request)
    )
    if organisation_id is not None:
        stmt = stmt.where(EvidenceFile.organisation_id == organisation_id)
    if filters.organisation_id:
        stmt = stmt.where(EvidenceFile.organisation_id == filters.organisation_id)
    if filters.q:
        stmt = stmt.where(
            contains_text(filters.q, EvidenceFile.original_name, EvidenceFile.description)
            | EvidenceFile.organisation_id.in_(organisations_named(filters.q))
        )
    if filters.evidence_type:
        stmt = stmt.where(EvidenceFile.evidence_type == EvidenceType(filters.evidence_type))
    stmt = _state_filter(stmt, filters)
    if filters.expiring_soon:
        stmt = stmt.where(expiring_soon_clause(filters.today))
    return apply_sort(stmt, filters.sort, SORTS, EvidenceFile.id)


def _state_filter(stmt: Select, filters: EvidenceFilters) -> Select:
    until, today = EvidenceFile.valid_until, filters.today
    if filters.state == "expired":
        return stmt.where(until < today)
    if filters.state == "expiring":
        return stmt.where(until >= today, until <= today + timedelta(days=EXPIRING_DAYS))
    if filters.state == "current":
        return stmt.where(or_(until.is_(None), until >= today))
    return stmt


# -- consistency -------------------------------------------------------------------------------


@dataclass
class Report:
    orphan_files: list[str] = field(default_factory=list)
    missing_files: list[EvidenceFile] = field(default_factory=list)
    mismatched: list[EvidenceFile] = field(default_factory=list)

    @property
    def clean(self) -> bool:
        return not (self.orphan_files or self.missing_files or self.mismatched)


def consistency_report() -> Report:
    """Files with no row (including `.part` files an interrupted write left behind: the
    upload path removes its own, so any that remain are debris), rows with no file, and rows
    whose file no longer matches its SHA-256."""
    report = Report()
    folder = evidence_dir()
    rows = list(db.session.scalars(select(EvidenceFile).order_by(EvidenceFile.id)))
    known = {row.stored_name for row in rows}
    report.orphan_files = sorted(p.name for p in folder.iterdir() if p.name not in known)
    for row in rows:
        try:
            path = path_of(row.stored_name)
        except ValueError:
            report.missing_files.append(row)
            continue
        if not path.is_file():
            report.missing_files.append(row)
        elif _sha256_of(path) != row.sha256:
            report.mismatched.append(row)
    return report


def _sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(1024 * 1024):
            digest.update(chunk)
    return digest.hexdigest()

"""Spreadsheet import jobs (the upload, its stage and progress, and each row's planned action),
and the running counts behind the privacy office's dashboard."""

from __future__ import annotations

import enum
from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    BigInteger,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from sharing.core.models import Base, JSONType, TimestampMixin, UTCDateTime, enum_type


class ImportStatus(enum.StrEnum):
    RECEIVED = "received"  # stored and checked, waiting to be read
    READING = "reading"
    VALIDATING = "validating"
    READY = "ready"  # the preview: nothing written yet
    COMMITTING = "committing"
    COMMITTED = "committed"
    FAILED = "failed"
    CANCELLED = "cancelled"
    REJECTED = "rejected"
    EXPIRED = "expired"

    @property
    def label(self) -> str:
        return {
            "received": "Waiting to be read",
            "reading": "Reading the file",
            "validating": "Checking every row",
            "ready": "Ready to import",
            "committing": "Importing",
            "committed": "Imported",
            "failed": "Failed",
            "cancelled": "Cancelled",
            "rejected": "Rejected",
            "expired": "Expired",
        }[self.value]

    @property
    def working(self) -> bool:
        return self in (self.RECEIVED, self.READING, self.VALIDATING, self.COMMITTING)

    @property
    def finished(self) -> bool:
        return self in (self.COMMITTED, self.FAILED, self.CANCELLED, self.REJECTED, self.EXPIRED)


class RowAction(enum.StrEnum):
    CREATE = "create"
    UPDATE = "update"
    UNCHANGED = "unchanged"
    ERROR = "error"

    @property
    def label(self) -> str:
        return self.value.capitalize()


class ImportJob(TimestampMixin, Base):
    """One uploaded file, from its checks through the preview to the commit."""

    __tablename__ = "import_jobs"

    id: Mapped[int] = mapped_column(primary_key=True)
    uploaded_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    filename: Mapped[str] = mapped_column(String(255))
    file_kind: Mapped[str] = mapped_column(String(8), default="")
    size_bytes: Mapped[int] = mapped_column(Integer, default=0)
    # Relative to UPLOAD_DIR; cleared once the pending data is removed.
    stored_path: Mapped[str | None] = mapped_column(String(500))
    status: Mapped[ImportStatus] = mapped_column(
        enum_type(ImportStatus), default=ImportStatus.RECEIVED, index=True
    )
    progress: Mapped[int] = mapped_column(Integer, default=0)
    total: Mapped[int] = mapped_column(Integer, default=0)
    # {"organisations": {"create": n, ...}, "flows": {...}}
    counts: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)
    # File-level problems: [{"sheet", "row", "column", "reason"}]
    file_errors: Mapped[list[dict]] = mapped_column(JSONType, default=list)
    warnings: Mapped[list[dict]] = mapped_column(JSONType, default=list)
    error_count: Mapped[int] = mapped_column(Integer, default=0)
    message: Mapped[str] = mapped_column(Text, default="")
    # What the preview promised: each row's action and target version, hashed.
    plan_digest: Mapped[str] = mapped_column(String(64), default="")
    expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # Departments typed in part ("Parks"), each waiting for the user to confirm the match:
    # [{"key", "typed", "column", "department_id", "department", "rows"}]
    suggestions: Mapped[list[dict]] = mapped_column(JSONType, default=list)

    uploaded_by = relationship("User")

    @property
    def percent(self) -> int:
        return min(100, round(100 * self.progress / self.total)) if self.total else 0

    def count(self, kind: str, action: str) -> int:
        return int((self.counts or {}).get(kind, {}).get(action, 0))

    @property
    def can_commit(self) -> bool:
        return (
            self.status == ImportStatus.READY
            and self.error_count == 0
            and not self.suggestions
            and self.has_work
        )

    @property
    def has_work(self) -> bool:
        return any(
            self.count(kind, action)
            for kind in (self.counts or {})
            for action in (RowAction.CREATE, RowAction.UPDATE)
        )


class ImportRow(Base):
    """One row of the file as the preview shows it: its action, target and problems."""

    __tablename__ = "import_rows"
    __table_args__ = (Index("ix_import_rows_job_action", "job_id", "action"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    job_id: Mapped[int] = mapped_column(
        ForeignKey("import_jobs.id", ondelete="CASCADE"), index=True
    )
    sheet: Mapped[str] = mapped_column(String(100))
    row_number: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(16))  # "organisation" or "flow"
    action: Mapped[RowAction] = mapped_column(enum_type(RowAction))
    label: Mapped[str] = mapped_column(String(300), default="")
    target_id: Mapped[int | None] = mapped_column(Integer)
    target_version: Mapped[int | None] = mapped_column(Integer)
    detail: Mapped[str] = mapped_column(Text, default="")
    # [{"column": ..., "reason": ...}]
    errors: Mapped[list[dict]] = mapped_column(JSONType, default=list)


class ImportMapping(Base):
    """The columns a user chose for a sheet, remembered for the next file whose sheet of the
    same kind has the same headers (matched by a hash of the normalised headers)."""

    __tablename__ = "import_mappings"
    __table_args__ = (UniqueConstraint("sheet_kind", "header_hash"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    sheet_kind: Mapped[str] = mapped_column(String(60))  # "flows", "organisations+flows", ...
    header_hash: Mapped[str] = mapped_column(String(64))
    # One entry per column, in order: "kind.field", or "" to ignore the column.
    choices: Mapped[list[str]] = mapped_column(JSONType, default=list)
    saved_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    saved_at: Mapped[datetime] = mapped_column(UTCDateTime())


class StatusTally(Base):
    """How many agreements, attestation requests or data flows share a status (and a detail
    and a day), kept on write by sharing/reports/tallies.py so the privacy office's
    dashboard sums a few rows instead of counting the whole population.

    `subject` names what is counted; `detail` and `day` are "" and tallies.NO_DAY when the
    subject does not use them (flows keep their risk tier as the detail; attestation
    requests their due date as the day)."""

    __tablename__ = "status_tallies"

    subject: Mapped[str] = mapped_column(String(20), primary_key=True)
    status: Mapped[str] = mapped_column(String(40), primary_key=True)
    detail: Mapped[str] = mapped_column(String(40), primary_key=True)
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    n: Mapped[int] = mapped_column(BigInteger, default=0)

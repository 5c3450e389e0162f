"""AuditEvent: who did what, when, and the values before and after."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import BigInteger, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, ORMExecuteState, Session, mapped_column

from sharing.core.models import Base, JSONType, UTCDateTime, utcnow


class AuditEvent(Base):
    """Append-only. The ORM refuses updates and deletes; the database does too (triggers)."""

    __tablename__ = "audit_events"
    __table_args__ = (
        Index("ix_audit_events_object", "object_type", "object_id"),
        Index("ix_audit_events_at", "at"),
    )

    id: Mapped[int] = mapped_column(
        BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=True
    )
    at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    actor_id: Mapped[int | None] = mapped_column(Integer, index=True)
    actor_email: Mapped[str] = mapped_column(String(254), default="")
    actor_role: Mapped[str] = mapped_column(String(32), default="")
    organisation_id: Mapped[int | None] = mapped_column(Integer, index=True)
    action: Mapped[str] = mapped_column(String(64), index=True)
    object_type: Mapped[str] = mapped_column(String(64))
    object_id: Mapped[str | None] = mapped_column(String(64))
    summary: Mapped[str] = mapped_column(Text, default="")
    # {"field": {"before": ..., "after": ...}}
    changes: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)
    ip: Mapped[str] = mapped_column(String(64), default="")
    request_id: Mapped[str] = mapped_column(String(64), default="")


class AppendOnlyViolation(RuntimeError):
    pass


def _refuse_update(*_args: Any) -> None:
    raise AppendOnlyViolation("audit events are append-only")


def _refuse_delete(*_args: Any) -> None:
    raise AppendOnlyViolation("audit events are append-only")


def _refuse_bulk_change(state: ORMExecuteState) -> None:
    # update(AuditEvent) and delete(AuditEvent) skip the mapper events above.
    if (state.is_update or state.is_delete) and state.bind_mapper is AuditEvent.__mapper__:
        raise AppendOnlyViolation("audit events are append-only")


# Registered by create_app's register_listeners step.
LISTENERS = (
    (AuditEvent, "before_update", _refuse_update),
    (AuditEvent, "before_delete", _refuse_delete),
    (Session, "do_orm_execute", _refuse_bulk_change),
)

"""Reminders: one row per (object, kind, window), so each reminder goes out exactly once."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from sharing.core.models import Base, JSONType, UTCDateTime, utcnow


class Reminder(Base):
    """A reminder that was queued. Its messages (one per recipient) sit in the mail outbox
    with dedupe keys `<dedupe_key>:<recipient>`; this row is what makes a second run, or a
    concurrent one, skip the reminder instead of queueing it again."""

    __tablename__ = "reminders"
    __table_args__ = (Index("ix_reminders_object", "object_type", "object_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    # "<object_type>:<object_id>:<kind>:<window>", e.g. "agreement:7:renewal:30:2027-01-15".
    dedupe_key: Mapped[str] = mapped_column(String(255), unique=True)
    object_type: Mapped[str] = mapped_column(String(32))
    object_id: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(32), index=True)
    window: Mapped[str] = mapped_column(String(64))
    # The date the reminder is about: the cancel-by, expiry, due or deadline date.
    target_date: Mapped[date] = mapped_column(Date)
    organisation_id: Mapped[int | None] = mapped_column(
        ForeignKey("organisations.id", ondelete="CASCADE"), index=True
    )
    recipients: Mapped[list[str]] = mapped_column(JSONType, default=list)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)

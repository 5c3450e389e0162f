"""Notification: the outbox of every message the app sends, deduplicated by key."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from sharing.core.models import Base, UTCDateTime, utcnow

# The error a failed send records begins with the exception's name; people read this instead.
PLAIN_REASONS = {
    "SMTPRecipientsRefused": "the mail server refused the address",
    "SMTPSenderRefused": "the mail server refused the sender address",
    "SMTPAuthenticationError": "the mail server refused the register's sign-in",
    "SMTPServerDisconnected": "the mail server closed the connection",
    "SMTPConnectError": "the mail server could not be reached",
    "ConnectionRefusedError": "the mail server could not be reached",
    "gaierror": "the mail server's name was not found",
    "TimeoutError": "the mail server did not answer in time",
}


class Notification(Base):
    __tablename__ = "notifications"
    __table_args__ = (
        Index("ix_notifications_pending", "sent_at", "created_at"),
        Index("ix_notifications_object", "object_type", "object_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    recipient: Mapped[str] = mapped_column(String(254), index=True)
    subject: Mapped[str] = mapped_column(String(255))
    body: Mapped[str] = mapped_column(Text)
    kind: Mapped[str] = mapped_column(String(64), index=True)
    # One message per key, ever: "invitation:42", "renewal:7:notice-30:2027-01-15", ...
    dedupe_key: Mapped[str] = mapped_column(String(255), unique=True)
    object_type: Mapped[str | None] = mapped_column(String(64))
    object_id: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    claimed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    failed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str] = mapped_column(Text, default="")

    @property
    def state(self) -> str:
        if self.sent_at:
            return "sent"
        if self.failed_at:
            return "failed"
        return "queued"

    @property
    def reason(self) -> str:
        """Why the last attempt failed, in words for people; empty when it did not fail."""
        if not self.last_error:
            return ""
        name = self.last_error.split(":", 1)[0].strip()
        return PLAIN_REASONS.get(name, "the mail server reported an error")

"""InboxItem: one notification for one user; MailPreference: how that user hears of them."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from sharing.core.models import Base, UTCDateTime, enum_type, utcnow


class MailChoice(enum.StrEnum):
    IMMEDIATE = "immediate"
    DIGEST = "digest"

    @property
    def label(self) -> str:
        return {
            "immediate": "Immediately, one email per notification",
            "digest": "Once a day, one email listing the day's notifications",
        }[self.value]


class InboxItem(Base):
    __tablename__ = "inbox_items"
    __table_args__ = (
        # One item per person per event, however often the step that raises it is retried.
        UniqueConstraint("user_id", "dedupe_key"),
        # The unread count in every page's navigation, and the list newest first.
        Index("ix_inbox_items_user_read", "user_id", "read_at"),
        Index("ix_inbox_items_user_created", "user_id", "created_at"),
        # The daily digest reads what was not yet mailed.
        Index("ix_inbox_items_unmailed", "mailed_at", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # By table name: inbox sits below auth, which owns users, so that every package that
    # hands work on may call it.
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    # The address at the time of the event, so the digest needs no query into auth.
    email: Mapped[str] = mapped_column(String(254))
    kind: Mapped[str] = mapped_column(String(64))
    title: Mapped[str] = mapped_column(String(200))
    text: Mapped[str] = mapped_column(Text, default="")
    # A path inside the app ("/flows/12"), never a full URL, so opening it stays on this site.
    link: Mapped[str] = mapped_column(String(500))
    dedupe_key: Mapped[str] = mapped_column(String(255))
    object_type: Mapped[str | None] = mapped_column(String(64))
    object_id: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    read_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # When its mail was queued, alone or in a digest; empty while a digest is still to come.
    mailed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class MailPreference(Base):
    """A user's choice of mail; a user without a row gets mail immediately."""

    __tablename__ = "mail_preferences"

    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    choice: Mapped[MailChoice] = mapped_column(enum_type(MailChoice), default=MailChoice.IMMEDIATE)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)

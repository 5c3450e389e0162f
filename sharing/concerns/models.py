"""Concerns and error reports raised by the public, the privacy office's internal notes on
each case, and the submissions counted per address against abuse.

Only the reference, what the concern is about, its status and the public response are ever
shown outside the office; the text, the e-mail address and the notes stay internal."""

from __future__ import annotations

import enum
from datetime import date, datetime
from typing import ClassVar

from sqlalchemy import Boolean, Date, ForeignKey, Index, Integer, String, Text, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from sharing.core.models import Base, TimestampMixin, UTCDateTime, enum_type, utcnow


class ConcernKind(enum.StrEnum):
    CONCERN = "concern"
    ERROR = "error"  # a wrong or missing entry on the register

    @property
    def label(self) -> str:
        return {"concern": "Concern", "error": "Error in the register"}[self.value]


class ConcernStatus(enum.StrEnum):
    RECEIVED = "received"
    IN_REVIEW = "in_review"
    ANSWERED = "answered"
    CLOSED = "closed"

    @property
    def label(self) -> str:
        return self.value.replace("_", " ").capitalize()

    @property
    def in_words(self) -> str:
        """What the status means to the person who raised the concern."""
        return {
            "received": "Received: the privacy office has it and will look at it soon.",
            "in_review": "In review: someone in the privacy office is looking into it.",
            "answered": "Answered: the privacy office has given its response below.",
            "closed": "Closed: the privacy office has finished with it.",
        }[self.value]

    OPEN: ClassVar[tuple[ConcernStatus, ...]]


# A case waits for the office (and can be overdue) until it is answered or closed.
ConcernStatus.OPEN = (ConcernStatus.RECEIVED, ConcernStatus.IN_REVIEW)

LANGUAGES = {"en": "English", "es": "Español", "vi": "Tiếng Việt"}
BODY_MIN, BODY_MAX = 10, 4000


class Concern(TimestampMixin, Base):
    __tablename__ = "concerns"
    __table_args__ = (
        # The office's list by status and deadline; the dashboard's "past their deadline".
        Index("ix_concerns_status_due_on", "status", "due_on"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # The public reference, random so that one cannot be guessed from another.
    reference: Mapped[str] = mapped_column(String(20), unique=True)
    kind: Mapped[ConcernKind] = mapped_column(enum_type(ConcernKind), default=ConcernKind.CONCERN)
    # What it is about: an arrangement (by the flow's lineage), an algorithm, or neither.
    flow_lineage_id: Mapped[int | None] = mapped_column(Integer, index=True)
    algorithm_id: Mapped[int | None] = mapped_column(
        ForeignKey("algorithms.id", ondelete="SET NULL"), index=True
    )
    body: Mapped[str] = mapped_column(Text)
    email: Mapped[str] = mapped_column(String(254), default="")  # optional, for replies
    language: Mapped[str] = mapped_column(String(8), default="en")
    status: Mapped[ConcernStatus] = mapped_column(
        enum_type(ConcernStatus), default=ConcernStatus.RECEIVED, index=True
    )
    received_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    due_on: Mapped[date] = mapped_column(Date, index=True)
    assignee_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    public_response: Mapped[str] = mapped_column(Text, default="")
    responded_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    responded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    is_demo: Mapped[bool] = mapped_column(Boolean, default=False)
    version: Mapped[int] = mapped_column(Integer, nullable=False)

    __mapper_args__ = {"version_id_col": version}

    algorithm = relationship("Algorithm")
    assignee = relationship("User", foreign_keys=[assignee_id])
    notes: Mapped[list[ConcernNote]] = relationship(
        back_populates="concern", cascade="all, delete-orphan", order_by="ConcernNote.created_at"
    )

    def is_overdue(self, *, on: date) -> bool:
        return self.status in ConcernStatus.OPEN and on > self.due_on


class ConcernNote(Base):
    """An internal note on a case; never shown to the public."""

    __tablename__ = "concern_notes"

    id: Mapped[int] = mapped_column(primary_key=True)
    concern_id: Mapped[int] = mapped_column(
        ForeignKey("concerns.id", ondelete="CASCADE"), index=True
    )
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    concern: Mapped[Concern] = relationship(back_populates="notes")
    author = relationship("User")


class ConcernAttempt(Base):
    """One submission of the public form, counted per address for the rate limit. The
    address is kept only as a keyed hash, so the table holds no one's IP address."""

    __tablename__ = "concern_attempts"
    __table_args__ = (Index("ix_concern_attempts_address_key_at", "address_key", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    address_key: Mapped[str] = mapped_column(String(64))
    at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)
    # Filled the hidden field only a robot sees: answered as accepted, nothing stored.
    trapped: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())

"""Attestation requests sent to organisations, their answers, and evidence files."""

from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import (
    BigInteger,
    Boolean,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from sharing.core.models import Base, JSONType, TimestampMixin, UTCDateTime, enum_type, utcnow


class AttestationStatus(enum.StrEnum):
    PENDING = "pending"
    IN_PROGRESS = "in_progress"
    SUBMITTED = "submitted"
    RETURNED = "returned"
    ACCEPTED = "accepted"

    @property
    def label(self) -> str:
        return self.value.replace("_", " ").capitalize()


class AttestationRequest(TimestampMixin, Base):
    __tablename__ = "attestation_requests"
    __table_args__ = (
        UniqueConstraint("agreement_id", "due_date"),
        # The dashboard's overdue count and completion chart read these, not the table.
        Index("ix_attestation_requests_status_due_date", "status", "due_date"),
        Index("ix_attestation_requests_due_date_status", "due_date", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    agreement_id: Mapped[int] = mapped_column(
        ForeignKey("agreements.id", ondelete="CASCADE"), index=True
    )
    # Denormalised so that every vendor query can filter on it directly.
    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisations.id", ondelete="CASCADE"), index=True
    )
    period_start: Mapped[date | None] = mapped_column(Date)
    period_end: Mapped[date | None] = mapped_column(Date)
    due_date: Mapped[date] = mapped_column(Date, index=True)
    status: Mapped[AttestationStatus] = mapped_column(
        enum_type(AttestationStatus), default=AttestationStatus.PENDING, index=True
    )
    # Snapshot of the questions at request time: [{"code", "title", "question"}]
    questionnaire: Mapped[list[dict]] = mapped_column(JSONType, default=list)
    round: Mapped[int] = mapped_column(Integer, default=1)
    requested_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    submitted_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    signer_name: Mapped[str] = mapped_column(String(120), default="")
    signer_title: Mapped[str] = mapped_column(String(120), default="")
    attested: Mapped[bool] = mapped_column(Boolean, default=False)
    reviewed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    reviewed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    review_comment: Mapped[str] = mapped_column(Text, default="")
    is_demo: Mapped[bool] = mapped_column(Boolean, default=False)
    version: Mapped[int] = mapped_column(Integer, nullable=False)

    __mapper_args__ = {"version_id_col": version}

    @property
    def question_titles(self) -> dict[str, str]:
        """Each question's title by its code, from the questionnaire snapshot."""
        return {q["code"]: q.get("title", "") for q in self.questionnaire}

    agreement = relationship("Agreement")
    organisation = relationship("Organisation")
    answers: Mapped[list[AttestationAnswer]] = relationship(
        back_populates="request",
        cascade="all, delete-orphan",
        order_by="(AttestationAnswer.round, AttestationAnswer.id)",
    )

    def is_overdue(self, *, on: date) -> bool:
        open_states = {
            AttestationStatus.PENDING,
            AttestationStatus.IN_PROGRESS,
            AttestationStatus.RETURNED,
        }
        return self.status in open_states and on > self.due_date


class AnswerValue(enum.StrEnum):
    YES = "yes"
    NO = "no"
    NOT_APPLICABLE = "not_applicable"


class AnswerReview(enum.StrEnum):
    PENDING = "pending"
    ACCEPTED = "accepted"
    RETURNED = "returned"


class AttestationAnswer(Base):
    """One answer to one question in one round; earlier rounds are kept as history."""

    __tablename__ = "attestation_answers"
    __table_args__ = (UniqueConstraint("request_id", "obligation_code", "round"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(
        ForeignKey("attestation_requests.id", ondelete="CASCADE"), index=True
    )
    obligation_code: Mapped[str] = mapped_column(String(16))
    round: Mapped[int] = mapped_column(Integer, default=1)
    answer: Mapped[AnswerValue | None] = mapped_column(enum_type(AnswerValue))
    explanation: Mapped[str] = mapped_column(Text, default="")
    answered_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    review: Mapped[AnswerReview] = mapped_column(
        enum_type(AnswerReview), default=AnswerReview.PENDING
    )
    review_comment: Mapped[str] = mapped_column(Text, default="")

    request: Mapped[AttestationRequest] = relationship(back_populates="answers")


class FollowUpStatus(enum.StrEnum):
    OPEN = "open"
    CLOSED = "closed"

    @property
    def label(self) -> str:
        return self.value.capitalize()


class AttestationFollowUp(Base):
    """Work the privacy office tracks after accepting a "no": one item per question and request."""

    __tablename__ = "attestation_follow_ups"
    __table_args__ = (
        UniqueConstraint("request_id", "obligation_code"),
        # The follow-up list filters by status and shows the oldest first.
        Index("ix_attestation_follow_ups_status_created_at", "status", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(
        ForeignKey("attestation_requests.id", ondelete="CASCADE"), index=True
    )
    obligation_code: Mapped[str] = mapped_column(String(16))
    text: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[FollowUpStatus] = mapped_column(
        enum_type(FollowUpStatus), default=FollowUpStatus.OPEN
    )
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    closed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    closing_note: Mapped[str] = mapped_column(Text, default="")

    request: Mapped[AttestationRequest] = relationship()
    created_by = relationship("User", foreign_keys=[created_by_id])
    closed_by = relationship("User", foreign_keys=[closed_by_id])

    @property
    def is_open(self) -> bool:
        return self.status == FollowUpStatus.OPEN


class EvidenceType(enum.StrEnum):
    SOC2 = "soc2"
    ISO27001 = "iso27001"
    INSURANCE = "insurance"
    DELETION_CERTIFICATE = "deletion_certificate"
    POLICY = "policy"
    OTHER = "other"


class EvidenceFile(Base):
    __tablename__ = "evidence_files"
    __table_args__ = (Index("ix_evidence_files_uploaded_at_id", "uploaded_at", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisations.id", ondelete="CASCADE"), index=True
    )
    request_id: Mapped[int | None] = mapped_column(
        ForeignKey("attestation_requests.id", ondelete="SET NULL"), index=True
    )
    obligation_code: Mapped[str | None] = mapped_column(String(16))
    evidence_type: Mapped[EvidenceType] = mapped_column(
        enum_type(EvidenceType), default=EvidenceType.OTHER
    )
    description: Mapped[str] = mapped_column(Text, default="")
    original_name: Mapped[str] = mapped_column(String(255))
    stored_name: Mapped[str] = mapped_column(String(64), unique=True)
    content_type: Mapped[str] = mapped_column(String(100))
    size: Mapped[int] = mapped_column(BigInteger)
    sha256: Mapped[str] = mapped_column(String(64))
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    uploaded_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    valid_until: Mapped[date | None] = mapped_column(Date, index=True)

    organisation = relationship("Organisation")
    request: Mapped[AttestationRequest | None] = relationship()

    @property
    def question_title(self) -> str:
        """The title of the question the file supports, from the request's questionnaire."""
        if self.request is None:
            return ""
        return self.request.question_titles.get(self.obligation_code) or ""

    def is_expired(self, *, on: date) -> bool:
        return self.valid_until is not None and on > self.valid_until

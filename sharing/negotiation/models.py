"""A returned copy of an agreement (the vendor's marked-up .docx) and the deviations found in
it, each with the privacy office's decision."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from sharing.core.models import Base, UTCDateTime, enum_type, utcnow


class ReturnStatus(enum.StrEnum):
    # Decisions may change while open; regenerating the agreement closes the copy.
    OPEN = "open"
    DECIDED = "decided"
    # A newer returned copy of the same agreement replaced it before it was decided.
    SUPERSEDED = "superseded"

    @property
    def label(self) -> str:
        return {
            "open": "Open for decisions",
            "decided": "Decided",
            "superseded": "Replaced by a newer copy",
        }[self.value]


class DeviationKind(enum.StrEnum):
    """The kinds of change the comparison reports (the same values as compare.ChangeKind)."""

    WEAKENED = "weakened"
    REMOVED = "removed"
    ADDED = "added"
    STRENGTHENED = "strengthened"
    WORDING = "wording"

    @property
    def label(self) -> str:
        return {
            "weakened": "An obligation weakened",
            "removed": "A clause removed",
            "added": "A clause added",
            "strengthened": "An obligation strengthened",
            "wording": "Wording only",
        }[self.value]


class Decision(enum.StrEnum):
    UNDECIDED = "undecided"
    PARAMETER = "parameter"
    EXCEPTION = "exception"
    REJECTED = "rejected"

    @property
    def label(self) -> str:
        return {
            "undecided": "Not decided yet",
            "parameter": "Accepted as a parameter change",
            "exception": "Accepted as an exception",
            "rejected": "Rejected",
        }[self.value]


class ReturnedCopy(Base):
    __tablename__ = "returned_copies"
    __table_args__ = (UniqueConstraint("agreement_id", "round"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    agreement_id: Mapped[int] = mapped_column(
        ForeignKey("agreements.id", ondelete="CASCADE"), index=True
    )
    round: Mapped[int] = mapped_column(Integer)
    stored_name: Mapped[str] = mapped_column(String(64))
    original_name: Mapped[str] = mapped_column(String(255))
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    # The generated file it was compared with: a later generation makes the comparison stale.
    generated_sha256: Mapped[str] = mapped_column(String(64))
    redline_name: Mapped[str | None] = mapped_column(String(64))
    clauses_found: Mapped[int] = mapped_column(Integer, default=0)
    status: Mapped[ReturnStatus] = mapped_column(
        enum_type(ReturnStatus), default=ReturnStatus.OPEN, index=True
    )
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    uploaded_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    agreement = relationship("Agreement")
    uploaded_by = relationship("User", foreign_keys=[uploaded_by_id])
    deviations: Mapped[list[Deviation]] = relationship(
        back_populates="returned_copy", order_by="Deviation.position", cascade="all, delete-orphan"
    )


class Deviation(Base):
    __tablename__ = "deviations"
    __table_args__ = (
        # The exceptions report lists accepted exceptions by obligation.
        Index("ix_deviations_decision_code", "decision", "code"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    returned_copy_id: Mapped[int] = mapped_column(
        ForeignKey("returned_copies.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int] = mapped_column(Integer)
    key: Mapped[str] = mapped_column(String(120))
    code: Mapped[str] = mapped_column(String(32), default="")
    number: Mapped[str] = mapped_column(String(16), default="")
    heading: Mapped[str] = mapped_column(String(400), default="")
    kind: Mapped[DeviationKind] = mapped_column(enum_type(DeviationKind))
    before_text: Mapped[str] = mapped_column(Text, default="")
    after_text: Mapped[str] = mapped_column(Text, default="")
    parameter_name: Mapped[str | None] = mapped_column(String(64))
    parameter_label: Mapped[str] = mapped_column(String(200), default="")
    parameter_unit: Mapped[str] = mapped_column(String(32), default="")
    parameter_before: Mapped[int | None] = mapped_column(Integer)
    parameter_after: Mapped[int | None] = mapped_column(Integer)
    explanation: Mapped[str] = mapped_column(Text, default="")
    decision: Mapped[Decision] = mapped_column(enum_type(Decision), default=Decision.UNDECIDED)
    note: Mapped[str] = mapped_column(Text, default="")
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    returned_copy: Mapped[ReturnedCopy] = relationship(back_populates="deviations")
    decided_by = relationship("User", foreign_keys=[decided_by_id])

    @property
    def changes_parameter(self) -> bool:
        return self.parameter_name is not None and self.parameter_after is not None

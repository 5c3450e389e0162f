"""Algorithm records, the flows they use, their review conversation, and the vendor's AI fact
sheets with their evidence files.

A record's public pages read `approved_snapshot`, the public fields as they stood when the
privacy office last approved it, so editing an approved record (or a fact sheet filling it)
never changes what the public sees until the next approval."""

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
from sharing.flows.models import RiskTier


class AlgorithmStatus(enum.StrEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"
    IN_REVIEW = "in_review"
    CHANGES_REQUESTED = "changes_requested"
    APPROVED = "approved"
    RETIRED = "retired"

    @property
    def label(self) -> str:
        return self.value.replace("_", " ").capitalize()


class ModelKind(enum.StrEnum):
    """How the system reaches its output, in the words of the UK standard's "system
    architecture" and the Dutch standard's "type" (rule-based or self-learning)."""

    RULE_BASED = "rule_based"
    STATISTICAL = "statistical"
    MACHINE_LEARNING = "machine_learning"
    GENERATIVE = "generative"
    BIOMETRIC = "biometric"
    OTHER = "other"

    @property
    def label(self) -> str:
        return {
            "rule_based": "Rules written by people",
            "statistical": "Statistical model",
            "machine_learning": "Machine learning",
            "generative": "Generative AI",
            "biometric": "Biometric matching",
            "other": "Other",
        }[self.value]


class Algorithm(TimestampMixin, Base):
    __tablename__ = "algorithms"
    __table_args__ = (
        Index("ix_algorithms_status_updated_at", "status", "updated_at"),
        # The dashboard lists approved systems whose last bias test is over a year old.
        Index("ix_algorithms_status_last_tested_on", "status", "last_tested_on"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), index=True)
    # The provider (vendor or partner) whose product the City uses.
    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisations.id", ondelete="RESTRICT"), index=True
    )
    department_id: Mapped[int | None] = mapped_column(
        ForeignKey("departments.id", ondelete="RESTRICT"), index=True
    )
    # Tier 1: what anyone reads first, in the City's three publishing languages.
    summary: Mapped[str] = mapped_column(Text, default="")
    summary_es: Mapped[str] = mapped_column(Text, default="")
    summary_vi: Mapped[str] = mapped_column(Text, default="")
    purpose: Mapped[str] = mapped_column(Text, default="")
    decisions: Mapped[str] = mapped_column(Text, default="")  # the decisions it informs
    decision_maker: Mapped[str] = mapped_column(Text, default="")  # who makes them
    human_oversight: Mapped[str] = mapped_column(Text, default="")
    contest_route: Mapped[str] = mapped_column(Text, default="")  # how a person contests one
    legal_basis: Mapped[str] = mapped_column(Text, default="")
    legal_basis_url: Mapped[str] = mapped_column(String(500), default="")
    model_kind: Mapped[ModelKind] = mapped_column(enum_type(ModelKind), default=ModelKind.OTHER)
    model_name: Mapped[str] = mapped_column(String(200), default="")  # product, model, version
    training_data: Mapped[str] = mapped_column(Text, default="")  # and its provenance
    accuracy_metrics: Mapped[str] = mapped_column(Text, default="")
    bias_groups_tested: Mapped[str] = mapped_column(Text, default="")
    last_tested_on: Mapped[date | None] = mapped_column(Date)
    tested_by: Mapped[str] = mapped_column(String(200), default="")
    limitations: Mapped[str] = mapped_column(Text, default="")
    risk_tier: Mapped[RiskTier | None] = mapped_column(enum_type(RiskTier), index=True)
    equity_groups: Mapped[str] = mapped_column(Text, default="")  # groups affected
    equity_mitigations: Mapped[str] = mapped_column(Text, default="")
    deployed_on: Mapped[date | None] = mapped_column(Date)
    retired_on: Mapped[date | None] = mapped_column(Date)
    # The public contact is a team mailbox; the named owner stays internal.
    contact_email: Mapped[str] = mapped_column(String(254), default="")
    owner_name: Mapped[str] = mapped_column(String(120), default="")
    internal_notes: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[AlgorithmStatus] = mapped_column(
        enum_type(AlgorithmStatus), default=AlgorithmStatus.DRAFT, index=True
    )
    published: Mapped[bool] = mapped_column(Boolean, default=True)
    # The public fields at the last approval ({} before the first); see the module docstring.
    approved_snapshot: Mapped[dict] = mapped_column(JSONType, default=dict)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    submitted_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    approved_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    approved_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    is_demo: Mapped[bool] = mapped_column(Boolean, default=False)
    version: Mapped[int] = mapped_column(Integer, nullable=False)

    __mapper_args__ = {"version_id_col": version}

    organisation = relationship("Organisation")
    department = relationship("Department")
    flows: Mapped[list[AlgorithmFlow]] = relationship(
        back_populates="algorithm", cascade="all, delete-orphan"
    )
    comments: Mapped[list[AlgorithmComment]] = relationship(
        back_populates="algorithm",
        cascade="all, delete-orphan",
        order_by="AlgorithmComment.created_at",
    )

    @property
    def is_public(self) -> bool:
        return self.published and bool(self.approved_snapshot)


class AlgorithmFlow(Base):
    """A flow whose data the system uses, by the flow's lineage so that every revision of the
    flow stays linked."""

    __tablename__ = "algorithm_flows"

    algorithm_id: Mapped[int] = mapped_column(
        ForeignKey("algorithms.id", ondelete="CASCADE"), primary_key=True
    )
    flow_lineage_id: Mapped[int] = mapped_column(Integer, primary_key=True, index=True)

    algorithm: Mapped[Algorithm] = relationship(back_populates="flows")


class AlgorithmComment(Base):
    """The review conversation on a record (changes requested, replies); never public."""

    __tablename__ = "algorithm_comments"

    id: Mapped[int] = mapped_column(primary_key=True)
    algorithm_id: Mapped[int] = mapped_column(
        ForeignKey("algorithms.id", ondelete="CASCADE"), index=True
    )
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    algorithm: Mapped[Algorithm] = relationship(back_populates="comments")
    author = relationship("User")


class FactSheetStatus(enum.StrEnum):
    REQUESTED = "requested"
    IN_PROGRESS = "in_progress"
    SUBMITTED = "submitted"
    RETURNED = "returned"
    ACCEPTED = "accepted"

    @property
    def label(self) -> str:
        return self.value.replace("_", " ").capitalize()


class FactSheet(TimestampMixin, Base):
    """One edition of a vendor's AI fact sheet for one algorithm; editions are numbered, and
    the next is requested at the attestation interval of the agreement covering its flows."""

    __tablename__ = "fact_sheets"
    __table_args__ = (
        UniqueConstraint("algorithm_id", "edition"),
        Index("ix_fact_sheets_status_due_date", "status", "due_date"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    algorithm_id: Mapped[int] = mapped_column(
        ForeignKey("algorithms.id", ondelete="CASCADE"), index=True
    )
    # Denormalised from the algorithm so that every vendor query can filter on it directly.
    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisations.id", ondelete="CASCADE"), index=True
    )
    edition: Mapped[int] = mapped_column(Integer, default=1)
    due_date: Mapped[date] = mapped_column(Date, index=True)
    status: Mapped[FactSheetStatus] = mapped_column(
        enum_type(FactSheetStatus), default=FactSheetStatus.REQUESTED, index=True
    )
    # {topic code: answer text}; the topics are algorithms.topics.TOPICS.
    answers: Mapped[dict] = mapped_column(JSONType, default=dict)
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

    algorithm: Mapped[Algorithm] = relationship()
    organisation = relationship("Organisation")
    evidence: Mapped[list[FactSheetEvidence]] = relationship(
        back_populates="fact_sheet",
        cascade="all, delete-orphan",
        order_by="FactSheetEvidence.uploaded_at",
    )

    def is_overdue(self, *, on: date) -> bool:
        open_states = {
            FactSheetStatus.REQUESTED,
            FactSheetStatus.IN_PROGRESS,
            FactSheetStatus.RETURNED,
        }
        return self.status in open_states and on > self.due_date


class FactSheetEvidenceKind(enum.StrEnum):
    BIAS_AUDIT = "bias_audit"
    MODEL_CARD = "model_card"
    EVALUATION = "evaluation"
    OTHER = "other"

    @property
    def label(self) -> str:
        return self.value.replace("_", " ").capitalize()


class FactSheetEvidence(Base):
    __tablename__ = "fact_sheet_evidence"

    id: Mapped[int] = mapped_column(primary_key=True)
    fact_sheet_id: Mapped[int] = mapped_column(
        ForeignKey("fact_sheets.id", ondelete="CASCADE"), index=True
    )
    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisations.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[FactSheetEvidenceKind] = mapped_column(
        enum_type(FactSheetEvidenceKind), default=FactSheetEvidenceKind.OTHER
    )
    description: Mapped[str] = mapped_column(Text, default="")
    original_name: Mapped[str] = mapped_column(String(255))
    stored_name: Mapped[str] = mapped_column(String(64), unique=True)
    content_type: Mapped[str] = mapped_column(String(100))
    size: Mapped[int] = mapped_column(BigInteger)
    sha256: Mapped[str] = mapped_column(String(64))
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    uploaded_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    fact_sheet: Mapped[FactSheet] = relationship(back_populates="evidence")

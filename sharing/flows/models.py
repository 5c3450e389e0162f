"""Data flows between the city and an organisation, and the category vocabulary."""

from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import (
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


class Sensitivity(enum.StrEnum):
    PUBLIC = "public"
    INTERNAL = "internal"
    CONFIDENTIAL = "confidential"
    RESTRICTED = "restricted"

    @property
    def rank(self) -> int:
        return list(Sensitivity).index(self)

    @property
    def label(self) -> str:
        return self.value.capitalize()


class DataCategory(TimestampMixin, Base):
    """One entry of the controlled vocabulary of personal data kinds."""

    __tablename__ = "data_categories"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)
    description: Mapped[str] = mapped_column(Text, default="")
    sensitivity: Mapped[Sensitivity] = mapped_column(enum_type(Sensitivity), index=True)
    is_minors: Mapped[bool] = mapped_column(Boolean, default=False)
    is_health: Mapped[bool] = mapped_column(Boolean, default=False)
    is_biometric: Mapped[bool] = mapped_column(Boolean, default=False)
    is_precise_location: Mapped[bool] = mapped_column(Boolean, default=False)
    is_licence_plate: Mapped[bool] = mapped_column(Boolean, default=False)
    is_ssn: Mapped[bool] = mapped_column(Boolean, default=False)
    is_financial: Mapped[bool] = mapped_column(Boolean, default=False)
    is_criminal_justice: Mapped[bool] = mapped_column(Boolean, default=False)
    active: Mapped[bool] = mapped_column(Boolean, default=True)

    SPECIAL_FLAGS = (
        ("is_minors", "Minors"),
        ("is_health", "Health"),
        ("is_biometric", "Biometrics"),
        ("is_precise_location", "Precise location"),
        ("is_licence_plate", "License plates"),
        ("is_ssn", "SSN"),
        ("is_financial", "Financial"),
        ("is_criminal_justice", "Criminal justice"),
    )

    @property
    def special_flags(self) -> list[str]:
        return [label for attr, label in self.SPECIAL_FLAGS if getattr(self, attr)]


_ACRONYMS = {"api": "API", "sftp": "SFTP"}


def _label(value: str) -> str:
    return _ACRONYMS.get(value) or value.replace("_", " ").capitalize()


class Direction(enum.StrEnum):
    OUTBOUND = "outbound"
    INBOUND = "inbound"
    BOTH = "both"

    @property
    def label(self) -> str:
        return _label(self.value)


class FlowStatus(enum.StrEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"
    IN_REVIEW = "in_review"
    CHANGES_REQUESTED = "changes_requested"
    APPROVED = "approved"
    SUPERSEDED = "superseded"
    RETIRED = "retired"

    @property
    def label(self) -> str:
        return self.value.replace("_", " ").capitalize()


class RiskTier(enum.StrEnum):
    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"
    CRITICAL = "critical"

    @property
    def label(self) -> str:
        return self.value.capitalize()


class Frequency(enum.StrEnum):
    ONE_TIME = "one_time"
    REAL_TIME = "real_time"
    DAILY = "daily"
    WEEKLY = "weekly"
    MONTHLY = "monthly"
    QUARTERLY = "quarterly"
    ANNUALLY = "annually"
    ON_DEMAND = "on_demand"

    @property
    def label(self) -> str:
        return _label(self.value)


class TransferMethod(enum.StrEnum):
    API = "api"
    SFTP = "sftp"
    PORTAL_UPLOAD = "portal_upload"
    ENCRYPTED_EMAIL = "encrypted_email"
    DIRECT_DATABASE = "direct_database"
    VENDOR_COLLECTS = "vendor_collects"
    PHYSICAL_MEDIA = "physical_media"
    OTHER = "other"

    @property
    def label(self) -> str:
        return _label(self.value)


class DataFlow(TimestampMixin, Base):
    """One revision of a data flow. Revisions of the same flow share `lineage_id`."""

    __tablename__ = "data_flows"
    __table_args__ = (
        UniqueConstraint("lineage_id", "revision"),
        # The flow list sorts by last change by default.
        Index("ix_data_flows_updated_at", "updated_at"),
        # The dashboard's flows-by-risk chart counts from this index alone, and its list of
        # the flows awaiting review longest reads the second in order.
        Index("ix_data_flows_risk_tier_status", "risk_tier", "status"),
        Index("ix_data_flows_status_submitted_at", "status", "submitted_at"),
        # The procurement dashboard: a department's flows by status, and those returned.
        Index("ix_data_flows_department_status_updated", "department_id", "status", "updated_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    lineage_id: Mapped[int | None] = mapped_column(Integer, index=True)
    revision: Mapped[int] = mapped_column(Integer, default=1)
    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisations.id", ondelete="RESTRICT"), index=True
    )
    department_id: Mapped[int] = mapped_column(
        ForeignKey("departments.id", ondelete="RESTRICT"), index=True
    )
    system_name: Mapped[str] = mapped_column(String(200), index=True)
    description: Mapped[str] = mapped_column(Text, default="")
    direction: Mapped[Direction] = mapped_column(enum_type(Direction), default=Direction.OUTBOUND)
    purposes: Mapped[str] = mapped_column(Text, default="")
    legal_authority: Mapped[str] = mapped_column(Text, default="")
    data_subjects: Mapped[str] = mapped_column(Text, default="")
    includes_minors: Mapped[bool] = mapped_column(Boolean, default=False)
    includes_vulnerable: Mapped[bool] = mapped_column(Boolean, default=False)
    estimated_records: Mapped[int | None] = mapped_column(Integer)
    frequency: Mapped[Frequency] = mapped_column(enum_type(Frequency), default=Frequency.DAILY)
    transfer_method: Mapped[TransferMethod] = mapped_column(
        enum_type(TransferMethod), default=TransferMethod.API
    )
    storage_location: Mapped[str] = mapped_column(String(200), default="")
    storage_country: Mapped[str] = mapped_column(String(2), default="US", index=True)
    retention_days: Mapped[int | None] = mapped_column(Integer)
    # When personal information first flowed, or is planned to; optional.
    started_on: Mapped[date | None] = mapped_column(Date)
    disposal_method: Mapped[str] = mapped_column(String(200), default="")
    # [{"name": ..., "service": ..., "country": "US"}]
    subprocessors: Mapped[list[dict]] = mapped_column(JSONType, default=list)
    notice_given: Mapped[bool] = mapped_column(Boolean, default=False)
    notice_method: Mapped[str] = mapped_column(Text, default="")
    automated_decisions: Mapped[bool] = mapped_column(Boolean, default=False)
    automated_decision_description: Mapped[str] = mapped_column(Text, default="")
    human_oversight: Mapped[str] = mapped_column(Text, default="")
    equity_considerations: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[FlowStatus] = mapped_column(
        enum_type(FlowStatus), default=FlowStatus.DRAFT, index=True
    )
    risk_tier: Mapped[RiskTier | None] = mapped_column(enum_type(RiskTier), index=True)
    risk_factors: Mapped[list[str]] = mapped_column(JSONType, default=list)
    published: Mapped[bool] = mapped_column(Boolean, default=False, index=True)
    publication_exemption: Mapped[str] = mapped_column(Text, default="")
    # The register's plain-language summary, in the City's three publishing languages.
    public_summary: Mapped[str] = mapped_column(Text, default="")
    public_summary_es: Mapped[str] = mapped_column(Text, default="")
    public_summary_vi: Mapped[str] = mapped_column(Text, default="")
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    submitted_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), index=True)
    approved_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    approved_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    is_demo: Mapped[bool] = mapped_column(Boolean, default=False)
    version: Mapped[int] = mapped_column(Integer, nullable=False)

    __mapper_args__ = {"version_id_col": version}

    organisation = relationship("Organisation")
    department = relationship("Department")
    categories: Mapped[list[FlowCategory]] = relationship(
        back_populates="flow", cascade="all, delete-orphan"
    )
    comments: Mapped[list[FlowComment]] = relationship(
        back_populates="flow", cascade="all, delete-orphan", order_by="FlowComment.created_at"
    )


class FlowCategory(Base):
    """A category a flow shares, with why it is needed (minimisation)."""

    __tablename__ = "flow_categories"

    flow_id: Mapped[int] = mapped_column(
        ForeignKey("data_flows.id", ondelete="CASCADE"), primary_key=True
    )
    category_id: Mapped[int] = mapped_column(
        ForeignKey("data_categories.id", ondelete="RESTRICT"), primary_key=True, index=True
    )
    justification: Mapped[str] = mapped_column(Text, default="")

    flow: Mapped[DataFlow] = relationship(back_populates="categories")
    category: Mapped[DataCategory] = relationship()


class FlowComment(Base):
    """The review conversation on a flow (changes requested, replies)."""

    __tablename__ = "flow_comments"

    id: Mapped[int] = mapped_column(primary_key=True)
    flow_id: Mapped[int] = mapped_column(
        ForeignKey("data_flows.id", ondelete="CASCADE"), index=True
    )
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    flow: Mapped[DataFlow] = relationship(back_populates="comments")
    author = relationship("User")

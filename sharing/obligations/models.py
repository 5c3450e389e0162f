"""Policy versions and the obligations each one contains."""

from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from sharing.core.models import Base, JSONType, UTCDateTime, enum_type, utcnow


class PolicyStatus(enum.StrEnum):
    DRAFT = "draft"
    PUBLISHED = "published"


class PolicyVersion(Base):
    """A set of obligations. Once published it never changes; edits go into a new draft."""

    __tablename__ = "policy_versions"

    id: Mapped[int] = mapped_column(primary_key=True)
    label: Mapped[str] = mapped_column(String(32), unique=True)
    status: Mapped[PolicyStatus] = mapped_column(
        enum_type(PolicyStatus), default=PolicyStatus.DRAFT
    )
    effective_date: Mapped[date | None] = mapped_column(Date)
    notes: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    published_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    obligations: Mapped[list[Obligation]] = relationship(
        back_populates="policy_version", order_by="Obligation.sort_order"
    )


class Obligation(Base):
    __tablename__ = "obligations"
    __table_args__ = (UniqueConstraint("policy_version_id", "code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    policy_version_id: Mapped[int] = mapped_column(
        ForeignKey("policy_versions.id", ondelete="CASCADE"), index=True
    )
    code: Mapped[str] = mapped_column(String(16))
    sort_order: Mapped[int] = mapped_column(Integer, default=0)
    source_document: Mapped[str] = mapped_column(String(200))
    source_reference: Mapped[str] = mapped_column(String(200))
    title: Mapped[str] = mapped_column(String(200))
    summary: Mapped[str] = mapped_column(Text)
    clause_template: Mapped[str] = mapped_column(Text)
    # [{"name": "breach_notice_hours", "label": ..., "default": 72, "min": 1, "max": 720}]
    parameters: Mapped[list[dict]] = mapped_column(JSONType, default=list)
    # A named rule over the flow's attributes, e.g. {"rule": "any_restricted_category"}
    applicability: Mapped[dict] = mapped_column(JSONType, default=dict)
    attestation_question: Mapped[str] = mapped_column(Text)

    policy_version: Mapped[PolicyVersion] = relationship(back_populates="obligations")

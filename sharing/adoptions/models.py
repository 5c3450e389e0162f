"""A general offer of an executed agreement's terms, and the vendor's consent to it.

The privacy office offers an executed agreement for adoption within a scope (departments, kinds
of flow, a last day); the vendor consents in the portal, as a signer signs. Another department
then adopts the offer for its own approved flow: the adoption is itself an agreement (template
kind "adoption") whose `adopts_id` names the base, so it is generated, signed, countersigned,
attested and listed by the same paths as every agreement, and its life follows the base's.
"""

from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from sharing.core.models import Base, JSONType, TimestampMixin, UTCDateTime, enum_type, utcnow
from sharing.flows.models import RiskTier


class OfferStatus(enum.StrEnum):
    AWAITING_CONSENT = "awaiting_consent"
    OPEN = "open"
    DECLINED = "declined"
    WITHDRAWN = "withdrawn"
    # The base agreement ended, or the offer's last day passed.
    ENDED = "ended"

    @property
    def label(self) -> str:
        return {
            "awaiting_consent": "Waiting for the vendor's consent",
            "open": "Open for adoption",
            "declined": "Declined by the vendor",
            "withdrawn": "Withdrawn",
            "ended": "Ended",
        }[self.value]


class AdoptionOffer(TimestampMixin, Base):
    __tablename__ = "adoption_offers"
    __table_args__ = (
        # The base agreement's page, and "is there an open offer for this agreement".
        Index("ix_adoption_offers_agreement_status", "agreement_id", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    agreement_id: Mapped[int] = mapped_column(ForeignKey("agreements.id", ondelete="RESTRICT"))
    # Denormalised so that every vendor query can filter on it directly.
    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisations.id", ondelete="RESTRICT"), index=True
    )
    status: Mapped[OfferStatus] = mapped_column(
        enum_type(OfferStatus), default=OfferStatus.AWAITING_CONSENT, index=True
    )
    # The scope: which departments may adopt (empty: every department), which flow directions
    # (flows.models.Direction values; empty: any), the highest risk tier (none: any), until when.
    department_ids: Mapped[list[int]] = mapped_column(JSONType, default=list)
    directions: Mapped[list[str]] = mapped_column(JSONType, default=list)
    max_risk_tier: Mapped[RiskTier | None] = mapped_column(enum_type(RiskTier))
    available_until: Mapped[date] = mapped_column(Date)
    note: Mapped[str] = mapped_column(Text, default="")
    offered_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    offered_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    # The vendor's consent, given as a signature is: a name typed and confirmed by the
    # signer's password, the words agreed to (and their version), when and from where.
    consent_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    consent_name: Mapped[str] = mapped_column(String(120), default="")
    consent_title: Mapped[str] = mapped_column(String(120), default="")
    consent_version: Mapped[str] = mapped_column(String(16), default="")
    consent_text: Mapped[str] = mapped_column(Text, default="")
    consented_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    consent_ip: Mapped[str] = mapped_column(String(64), default="")
    consent_user_agent: Mapped[str] = mapped_column(String(512), default="")
    declined_reason: Mapped[str] = mapped_column(Text, default="")
    declined_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # Withdrawn by the office, or ended with its base: who (none: the daily run), when, why.
    closed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    close_reason: Mapped[str] = mapped_column(Text, default="")
    version: Mapped[int] = mapped_column(Integer, nullable=False)

    __mapper_args__ = {"version_id_col": version}

    agreement = relationship("Agreement")
    organisation = relationship("Organisation")
    offered_by = relationship("User", foreign_keys=[offered_by_id])
    consent_by = relationship("User", foreign_keys=[consent_by_id])

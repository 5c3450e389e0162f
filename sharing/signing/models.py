"""Signatures: one row per party per round of signing, with what the signer saw and agreed to.

A round starts when the office sends a generated agreement for signature: the vendor's row
holds the PDF shown to both parties (stored once, by its SHA-256), and the City's row, added at
countersignature, points at the same file. Rows are never deleted; a row that no longer counts
is lapsed, declined or returned, with the reason.
"""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from sharing.core.models import Base, UTCDateTime, enum_type, utcnow


class Party(enum.StrEnum):
    VENDOR = "vendor"
    CITY = "city"

    @property
    def label(self) -> str:
        return {"vendor": "Vendor", "city": "City"}[self.value]


class SignatureStatus(enum.StrEnum):
    PENDING = "pending"
    SIGNED = "signed"
    DECLINED = "declined"
    RETURNED = "returned"
    LAPSED = "lapsed"

    @property
    def label(self) -> str:
        return {
            "pending": "Waiting for signature",
            "signed": "Signed",
            "declined": "Declined",
            "returned": "Returned for changes",
            "lapsed": "Lapsed",
        }[self.value]


# A signature still in play: waiting for its signer, or given on the current document.
OPEN = (SignatureStatus.PENDING, SignatureStatus.SIGNED)


class Signature(Base):
    __tablename__ = "signatures"
    __table_args__ = (
        # The agreement page's history, and the open signature of an agreement.
        Index("ix_signatures_agreement_status", "agreement_id", "status"),
        # A signer's "waiting for you".
        Index("ix_signatures_signer_status", "signer_id", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    agreement_id: Mapped[int] = mapped_column(ForeignKey("agreements.id", ondelete="RESTRICT"))
    party: Mapped[Party] = mapped_column(enum_type(Party))
    status: Mapped[SignatureStatus] = mapped_column(
        enum_type(SignatureStatus), default=SignatureStatus.PENDING
    )
    # Who must sign: a user, or (until they accept their invitation) an invited address.
    signer_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    invitation_id: Mapped[int | None] = mapped_column(
        ForeignKey("invitations.id", ondelete="SET NULL")
    )
    signer_name: Mapped[str] = mapped_column(String(120), default="")
    signer_email: Mapped[str] = mapped_column(String(254), default="")
    requested_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    requested_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    # The PDF shown to the signers, and the generated .docx it was made from.
    document_file: Mapped[str] = mapped_column(String(64))
    document_sha256: Mapped[str] = mapped_column(String(64))
    generated_sha256: Mapped[str] = mapped_column(String(64))
    # What the signer typed and agreed to, and where from.
    typed_name: Mapped[str] = mapped_column(String(120), default="")
    typed_title: Mapped[str] = mapped_column(String(120), default="")
    consent_version: Mapped[str] = mapped_column(String(16), default="")
    consent_text: Mapped[str] = mapped_column(Text, default="")
    signed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    ip: Mapped[str] = mapped_column(String(64), default="")
    user_agent: Mapped[str] = mapped_column(String(512), default="")
    signed_document_sha256: Mapped[str] = mapped_column(String(64), default="")
    decline_reason: Mapped[str] = mapped_column(Text, default="")
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    lapsed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    lapse_reason: Mapped[str] = mapped_column(Text, default="")
    version: Mapped[int] = mapped_column(Integer, nullable=False)

    __mapper_args__ = {"version_id_col": version}

    agreement = relationship("Agreement")
    signer = relationship("User", foreign_keys=[signer_id])
    requested_by = relationship("User", foreign_keys=[requested_by_id])

    @property
    def counts(self) -> bool:
        """Only a signature given, and not lapsed since, counts."""
        return self.status == SignatureStatus.SIGNED

"""SealCertificate: the City's certificate for sealing agreements, as uploaded or generated."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Index, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column

from sharing.core.models import Base, UTCDateTime, utcnow


class SealCertificate(Base):
    """One PKCS#12 file kept under UPLOAD_DIR/seal/; the active row is the one that seals.
    Replaced rows stay, inactive, so the audit trail's fingerprints still name a row."""

    __tablename__ = "seal_certificates"
    __table_args__ = (Index("ix_seal_certificates_active", "active"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    subject: Mapped[str] = mapped_column(String(500))
    issuer: Mapped[str] = mapped_column(String(500))
    serial: Mapped[str] = mapped_column(String(100))
    fingerprint: Mapped[str] = mapped_column(String(64), unique=True)  # SHA-256, hex
    not_before: Mapped[datetime] = mapped_column(UTCDateTime())
    not_after: Mapped[datetime] = mapped_column(UTCDateTime())
    stored_name: Mapped[str] = mapped_column(String(64))
    # The PKCS#12 password, encrypted with a key derived from SECRET_KEY (seal/keys.py).
    password_encrypted: Mapped[bytes] = mapped_column(LargeBinary)
    # By table name: seal sits below auth, which owns users. Empty for the generated one.
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    uploaded_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    development: Mapped[bool] = mapped_column(Boolean, default=False)

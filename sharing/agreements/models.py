"""Agreement templates with their versions, and the agreements generated from them."""

from __future__ import annotations

import enum
from datetime import date, datetime
from typing import ClassVar

from sqlalchemy import (
    Boolean,
    Column,
    Date,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from sharing.agreements.dates import cancel_by
from sharing.core.models import (
    Base,
    JSONType,
    TimestampMixin,
    UTCDateTime,
    enum_type,
    utcnow,
)


class TemplateKind(enum.StrEnum):
    VENDOR_DPA = "vendor_dpa"
    INTERAGENCY = "interagency"
    RENEWAL_AMENDMENT = "renewal_amendment"
    # A department's adoption of another agreement's general offer (sharing/adoptions).
    ADOPTION = "adoption"
    # Not an agreement: the City's directive to return or destroy data when a term ends.
    DISPOSITION = "disposition"


class AgreementTemplate(Base):
    __tablename__ = "agreement_templates"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    kind: Mapped[TemplateKind] = mapped_column(enum_type(TemplateKind))
    description: Mapped[str] = mapped_column(Text, default="")
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    versions: Mapped[list[AgreementTemplateVersion]] = relationship(
        back_populates="template", order_by="AgreementTemplateVersion.number"
    )


class AgreementTemplateVersion(Base):
    """An uploaded .docx. Kept for ever, because agreements record which one they used."""

    __tablename__ = "agreement_template_versions"
    __table_args__ = (UniqueConstraint("template_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    template_id: Mapped[int] = mapped_column(
        ForeignKey("agreement_templates.id", ondelete="RESTRICT"), index=True
    )
    number: Mapped[int] = mapped_column(Integer)
    original_name: Mapped[str] = mapped_column(String(255))
    stored_name: Mapped[str] = mapped_column(String(64), unique=True)
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    variables: Mapped[list[str]] = mapped_column(JSONType, default=list)
    render_seconds: Mapped[float | None] = mapped_column(Float)
    notes: Mapped[str] = mapped_column(Text, default="")
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    uploaded_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    template: Mapped[AgreementTemplate] = relationship(back_populates="versions")


class AgreementStatus(enum.StrEnum):
    DRAFT = "draft"
    GENERATED = "generated"
    SENT_FOR_SIGNATURE = "sent_for_signature"
    EXECUTED = "executed"
    ACTIVE = "active"
    EXPIRING = "expiring"
    EXPIRED = "expired"
    RENEWED = "renewed"
    TERMINATED = "terminated"

    # Groups of statuses, each named once and set just below the class (an enumeration's
    # body cannot refer to its own members).
    IN_FORCE: ClassVar[tuple[AgreementStatus, ...]]
    RENEWABLE: ClassVar[tuple[AgreementStatus, ...]]
    NOT_ENDED: ClassVar[tuple[AgreementStatus, ...]]

    @property
    def label(self) -> str:
        return self.value.replace("_", " ").capitalize()


# In force: active, or active and approaching its expiry.
AgreementStatus.IN_FORCE = (AgreementStatus.ACTIVE, AgreementStatus.EXPIRING)
# Signed and not ended: in force, or executed and waiting for its effective date. A renewal
# amendment, an attestation and the calendar feed concern these.
AgreementStatus.RENEWABLE = (AgreementStatus.EXECUTED, *AgreementStatus.IN_FORCE)
# Generated and not ended: on its way to force, or in force. Terminating applies to these, and
# an adoption still in one of them follows its base.
AgreementStatus.NOT_ENDED = (
    AgreementStatus.GENERATED,
    AgreementStatus.SENT_FOR_SIGNATURE,
    *AgreementStatus.RENEWABLE,
)


agreement_flows = Table(
    "agreement_flows",
    Base.metadata,
    Column(
        "agreement_id",
        ForeignKey("agreements.id", ondelete="CASCADE"),
        primary_key=True,
    ),
    Column(
        "flow_id",
        ForeignKey("data_flows.id", ondelete="RESTRICT"),
        primary_key=True,
        index=True,
    ),
)

# An adoption of another agreement's general offer (sharing/adoptions) is an agreement of its
# own, generated and signed as every agreement is: its terms are the base's, it covers the
# adopting department's flows, and it ends with the base unless the base is renewed. A table
# rather than a column on agreements, because adding a foreign key to agreements would rebuild
# that table on SQLite, and dropping the old copy cascades to every table that points at it.
agreement_adoptions = Table(
    "agreement_adoptions",
    Base.metadata,
    Column(
        "agreement_id",
        ForeignKey("agreements.id", ondelete="CASCADE"),
        primary_key=True,
    ),
    Column(
        "base_id",
        ForeignKey("agreements.id", ondelete="RESTRICT"),
        nullable=False,
        index=True,
    ),
)


class Agreement(TimestampMixin, Base):
    __tablename__ = "agreements"
    __table_args__ = (
        # The list sorts by last change by default; the dashboard counts by status and expiry.
        Index("ix_agreements_updated_at_id", "updated_at", "id"),
        Index("ix_agreements_status_expiry_date", "status", "expiry_date"),
        # The procurement dashboard: a department's agreements out for signature, oldest first.
        Index(
            "ix_agreements_department_status_sent",
            "department_id",
            "status",
            "sent_for_signature_at",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(32), unique=True)
    title: Mapped[str] = mapped_column(String(200), default="")
    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisations.id", ondelete="RESTRICT"), index=True
    )
    department_id: Mapped[int | None] = mapped_column(
        ForeignKey("departments.id", ondelete="SET NULL"), index=True
    )
    template_version_id: Mapped[int | None] = mapped_column(
        ForeignKey("agreement_template_versions.id", ondelete="RESTRICT")
    )
    policy_version_id: Mapped[int | None] = mapped_column(
        ForeignKey("policy_versions.id", ondelete="RESTRICT"), index=True
    )
    parameters: Mapped[dict] = mapped_column(JSONType, default=dict)
    obligation_codes: Mapped[list[str]] = mapped_column(JSONType, default=list)
    # The privacy office's accepted conflicts between a flow and the policy, by conflict code
    # (agreements/conflicts.py): {code: {"reason", "by", "at"}}. A code names the values
    # compared, so a changed value is a new conflict that needs its own decision.
    conflict_overrides: Mapped[dict] = mapped_column(JSONType, default=dict, server_default="{}")
    # The deviations from the policy the privacy office accepted in a vendor's returned copy,
    # by obligation code: {code: {"reason", "text", "kind", "by", "at"}}. Kept here, not read
    # from negotiation's tables, so that generation (below negotiation) can print them.
    exceptions: Mapped[dict] = mapped_column(JSONType, default=dict, server_default="{}")
    status: Mapped[AgreementStatus] = mapped_column(
        enum_type(AgreementStatus), default=AgreementStatus.DRAFT, index=True
    )
    effective_date: Mapped[date | None] = mapped_column(Date)
    term_months: Mapped[int] = mapped_column(Integer, default=36)
    expiry_date: Mapped[date | None] = mapped_column(Date, index=True)
    auto_renew: Mapped[bool] = mapped_column(Boolean, default=False)
    renewal_term_months: Mapped[int] = mapped_column(Integer, default=12)
    notice_days: Mapped[int] = mapped_column(Integer, default=90)
    generated_file: Mapped[str | None] = mapped_column(String(64))
    generated_sha256: Mapped[str | None] = mapped_column(String(64))
    generated_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    generated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    signed_file: Mapped[str | None] = mapped_column(String(64))
    signed_sha256: Mapped[str | None] = mapped_column(String(64))
    signed_on: Mapped[date | None] = mapped_column(Date)
    signed_uploaded_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # Indexed: an agreement's page looks up the one it renewed (successor_id = its id).
    successor_id: Mapped[int | None] = mapped_column(
        ForeignKey("agreements.id", ondelete="SET NULL"), index=True
    )
    # A renewal amendment names the agreement it renews; that one links back via successor.
    renews_id: Mapped[int | None] = mapped_column(
        ForeignKey("agreements.id", ondelete="SET NULL"), index=True
    )
    sent_for_signature_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    termination_reason: Mapped[str] = mapped_column(Text, default="")
    terminated_on: Mapped[date | None] = mapped_column(Date)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    is_demo: Mapped[bool] = mapped_column(Boolean, default=False)
    version: Mapped[int] = mapped_column(Integer, nullable=False)

    __mapper_args__ = {"version_id_col": version}

    organisation = relationship("Organisation")
    department = relationship("Department")
    template_version: Mapped[AgreementTemplateVersion | None] = relationship()
    policy_version = relationship("PolicyVersion")
    flows = relationship("DataFlow", secondary=agreement_flows)
    # post_update: an agreement and its renewal point at each other, so one link is written
    # after both rows exist.
    successor: Mapped[Agreement | None] = relationship(
        remote_side=[id], foreign_keys=[successor_id], post_update=True
    )
    renews: Mapped[Agreement | None] = relationship(remote_side=[id], foreign_keys=[renews_id])
    # The agreement whose general offer this one adopts (see agreement_adoptions).
    adopts: Mapped[Agreement | None] = relationship(
        secondary=agreement_adoptions,
        primaryjoin=lambda: Agreement.id == agreement_adoptions.c.agreement_id,
        secondaryjoin=lambda: Agreement.id == agreement_adoptions.c.base_id,
        uselist=False,
    )

    @property
    def cancel_by(self) -> date | None:
        """The last day to give notice of non-renewal; it moves with the expiry date."""
        return cancel_by(self.expiry_date, self.notice_days)

    def in_notice_window(self, *, on: date) -> bool:
        """True from the cancel-by date until expiry: renewal or notice is now due."""
        return (
            self.expiry_date is not None
            and self.cancel_by is not None
            and self.cancel_by <= on <= self.expiry_date
        )

    def is_expired(self, *, on: date) -> bool:
        return self.expiry_date is not None and on > self.expiry_date

"""Disposition directives, their elements, and the vendor's certificate of disposition.

When an agreement ends without renewal (expired or terminated), or a flow it covers is retired,
the City directs the vendor what to do with each data category of each flow concerned: return
it, destroy it (by a method consistent with NIST SP 800-88), or de-identify it, by a deadline,
subprocessors' copies included. The vendor answers element by element and signs the
certificate; the privacy office accepts it or returns it with questions.
"""

from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import Boolean, Date, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from sharing.core.models import Base, JSONType, TimestampMixin, UTCDateTime, enum_type


class DispositionTrigger(enum.StrEnum):
    AGREEMENT_ENDED = "agreement_ended"
    FLOW_RETIRED = "flow_retired"

    @property
    def label(self) -> str:
        return {
            "agreement_ended": "The agreement ended",
            "flow_retired": "A data flow was retired",
        }[self.value]


class DispositionAction(enum.StrEnum):
    RETURN = "return"
    DESTROY = "destroy"
    DEIDENTIFY = "deidentify"

    @property
    def label(self) -> str:
        return {
            "return": "Return to the City",
            "destroy": "Destroy",
            "deidentify": "De-identify",
        }[self.value]


class DirectiveStatus(enum.StrEnum):
    # Issued to the vendor, who has not yet submitted a certificate.
    ISSUED = "issued"
    SUBMITTED = "submitted"
    RETURNED = "returned"
    ACCEPTED = "accepted"

    @property
    def label(self) -> str:
        return {
            "issued": "Waiting for the vendor's certificate",
            "submitted": "Certificate submitted",
            "returned": "Certificate returned with questions",
            "accepted": "Certificate accepted",
        }[self.value]


class SubprocessorConfirmation(enum.StrEnum):
    CONFIRMED = "confirmed"
    NOT_CONFIRMED = "not_confirmed"
    NONE_HELD = "none_held"  # no subprocessor held a copy

    @property
    def label(self) -> str:
        return {
            "confirmed": "Every subprocessor confirmed in writing",
            "not_confirmed": "Not yet confirmed by every subprocessor",
            "none_held": "No subprocessor held a copy",
        }[self.value]


class DispositionDirective(TimestampMixin, Base):
    __tablename__ = "disposition_directives"
    __table_args__ = (
        # Reminders and the dashboard: directives not yet accepted, by deadline.
        Index("ix_disposition_directives_status_due_on", "status", "due_on"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(32), unique=True)
    # What the directive answers, so that one event never issues two: "agreement:<id>" when
    # the agreement ended, "agreement:<id>:flow:<lineage id>" when one of its flows retired.
    key: Mapped[str] = mapped_column(String(64), unique=True)
    agreement_id: Mapped[int] = mapped_column(
        ForeignKey("agreements.id", ondelete="RESTRICT"), index=True
    )
    # Denormalised so that every vendor query can filter on it directly.
    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisations.id", ondelete="RESTRICT"), index=True
    )
    trigger: Mapped[DispositionTrigger] = mapped_column(enum_type(DispositionTrigger))
    # The retired flow, when one flow's retirement issued the directive.
    flow_id: Mapped[int | None] = mapped_column(ForeignKey("data_flows.id", ondelete="RESTRICT"))
    ended_on: Mapped[date] = mapped_column(Date)
    # ended_on plus the agreement's termination_return_days parameter.
    due_on: Mapped[date] = mapped_column(Date, index=True)
    status: Mapped[DirectiveStatus] = mapped_column(
        enum_type(DirectiveStatus), default=DirectiveStatus.ISSUED, index=True
    )
    issued_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # The City's written authorization to destroy City records (records law): without it,
    # every element holding City records says "return".
    destroy_authorization: Mapped[str] = mapped_column(Text, default="")
    authorized_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL")
    )
    authorized_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # The directive's document, rendered from its own template.
    generated_file: Mapped[str | None] = mapped_column(String(64))
    generated_sha256: Mapped[str | None] = mapped_column(String(64))
    generated_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # The certificate's signature, given as an agreement's is: a name typed and confirmed by
    # the signer's password, the words agreed to, when and from where.
    signer_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    signer_name: Mapped[str] = mapped_column(String(120), default="")
    signer_title: Mapped[str] = mapped_column(String(120), default="")
    consent_version: Mapped[str] = mapped_column(String(16), default="")
    consent_text: Mapped[str] = mapped_column(Text, default="")
    signed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    signed_ip: Mapped[str] = mapped_column(String(64), default="")
    signed_user_agent: Mapped[str] = mapped_column(String(512), default="")
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # The privacy office's review: its questions when returned, its acceptance.
    review_comment: Mapped[str] = mapped_column(Text, default="")
    reviewed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    reviewed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    accepted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # The day the last of the data was disposed of, per the accepted certificate; the public
    # register's changelog shows it.
    disposed_on: Mapped[date | None] = mapped_column(Date)
    version: Mapped[int] = mapped_column(Integer, nullable=False)

    __mapper_args__ = {"version_id_col": version}

    agreement = relationship("Agreement")
    organisation = relationship("Organisation")
    flow = relationship("DataFlow")
    elements: Mapped[list[DispositionElement]] = relationship(
        back_populates="directive",
        order_by="DispositionElement.position",
        cascade="all, delete-orphan",
    )

    def is_overdue(self, *, on: date) -> bool:
        """Past its deadline with no accepted certificate."""
        return self.status != DirectiveStatus.ACCEPTED and self.due_on < on


class DispositionElement(Base):
    """One data category of one flow: what the City directs, and what the vendor certifies."""

    __tablename__ = "disposition_elements"

    id: Mapped[int] = mapped_column(primary_key=True)
    directive_id: Mapped[int] = mapped_column(
        ForeignKey("disposition_directives.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int] = mapped_column(Integer, default=0)
    flow_id: Mapped[int] = mapped_column(ForeignKey("data_flows.id", ondelete="RESTRICT"))
    category_id: Mapped[int | None] = mapped_column(
        ForeignKey("data_categories.id", ondelete="RESTRICT")
    )
    # Names as they stood when the directive was issued: the directive is a record.
    flow_name: Mapped[str] = mapped_column(String(200), default="")
    category_name: Mapped[str] = mapped_column(String(120), default="")
    # The data are City records, which the City may not let anyone destroy before its own
    # retention period ends without its written authorization.
    city_records: Mapped[bool] = mapped_column(Boolean, default=True)
    action: Mapped[DispositionAction] = mapped_column(enum_type(DispositionAction))
    # How: for destruction, a NIST SP 800-88 method; for return, the format and channel.
    method: Mapped[str] = mapped_column(Text, default="")
    # The subprocessors whose copies the element includes, by name.
    subprocessors: Mapped[list[str]] = mapped_column(JSONType, default=list)
    # The vendor's certificate for this element.
    done_action: Mapped[DispositionAction | None] = mapped_column(enum_type(DispositionAction))
    done_on: Mapped[date | None] = mapped_column(Date)
    done_method: Mapped[str] = mapped_column(Text, default="")
    subprocessors_confirmed: Mapped[SubprocessorConfirmation | None] = mapped_column(
        enum_type(SubprocessorConfirmation)
    )
    backups: Mapped[str] = mapped_column(Text, default="")
    notes: Mapped[str] = mapped_column(Text, default="")

    directive: Mapped[DispositionDirective] = relationship(back_populates="elements")
    flow = relationship("DataFlow")
    category = relationship("DataCategory")

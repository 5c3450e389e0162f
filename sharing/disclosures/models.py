"""Disclosures of personal information, and incidents affecting it."""

from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from sharing.core.models import Base, JSONType, TimestampMixin, UTCDateTime, enum_type, utcnow

disclosure_categories = Table(
    "disclosure_categories",
    Base.metadata,
    Column("disclosure_id", ForeignKey("disclosures.id", ondelete="CASCADE"), primary_key=True),
    Column(
        "category_id",
        ForeignKey("data_categories.id", ondelete="RESTRICT"),
        primary_key=True,
        index=True,
    ),
)

incident_flows = Table(
    "incident_flows",
    Base.metadata,
    Column("incident_id", ForeignKey("incidents.id", ondelete="CASCADE"), primary_key=True),
    Column("flow_id", ForeignKey("data_flows.id", ondelete="RESTRICT"), primary_key=True),
)

incident_categories = Table(
    "incident_categories",
    Base.metadata,
    Column("incident_id", ForeignKey("incidents.id", ondelete="CASCADE"), primary_key=True),
    Column("category_id", ForeignKey("data_categories.id", ondelete="RESTRICT"), primary_key=True),
)


class Disclosure(TimestampMixin, Base):
    """One release (or a recurring series of releases) of personal information."""

    __tablename__ = "disclosures"
    __table_args__ = (
        # Whether an entry overlaps a period needs both dates: with both in the index, the
        # accounting report's tests ("received data in the period", per organisation or flow,
        # and the count of the period's entries) read the index alone.
        Index("ix_disclosures_dates", "disclosed_on", "last_disclosed_on"),
        Index(
            "ix_disclosures_organisation_dates",
            "organisation_id",
            "disclosed_on",
            "last_disclosed_on",
        ),
        Index("ix_disclosures_flow_dates", "flow_id", "disclosed_on", "last_disclosed_on"),
        # The log's default order (newest first, then id): its first page reads 25 entries.
        Index("ix_disclosures_disclosed_on_id", "disclosed_on", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    flow_id: Mapped[int] = mapped_column(ForeignKey("data_flows.id", ondelete="RESTRICT"))
    agreement_id: Mapped[int | None] = mapped_column(
        ForeignKey("agreements.id", ondelete="SET NULL"), index=True
    )
    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisations.id", ondelete="RESTRICT")
    )
    disclosed_on: Mapped[date] = mapped_column(Date)
    is_recurring: Mapped[bool] = mapped_column(Boolean, default=False)
    frequency: Mapped[str] = mapped_column(String(32), default="")
    last_disclosed_on: Mapped[date | None] = mapped_column(Date)
    occurrence_count: Mapped[int] = mapped_column(Integer, default=1)
    record_count: Mapped[int | None] = mapped_column(Integer)
    purpose: Mapped[str] = mapped_column(Text)
    legal_authority: Mapped[str] = mapped_column(Text, default="")
    requested_by: Mapped[str] = mapped_column(String(200), default="")
    authorized_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL")
    )
    method: Mapped[str] = mapped_column(String(64), default="")
    request_file: Mapped[str | None] = mapped_column(String(64))
    request_file_name: Mapped[str | None] = mapped_column(String(255))
    request_file_sha256: Mapped[str | None] = mapped_column(String(64))
    exempt: Mapped[bool] = mapped_column(Boolean, default=False)
    exempt_reason: Mapped[str] = mapped_column(Text, default="")
    flagged: Mapped[bool] = mapped_column(Boolean, default=False, index=True)
    flag_reasons: Mapped[list[str]] = mapped_column(JSONType, default=list)
    retain_until: Mapped[date | None] = mapped_column(Date)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    is_demo: Mapped[bool] = mapped_column(Boolean, default=False)

    flow = relationship("DataFlow")
    agreement = relationship("Agreement")
    organisation = relationship("Organisation")
    categories = relationship("DataCategory", secondary=disclosure_categories)


class IncidentStatus(enum.StrEnum):
    REPORTED = "reported"
    INVESTIGATING = "investigating"
    NOTIFIED = "notified"
    CLOSED = "closed"

    @property
    def label(self) -> str:
        return self.value.capitalize()


class Incident(TimestampMixin, Base):
    __tablename__ = "incidents"

    id: Mapped[int] = mapped_column(primary_key=True)
    reference: Mapped[str] = mapped_column(String(32), unique=True)
    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisations.id", ondelete="RESTRICT"), index=True
    )
    agreement_id: Mapped[int | None] = mapped_column(
        ForeignKey("agreements.id", ondelete="SET NULL"), index=True
    )
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text)
    discovered_at: Mapped[datetime] = mapped_column(UTCDateTime())
    reported_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    reported_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    affected_individuals: Mapped[int | None] = mapped_column(Integer)
    containment: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[IncidentStatus] = mapped_column(
        enum_type(IncidentStatus), default=IncidentStatus.REPORTED, index=True
    )
    notice_deadline: Mapped[datetime | None] = mapped_column(UTCDateTime(), index=True)
    individuals_notified_on: Mapped[date | None] = mapped_column(Date)
    authorities_notified_on: Mapped[date | None] = mapped_column(Date)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    is_demo: Mapped[bool] = mapped_column(Boolean, default=False)
    version: Mapped[int] = mapped_column(Integer, nullable=False)

    __mapper_args__ = {"version_id_col": version}

    organisation = relationship("Organisation")
    agreement = relationship("Agreement")
    flows = relationship("DataFlow", secondary=incident_flows)
    categories = relationship("DataCategory", secondary=incident_categories)


class IncidentUpdate(Base):
    """What the reporting organisation learned or did after its first report: the text, and
    the new count of people affected or the further containment steps when it gives them."""

    __tablename__ = "incident_updates"
    __table_args__ = (
        # An incident's updates in order, and the latest one's time (queries.latest_update_at).
        Index("ix_incident_updates_incident_id_created_at", "incident_id", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    incident_id: Mapped[int] = mapped_column(ForeignKey("incidents.id", ondelete="CASCADE"))
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    text: Mapped[str] = mapped_column(Text)
    affected_individuals: Mapped[int | None] = mapped_column(Integer)
    containment: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    incident: Mapped[Incident] = relationship()
    author = relationship("User")


class DisclosureDayTally(Base):
    """Running counts for the accounting report, kept on write by sharing/disclosures/tallies.py.

    One row per (category, day): how many entries start that day (their first date) and how
    many end that day (their last date, or the first for a one-off), with their records and
    exempt entries. `category_id` 0 is every entry once; any other value is a data category
    (no foreign key: the row outlives nothing, and a category with entries cannot be removed).
    """

    __tablename__ = "disclosure_day_tallies"

    category_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    started_entries: Mapped[int] = mapped_column(Integer, default=0)
    started_records: Mapped[int] = mapped_column(BigInteger, default=0)
    started_exempt: Mapped[int] = mapped_column(Integer, default=0)
    ended_entries: Mapped[int] = mapped_column(Integer, default=0)
    ended_records: Mapped[int] = mapped_column(BigInteger, default=0)
    ended_exempt: Mapped[int] = mapped_column(Integer, default=0)

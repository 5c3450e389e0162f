"""Policy versions and the obligations each one contains."""

from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, Integer, String, Text, UniqueConstraint, inspect
from sqlalchemy.orm import Mapped, Session, mapped_column, relationship

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
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    # The published version a draft was copied from.
    based_on_id: Mapped[int | None] = mapped_column(
        ForeignKey("policy_versions.id", ondelete="SET NULL")
    )
    # SHA-256 of the data file a version was loaded from ("" when made in the app).
    source_sha256: Mapped[str] = mapped_column(String(64), default="")

    obligations: Mapped[list[Obligation]] = relationship(
        back_populates="policy_version",
        order_by="Obligation.sort_order",
        cascade="all, delete-orphan",
    )
    based_on: Mapped[PolicyVersion | None] = relationship(remote_side=[id])

    @property
    def is_published(self) -> bool:
        return self.status == PolicyStatus.PUBLISHED


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


class PublishedPolicyChanged(RuntimeError):
    """Raised when a flush would alter a published policy version or its obligations."""


def _was_published(version: PolicyVersion) -> bool:
    """The status as stored, before any change pending in this session."""
    history = inspect(version).attrs.status.history
    stored = history.deleted[0] if history.deleted else version.status
    return stored == PolicyStatus.PUBLISHED


def _published_parent(obj: Obligation, session: Session) -> PolicyVersion | None:
    version = obj.policy_version
    if version is None or version in session.new or not _was_published(version):
        return None
    return version


def _columns_changed(obj: object) -> bool:
    state = inspect(obj)
    return any(state.attrs[c.key].history.has_changes() for c in state.mapper.column_attrs)


def _violation(obj: object, session: Session) -> str | None:
    """Why flushing `obj` would alter a published version, or None."""
    gone = obj in session.deleted
    if isinstance(obj, PolicyVersion):
        stored = obj not in session.new and _was_published(obj)
        changed = gone or _columns_changed(obj)
        return f"Policy {obj.label} is published and cannot change." if stored and changed else None
    if isinstance(obj, Obligation) and (version := _published_parent(obj, session)):
        changed = gone or obj in session.new or _columns_changed(obj)
        return (
            f"Obligation {obj.code} belongs to published policy {version.label}."
            if changed
            else None
        )
    return None


def _guard_published(session: Session, flush_context, instances) -> None:
    # A second line of defence behind the services: published versions are the record of
    # what agreements were generated under, so nothing may rewrite them.
    for obj in [*session.dirty, *session.deleted, *session.new]:
        reason = _violation(obj, session)
        if reason:
            raise PublishedPolicyChanged(reason)


# Registered by create_app's register_listeners step.
LISTENERS = ((Session, "before_flush", _guard_published),)

"""The public register's listing (the revisions it shows) and its changelog (when an
arrangement was added or removed)."""

from __future__ import annotations

import enum
from datetime import date

from sqlalchemy import Date, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from sharing.core.models import Base, enum_type


class RegisterChangeKind(enum.StrEnum):
    ADDED = "added"
    REMOVED = "removed"


class RegisterChange(Base):
    __tablename__ = "register_changes"

    id: Mapped[int] = mapped_column(primary_key=True)
    flow_lineage_id: Mapped[int] = mapped_column(Integer, index=True)
    flow_id: Mapped[int | None] = mapped_column(ForeignKey("data_flows.id", ondelete="SET NULL"))
    kind: Mapped[RegisterChangeKind] = mapped_column(enum_type(RegisterChangeKind))
    changed_on: Mapped[date] = mapped_column(Date, index=True)
    summary: Mapped[str] = mapped_column(String(300), default="")


class RegisterEntry(Base):
    """A revision the public register shows. The rule for what belongs on the register is
    `register.queries.public_clause`; `register.changelog.sync_changes` writes these rows from
    it in the same transaction as every step that can change its answer, so the public pages
    read a short indexed list instead of deciding membership flow by flow."""

    __tablename__ = "register_entries"

    flow_id: Mapped[int] = mapped_column(
        ForeignKey("data_flows.id", ondelete="CASCADE"), primary_key=True
    )

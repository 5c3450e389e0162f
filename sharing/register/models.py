"""The public register's listing (the revisions it shows) and its changelog (when an
arrangement was added or removed)."""

from __future__ import annotations

import enum
from datetime import date

from sqlalchemy import Date, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from sharing.core.models import Base, enum_type


class RegisterChangeKind(enum.StrEnum):
    ADDED = "added"
    REMOVED = "removed"
    # The City's data shared under the arrangement were returned or destroyed, as a certificate
    # of disposition the privacy office accepted says. It neither adds nor removes.
    DISPOSED = "disposed"

    @property
    def label(self) -> str:
        return {"added": "Added", "removed": "Removed", "disposed": "Data disposed of"}[self.value]


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
    read a short indexed list instead of deciding membership flow by flow.

    Each row also keeps what the page filters, sorts and searches by, copied from the flow,
    its organisation and its department (`register.changelog.KEYS`), so a page walks one of
    the indexes below and stops after its rows. A flush listener in register/changelog.py
    rewrites them when a name changes; `sync_listing` repairs any that drifted."""

    __tablename__ = "register_entries"
    __table_args__ = (
        # Each sort and filter, then the flow id that breaks ties (the page's stable order).
        Index("ix_register_entries_organisation_name_flow_id", "organisation_name", "flow_id"),
        Index("ix_register_entries_department_name_flow_id", "department_name", "flow_id"),
        Index("ix_register_entries_system_name_flow_id", "system_name", "flow_id"),
        Index("ix_register_entries_organisation_id_flow_id", "organisation_id", "flow_id"),
        Index("ix_register_entries_department_id_flow_id", "department_id", "flow_id"),
    )

    flow_id: Mapped[int] = mapped_column(
        ForeignKey("data_flows.id", ondelete="CASCADE"), primary_key=True
    )
    organisation_id: Mapped[int] = mapped_column(Integer)
    department_id: Mapped[int] = mapped_column(Integer)
    # Sort keys, folded (no case, no accents; register.changelog.listing_keys).
    organisation_name: Mapped[str] = mapped_column(String(200))  # Organisation.display_name
    department_name: Mapped[str] = mapped_column(String(120))  # Department.name
    system_name: Mapped[str] = mapped_column(String(200))  # DataFlow.system_name
    # What the search matches, folded the same way: the service, its purposes, the
    # organisation's legal and common names and the department, one per line.
    search_text: Mapped[str] = mapped_column(Text)

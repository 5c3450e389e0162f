"""Reading fact sheets: the list (overdue first, then by due date), one sheet in the user's
scope, and one evidence file in it. A vendor user's every query is held to their own
organisation, so another organisation's sheet is simply not found."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import Select, and_, case, select
from sqlalchemy.orm import joinedload, selectinload

from sharing.algorithms.fact_sheets import NOT_FINISHED, OPEN_FOR_ANSWERS, role_of
from sharing.algorithms.models import FactSheet, FactSheetEvidence, FactSheetStatus
from sharing.extensions import db

S = FactSheetStatus
WAITING = "open"  # every status that waits for the vendor's answers


@dataclass(frozen=True)
class SheetFilters:
    status: str = ""
    overdue: bool = False

    @classmethod
    def from_args(cls, args) -> SheetFilters:
        status = (args.get("status") or "").strip()
        known = {s.value for s in S} | {WAITING}
        overdue = (args.get("overdue") or "") in ("1", "on", "yes", "true")
        return cls(status=status if status in known else "", overdue=overdue)

    @property
    def active(self) -> bool:
        return bool(self.status or self.overdue)


def scope(user: Any) -> int | None:
    """The organisation a vendor user is limited to; None for staff."""
    return user.organisation_id if role_of(user) == "vendor" else None


def overdue_clause(today: date):
    return and_(FactSheet.status.in_(OPEN_FOR_ANSWERS), FactSheet.due_date < today)


def sheets_query(filters: SheetFilters, *, actor: Any, today: date) -> Select:
    stmt = select(FactSheet).options(
        joinedload(FactSheet.algorithm), joinedload(FactSheet.organisation)
    )
    organisation_id = scope(actor)
    if organisation_id is not None:
        stmt = stmt.where(FactSheet.organisation_id == organisation_id)
    if filters.status == WAITING:
        stmt = stmt.where(FactSheet.status.in_(OPEN_FOR_ANSWERS))
    elif filters.status:
        stmt = stmt.where(FactSheet.status == S(filters.status))
    if filters.overdue:
        stmt = stmt.where(overdue_clause(today))
    first = case((overdue_clause(today), 0), else_=1)
    return stmt.order_by(first, FactSheet.due_date, FactSheet.id)


def visible_sheet(sheet_id: int, user: Any) -> FactSheet | None:
    stmt = (
        select(FactSheet)
        .where(FactSheet.id == sheet_id)
        .options(
            joinedload(FactSheet.algorithm),
            joinedload(FactSheet.organisation),
            selectinload(FactSheet.evidence),
        )
    )
    organisation_id = scope(user)
    if organisation_id is not None:
        stmt = stmt.where(FactSheet.organisation_id == organisation_id)
    return db.session.scalar(stmt)


def visible_file(evidence_id: int, user: Any) -> FactSheetEvidence | None:
    stmt = select(FactSheetEvidence).where(FactSheetEvidence.id == evidence_id)
    organisation_id = scope(user)
    if organisation_id is not None:
        stmt = stmt.where(FactSheetEvidence.organisation_id == organisation_id)
    return db.session.scalar(stmt)


def open_for(algorithm_id: int) -> FactSheet | None:
    """The edition of this algorithm still open, for the record page's request button."""
    return db.session.scalar(
        select(FactSheet).where(
            FactSheet.algorithm_id == algorithm_id, FactSheet.status.in_(NOT_FINISHED)
        )
    )


def editions_of(algorithm_id: int) -> list[FactSheet]:
    """Every edition of an algorithm's fact sheet, the newest first: one statement."""
    stmt = (
        select(FactSheet)
        .where(FactSheet.algorithm_id == algorithm_id)
        .order_by(FactSheet.edition.desc())
    )
    return list(db.session.scalars(stmt))

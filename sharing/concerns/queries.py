"""Reading concerns: the office's filtered and sorted list of cases, one case with its notes
and history, a concern by its public reference, and the figures the dashboard and the
accountability report need (cases past their deadline, the year's tally)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from typing import Any

from sqlalchemy import ColumnElement, Select, String, and_, cast, func, or_, select
from sqlalchemy import case as when
from sqlalchemy.orm import selectinload

from sharing.audit.models import AuditEvent
from sharing.concerns.models import Concern, ConcernKind, ConcernNote, ConcernStatus
from sharing.concerns.references import candidates
from sharing.core.pagination import Sort, apply_sort, parse_sort
from sharing.core.query_args import positive_int
from sharing.core.search import contains_text
from sharing.extensions import db

SORTS: dict[str, Any] = {"deadline": Concern.due_on, "received": Concern.received_at}
DEFAULT_SORT = "deadline"
ME, NOBODY = "me", "none"


def overdue_clause(today: date) -> ColumnElement[bool]:
    """Still open and past its deadline: the same rule as Concern.is_overdue."""
    return and_(Concern.status.in_(ConcernStatus.OPEN), Concern.due_on < today)


@dataclass(frozen=True)
class CaseFilters:
    q: str = ""
    status: str = ""
    assignee: str = ""  # a user id, "me" or "none"
    kind: str = ""
    overdue: bool = False
    sort: Sort = parse_sort(DEFAULT_SORT, SORTS, DEFAULT_SORT)

    @classmethod
    def from_args(cls, args: Any) -> CaseFilters:
        status = (args.get("status") or "").strip()
        kind = (args.get("kind") or "").strip()
        assignee = (args.get("assignee") or "").strip()
        if assignee not in (ME, NOBODY):
            assignee = str(positive_int(assignee) or "")
        return cls(
            q=(args.get("q") or "").strip()[:200],
            status=status if status in {s.value for s in ConcernStatus} else "",
            assignee=assignee,
            kind=kind if kind in {k.value for k in ConcernKind} else "",
            overdue=(args.get("overdue") or "") in ("1", "on", "yes", "true"),
            sort=parse_sort(args.get("sort"), SORTS, DEFAULT_SORT),
        )

    @property
    def active(self) -> bool:
        return bool(self.q or self.status or self.assignee or self.kind or self.overdue)


def cases_query(filters: CaseFilters, *, user: Any, today: date) -> Select:
    """The cases matching the filters, sorted in SQL, with the assignee loaded."""
    stmt = select(Concern).options(selectinload(Concern.assignee))
    if filters.q:
        stmt = stmt.where(contains_text(filters.q, Concern.reference, Concern.body))
    if filters.status:
        stmt = stmt.where(Concern.status == ConcernStatus(filters.status))
    if filters.kind:
        stmt = stmt.where(Concern.kind == ConcernKind(filters.kind))
    if filters.assignee == ME:
        stmt = stmt.where(Concern.assignee_id == user.id)
    elif filters.assignee == NOBODY:
        stmt = stmt.where(Concern.assignee_id.is_(None))
    elif filters.assignee:
        stmt = stmt.where(Concern.assignee_id == int(filters.assignee))
    if filters.overdue:
        stmt = stmt.where(overdue_clause(today))
    return apply_sort(stmt, filters.sort, SORTS, Concern.id)


def waiting_query(user_id: int) -> Select:
    """What waits for an office user: new concerns nobody has picked up, and the open cases
    assigned to them; the earliest deadline (so the overdue) first."""
    new = and_(Concern.status == ConcernStatus.RECEIVED, Concern.assignee_id.is_(None))
    mine = and_(Concern.assignee_id == user_id, Concern.status.in_(ConcernStatus.OPEN))
    return select(Concern).where(or_(new, mine)).order_by(Concern.due_on, Concern.id)


def case(concern_id: int) -> Concern | None:
    return db.session.scalar(
        select(Concern)
        .where(Concern.id == concern_id)
        .options(selectinload(Concern.assignee), selectinload(Concern.algorithm))
    )


def notes(concern: Concern) -> list[ConcernNote]:
    return list(
        db.session.scalars(
            select(ConcernNote)
            .where(ConcernNote.concern_id == concern.id)
            .options(selectinload(ConcernNote.author))
            .order_by(ConcernNote.created_at, ConcernNote.id)
        )
    )


def history(concern: Concern) -> list[AuditEvent]:
    """The case's events and its notes' events, oldest first."""
    note_ids = select(cast(ConcernNote.id, String)).where(ConcernNote.concern_id == concern.id)
    return list(
        db.session.scalars(
            select(AuditEvent)
            .where(
                ((AuditEvent.object_type == "concern") & (AuditEvent.object_id == str(concern.id)))
                | ((AuditEvent.object_type == "concern_note") & AuditEvent.object_id.in_(note_ids))
            )
            .order_by(AuditEvent.id)
        )
    )


def by_reference(typed: str) -> Concern | None:
    """The concern a typed reference names (see references.candidates), or None."""
    for reference in candidates(typed):
        found = db.session.scalar(select(Concern).where(Concern.reference == reference))
        if found is not None:
            return found
    return None


def overdue_cases(*, today: date) -> list[Concern]:
    """Open cases past their deadline, the longest overdue first (the dashboard)."""
    return list(
        db.session.scalars(
            select(Concern)
            .where(overdue_clause(today))
            .options(selectinload(Concern.assignee))
            .order_by(Concern.due_on, Concern.id)
        )
    )


@dataclass(frozen=True)
class Tally:
    raised: int = 0
    answered: int = 0
    answered_on_time: int = 0
    open: int = 0


def tally_for_year(year: int) -> dict[str, Tally]:
    """Concerns received in the year (UTC instants of the city's calendar year are close
    enough for a yearly report), by kind value and under "all": how many were raised, how many
    have a response, how many of those were answered by their deadline, how many are open."""
    start = datetime.combine(date(year, 1, 1), time(), tzinfo=UTC)
    end = datetime.combine(date(year + 1, 1, 1), time(), tzinfo=UTC)
    answered = Concern.responded_at.is_not(None)
    on_time = and_(answered, func.date(Concern.responded_at) <= Concern.due_on)
    rows = db.session.execute(
        select(
            Concern.kind,
            func.count(),
            func.sum(when((answered, 1), else_=0)),
            func.sum(when((on_time, 1), else_=0)),
            func.sum(when((Concern.status.in_(ConcernStatus.OPEN), 1), else_=0)),
        )
        .where(Concern.received_at >= start, Concern.received_at < end)
        .group_by(Concern.kind)
    ).all()
    tallies = {kind.value: Tally() for kind in ConcernKind}
    for kind, raised, done, timely, still_open in rows:
        tallies[ConcernKind(kind).value] = Tally(raised, done or 0, timely or 0, still_open or 0)
    every = list(tallies.values())
    tallies["all"] = Tally(
        sum(t.raised for t in every),
        sum(t.answered for t in every),
        sum(t.answered_on_time for t in every),
        sum(t.open for t in every),
    )
    return tallies

"""The SQL conditions that a count and the list it links to share, so the dashboard's number
and the filtered list of cases always agree."""

from __future__ import annotations

from datetime import date

from sqlalchemy import ColumnElement, and_

from sharing.concerns.models import Concern, ConcernStatus

OPEN_STATUSES = (ConcernStatus.RECEIVED, ConcernStatus.IN_REVIEW)


def open_clause() -> ColumnElement[bool]:
    """Not yet answered: received, or being looked at."""
    return Concern.status.in_(OPEN_STATUSES)


def overdue_clause(today: date) -> ColumnElement[bool]:
    """Open after the day the City promised an answer by."""
    return and_(open_clause(), Concern.due_on < today)

"""Renewal and reminder date maths, all in the city's calendar dates.

Every function is pure: `today` (or `now`) is a parameter, so tests need no clock tricks.

The renewal deadline of an agreement is its cancel-by date when it renews tacitly (after
that day it renews by itself) and its expiry date otherwise. The notice window opens
`notice_days` before that deadline; for an agreement that does not renew, that is its
cancel-by date, the day its status becomes "expiring".
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from sharing.agreements.dates import cancel_by, term_end
from sharing.agreements.dates import tacit_renewal as tacit_renewal  # one module for renewal maths
from sharing.core.clock import local

# Reminder windows, in days (or hours) before the date they are about.
RENEWAL_DAYS_BEFORE = (30, 7, 0)
ATTESTATION_DAYS_BEFORE = (14, 3)
EVIDENCE_DAYS_BEFORE = 30
INCIDENT_HOURS_BEFORE = (48, 24)
OPENS = "opens"


def city_date(moment: datetime) -> date:
    """The city's calendar date at a UTC instant (late evening in the city is already the
    next day in UTC)."""
    return local(moment).date()


def renewal_deadline(*, expiry: date | None, notice_days: int, auto_renew: bool) -> date | None:
    """The last day to act: cancel-by for a tacit renewal, expiry otherwise."""
    if expiry is None:
        return None
    return cancel_by(expiry, notice_days) if auto_renew else expiry


def notice_window_opens(deadline: date, notice_days: int) -> date:
    return deadline - timedelta(days=notice_days)


def renewal_window(deadline: date | None, notice_days: int, *, today: date) -> str | None:
    """The latest renewal reminder window reached on `today`: "opens" when the notice window
    has opened, then "30", "7" and "0" days before the deadline; None before the window
    opens and after the deadline. A run that missed a window sends only the latest one."""
    if deadline is None:
        return None
    days_left = (deadline - today).days
    if days_left < 0:
        return None
    thresholds = {days: str(days) for days in RENEWAL_DAYS_BEFORE}
    thresholds.setdefault(notice_days, OPENS)
    reached = [days for days in thresholds if days >= days_left]
    return thresholds[min(reached)] if reached else None


def attestation_window(due: date, *, today: date) -> str | None:
    """ "14" and "3" days before the due date, then "overdue-1", "overdue-2", ... once a
    week from the first day after it."""
    days_left = (due - today).days
    if days_left < 0:
        return f"overdue-{(-days_left - 1) // 7 + 1}"
    reached = [days for days in ATTESTATION_DAYS_BEFORE if days >= days_left]
    return str(min(reached)) if reached else None


def evidence_window(valid_until: date | None, *, today: date) -> str | None:
    """ "30" from 30 days before evidence expires until its last valid day."""
    if valid_until is None:
        return None
    days_left = (valid_until - today).days
    return str(EVIDENCE_DAYS_BEFORE) if 0 <= days_left <= EVIDENCE_DAYS_BEFORE else None


def disposition_window(due: date, *, days_before: int, today: date) -> str | None:
    """A disposition certificate: "<days_before>" from that many days before the due date
    until the day itself, then "overdue-1" once from the day after (each sent once, since
    the reminder's key names its window and due date)."""
    days_left = (due - today).days
    if days_left < 0:
        return "overdue-1"
    return str(days_before) if days_left <= days_before else None


def incident_window(deadline: datetime | None, *, now: datetime) -> str | None:
    """ "48h" and "24h" before an incident's notice deadline, then "passed" once it has gone."""
    if deadline is None:
        return None
    hours_left = (deadline - now).total_seconds() / 3600
    if hours_left <= 0:
        return "passed"
    reached = [hours for hours in INCIDENT_HOURS_BEFORE if hours >= hours_left]
    return f"{min(reached)}h" if reached else None


def quarter(day: date) -> str:
    """ "2026-Q4" for any day in October to December 2026."""
    return f"{day.year}-Q{(day.month - 1) // 3 + 1}"


def quarter_bounds(label: str) -> tuple[date, date]:
    """The first and last day of a quarter named like "2026-Q4"."""
    year, q = int(label[:4]), int(label[-1])
    start = date(year, 3 * (q - 1) + 1, 1)
    return start, term_end(start, 3)

"""Contract date arithmetic: terms in months, expiry, and the cancel-by date."""

from __future__ import annotations

import calendar
from datetime import date, timedelta


def add_months(start: date, months: int) -> date:
    """The same day `months` later, clamped to the end of a shorter month."""
    month_index = start.month - 1 + months
    year, month = start.year + month_index // 12, month_index % 12 + 1
    return start.replace(year=year, month=month, day=min(start.day, _month_days(year, month)))


def _month_days(year: int, month: int) -> int:
    return calendar.monthrange(year, month)[1]


def term_end(effective: date, months: int) -> date:
    """The last day of a term of `months` that starts on `effective`."""
    return add_months(effective, months) - timedelta(days=1)


def cancel_by(expiry: date | None, notice_days: int) -> date | None:
    """The last day on which notice of non-renewal can be given: `notice_days` before expiry."""
    if expiry is None:
        return None
    return expiry - timedelta(days=notice_days)


def tacit_renewal(expiry: date, renewal_term_months: int, *, today: date) -> tuple[date, int]:
    """The expiry after renewing by whole terms, each starting the day after the last one
    ended, until the agreement runs through `today`; and how many terms that took."""
    terms = 0
    while expiry < today:
        expiry = term_end(expiry + timedelta(days=1), renewal_term_months)
        terms += 1
    return expiry, terms

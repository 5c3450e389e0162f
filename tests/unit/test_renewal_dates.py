"""Renewal and reminder date maths: month ends and leap years, tacit renewal moving the cancel-by
date, each reminder window, and dates counted in the city's calendar."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from sharing.agreements.dates import add_months, cancel_by, term_end
from sharing.renewals.dates import (
    attestation_window,
    city_date,
    evidence_window,
    incident_window,
    notice_window_opens,
    quarter,
    quarter_bounds,
    renewal_deadline,
    renewal_window,
    tacit_renewal,
)

DEADLINE = date(2027, 1, 15)


@pytest.mark.parametrize(
    ("start", "months", "expected"),
    [
        (date(2026, 1, 31), 1, date(2026, 2, 28)),
        (date(2028, 1, 31), 1, date(2028, 2, 29)),
        (date(2028, 2, 29), 12, date(2029, 2, 28)),
        (date(2028, 2, 29), 48, date(2032, 2, 29)),
        (date(2026, 8, 31), 6, date(2027, 2, 28)),
    ],
)
def test_add_months_clamps_month_ends_and_leap_days(start, months, expected):
    """Jan 31 + 1 month is the last day of February; Feb 29 + 12 months is Feb 28."""
    assert add_months(start, months) == expected


@pytest.mark.parametrize(
    ("effective", "months", "expected"),
    [
        (date(2026, 1, 1), 12, date(2026, 12, 31)),
        (date(2026, 1, 1), 1, date(2026, 1, 31)),
        (date(2028, 3, 1), 12, date(2029, 2, 28)),
        (date(2027, 3, 1), 12, date(2028, 2, 29)),
        (date(2026, 2, 1), 1, date(2026, 2, 28)),
    ],
)
def test_term_end_is_the_day_before_the_same_date_months_later(effective, months, expected):
    """A term ends the day before its anniversary, which a leap year moves to Feb 29."""
    assert term_end(effective, months) == expected


def test_tacit_renewal_rolls_expiry_and_cancel_by_forward_by_one_whole_term():
    """The day after expiry, the agreement runs one more term; cancel-by moves with it."""
    expiry, terms = tacit_renewal(date(2026, 12, 31), 12, today=date(2027, 1, 1))
    assert (expiry, terms) == (date(2027, 12, 31), 1)
    assert cancel_by(expiry, 90) == date(2027, 10, 2)
    assert cancel_by(expiry, 90) > cancel_by(date(2026, 12, 31), 90)


def test_tacit_renewal_catches_up_several_missed_terms_at_once():
    """A roll that did not run for years renews by as many whole terms as it takes."""
    expiry, terms = tacit_renewal(date(2026, 12, 31), 12, today=date(2029, 6, 1))
    assert (expiry, terms) == (date(2029, 12, 31), 3)


def test_tacit_renewal_into_a_leap_year_ends_on_february_29():
    """A term starting 1 March 2027 for 12 months ends on 29 February 2028."""
    assert tacit_renewal(date(2027, 2, 28), 12, today=date(2027, 3, 1)) == (date(2028, 2, 29), 1)


def test_tacit_renewal_leaves_an_agreement_still_in_force_alone():
    """On or before expiry nothing rolls."""
    assert tacit_renewal(date(2026, 12, 31), 12, today=date(2026, 12, 31)) == (
        date(2026, 12, 31),
        0,
    )


def test_renewal_deadline_is_cancel_by_for_tacit_renewal_and_expiry_otherwise():
    """Auto-renewing agreements must be cancelled by cancel-by; others end at expiry."""
    expiry = date(2027, 3, 31)
    assert renewal_deadline(expiry=expiry, notice_days=60, auto_renew=True) == date(2027, 1, 30)
    assert renewal_deadline(expiry=expiry, notice_days=60, auto_renew=False) == expiry
    assert renewal_deadline(expiry=None, notice_days=60, auto_renew=True) is None
    assert notice_window_opens(DEADLINE, 90) == date(2026, 10, 17)


@pytest.mark.parametrize(
    ("days_before", "expected"),
    [
        (91, None),
        (90, "opens"),
        (31, "opens"),
        (30, "30"),
        (8, "30"),
        (7, "7"),
        (1, "7"),
        (0, "0"),
        (-1, None),
    ],
)
def test_renewal_window_for_each_day_before_the_deadline(days_before, expected):
    """Opens at notice_days before, then 30, 7 and 0 days before; nothing after the deadline."""
    today = DEADLINE - timedelta(days=days_before)
    assert renewal_window(DEADLINE, 90, today=today) == expected


def test_renewal_window_after_missed_runs_is_only_the_latest_window():
    """A first run 5 days before the deadline sends the 7-day notice, not the earlier ones."""
    assert renewal_window(DEADLINE, 90, today=DEADLINE - timedelta(days=5)) == "7"
    assert renewal_window(None, 90, today=DEADLINE) is None


@pytest.mark.parametrize(
    ("offset", "expected"),
    [
        (-15, None),
        (-14, "14"),
        (-4, "14"),
        (-3, "3"),
        (0, "3"),
        (1, "overdue-1"),
        (7, "overdue-1"),
        (8, "overdue-2"),
        (15, "overdue-3"),
    ],
)
def test_attestation_window_14_and_3_days_before_then_weekly_overdue(offset, expected):
    """Reminders 14 and 3 days ahead, then one per week once overdue."""
    due = date(2026, 6, 30)
    assert attestation_window(due, today=due + timedelta(days=offset)) == expected


@pytest.mark.parametrize(
    ("offset", "expected"), [(-31, None), (-30, "30"), (-1, "30"), (0, "30"), (1, None)]
)
def test_evidence_window_is_the_30_days_before_it_expires(offset, expected):
    """One window: from 30 days before valid-until to that last valid day."""
    valid_until = date(2026, 9, 1)
    assert evidence_window(valid_until, today=valid_until + timedelta(days=offset)) == expected
    assert evidence_window(None, today=valid_until) is None


@pytest.mark.parametrize(
    ("hours_before", "expected"),
    [
        (49, None),
        (48, "48h"),
        (25, "48h"),
        (24, "24h"),
        (0.01, "24h"),
        (0, "passed"),
        (-5, "passed"),
    ],
)
def test_incident_window_48_and_24_hours_ahead_then_passed(hours_before, expected):
    """Incident notices 48 and 24 hours before the deadline, then once it has passed."""
    deadline = datetime(2026, 5, 4, 17, 0, tzinfo=UTC)
    now = deadline - timedelta(hours=hours_before)
    assert incident_window(deadline, now=now) == expected
    assert incident_window(None, now=now) is None


def test_city_date_is_the_los_angeles_calendar_date():
    """3 a.m. UTC on 2 January is still 1 January in the city; summer time shifts by an hour."""
    assert city_date(datetime(2026, 1, 2, 3, 0, tzinfo=UTC)) == date(2026, 1, 1)
    assert city_date(datetime(2026, 1, 2, 8, 0, tzinfo=UTC)) == date(2026, 1, 2)
    assert city_date(datetime(2026, 7, 2, 6, 59, tzinfo=UTC)) == date(2026, 7, 1)
    assert city_date(datetime(2026, 7, 2, 7, 0, tzinfo=UTC)) == date(2026, 7, 2)


@pytest.mark.parametrize(
    ("day", "label"),
    [
        (date(2026, 1, 1), "2026-Q1"),
        (date(2026, 3, 31), "2026-Q1"),
        (date(2026, 4, 1), "2026-Q2"),
        (date(2026, 12, 31), "2026-Q4"),
    ],
)
def test_quarter_names_the_calendar_quarter(day, label):
    """Quarters run January–March, April–June, July–September, October–December."""
    assert quarter(day) == label


def test_quarter_bounds_are_the_first_and_last_day_including_leap_february():
    """Q4 2026 is 1 October to 31 December; Q1 2028 ends on 31 March after a 29-day February."""
    assert quarter_bounds("2026-Q4") == (date(2026, 10, 1), date(2026, 12, 31))
    assert quarter_bounds("2028-Q1") == (date(2028, 1, 1), date(2028, 3, 31))
    assert quarter_bounds("2026-Q2") == (date(2026, 4, 1), date(2026, 6, 30))
    for label in ("2026-Q1", "2026-Q3"):
        start, end = quarter_bounds(label)
        assert quarter(start) == quarter(end) == label

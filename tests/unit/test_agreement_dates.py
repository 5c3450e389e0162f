"""Contract date arithmetic: month clamping, term ends, cancel-by dates, and rolling terms."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sharing.agreements.dates import add_months, cancel_by, term_end


@pytest.mark.parametrize(
    ("start", "months", "expected"),
    [
        (date(2026, 1, 31), 1, date(2026, 2, 28)),
        (date(2028, 1, 31), 1, date(2028, 2, 29)),  # leap year
        (date(2026, 3, 31), 1, date(2026, 4, 30)),
        (date(2026, 11, 15), 2, date(2027, 1, 15)),  # across the year end
        (date(2026, 5, 31), 12, date(2027, 5, 31)),
        (date(2028, 2, 29), 12, date(2029, 2, 28)),  # a leap day a year on
        (date(2028, 2, 29), 48, date(2032, 2, 29)),  # and four years on
        (date(2026, 3, 31), -1, date(2026, 2, 28)),  # backwards too
        (date(2026, 7, 4), 0, date(2026, 7, 4)),
    ],
)
def test_add_months_keeps_the_day_or_clamps_to_the_month_end(start, months, expected):
    """The same day `months` later; a day the target month lacks becomes its last day."""
    assert add_months(start, months) == expected


@pytest.mark.parametrize(
    ("effective", "months", "expected"),
    [
        (date(2026, 1, 1), 12, date(2026, 12, 31)),
        (date(2026, 7, 1), 36, date(2029, 6, 30)),
        (date(2026, 1, 31), 1, date(2026, 2, 27)),  # Feb 28 is the first day of the next term
        (date(2027, 3, 1), 12, date(2028, 2, 29)),  # ends on a leap day
        (date(2028, 3, 1), 1, date(2028, 3, 31)),
    ],
)
def test_term_end_is_the_day_before_the_same_day_months_later(effective, months, expected):
    """A term of N months that starts on a day ends the day before that day N months on."""
    assert term_end(effective, months) == expected


def test_cancel_by_counts_notice_days_back_from_expiry():
    """Notice of 90 days before 31 Dec 2026 must be given by 2 Oct 2026."""
    assert cancel_by(date(2026, 12, 31), 90) == date(2026, 10, 2)
    assert cancel_by(date(2028, 3, 30), 30) == date(2028, 2, 29)  # through a leap day


def test_cancel_by_is_none_without_an_expiry():
    """An agreement with no expiry date has no cancel-by date."""
    assert cancel_by(None, 90) is None


def test_successive_renewal_terms_run_back_to_back_across_month_ends_and_leap_years():
    """Each 12-month renewal starts the day after the last term ended: no gap, no overlap."""
    expiry = term_end(date(2027, 2, 28), 12)
    assert expiry == date(2028, 2, 27)
    ends = []
    for _ in range(5):
        expiry = term_end(expiry + timedelta(days=1), 12)
        ends.append(expiry)
    assert ends == [
        date(2029, 2, 27),
        date(2030, 2, 27),
        date(2031, 2, 27),
        date(2032, 2, 27),
        date(2033, 2, 27),
    ]
    assert [cancel_by(end, 60) for end in ends[:2]] == [date(2028, 12, 29), date(2029, 12, 29)]


@given(
    start=st.dates(min_value=date(2000, 1, 1), max_value=date(2100, 12, 31)),
    months=st.integers(min_value=1, max_value=120),
)
def test_a_term_never_overlaps_the_next_one(start, months):
    """The next term starts the day after this one ends, and each term lasts at least 28 days
    a month."""
    end = term_end(start, months)
    assert end >= start + timedelta(days=28 * months - 1)
    following = end + timedelta(days=1)
    assert following == add_months(start, months)
    assert term_end(following, months) > end


@given(
    start=st.dates(min_value=date(2000, 1, 1), max_value=date(2100, 12, 31)),
    months=st.integers(min_value=-240, max_value=240),
)
def test_add_months_lands_in_the_right_month_on_a_day_no_later_than_the_start_day(start, months):
    """The month moves by exactly `months`, and the day only ever moves down (clamping)."""
    result = add_months(start, months)
    assert (result.year * 12 + result.month) - (start.year * 12 + start.month) == months
    assert result.day <= start.day
    assert result.day == start.day or (result + timedelta(days=1)).day == 1

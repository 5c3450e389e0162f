"""Attestation schedule maths: due dates every N months from the effective date, and periods."""

from __future__ import annotations

from datetime import date
from types import SimpleNamespace

import pytest

from sharing.attestations.services import interval_months, latest_due_date, period_for


@pytest.mark.parametrize(
    ("horizon", "months", "expected"),
    [
        (date(2026, 12, 31), 12, None),  # the first due date is not reached yet
        (date(2027, 1, 1), 12, date(2027, 1, 1)),
        (date(2028, 12, 31), 12, date(2028, 1, 1)),  # only the latest, never a backlog
        (date(2026, 7, 1), 6, date(2026, 7, 1)),
        (date(2027, 6, 30), 6, date(2027, 1, 1)),
    ],
)
def test_latest_due_date_is_the_last_scheduled_date_on_or_before_the_horizon(
    horizon, months, expected
):
    """Due dates fall every `months` from the effective date; the latest one reached wins."""
    assert latest_due_date(date(2026, 1, 1), months, horizon=horizon) == expected


def test_month_end_effective_dates_clamp_to_shorter_months():
    """An agreement effective on 31 August is due on the last day of February for 6 months."""
    assert latest_due_date(date(2026, 8, 31), 6, horizon=date(2027, 3, 1)) == date(2027, 2, 28)


def test_period_is_the_interval_ending_the_day_before_the_due_date():
    """A 12-month attestation due 1 January covers the calendar year before it."""
    assert period_for(date(2027, 1, 1), 12) == (date(2026, 1, 1), date(2026, 12, 31))


@pytest.mark.parametrize(
    ("parameters", "expected"),
    [({}, 12), ({"attestation_interval_months": 6}, 6), ({"attestation_interval_months": "x"}, 12)],
)
def test_interval_comes_from_the_att_parameter_else_twelve_months(parameters, expected):
    """The ATT-1 parameter sets the interval; a missing or broken one means 12 months."""
    assert interval_months(SimpleNamespace(parameters=parameters)) == expected


def test_first_period_starts_when_the_agreement_took_effect():
    """Due 5 January 2027 on an agreement effective 6 December 2026: one month, not a year."""
    assert period_for(date(2027, 1, 5), 12, effective=date(2026, 12, 6)) == (
        date(2026, 12, 6),
        date(2027, 1, 4),
    )


def test_period_starts_the_day_after_the_previous_attestation_period():
    """A request made by hand between scheduled ones covers only what is not yet attested."""
    assert period_for(
        date(2027, 1, 5), 12, effective=date(2025, 1, 1), previous_end=date(2026, 9, 30)
    ) == (date(2026, 10, 1), date(2027, 1, 4))
    assert period_for(
        date(2027, 1, 5), 12, effective=date(2020, 1, 1), previous_end=date(2024, 1, 1)
    ) == (date(2026, 1, 5), date(2027, 1, 4))

"""The notice deadline: the agreement's breach-notice hours from discovery, 72 by default,
counted in elapsed hours across a daylight-saving change in the city."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pytest

from sharing.disclosures.services import notice_deadline, notice_hours

CITY = ZoneInfo("America/Los_Angeles")


def test_notice_hours_come_from_the_agreements_breach_notice_parameter():
    """An agreement with breach_notice_hours=24 allows 24 hours."""
    assert notice_hours(SimpleNamespace(parameters={"breach_notice_hours": 24})) == 24


@pytest.mark.parametrize(
    "agreement",
    [
        None,
        SimpleNamespace(parameters={}),
        SimpleNamespace(parameters={"breach_notice_hours": "x"}),
    ],
)
def test_notice_hours_default_to_72_without_a_usable_parameter(agreement):
    """No agreement, no parameter or a broken one: the policy default of 72 hours."""
    assert notice_hours(agreement) == 72


def test_zero_or_negative_notice_hours_fall_back_to_the_default():
    """A non-positive parameter would make every incident overdue at once; 72 applies."""
    assert notice_hours(SimpleNamespace(parameters={"breach_notice_hours": 0})) == 72


def test_deadline_counts_elapsed_hours_across_the_spring_daylight_saving_change():
    """72 hours from Saturday 10:00 PST before the change end Tuesday 11:00 PDT (wall clock)."""
    discovered = datetime(2026, 3, 7, 10, 0, tzinfo=CITY)
    deadline = notice_deadline(discovered.astimezone(UTC), 72)
    assert deadline - discovered == timedelta(hours=72)
    assert deadline.astimezone(CITY).replace(tzinfo=None) == datetime(2026, 3, 10, 11, 0)


def test_deadline_across_the_autumn_change_ends_an_hour_earlier_on_the_wall_clock():
    """24 hours from Saturday 12:00 PDT before fall-back end Sunday 11:00 PST."""
    discovered = datetime(2026, 10, 31, 12, 0, tzinfo=CITY)
    deadline = notice_deadline(discovered.astimezone(UTC), 24)
    assert deadline.astimezone(CITY).replace(tzinfo=None) == datetime(2026, 11, 1, 11, 0)


def test_deadline_refuses_a_naive_discovery_time():
    """A time without a zone is ambiguous, so it is refused rather than guessed."""
    with pytest.raises(ValueError):
        notice_deadline(datetime(2026, 3, 7, 10, 0), 72)

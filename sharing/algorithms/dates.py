"""Date arithmetic for the algorithm register, with no database."""

from __future__ import annotations

from datetime import date

BIAS_TEST_MONTHS = 12  # the policy's "limited bias" is checked at least once a year


def bias_test_cutoff(today: date) -> date:
    """The earliest bias-test date that still counts as recent on `today`: the same day a
    year earlier (28 February when `today` is 29 February)."""
    try:
        return today.replace(year=today.year - 1)
    except ValueError:
        return today.replace(year=today.year - 1, day=28)


def bias_test_is_recent(last_tested_on: date | None, *, today: date) -> bool:
    return last_tested_on is not None and last_tested_on >= bias_test_cutoff(today)

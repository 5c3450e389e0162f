"""Reading numbers with their units in clause text, and converting them."""

from __future__ import annotations

import re
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sharing.negotiation.units import read_quantities, stricter_by_context, words_to_number

CASES = [
    ("within 72 hours of discovery", "hours", 72),
    ("within seven (7) days", "hours", 168),
    ("within 7 days", "hours", 168),
    ("within two weeks", "days", 14),
    ("for 1 year", "months", 12),
    ("within thirty (30) calendar days", "days", 30),
    ("every 12 months", "months", 12),
    ("for 365 days", "months", 12),
    ("a 48-hour window", "hours", 48),
    ("one hundred eighty (180) days", "days", 180),
    ("at least 1,000 days", "days", 1000),
    ("fewer than 11 individuals", "people", 11),
    ("twenty-four hours", "hours", 24),
    ("ten business days", "days", 14),
    ("within a week", "days", 7),
    ("limits of at least 5 million dollars per claim", "million dollars", 5),
    ("at least $5,000,000 per claim", "million dollars", 5),
    ("cover of $2 million", "dollars", 2_000_000),
]


@pytest.mark.parametrize(("text", "unit", "value"), CASES)
def test_numbers_and_units_are_read_and_converted(text, unit, value):
    """Each way a contract writes a period reads as the same number in the parameter's unit."""
    [quantity] = read_quantities(text)
    assert quantity.to(unit) == value


@pytest.mark.parametrize(
    "text",
    [
        "version 2026.1, effective January 15, 2026",
        "45 CFR 164.504(e)",
        "Section 3.14",
        "a person acting for it",
        "an individual whose information",
    ],
)
def test_numbers_without_a_unit_are_not_quantities(text):
    """Dates, versions, legal citations and "a person" are not read as quantities."""
    assert read_quantities(text) == []


def test_people_are_not_converted_to_time():
    """A count of people has no value in days."""
    [quantity] = read_quantities("fewer than 11 individuals")
    assert quantity.to("days") is None


@given(st.integers(min_value=1, max_value=9999), st.sampled_from(["hours", "days", "months"]))
def test_any_digit_period_reads_back_exactly(number, unit):
    """'N unit' reads back as N in that unit, whatever N is."""
    [quantity] = read_quantities(f"within {number:,} {unit} of notice")
    assert quantity.to(unit) == Fraction(number)


@given(st.integers(min_value=1, max_value=999))
def test_spelled_numbers_read_back(number):
    """Numbers written in words read back as their value."""
    assert words_to_number(_spell(number)) == number


@pytest.mark.parametrize(
    ("text", "direction"),
    [
        ("notify the City within 72 hours of discovering it", "lower"),
        ("Retention: 730 days after the permit ends", "lower"),
        ("keep access logs for at least 365 days", "higher"),
        ("written notice at least 30 days beforehand", "higher"),
        ("the parties met on 3 days", None),
        ("continues for 36 months, until June 30", None),
        ("the stewards meet at least every 12 months", "lower"),
    ],
)
def test_context_tells_which_way_is_stricter(text, direction):
    """Deadlines and retention are stricter when lower, minimums and advance notice higher."""
    [quantity] = read_quantities(text)
    assert stricter_by_context(text, quantity) == direction


def _spell(number: int) -> str:
    small = re.findall(
        r"\w+",
        "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen "
        "fifteen sixteen seventeen eighteen nineteen",
    )
    tens = re.findall(r"\w+", "_ _ twenty thirty forty fifty sixty seventy eighty ninety")
    words = []
    if number >= 100:
        words += [small[number // 100], "hundred"]
        number %= 100
    if number >= 20:
        words.append(tens[number // 10] + (f"-{small[number % 10]}" if number % 10 else ""))
    elif number or not words:
        words.append(small[number])
    return " ".join(words)

"""Countries typed by name or code, as imports and forms read them."""

from __future__ import annotations

import pytest

from sharing.core.countries import country_code
from sharing.reports.flow_columns import parse_country, parse_subprocessor


@pytest.mark.parametrize(
    "typed",
    ["United States", "USA", "U.S.", "us", "U.S.A.", "united states of america", "US"],
)
def test_every_common_way_of_writing_the_united_states_gives_us(typed):
    assert country_code(typed) == "US"
    assert parse_country(typed) == "US"


def test_an_unknown_country_is_refused_with_what_was_typed_and_an_example():
    with pytest.raises(ValueError) as error:
        parse_country("Atlantis")
    assert "“Atlantis”" in str(error.value) and "United States or US" in str(error.value)


def test_a_blank_country_cell_stays_blank_for_the_default():
    assert parse_country("  ") == ""


def test_a_subprocessor_country_is_read_by_name_or_code():
    assert parse_subprocessor("CloudCo (hosting, U.S.)")["country"] == "US"
    assert parse_subprocessor("MailCo (email, Ireland)")["country"] == "IE"

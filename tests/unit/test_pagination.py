"""Query-string numbers: only positive integers an integer column can hold get through."""

from __future__ import annotations

import pytest

from sharing.core.query_args import MAX_ID, positive_int


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("7", 7), (" 42 ", 42), (str(MAX_ID), MAX_ID), (3, 3)],
)
def test_positive_int_reads_ids_from_the_query_string(raw, expected):
    """Digits, with stray spaces, become the integer."""
    assert positive_int(raw) == expected


@pytest.mark.parametrize(
    "raw", [None, "", "abc", "0", "-3", "1.5", str(MAX_ID + 1), "9" * 40, "1e3", [], {}]
)
def test_positive_int_refuses_values_no_key_column_holds(raw):
    """Anything else, including numbers too large for PostgreSQL's integer, is no filter."""
    assert positive_int(raw) is None

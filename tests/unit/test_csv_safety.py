"""safe_cell and csv_lines: spreadsheet formulas in exported text are neutralised."""

from __future__ import annotations

import csv
import io
from datetime import date
from decimal import Decimal

import pytest

from sharing.core.csv_safety import csv_lines, safe_cell, unescape_cell


@pytest.mark.parametrize(
    "value",
    ["=1+2", "+1+2", "-1+2", "@SUM(A1)", "\t=1", "\r=1", '=HYPERLINK("http://x","y")', "="],
)
def test_text_starting_like_a_formula_gets_a_leading_apostrophe(value):
    """=, +, -, @, tab and carriage return at the start are escaped with an apostrophe."""
    assert safe_cell(value) == "'" + value


@pytest.mark.parametrize("value", ["", "plain text", "a=b", "100", "x@example.org", " ok"])
def test_ordinary_text_is_unchanged(value):
    """Text that does not start with a formula character is written as it is."""
    assert safe_cell(value) == value


def test_text_already_starting_with_an_apostrophe_gets_one_more_so_reading_is_exact():
    """The escape is unambiguous: unescaping removes exactly the apostrophe it added."""
    assert safe_cell("'already quoted") == "''already quoted"
    assert unescape_cell(safe_cell("'already quoted")) == "'already quoted"


@pytest.mark.parametrize("value", [None, 0, -5, 3.5, Decimal("-1.25"), True, date(2027, 1, 15)])
def test_non_text_values_are_unchanged(value):
    """Numbers (even negative), dates and None are not text and cannot carry a formula."""
    assert safe_cell(value) is value


def test_csv_lines_start_with_a_bom_then_the_header():
    """The first chunk is the UTF-8 byte-order mark and the header row, so Excel reads UTF-8."""
    chunks = list(csv_lines(["name", "note"], []))

    assert chunks == ["\ufeffname,note\r\n"]


def test_csv_lines_escape_every_cell_and_write_none_as_empty():
    """Each row is one chunk; formula cells are escaped, None becomes an empty cell."""
    rows = [["=cmd|' /C calc'!A0", None, 7], ["Ünïcode, with comma", "-2", -2]]

    chunks = list(csv_lines(["a", "b", "c"], rows))

    assert len(chunks) == 3
    parsed = list(csv.reader(io.StringIO("".join(chunks)[1:])))
    assert parsed == [
        ["a", "b", "c"],
        ["'=cmd|' /C calc'!A0", "", "7"],
        ["Ünïcode, with comma", "'-2", "-2"],
    ]

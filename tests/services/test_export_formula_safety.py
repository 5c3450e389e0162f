"""Formula injection: no exported cell can run as a formula, the CSV escape is exactly undone,
and XLSX text cells are strings with no visible escape."""

from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime

import openpyxl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sharing.core.columns import Column
from sharing.core.csv_safety import is_escaped
from sharing.reports.exporting import (
    FORMULA_PREFIXES,
    Sheet,
    csv_chunks,
    csv_value,
    escape_cell,
    unescape_cell,
    xlsx_bytes,
    xlsx_text,
    xlsx_value,
)

TRICKY = [
    '=HYPERLINK("http://evil.example","click")',
    "+1",
    "-2",
    "@SUM(A1)",
    "\tx",
    "\rx",
    "=1+2",
    "'=already quoted",
    "'",
    "''",
    "=",
    "-",
]
TEXT = Column("notes", "Notes", (), "text", "Anything.", "")
NUMBER = Column("count", "Count", (), "int", "A number.", "1")
WHEN = Column("when", "When", (), "date", "A date.", "2026-01-31")
PROPERTY = settings(max_examples=200, deadline=None)


def _csv_rows(columns, rows) -> list[list[str]]:
    data = b"".join(csv_chunks(columns, rows)).decode("utf-8")
    assert data.startswith("\ufeff")
    return list(csv.reader(io.StringIO(data[1:], newline="")))


def _xlsx_sheet(columns, rows):
    workbook = openpyxl.load_workbook(io.BytesIO(xlsx_bytes([Sheet("Data", columns, rows)])))
    return workbook["Data"]


def _starts_unescaped(text: str) -> bool:
    return text.startswith(FORMULA_PREFIXES)


# -- escape_cell / unescape_cell ----------------------------------------------------------


@pytest.mark.parametrize("value", TRICKY)
def test_formula_like_text_and_leading_apostrophes_gain_one_apostrophe(value):
    """=, +, -, @, tab, CR and an existing apostrophe at the start get one more apostrophe."""
    assert escape_cell(value) == "'" + value
    assert unescape_cell(escape_cell(value)) == value


@pytest.mark.parametrize("value", ["", "Acme", "a=b", "x@example.org", " =1", "100", "Zoë"])
def test_ordinary_text_is_not_escaped(value):
    """Text that cannot start a formula is written exactly as it is."""
    assert escape_cell(value) == value
    assert unescape_cell(value) == value


@pytest.mark.parametrize("value", ["'Ohana Services", "'Quoted' & Co", "'", "'00123"])
def test_an_apostrophe_escape_cell_never_adds_is_kept_on_reading(value):
    """Unescaping removes only the apostrophe escape_cell puts before a formula character or
    another apostrophe, so a name that starts with an apostrophe reads back whole."""
    assert unescape_cell(value) == value
    assert unescape_cell(escape_cell(value)) == value


@given(st.text())
@PROPERTY
def test_unescape_exactly_inverts_escape(value):
    """For any text, unescape(escape(s)) == s, and escape(s) never starts like a formula."""
    escaped = escape_cell(value)
    assert unescape_cell(escaped) == value
    assert not _starts_unescaped(escaped)


# -- CSV --------------------------------------------------------------------------------


@given(st.lists(st.text(), min_size=1, max_size=6))
@PROPERTY
def test_no_csv_field_starts_like_a_formula_and_each_reads_back(values):
    """Any text written to CSV reads back, unescaped, exactly; no field starts like a formula."""
    rows = _csv_rows([TEXT], [[value] for value in values])

    assert rows[0] == ["Notes"]
    fields = [row[0] for row in rows[1:]]
    assert [unescape_cell(field) for field in fields] == values
    assert not any(_starts_unescaped(field) for field in fields)


def test_csv_escapes_negative_numbers_and_writes_typed_values_as_text():
    """Every CSV field is text, so -5 is escaped too; booleans are Yes/No, dates ISO."""
    assert csv_value(-5) == "'-5"
    assert csv_value(42) == "42"
    assert csv_value(True) == "Yes"
    assert csv_value(False) == "No"
    assert csv_value(None) == ""
    assert csv_value(date(2026, 3, 31)) == "2026-03-31"
    rows = _csv_rows([TEXT, NUMBER], [["-2", -2], ["@x", 3]])
    assert rows[1:] == [["'-2", "'-2"], ["'@x", "3"]]


# -- XLSX -------------------------------------------------------------------------------


@given(st.lists(st.text(), min_size=1, max_size=6))
@PROPERTY
def test_every_xlsx_text_cell_is_a_string_that_reads_back_exactly(values):
    """Any text written to XLSX is a string cell, never a formula or an error, and the import
    reader's unescape gives back exactly the text (XML drops control characters)."""
    sheet = _xlsx_sheet([TEXT], [[value] for value in values])

    cells = [row[0] for row in sheet.iter_rows(min_row=2, max_row=len(values) + 1)]
    assert all(cell.data_type == "s" for cell in cells if cell.value is not None)
    texts = ["" if cell.value is None else cell.value for cell in cells]
    assert [unescape_cell(text) for text in texts] == [xlsx_text(value) for value in values]


@pytest.mark.parametrize("value", [v for v in TRICKY if not is_escaped(v)] + ["#N/A", "#REF!"])
def test_tricky_values_in_xlsx_are_strings_shown_without_an_apostrophe(value):
    """The classic payloads are string cells holding exactly the text, with no visible escape;
    openpyxl would otherwise store "=..." as a formula and "#N/A" as an error."""
    sheet = _xlsx_sheet([TEXT], [[value]])

    cell = sheet["A2"]
    assert cell.data_type == "s"
    assert cell.value == xlsx_text(value)


def test_formula_like_xlsx_text_carries_the_quote_prefix_and_plain_text_does_not():
    """Excel keeps a quote-prefixed cell text even when someone edits it; plain text needs none."""
    sheet = _xlsx_sheet([TEXT], [["=1+2"], ["-2"], ["Plain"]])

    assert [sheet[f"A{row}"].quotePrefix for row in (2, 3, 4)] == [True, True, False]


@pytest.mark.parametrize("value", ["'=already quoted", "''", "'+1"])
def test_text_that_would_read_as_escaped_keeps_one_apostrophe_in_xlsx(value):
    """Only text that looks escaped itself keeps an apostrophe, so the import reads it exactly."""
    sheet = _xlsx_sheet([TEXT], [[value]])

    assert sheet["A2"].value == "'" + value
    assert unescape_cell(sheet["A2"].value) == value


def test_xlsx_keeps_numbers_and_dates_typed():
    """Negative numbers stay numbers (no escape needed); dates are date cells, yyyy-mm-dd."""
    sheet = _xlsx_sheet([NUMBER, WHEN], [[-2, date(2026, 1, 31)], [7, None]])

    assert sheet["A2"].value == -2
    assert sheet["A2"].data_type == "n"
    assert sheet["B2"].is_date
    assert sheet["B2"].value.date() == date(2026, 1, 31)
    assert sheet["B2"].number_format == "yyyy-mm-dd"
    assert sheet["B3"].value is None


def test_one_sheet_holds_a_formula_like_text_a_number_and_a_date_each_typed():
    """Side by side in one row: "=1+2" is a string, 3.5 a number, the date a date cell."""
    sheet = _xlsx_sheet([TEXT, NUMBER, WHEN], [["=1+2", 3.5, date(2026, 1, 31)]])

    text, number, when = sheet[2]
    assert (text.data_type, text.value) == ("s", "=1+2")
    assert (number.data_type, number.value) == ("n", 3.5)
    assert when.is_date and when.value.date() == date(2026, 1, 31)


def test_xlsx_shows_aware_instants_in_city_time_and_booleans_as_words(app):
    """Datetimes lose their zone (shown in the city's time); booleans are Yes/No text."""
    moment = datetime(2026, 7, 1, 19, 30, tzinfo=UTC)

    assert xlsx_value(moment) == datetime(2026, 7, 1, 12, 30)  # Los Angeles, summer time
    assert xlsx_value(True) == "Yes"
    assert xlsx_value(False) == "No"
    assert xlsx_value("\x01=bell") == "=bell"

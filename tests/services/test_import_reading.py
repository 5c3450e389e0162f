"""Reading uploads: every cell as trimmed text, tolerant headers, dates, sheets recognised."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from sharing.core.columns import Column, join_list, parse_date, split_list
from sharing.files import Kind
from sharing.reports.flow_columns import FLOW_COLUMNS
from sharing.reports.organisation_columns import ORGANISATION_COLUMNS
from sharing.reports.reading import match_headers, read_upload
from tests.fixtures.spreadsheets import csv_bytes, xlsx_bytes

DATE_COLUMN = Column("signed_on", "Signed on", ("Date signed",), "date", "", "2026-03-01")


def read(tmp_path, data: bytes, kind: Kind):
    path = tmp_path / "upload"
    path.write_bytes(data)
    return read_upload(path, kind)


@pytest.mark.parametrize(
    "text",
    [
        "2026-03-01",
        "2026-03-01 00:00:00",
        "03/01/2026",
        "3/1/26",
        "1 March 2026",
        "March 1, 2026",
        "01-Mar-2026",
        "46082",
        "46082.0",
        "2026-03-01T00:00:00",
    ],
)
def test_dates_parse_in_common_formats_including_excel_serials(text):
    """ISO, US, written-out dates, pandas' datetime text and Excel serial numbers all read."""
    assert DATE_COLUMN.parse(text) == date(2026, 3, 1)


def test_a_date_cell_and_a_serial_typed_as_a_number_read_as_the_same_date(tmp_path):
    """An Excel date cell reads as '2026-03-01 00:00:00', a typed serial as '46082'."""
    data = xlsx_bytes(
        {"Organisations": [["Legal name", "Signed on"], ["A", datetime(2026, 3, 1)], ["B", 46082]]}
    )
    result = read(tmp_path, data, Kind.XLSX)
    cells = [cells[1] for _, cells in result.tables[0].rows]
    assert [DATE_COLUMN.parse(c) for c in cells] == [date(2026, 3, 1)] * 2


def test_a_bad_date_names_the_expected_format():
    with pytest.raises(ValueError, match="YYYY-MM-DD"):
        parse_date("next Tuesday")


def test_headers_match_whatever_their_case_spacing_punctuation_or_synonym():
    """'VENDOR_name', 'Tax ID', 'FEIN', 'Organization' and 'Retention (days)' are recognised."""
    orgs, _ = match_headers("organisations", ["VENDOR_name", " Tax  ID ", "Organization Type"])
    assert orgs == {"legal_name": 0, "ein": 1, "kind": 2}
    flows, _ = match_headers("flows", ["Organization", "FEIN", "retention_days", "System"])
    assert flows == {
        "organisation": 0,
        "organisation_ein": 1,
        "retention_days": 2,
        "system_name": 3,
    }


def test_two_columns_meaning_one_field_is_an_error():
    _, problems = match_headers("organisations", ["Vendor", "Legal name"])
    assert problems and "keep only one" in problems[0].reason


def test_cells_stay_text_trimmed_and_unescaped(tmp_path):
    """00123 keeps its zeros, NA and None stay words, an escaped formula loses its apostrophe."""
    data = csv_bytes(
        [
            ["Legal name", "State registration", "Notes"],
            ["  NA ", "00123", "'=SUM(A1)"],
            ["None", "", ""],
        ]
    )
    result = read(tmp_path, data, Kind.CSV)
    assert [cells for _, cells in result.tables[0].rows] == [
        ("NA", "00123", "=SUM(A1)"),
        ("None", "", ""),
    ]


def test_blank_rows_are_skipped_but_row_numbers_are_kept(tmp_path):
    data = xlsx_bytes({"Organisations": [["Legal name"], ["A"], [None], [""], ["B"]]})
    result = read(tmp_path, data, Kind.XLSX)
    assert [number for number, _ in result.tables[0].rows] == [2, 5]


def test_sheets_are_recognised_by_name_or_by_headers(tmp_path):
    """Named sheets, a one-sheet file with both kinds, and an ignored Instructions sheet."""
    data = xlsx_bytes(
        {
            "Instructions": [["Read me"]],
            "Sheet1": [["Vendor", "DUNS", "City", "System", "Department"], ["A", "", "", "S", "D"]],
            "Suppliers": [["Company"], ["B"]],
        }
    )
    result = read(tmp_path, data, Kind.XLSX)
    assert [(t.sheet, t.kinds) for t in result.tables] == [
        ("Sheet1", ("organisations", "flows")),
        ("Suppliers", ("organisations",)),
    ]
    assert result.warnings == [] and result.errors == []


def test_unknown_columns_warn_and_missing_required_columns_are_errors(tmp_path):
    data = csv_bytes([["System name", "Department", "Shoe size"], ["S", "D", "9"]])
    result = read(tmp_path, data, Kind.CSV)
    assert ["Shoe size" in w.reason for w in result.warnings] == [True]
    assert [e.column for e in result.errors] == ["Organization"]


def test_semicolon_separated_windows_1252_csv_reads(tmp_path):
    data = "Legal name;City\r\nCafé Ñandú;Málaga\r\n".encode("cp1252")
    result = read(tmp_path, data, Kind.CSV)
    assert result.tables[0].rows == [(2, ("Café Ñandú", "Málaga"))]


def test_lists_join_and_split_back_exactly():
    items = ["SOC 2; Type II", "back\\slash", "ISO 27001"]
    assert split_list(join_list(items)) == items


def test_every_column_parses_its_own_example():
    """The template's example values are all accepted by the import."""
    for column in (*ORGANISATION_COLUMNS, *FLOW_COLUMNS):
        column.parse(column.example)

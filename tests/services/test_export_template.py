"""The import template workbook: the data sheets, pick lists, and instructions for every column."""

from __future__ import annotations

import io

import openpyxl
import pytest

from sharing.files import Kind
from sharing.reports.files import check_upload
from sharing.reports.workbook_template import (
    FILENAME,
    TEMPLATE_SHEETS,
    TITLES,
    build_template,
    instruction_header_row,
    template_export,
)


@pytest.fixture
def workbook(app):
    return openpyxl.load_workbook(io.BytesIO(build_template()))


def _importable(kind: str):
    return [column for column in TEMPLATE_SHEETS[kind] if not column.read_only]


def test_the_template_has_instructions_organisations_flows_and_contacts_sheets(workbook):
    """Four visible sheets (plus the hidden pick lists), instructions first."""
    visible = [sheet.title for sheet in workbook if sheet.sheet_state == "visible"]
    assert visible == ["Instructions", "Organizations", "Flows", "Contacts"]
    assert workbook["Lists"].sheet_state == "hidden"


@pytest.mark.parametrize("kind", list(TEMPLATE_SHEETS))
def test_each_data_sheet_has_a_frozen_bold_header_and_an_example_row(workbook, kind):
    """Canonical headers, frozen and bold; one example row; every column given a width."""
    sheet = workbook[TITLES[kind]]
    columns = _importable(kind)

    assert sheet.freeze_panes == "A2"
    assert [cell.value for cell in sheet[1]] == [column.header for column in columns]
    assert all(cell.font.b for cell in sheet[1])
    assert sheet.max_row == 2
    for cell, column in zip(sheet[2], columns, strict=True):
        assert sheet.column_dimensions[cell.column_letter].width >= 10
        if column.example:
            assert column.parse(str(cell.value)) == column.parse(column.example)


@pytest.mark.parametrize("kind", list(TEMPLATE_SHEETS))
def test_enum_and_yes_no_columns_offer_a_pick_list(workbook, kind):
    """Every enum or yes/no column has list validation over exactly its accepted values."""
    sheet = workbook[TITLES[kind]]
    lists = workbook["Lists"]
    columns = _importable(kind)
    letters = {c.header: cell.column_letter for cell, c in zip(sheet[1], columns, strict=True)}
    validations = {
        str(ref).split(":")[0][:-1]: validation
        for validation in sheet.data_validations.dataValidation
        for ref in validation.sqref.ranges
    }
    for column in _importable(kind):
        if column.kind not in ("enum", "bool"):
            assert letters[column.header] not in validations
            continue
        validation = validations[letters[column.header]]
        assert validation.type == "list"
        source = validation.formula1.split("!")[1].replace("$", "")
        values = [cell.value for row in lists[source] for cell in row]
        expected = list(column.choices) if column.kind == "enum" else ["Yes", "No"]
        assert values == expected


def test_the_instructions_describe_every_column_of_every_sheet(workbook):
    """One row per column: sheet, header, whether required, format, accepted values, help."""
    sheet = workbook["Instructions"]
    start = instruction_header_row()
    assert sheet.freeze_panes == f"A{start + 1}"
    rows = {
        (row[0], row[1]): row
        for row in sheet.iter_rows(min_row=start + 1, values_only=True)
        if row[0]
    }
    for kind, columns in TEMPLATE_SHEETS.items():
        for column in columns:
            row = rows[(TITLES[kind], column.header)]
            if column.read_only:
                assert row[2] == "Export only"
            else:
                assert row[2] == ("Required" if column.required else "Optional")
            assert row[3]
            assert column.help in row[5]
            if column.kind == "enum":
                assert row[4] == ", ".join(column.choices)
    assert len(rows) == sum(len(columns) for columns in TEMPLATE_SHEETS.values())


def test_the_template_passes_the_upload_checks(app, tmp_path):
    """The template is a plain XLSX that the import accepts."""
    export = template_export()
    path = tmp_path / export.filename
    path.write_bytes(export.body)

    assert export.filename == FILENAME == "sharing-import-template.xlsx"
    assert check_upload(path, path.name, max_bytes=20 * 1024 * 1024).kind is Kind.XLSX

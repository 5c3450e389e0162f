"""The downloadable import template: one sheet per record kind, pick lists, and instructions.

Everything is built from the sheets' columns (`sheets.py`), so the template always matches what
the import reads.
"""

from __future__ import annotations

import io
from collections.abc import Sequence

from openpyxl import Workbook
from openpyxl.cell import Cell
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter, quote_sheetname
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from sharing.core.columns import Column
from sharing.core.spreadsheets import (
    NO,
    XLSX_MIMETYPE,
    YES,
    Export,
    column_width,
    text_cell,
    xlsx_value,
)
from sharing.reports.contact_columns import CONTACT_COLUMNS
from sharing.reports.sheets import SHEETS

FILENAME = "sharing-import-template.xlsx"
TITLES = {"organisations": "Organizations", "flows": "Flows", "contacts": "Contacts"}
# The registry's sheets, and the organisations' contacts, which are imported but not exported.
TEMPLATE_SHEETS = {**SHEETS, "contacts": CONTACT_COLUMNS}
INSTRUCTIONS = "Instructions"
LISTS = "Lists"
VALIDATED_ROWS = 5000
TEXT_KINDS = {"text", "list", "enum"}
FORMATS = {
    "text": "Text",
    "int": "Whole number, without units",
    "bool": "Yes or No",
    "date": "Date as YYYY-MM-DD (other common formats and Excel dates are also read)",
    "enum": "One of the accepted values (pick from the list)",
    "list": "Several values separated by semicolons",
}
INSTRUCTION_HEADERS = (
    "Sheet",
    "Column",
    "Required",
    "Format",
    "Accepted values",
    "What to enter",
    "Example",
)
INSTRUCTION_WIDTHS = (16, 30, 12, 34, 40, 60, 40)
NOTES = (
    "How to fill in this workbook",
    "Put one organization per row on the Organizations sheet, one data flow per row on the "
    "Flows sheet and one contact person per row on the Contacts sheet. Keep the header row as "
    "it is; columns may be in any order and unused optional columns may be deleted.",
    "Each sheet starts with an example row. Replace it or delete it before importing, or it "
    "will be imported too.",
    "A flow names its organization by legal name (and, if you know it, its EIN). The "
    "organization may be on the Organizations sheet of the same file or already registered.",
    "Every cell is read as text, so identifiers such as 00123 keep their leading zeros. "
    "Importing the same file again updates records rather than duplicating them.",
    "Nothing is saved until you have checked the preview and confirmed the import.",
)


def template_export() -> Export:
    return Export(build_template(), FILENAME, XLSX_MIMETYPE)


def build_template() -> bytes:
    workbook = Workbook()
    instructions = workbook.active
    instructions.title = INSTRUCTIONS
    sheets = {kind: workbook.create_sheet(TITLES[kind]) for kind in TEMPLATE_SHEETS}
    lists = _ListSheet(workbook.create_sheet(LISTS))
    for kind, columns in TEMPLATE_SHEETS.items():
        _data_sheet(sheets[kind], _importable(columns), lists)
    _instructions(instructions)
    lists.sheet.sheet_state = "hidden"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _importable(columns: Sequence[Column]) -> list[Column]:
    return [column for column in columns if not column.read_only]


class _ListSheet:
    """A hidden sheet holding each pick list in its own column, for data validation."""

    def __init__(self, sheet: Worksheet) -> None:
        self.sheet = sheet
        self.ranges: dict[tuple[str, ...], str] = {}

    def range_for(self, values: tuple[str, ...]) -> str:
        if values not in self.ranges:
            position = len(self.ranges) + 1
            letter = get_column_letter(position)
            for row, value in enumerate(values, 1):
                _put(self.sheet, row, position, value)
            self.ranges[values] = f"{quote_sheetname(LISTS)}!${letter}$1:${letter}${len(values)}"
        return self.ranges[values]


def _choices(column: Column) -> tuple[str, ...]:
    if column.kind == "bool":
        return (YES, NO)
    return tuple(column.choices)


def _data_sheet(sheet: Worksheet, columns: list[Column], lists: _ListSheet) -> None:
    sheet.freeze_panes = "A2"
    for position, column in enumerate(columns, 1):
        letter = get_column_letter(position)
        sheet.column_dimensions[letter].width = column_width(column)
        if column.kind in TEXT_KINDS:
            # Text-formatted columns keep what people type, such as leading zeros.
            sheet.column_dimensions[letter].number_format = "@"
        header = _put(sheet, 1, position, column.header)
        header.font = Font(bold=True)
        example = _put(sheet, 2, position, _example(column))
        example.font = Font(italic=True, color="595959")
        if column.kind == "date":
            example.number_format = "yyyy-mm-dd"
        if choices := _choices(column):
            _validate(sheet, letter, column, lists.range_for(choices))


def _example(column: Column) -> object:
    if column.kind in ("int", "date") and column.example:
        return column.parse(column.example)
    return column.example or None


def _put(sheet: Worksheet, row: int, column: int, value: object) -> Cell:
    """Write one cell the way the exports do: typed values stay typed, text stays text."""
    return text_cell(sheet.cell(row=row, column=column, value=xlsx_value(value)))


def _validate(sheet: Worksheet, letter: str, column: Column, source: str) -> None:
    validation = DataValidation(
        type="list",
        formula1=source,
        allow_blank=not column.required,
        showErrorMessage=True,
        errorTitle=f"{column.header}: value not accepted",
        error="Pick one of the values offered in the list.",
    )
    validation.add(f"{letter}2:{letter}{VALIDATED_ROWS}")
    sheet.add_data_validation(validation)


def _instructions(sheet: Worksheet) -> None:
    _put(sheet, 1, 1, NOTES[0]).font = Font(bold=True, size=14)
    for row, note in enumerate(NOTES[1:], 2):
        sheet.merge_cells(start_row=row, start_column=1, end_row=row, end_column=6)
        cell = _put(sheet, row, 1, note)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        sheet.row_dimensions[row].height = 32
    header_row = instruction_header_row()
    for position, (title, width) in enumerate(
        zip(INSTRUCTION_HEADERS, INSTRUCTION_WIDTHS, strict=True), 1
    ):
        _put(sheet, header_row, position, title).font = Font(bold=True)
        sheet.column_dimensions[get_column_letter(position)].width = width
    sheet.freeze_panes = f"A{header_row + 1}"
    row = header_row + 1
    for kind, columns in TEMPLATE_SHEETS.items():
        for column in columns:
            for position, value in enumerate(_instruction_row(TITLES[kind], column), 1):
                cell = _put(sheet, row, position, value)
                cell.alignment = Alignment(wrap_text=True, vertical="top")
            row += 1


def instruction_header_row() -> int:
    """The row of the instructions table's header (the notes come first)."""
    return len(NOTES) + 2


def _instruction_row(sheet_title: str, column: Column) -> tuple[str, ...]:
    if column.read_only:
        required = "Export only"
        help_text = f"{column.help} Filled in by the register; left out of this template."
    else:
        required = "Required" if column.required else "Optional"
        help_text = column.help
    synonyms = ", ".join(column.synonyms)
    if synonyms:
        help_text = f"{help_text} Also recognized as: {synonyms}."
    return (
        sheet_title,
        column.header,
        required,
        FORMATS.get(column.kind, "Text"),
        ", ".join(_choices(column)),
        help_text,
        column.example,
    )

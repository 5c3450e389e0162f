"""Writing rows as CSV or XLSX that are safe to open in a spreadsheet. In CSV every text field is
escaped against formula injection with a leading apostrophe (core/csv_safety.py). In XLSX text
is written as it is, in cells typed as strings, which a spreadsheet shows but never runs; dates
and numbers stay typed, and instants are shown in the city's local time. The columns are
core/columns.py; what each export contains is its feature's (reports/exporting.py,
disclosures/accounting.py).
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime

from openpyxl import Workbook
from openpyxl.cell import Cell, WriteOnlyCell
from openpyxl.cell.cell import ERROR_CODES
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from sharing.core.clock import local
from sharing.core.columns import Column
from sharing.core.csv_safety import BOM, FORMULA_PREFIXES, escape_cell, is_escaped

CSV_MIMETYPE = "text/csv"  # Flask adds "; charset=utf-8" to a text mimetype, once
CSV_CONTENT_TYPE = "text/csv; charset=utf-8"  # for a Response given its full content_type
XLSX_MIMETYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DATE_FORMAT = "yyyy-mm-dd"
DATETIME_FORMAT = "yyyy-mm-dd hh:mm"
YES, NO = "Yes", "No"
MIN_WIDTH, MAX_WIDTH = 10, 60
WIDE_KINDS = {"list": 40}
# Characters XML 1.0 cannot hold, so no XLSX cell can: dropped from XLSX text only.
_XML_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


@dataclass
class Export:
    """A download: its body (bytes, or chunks to stream), file name and media type."""

    body: bytes | Iterator[bytes]
    filename: str
    mimetype: str


# -- Values -----------------------------------------------------------------------------


def csv_value(value: object) -> str:
    """A CSV field: every field is text, so every field is escaped (a negative number too)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return YES if value else NO
    if isinstance(value, datetime):
        return _naive_local(value).isoformat(sep=" ", timespec="minutes")
    if isinstance(value, date):
        return value.isoformat()
    return escape_cell(str(value))


def xlsx_value(value: object) -> object:
    """An XLSX value: numbers and dates stay typed, text is written as it is (see text_cell).

    The import reader removes escape_cell's apostrophe from older exports, so the one text that
    keeps an escape is text that would read as escaped: an apostrophe before a formula character
    ("=", "+", "-", "@", tab) or before another apostrophe. All else shows exactly as stored."""
    if value is None or isinstance(value, int | float) and not isinstance(value, bool):
        return value
    if isinstance(value, bool):
        return YES if value else NO
    if isinstance(value, datetime):
        return _naive_local(value)
    if isinstance(value, date):
        return value
    text = xlsx_text(str(value))
    return escape_cell(text) if is_escaped(text) else text


def xlsx_text(text: str) -> str:
    """Text as an XLSX cell can hold it: XML drops control characters and reads CR as LF."""
    return _XML_ILLEGAL.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))


def _naive_local(moment: datetime) -> datetime:
    """Spreadsheets have no time zones: aware instants are shown in the city's local time."""
    return local(moment).replace(tzinfo=None) if moment.tzinfo else moment


# -- Writers ----------------------------------------------------------------------------


@dataclass
class Sheet:
    """One sheet to write: its title, its columns, and its rows of export values."""

    title: str
    columns: Sequence[Column]
    rows: Iterable[Sequence[object]]


def csv_chunks(columns: Sequence[Column], rows: Iterable[Sequence[object]]) -> Iterator[bytes]:
    """UTF-8 CSV with a byte-order mark (so Excel reads it as UTF-8), one chunk per batch."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    buffer.write(BOM)
    writer.writerow([escape_cell(column.header) for column in columns])
    for count, row in enumerate(rows, 1):
        writer.writerow([csv_value(value) for value in row])
        if count % 200 == 0:
            yield buffer.getvalue().encode("utf-8")
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue().encode("utf-8")


def column_width(column: Column) -> int:
    longest = max(len(column.header), len(column.example), WIDE_KINDS.get(column.kind, 0))
    return max(MIN_WIDTH, min(MAX_WIDTH, longest + 2))


def xlsx_bytes(sheets: Sequence[Sheet]) -> bytes:
    """A workbook written in write-only mode: bold frozen header, widths, typed dates."""
    workbook = Workbook(write_only=True)
    for sheet in sheets:
        worksheet = workbook.create_sheet(sheet.title)
        worksheet.freeze_panes = "A2"
        for position, column in enumerate(sheet.columns, 1):
            worksheet.column_dimensions[get_column_letter(position)].width = column_width(column)
        worksheet.append([_header_cell(worksheet, column) for column in sheet.columns])
        for row in sheet.rows:
            worksheet.append([_cell(worksheet, value) for value in row])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _header_cell(worksheet, column: Column) -> Cell:
    cell = text_cell(WriteOnlyCell(worksheet, value=xlsx_value(column.header)))
    cell.font = Font(bold=True)
    return cell


def _cell(worksheet, value: object) -> object:
    value = xlsx_value(value)
    if isinstance(value, date):
        cell = WriteOnlyCell(worksheet, value=value)
        cell.number_format = DATETIME_FORMAT if isinstance(value, datetime) else DATE_FORMAT
        return cell
    if isinstance(value, str) and _mistyped(value):
        return text_cell(WriteOnlyCell(worksheet, value=value))
    return value  # openpyxl types other text "s" itself; a cell object each slows big exports


def _mistyped(text: str) -> bool:
    """Text openpyxl would not store as a plain string: a formula, an error code, or text a
    spreadsheet reads as a formula when the cell is edited (which gets the quote prefix)."""
    return text.startswith(FORMULA_PREFIXES) or text in ERROR_CODES


def text_cell(cell: Cell) -> Cell:
    """Keep a text cell a string. openpyxl stores text starting with "=" as a formula and
    "#N/A" as an error; typed "s", the cell is shown as written and never evaluated. Text a
    spreadsheet would read as a formula when someone edits the cell also gets Excel's quote
    prefix, the hidden mark that a typed leading apostrophe leaves."""
    if isinstance(cell.value, str):
        cell.data_type = "s"
        if cell.value.startswith(FORMULA_PREFIXES):
            cell.quotePrefix = True
    return cell

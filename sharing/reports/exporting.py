"""Exporting the organisation and flow lists as CSV or XLSX, safe to open in a spreadsheet.

Both formats use the columns of `columns.py`, so an export can be imported again. Text is
escaped against formula injection with a leading apostrophe (`escape_cell`), which the import
reader removes again (`unescape_cell`): the two are exact inverses.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from sqlalchemy import Select
from sqlalchemy.orm import selectinload

from sharing.core.clock import local, today
from sharing.core.csv_safety import (  # noqa: F401 - re-exported for the reader and tests
    ESCAPE,
    FORMULA_PREFIXES,
    escape_cell,
    unescape_cell,
)
from sharing.errors import NotFound
from sharing.extensions import db
from sharing.flows.models import DataFlow, FlowCategory
from sharing.flows.queries import FlowFilters, flows_query
from sharing.reports.columns import (
    FLOW_COLUMNS,
    ORGANISATION_COLUMNS,
    Column,
    export_loaders,
)
from sharing.reports.organisations import OrganisationFilters, organisations_query

FORMATS = ("csv", "xlsx")
CSV_MIMETYPE = "text/csv"
XLSX_MIMETYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# Text starting with these may run as a formula (some spreadsheets skip a leading tab or CR).
DATE_FORMAT = "yyyy-mm-dd"
DATETIME_FORMAT = "yyyy-mm-dd hh:mm"
YES, NO = "Yes", "No"
BATCH = 1000
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
    """An XLSX value: numbers and dates stay typed (never formulas), text is escaped."""
    if value is None or isinstance(value, int | float) and not isinstance(value, bool):
        return value
    if isinstance(value, bool):
        return YES if value else NO
    if isinstance(value, datetime):
        return _naive_local(value)
    if isinstance(value, date):
        return value
    return escape_cell(xlsx_text(str(value)))


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
    buffer.write("\ufeff")
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


def _header_cell(worksheet, column: Column) -> WriteOnlyCell:
    cell = WriteOnlyCell(worksheet, value=xlsx_value(column.header))
    cell.font = Font(bold=True)
    return cell


def _cell(worksheet, value: object) -> object:
    value = xlsx_value(value)
    if isinstance(value, date):
        cell = WriteOnlyCell(worksheet, value=value)
        cell.number_format = DATETIME_FORMAT if isinstance(value, datetime) else DATE_FORMAT
        return cell
    return value


# -- Use cases --------------------------------------------------------------------------


def export_organisations(args: Mapping[str, str], fmt: str, *, viewer: Any = None) -> Export:
    """The organisation list, with the list page's filters and sort, as CSV or XLSX."""
    stmt = organisations_query(OrganisationFilters.from_args(args), viewer=viewer)
    stmt = stmt.options(*export_loaders()["organisations"])
    return _export("organisations", "Organisations", ORGANISATION_COLUMNS, stmt, fmt)


def export_flows(args: Mapping[str, str], fmt: str, *, viewer: Any = None) -> Export:
    """The data flow list, with the list page's filters and sort, as CSV or XLSX."""
    stmt = flows_query(FlowFilters.from_args(args), actor=viewer)
    # flows_query already joins and loads organisation and department (the selectinload of
    # columns.export_loaders would conflict with its contains_eager): the categories remain.
    stmt = stmt.options(selectinload(DataFlow.categories).selectinload(FlowCategory.category))
    return _export("flows", "Flows", FLOW_COLUMNS, stmt, fmt)


def _export(name: str, title: str, columns, stmt: Select, fmt: str) -> Export:
    if fmt not in FORMATS:
        raise NotFound("Exports are available as CSV or XLSX.")
    filename = f"{name}-{today().isoformat()}.{fmt}"
    rows = _rows(columns, stmt)
    if fmt == "csv":
        return Export(csv_chunks(columns, rows), filename, CSV_MIMETYPE)
    return Export(xlsx_bytes([Sheet(title, columns, rows)]), filename, XLSX_MIMETYPE)


def _rows(columns: Sequence[Column], stmt: Select) -> Iterator[list[object]]:
    """Rows of export values, loaded in batches; loader options keep it free of N+1."""
    for obj in db.session.scalars(stmt.execution_options(yield_per=BATCH)):
        yield [column.value_of(obj) for column in columns]

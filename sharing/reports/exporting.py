"""Exporting the organisation and flow lists as CSV or XLSX, safe to open in a spreadsheet.

Both formats use the sheets' columns (`organisation_columns.py`, `flow_columns.py`), so an
export can be imported again, and the writers of core/spreadsheets.py. CSV text is escaped
against formula injection with a leading apostrophe (`escape_cell`), which the import reader
removes again (`unescape_cell`): the two are exact inverses. XLSX text needs no escape, since
its cells are typed as strings.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from typing import Any

from sqlalchemy import Select
from sqlalchemy.orm import selectinload

from sharing.core.clock import today
from sharing.core.columns import Column
from sharing.core.csv_safety import (  # noqa: F401 - re-exported for the reader and tests
    ESCAPE,
    FORMULA_PREFIXES,
    escape_cell,
    unescape_cell,
)
from sharing.core.spreadsheets import (  # noqa: F401 - the writers, re-exported for tests
    CSV_MIMETYPE,
    XLSX_MIMETYPE,
    Export,
    Sheet,
    csv_chunks,
    csv_value,
    xlsx_bytes,
    xlsx_text,
    xlsx_value,
)
from sharing.errors import NotFound
from sharing.extensions import db
from sharing.flows.models import DataFlow, FlowCategory
from sharing.flows.queries import FlowFilters, flows_query
from sharing.reports.flow_columns import FLOW_COLUMNS
from sharing.reports.organisation_columns import ORGANISATION_COLUMNS
from sharing.reports.organisations import OrganisationFilters, organisations_query
from sharing.reports.sheets import export_loaders

FORMATS = ("csv", "xlsx")
BATCH = 1000


# -- Use cases --------------------------------------------------------------------------


def export_organisations(args: Mapping[str, str], fmt: str, *, viewer: Any = None) -> Export:
    """The organisation list, with the list page's filters and sort, as CSV or XLSX."""
    stmt = organisations_query(OrganisationFilters.from_args(args), viewer=viewer)
    stmt = stmt.options(*export_loaders()["organisations"])
    return _export("organisations", "Organizations", ORGANISATION_COLUMNS, stmt, fmt)


def export_flows(args: Mapping[str, str], fmt: str, *, viewer: Any = None) -> Export:
    """The data flow list, with the list page's filters and sort, as CSV or XLSX."""
    stmt = flows_query(FlowFilters.from_args(args), actor=viewer)
    # flows_query already joins and loads organisation and department (the selectinload of
    # sheets.export_loaders would conflict with its contains_eager): the categories remain.
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

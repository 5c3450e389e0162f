"""export_organisations / export_flows: the list's filters, the import columns, XLSX layout."""

from __future__ import annotations

import csv
import io
from contextlib import contextmanager
from datetime import date

import openpyxl
import pytest
from sqlalchemy import event

from sharing.core.clock import today
from sharing.errors import NotFound
from sharing.flows.models import FlowStatus, RiskTier
from sharing.reports.exporting import (
    CSV_MIMETYPE,
    XLSX_MIMETYPE,
    export_flows,
    export_organisations,
)
from sharing.reports.flow_columns import FLOW_COLUMNS
from sharing.reports.organisation_columns import ORGANISATION_COLUMNS
from sharing.vendors.models import OrganisationKind
from tests.factories import (
    add_category,
    make_category,
    make_department,
    make_flow,
    make_organisation,
    make_user,
)


def _body(export) -> bytes:
    return export.body if isinstance(export.body, bytes) else b"".join(export.body)


def _csv(export) -> list[dict[str, str]]:
    text = _body(export).decode("utf-8-sig")
    return list(csv.DictReader(io.StringIO(text, newline="")))


def _workbook(export):
    return openpyxl.load_workbook(io.BytesIO(_body(export)))


@contextmanager
def _counted(db):
    statements: list[str] = []

    def count(conn, cursor, statement, *args):
        statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        event.remove(db.engine, "before_cursor_execute", count)


def _flows(count: int, organisation=None, department=None) -> None:
    department = department or make_department()
    category = make_category()
    for _ in range(count):
        flow = make_flow(organisation or make_organisation(), department_id=department.id)
        add_category(flow, category, "To deliver the service")


# -- Organisations ----------------------------------------------------------------------


def test_organisation_export_follows_the_list_filters(app, db):
    """?kind=vendor&q=... exports only the organisations the list would show."""
    make_organisation(legal_name="Harbor Analytics LLC", kind=OrganisationKind.VENDOR)
    make_organisation(legal_name="Harbor Research Institute", kind=OrganisationKind.RESEARCH)
    make_organisation(legal_name="Elsewhere Ltd", kind=OrganisationKind.VENDOR)

    rows = _csv(export_organisations({"kind": "vendor", "q": "harbor"}, "csv"))

    assert [row["Legal name"] for row in rows] == ["Harbor Analytics LLC"]


def test_organisation_export_uses_the_import_columns_in_order(app, db):
    """The header is every organisation column's canonical header, so it can be re-imported."""
    make_organisation(legal_name="Acme", ein="00123", certifications=["SOC 2", "ISO 27001"])

    export = export_organisations({}, "csv")
    rows = _csv(export)

    assert list(rows[0]) == [column.header for column in ORGANISATION_COLUMNS]
    assert rows[0]["EIN"] == "00123"
    assert rows[0]["Certifications"] == "SOC 2; ISO 27001"
    assert rows[0]["Kind"] == "Vendor"
    assert export.mimetype == CSV_MIMETYPE
    assert export.filename == f"organisations-{today().isoformat()}.csv"


def test_organisation_export_escapes_formula_like_names_in_csv(app, db):
    """A name that a spreadsheet would run is written with a leading apostrophe."""
    make_organisation(legal_name='=HYPERLINK("http://evil.example")', common_name="-2")

    row = _csv(export_organisations({}, "csv"))[0]

    assert row["Legal name"] == '\'=HYPERLINK("http://evil.example")'
    assert row["Common name"] == "'-2"


def test_organisation_xlsx_has_frozen_bold_header_widths_and_no_formulas(app, db):
    """The Organisations sheet: header frozen and bold, columns sized, text cells only."""
    make_organisation(legal_name="@SUM(A1)", postal_code="02134")

    export = export_organisations({}, "xlsx")
    sheet = _workbook(export)["Organizations"]

    assert export.mimetype == XLSX_MIMETYPE
    assert export.filename == f"organisations-{today().isoformat()}.xlsx"
    assert sheet.freeze_panes == "A2"
    assert [cell.value for cell in sheet[1]] == [c.header for c in ORGANISATION_COLUMNS]
    assert all(cell.font.b for cell in sheet[1])
    assert all(sheet.column_dimensions[cell.column_letter].width >= 10 for cell in sheet[1])
    assert (sheet["A2"].value, sheet["A2"].data_type) == ("@SUM(A1)", "s")
    assert all(cell.data_type != "f" for row in sheet.iter_rows() for cell in row)
    postal = [c.header for c in ORGANISATION_COLUMNS].index("Postal code") + 1
    assert sheet.cell(row=2, column=postal).value == "02134"


def test_organisation_export_for_a_vendor_viewer_is_their_organisation_only(app, db):
    """Defence in depth: even called for a vendor user, the export keeps to their organisation."""
    own = make_organisation(legal_name="Own Org")
    make_organisation(legal_name="Someone Else")
    vendor = make_user("vendor", organisation_id=own.id)

    rows = _csv(export_organisations({}, "csv", viewer=vendor))

    assert [row["Legal name"] for row in rows] == ["Own Org"]


def test_organisation_export_takes_the_same_number_of_queries_at_any_size(app, db):
    """No query per row: 3 and 30 organisations cost the same number of statements."""
    for n in range(3):
        make_organisation(legal_name=f"Small {n}")
    with _counted(db) as small:
        _body(export_organisations({}, "xlsx"))
    for n in range(27):
        make_organisation(legal_name=f"Large {n}")
    with _counted(db) as large:
        _body(export_organisations({}, "xlsx"))

    assert len(large) == len(small)


def test_an_unknown_format_is_not_found(app, db):
    """Only csv and xlsx exist."""
    with pytest.raises(NotFound):
        export_organisations({}, "pdf")
    with pytest.raises(NotFound):
        export_flows({}, "xls")


# -- Flows ------------------------------------------------------------------------------


def test_flow_export_follows_the_list_filters(app, db):
    """?status=approved&q=... exports only the matching flows."""
    organisation = make_organisation(legal_name="Parking Partners")
    make_flow(organisation, system_name="Meter payments", status=FlowStatus.APPROVED)
    make_flow(organisation, system_name="Meter analytics", status=FlowStatus.DRAFT)
    make_flow(system_name="Library loans", status=FlowStatus.APPROVED)

    rows = _csv(export_flows({"status": "approved", "q": "meter"}, "csv"))

    assert [row["System name"] for row in rows] == ["Meter payments"]


def test_flow_export_names_organisation_department_and_categories(app, db):
    """Each flow row carries what the import needs to find its organisation and categories."""
    organisation = make_organisation(legal_name="Acme Transit", ein="12-3456789")
    department = make_department(code="DOT", name="Transportation")
    flow = make_flow(
        organisation,
        department_id=department.id,
        system_name="Ridership",
        includes_minors=True,
        estimated_records=-1,
        risk_tier=RiskTier.HIGH,
        started_on=date(2026, 3, 1),
    )
    add_category(flow, make_category(name="Vehicle location"), "To plan routes")
    add_category(flow, make_category(name="Email"), "To send receipts")

    export = export_flows({}, "csv")
    row = _csv(export)[0]

    assert export.filename == f"flows-{today().isoformat()}.csv"
    assert list(row) == [column.header for column in FLOW_COLUMNS]
    assert row["Organization"] == "Acme Transit"
    assert row["Organization EIN"] == "12-3456789"
    assert row["Department"] == "DOT"
    assert row["Includes minors"] == "Yes"
    assert row["Data categories"] == "Email; Vehicle location"
    assert row["Category justifications"] == (
        "Email: To send receipts; Vehicle location: To plan routes"
    )
    assert row["Risk tier"] == "High"
    assert row["Sharing started on"] == "2026-03-01"  # ISO text in a CSV


def test_flow_xlsx_keeps_numbers_typed_and_has_a_frozen_header(app, db):
    """Numbers are number cells (a negative one too), the header is frozen, no formulas."""
    make_flow(system_name="+Plus system", estimated_records=-5, retention_days=30)

    sheet = _workbook(export_flows({}, "xlsx"))["Flows"]
    headers = [cell.value for cell in sheet[1]]
    row = {header: cell for header, cell in zip(headers, sheet[2], strict=True)}

    assert sheet.freeze_panes == "A2"
    assert (row["System name"].value, row["System name"].data_type) == ("+Plus system", "s")
    estimated = next(c.header for c in FLOW_COLUMNS if c.field == "estimated_records")
    assert row[estimated].value == -5
    assert row[estimated].data_type == "n"
    assert all(cell.data_type != "f" for line in sheet.iter_rows() for cell in line)


def test_flow_xlsx_stores_the_start_date_as_a_date_cell(app, db):
    """Dates stored as dates: a date cell with a date number format, not text; blank stays blank."""
    make_flow(system_name="Dated", started_on=date(2026, 3, 1))
    make_flow(system_name="Undated")

    sheet = _workbook(export_flows({"sort": "system"}, "xlsx"))["Flows"]
    headers = [cell.value for cell in sheet[1]]
    position = headers.index("Sharing started on")
    dated, undated = sheet[2][position], sheet[3][position]

    assert dated.is_date and dated.number_format == "yyyy-mm-dd"
    assert dated.value.date() == date(2026, 3, 1)
    assert undated.value is None


def test_flow_export_takes_the_same_number_of_queries_at_any_size(app, db):
    """Organisation, department and categories are loaded in bulk, not per flow."""
    _flows(3)
    with _counted(db) as small:
        _body(export_flows({}, "xlsx"))
    _flows(30)
    with _counted(db) as large:
        _body(export_flows({}, "csv"))

    assert len(large) == len(small)


def test_flow_export_for_a_vendor_viewer_is_their_flows_only(app, db):
    """A vendor viewer's flow export is limited to their organisation's flows."""
    own = make_organisation()
    make_flow(own, system_name="Ours")
    make_flow(system_name="Theirs")
    vendor = make_user("vendor", organisation_id=own.id)

    rows = _csv(export_flows({}, "csv", viewer=vendor))

    assert [row["System name"] for row in rows] == ["Ours"]

"""Export then read back with the import reader, and export → import → export: nothing changes."""

from __future__ import annotations

import csv
import io
from datetime import date

import openpyxl
import pytest

from sharing.core.clock import now
from sharing.flows.models import FlowStatus, RiskTier
from sharing.reports import importing
from sharing.reports.exporting import csv_value, export_flows, export_organisations, unescape_cell
from sharing.reports.files import check_upload
from sharing.reports.reading import read_upload
from sharing.reports.sheets import SHEETS
from sharing.vendors.models import OrganisationKind, OrganisationStatus
from tests.factories import (
    add_category,
    make_category,
    make_department,
    make_flow,
    make_organisation,
    make_user,
)
from tests.fixtures.spreadsheets import upload

TRICKY = {
    "legal_name": '=HYPERLINK("http://evil.example","x")',
    "common_name": "'Quoted' & Co",
    "ein": "00123",
    "duns": "-001",
    "state_registration": "@REG",
    "address_line1": "+1 Main Street",
    "city": "NA",
    "region": "None",
    "postal_code": "02134",
    "country": "US",
    "notes": "line one\nline two; with a semicolon, and a comma",
    "certifications": ["SOC 2; Type II", "=ISO 27001", "Zoë's seal"],
    "kind": OrganisationKind.NONPROFIT,
    "status": OrganisationStatus.SUSPENDED,
}


def _write(tmp_path, export):
    body = export.body if isinstance(export.body, bytes) else b"".join(export.body)
    path = tmp_path / export.filename
    path.write_bytes(body)
    return path


def _read_back(tmp_path, export, kind: str) -> list[dict[str, str]]:
    path = _write(tmp_path, export)
    result = read_upload(path, check_upload(path, path.name, max_bytes=20 * 1024 * 1024).kind)
    assert result.errors == []
    return [table.values(kind, cells) for table, _number, cells in result.rows(kind)]


def _expected(column, obj) -> object:
    """What the import should make of the cell: the parse of the value's unescaped text."""
    return column.parse(unescape_cell(csv_value(column.value_of(obj))))


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_organisations_read_back_exactly_as_exported(app, db, tmp_path, fmt):
    """Escaped formulas, apostrophes, leading zeros, NA and None, lists with semicolons."""
    organisation = make_organisation(**TRICKY)
    make_organisation(legal_name="Plain Vendor", certifications=[])

    rows = _read_back(tmp_path, export_organisations({"sort": "name"}, fmt), "organisations")

    assert len(rows) == 2
    exported = {row["legal_name"]: row for row in rows}
    row = exported[TRICKY["legal_name"]]
    for column in SHEETS["organisations"]:
        assert column.parse(row[column.field]) == _expected(column, organisation), column.header
    certifications = next(c for c in SHEETS["organisations"] if c.field == "certifications")
    assert certifications.parse(row["certifications"]) == TRICKY["certifications"]
    assert row["ein"] == "00123"
    assert (row["city"], row["region"]) == ("NA", "None")


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_flows_read_back_exactly_as_exported(app, db, tmp_path, fmt):
    """Numbers, yes/no, enums, subprocessors and category justifications survive the trip."""
    organisation = make_organisation(legal_name="-Minus Mobility", ein="01-2345678")
    department = make_department(code="DOT")
    flow = make_flow(
        organisation,
        department_id=department.id,
        system_name="+Plus system",
        description="@mention; =not a formula",
        estimated_records=250000,
        retention_days=30,
        includes_minors=True,
        automated_decisions=False,
        subprocessors=[
            {"name": "CloudCo", "service": "hosting", "country": "US"},
            {"name": "=Mail; Co", "service": "", "country": "IE"},
        ],
        status=FlowStatus.APPROVED,
        risk_tier=RiskTier.HIGH,
        started_on=date(2026, 3, 1),
    )
    add_category(flow, make_category(name="Vehicle location"), "=To plan; routes")
    add_category(flow, make_category(name="Email"), "To send receipts")
    db.session.refresh(flow)

    rows = _read_back(tmp_path, export_flows({}, fmt), "flows")

    assert len(rows) == 1
    for column in SHEETS["flows"]:
        assert column.parse(rows[0][column.field]) == _expected(column, flow), column.header
    assert rows[0]["organisation"] == "-Minus Mobility"
    assert column_value(rows[0], "started_on") == date(2026, 3, 1)


def column_value(row: dict[str, str], field: str) -> object:
    column = next(c for c in SHEETS["flows"] if c.field == field)
    return column.parse(row[field])


@pytest.fixture
def app_config() -> dict:
    return {"IMPORT_BACKGROUND": False}


def _export_body(export) -> bytes:
    return export.body if isinstance(export.body, bytes) else b"".join(export.body)


def _start_dates(body: bytes, fmt: str) -> dict[str, object]:
    """System name → the start-date cell as written: a date cell in XLSX, text in CSV."""
    if fmt == "csv":
        rows = list(csv.DictReader(body.decode("utf-8-sig").splitlines()))
        return {r["System name"]: r["Sharing started on"] for r in rows}
    sheet = openpyxl.load_workbook(io.BytesIO(body))["Flows"]
    headers = [c.value for c in sheet[1]]
    name, start = headers.index("System name"), headers.index("Sharing started on")
    return {r[name].value: (r[start].value, r[start].number_format) for r in sheet.iter_rows(2)}


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_export_import_export_keeps_the_start_date(app, db, tmp_path, fmt):
    """An export imported over changed dates puts them back; the next export is identical."""
    organisation = make_organisation(legal_name="Dated Ltd")
    department = make_department(code="DOT")
    dated = make_flow(organisation, department_id=department.id, system_name="Dated")
    dated.started_on = date(2026, 3, 1)
    make_flow(organisation, department_id=department.id, system_name="Undated")
    db.session.commit()
    first = _export_body(export_flows({"sort": "system"}, fmt))

    dated.started_on = date(2020, 1, 1)  # someone changes it after the export
    db.session.commit()
    user = make_user("procurement")
    job = upload(user, first, f"flows.{fmt}")
    assert job.error_count == 0 and job.counts["flows"] == {"update": 1, "unchanged": 1}
    importing.confirm_import(actor=user, job=job, now=now())
    db.session.refresh(dated)
    assert dated.started_on == date(2026, 3, 1)

    second = _export_body(export_flows({"sort": "system"}, fmt))
    assert _start_dates(second, fmt) == _start_dates(first, fmt)
    if fmt == "csv":
        assert _start_dates(second, fmt) == {"Dated": "2026-03-01", "Undated": ""}
    else:
        cell = _start_dates(second, fmt)["Dated"]
        assert cell[0].date() == date(2026, 3, 1) and cell[1] == "yyyy-mm-dd"

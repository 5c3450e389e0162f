"""Export downloads through the web: who may download, file names, media types, filters."""

from __future__ import annotations

import csv
import io

import openpyxl
import pytest

from sharing.core.clock import today
from sharing.core.spreadsheets import xlsx_text
from sharing.vendors.models import OrganisationKind
from tests.factories import make_flow, make_organisation

STAFF = ("admin", "procurement", "privacy")
CSV_TYPE = "text/csv"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOWNLOADS = [
    ("/reports/export/organisations.csv", "organisations", "csv", CSV_TYPE),
    ("/reports/export/organisations.xlsx", "organisations", "xlsx", XLSX_TYPE),
    ("/reports/export/flows.csv", "flows", "csv", CSV_TYPE),
    ("/reports/export/flows.xlsx", "flows", "xlsx", XLSX_TYPE),
]
TRICKY_NAMES = ['=HYPERLINK("http://evil.example","x")', "+1", "-2", "@SUM(A1)", "\tx", "\rx"]


def _filename(response) -> str:
    disposition = response.headers["Content-Disposition"]
    assert disposition.startswith("attachment;")
    return disposition.split('filename="', 1)[1].rstrip('"')


@pytest.mark.parametrize("role", STAFF)
@pytest.mark.parametrize(("url", "name", "fmt", "mimetype"), DOWNLOADS)
def test_staff_download_exports_as_named_attachments(
    client, login_as, role, url, name, fmt, mimetype
):
    """Each staff role gets the file as an attachment named <list>-<today>.<format>."""
    make_flow()
    login_as(role)

    response = client.get(url)

    assert response.status_code == 200
    assert response.mimetype == mimetype
    assert _filename(response) == f"{name}-{today().isoformat()}.{fmt}"
    assert response.headers["Cache-Control"] == "no-store"


@pytest.mark.parametrize("url", [d[0] for d in DOWNLOADS] + ["/reports/import-template.xlsx"])
def test_vendor_users_cannot_download_exports(client, login_as, url):
    """Exports and the template are staff-only: a vendor user gets 403."""
    login_as("vendor")

    assert client.get(url).status_code == 403


@pytest.mark.parametrize("url", [d[0] for d in DOWNLOADS] + ["/reports/import-template.xlsx"])
def test_anonymous_visitors_are_sent_to_sign_in(client, db, url):
    """No download without signing in."""
    response = client.get(url)

    assert response.status_code == 302
    assert response.headers["Location"].startswith("/auth/sign-in")


@pytest.mark.parametrize("url", ["/reports/export/organisations.pdf", "/reports/export/flows.xls"])
def test_other_formats_are_not_found(client, login_as, url):
    """Only csv and xlsx exist."""
    login_as("procurement")

    assert client.get(url).status_code == 404


def test_the_export_follows_the_query_string_filters(client, login_as):
    """The export link carries the list's filters: ?kind=vendor&q=harbor gives only that row."""
    make_organisation(legal_name="Harbor Analytics", kind=OrganisationKind.VENDOR)
    make_organisation(legal_name="Harbor University", kind=OrganisationKind.RESEARCH)
    make_organisation(legal_name="Inland Analytics", kind=OrganisationKind.VENDOR)
    login_as("procurement")

    response = client.get("/reports/export/organisations.csv?kind=vendor&q=harbor")
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))

    assert [row["Legal name"] for row in rows] == ["Harbor Analytics"]


def test_tricky_names_are_escaped_in_csv_and_plain_text_cells_in_xlsx(client, login_as):
    """End to end: formula-like names never start a CSV field; in XLSX they are string cells
    showing the name as it is, never formulas."""
    for name in TRICKY_NAMES:
        make_organisation(legal_name=name, common_name=name)
    login_as("privacy")

    text = client.get("/reports/export/organisations.csv").get_data(as_text=True)
    fields = [f for row in csv.reader(io.StringIO(text.lstrip("\ufeff"), newline="")) for f in row]
    workbook = openpyxl.load_workbook(
        io.BytesIO(client.get("/reports/export/organisations.xlsx").get_data())
    )
    cells = [cell for row in workbook["Organizations"].iter_rows() for cell in row]

    prefixes = ("=", "+", "-", "@", "\t", "\r")
    assert not any(field.startswith(prefixes) for field in fields)
    assert {f"'{name}" for name in TRICKY_NAMES} <= set(fields)
    assert all(cell.data_type != "f" for cell in cells)
    shown = {xlsx_text(name) for name in TRICKY_NAMES}  # XLSX holds a CR as a line feed
    named = [cell for cell in cells if cell.value in shown]
    assert {cell.value for cell in named} == shown
    assert all(cell.data_type == "s" for cell in named)


def test_the_import_template_downloads(client, login_as):
    """The template is an XLSX attachment named sharing-import-template.xlsx."""
    login_as("procurement")

    response = client.get("/reports/import-template.xlsx")
    workbook = openpyxl.load_workbook(io.BytesIO(response.get_data()))

    assert response.status_code == 200
    assert response.mimetype == XLSX_TYPE
    assert _filename(response) == "sharing-import-template.xlsx"
    assert {"Instructions", "Organizations", "Flows"} <= set(workbook.sheetnames)

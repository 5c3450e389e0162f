"""CSV downloads as Excel and programs receive them: one UTF-8 charset in Content-Type, the
public feeds without a byte-order mark unless `?bom=1` asks for the variant for Excel, staff
exports always with it, and accented text that survives either way."""

from __future__ import annotations

import csv
import io

import pytest

from sharing.core.clock import today
from sharing.register.fields import FIELD_NAMES
from tests.factories import make_organisation
from tests.web.tables.register import make_arrangement

CSV_CONTENT_TYPE = "text/csv; charset=utf-8"
BOM = "\ufeff".encode()
ACCENTED = "Café Zoë – Ñandú São Tomé"
FEEDS = [
    ("/register/register.csv", "register.csv"),
    ("/register/changes.csv", "register-changes.csv"),
]
STAFF_EXPORTS = [
    "/reports/export/organisations.csv",
    "/reports/export/flows.csv",
    "/audit/export.csv",
    "/negotiation/exceptions.csv",
    f"/reports/accountability/{today().year}/summary.csv",
]


def _rows(body: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(body, newline="")))


@pytest.mark.parametrize("url", [url for url, _ in FEEDS])
@pytest.mark.parametrize("query", ["", "?bom=1"])
def test_public_csv_feeds_name_the_utf8_charset_exactly_once(client, url, query):
    """Content-Type is "text/csv; charset=utf-8", never with the charset repeated."""
    response = client.get(url + query)

    assert response.status_code == 200
    assert response.headers["Content-Type"] == CSV_CONTENT_TYPE


@pytest.mark.parametrize(("url", "filename"), FEEDS)
def test_public_csv_feeds_start_without_a_bom_unless_bom_1_asks_for_it(client, url, filename):
    """The default feed starts with its header for programs; ?bom=1 prefixes U+FEFF and is
    otherwise the same file under the same download name."""
    make_arrangement(system_name="Parking permits")

    plain = client.get(url)
    for_excel = client.get(f"{url}?bom=1")

    assert not plain.data.startswith(BOM)
    assert for_excel.data.startswith(BOM)
    assert for_excel.data == BOM + plain.data
    assert not client.get(f"{url}?bom=yes").data.startswith(BOM)
    for response in (plain, for_excel):
        assert response.headers["Content-Disposition"] == f'attachment; filename="{filename}"'


def test_accented_text_round_trips_through_both_register_csvs(client):
    """UTF-8 text reads back exactly from the default feed and, after the mark, from ?bom=1."""
    make_arrangement(
        system_name=ACCENTED,
        organisation=make_organisation(legal_name="Ñandú Inc.", common_name="Ñandú Inc."),
    )

    plain = client.get("/register/register.csv").data.decode("utf-8")
    for_excel = client.get("/register/register.csv?bom=1").data.decode("utf-8-sig")

    for body in (plain, for_excel):
        rows = _rows(body)
        assert tuple(rows[0]) == FIELD_NAMES
        assert rows[1][FIELD_NAMES.index("service")] == ACCENTED
        assert rows[1][FIELD_NAMES.index("organisation")] == "Ñandú Inc."


def test_the_feed_for_excel_keeps_the_register_search(client):
    """?bom=1 combines with the register's filters: the file holds only the matching rows."""
    make_arrangement(system_name="Pothole reports")
    make_arrangement(system_name="Clinic bookings")

    body = client.get("/register/register.csv?bom=1&q=clinic").data.decode("utf-8-sig")

    assert [row[FIELD_NAMES.index("service")] for row in _rows(body)[1:]] == ["Clinic bookings"]


def test_pages_offering_the_csv_feeds_link_to_the_csv_for_excel(client):
    """The register page, the changes page and the footer offer "CSV for Excel" next to CSV."""
    register = client.get("/register/?q=parking").get_data(as_text=True)
    changes = client.get("/register/changes").get_data(as_text=True)
    welcome = client.get("/").get_data(as_text=True)

    assert 'href="/register/register.csv?bom=1&amp;q=parking">CSV for Excel</a>' in register
    assert 'href="/register/changes.csv?bom=1">CSV for Excel</a>' in changes
    assert 'href="/register/register.csv?bom=1">CSV for Excel</a>' in welcome


@pytest.mark.parametrize("url", STAFF_EXPORTS)
def test_staff_csv_exports_name_one_charset_and_start_with_the_bom(client, login_as, url):
    """Staff exports are opened by people in Excel: one charset, and always the mark."""
    make_organisation(legal_name=ACCENTED)
    login_as("admin")

    response = client.get(url)

    assert response.status_code == 200
    assert response.headers["Content-Type"] == CSV_CONTENT_TYPE
    assert response.data.startswith(BOM)
    response.data.decode("utf-8")

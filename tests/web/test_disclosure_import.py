"""Disclosure import pages through the test client with CSRF: upload, preview, confirm."""

from __future__ import annotations

import csv
import io
import re

import pytest
from sqlalchemy import func, select

from sharing.disclosures.log_columns import DISCLOSURE_COLUMNS
from sharing.disclosures.models import Disclosure
from sharing.extensions import db
from sharing.reports.reading import match_headers
from tests.fixtures.spreadsheets import csv_bytes
from tests.services.test_disclosure_import import HEADERS, row
from tests.web.tables.disclosure_log import make_covered_flow

PAGE = "/reports/imports/disclosures"


@pytest.fixture
def app_config() -> dict:
    return {"IMPORT_BACKGROUND": False}


def post_file(client, data: bytes, name: str = "log.csv"):
    return client.post_form(PAGE, {"file": (io.BytesIO(data), name)}, from_url=PAGE)


def job_url(response) -> str:
    location = response.headers["Location"]
    assert re.search(r"/reports/imports/\d+$", location)
    return location


def count() -> int:
    return db.session.scalar(select(func.count()).select_from(Disclosure))


def test_the_log_page_leads_to_the_import_page(client, login_as):
    """Staff find "Import disclosures" on the log, and the page explains the file."""
    login_as("privacy")
    log_page = client.get("/disclosures/log").get_data(as_text=True)
    assert f'href="{PAGE}"' in log_page and "Import disclosures" in log_page
    page = client.get(PAGE).get_data(as_text=True)
    assert 'id="disclosure-import-form"' in page
    assert "request document cannot come by file" in page
    assert "/reports/imports/disclosures/template.csv" in page


def test_a_privacy_officer_uploads_previews_and_confirms(client, login_as):
    """The whole journey through the pages records the rows once confirmed."""
    login_as("privacy")
    flow = make_covered_flow()
    response = post_file(client, csv_bytes([HEADERS, row(flow), row(flow, Purpose="Marketing")]))
    url = job_url(response)
    page = client.get(url).get_data(as_text=True)
    assert "Confirm and import" in page and "Disclosure log" in page
    assert "Will be flagged: purpose outside the agreed purposes." in page
    assert count() == 0
    confirmed = client.post_form(f"{url}/confirm", from_url=url)
    assert confirmed.status_code == 302 and count() == 2


def test_a_bad_row_is_shown_with_its_reason_and_cannot_be_confirmed(client, login_as):
    """The preview names the column and the reason; no confirm button is offered."""
    login_as("procurement")
    flow = make_covered_flow()
    url = job_url(post_file(client, csv_bytes([HEADERS, row(flow, Recurring="yes")])))
    page = client.get(url).get_data(as_text=True)
    assert "Choose how often the recurring disclosure happens." in page
    assert "Confirm and import" not in page
    client.post_form(f"{url}/confirm", from_url=url)
    assert count() == 0


def test_cancelling_a_disclosure_import_returns_to_its_page(client, login_as):
    """Cancel sends the user back to the disclosure import page, not the registry's."""
    login_as("privacy")
    flow = make_covered_flow()
    url = job_url(post_file(client, csv_bytes([HEADERS, row(flow)])))
    response = client.post_form(f"{url}/cancel", from_url=url)
    assert response.headers["Location"].endswith(PAGE)


def test_the_template_holds_every_header_the_import_reads(client, login_as):
    """The downloaded CSV's header row is matched column for column."""
    login_as("admin")
    response = client.get(f"{PAGE}/template.csv")
    assert response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    headers = next(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))
    mapping, problems = match_headers("disclosures", headers)
    assert set(mapping) == {column.field for column in DISCLOSURE_COLUMNS} and not problems


@pytest.mark.parametrize(
    ("method", "url"),
    [("get", PAGE), ("get", f"{PAGE}/template.csv"), ("post", PAGE)],
)
def test_a_vendor_cannot_reach_the_disclosure_import(client, login_as, method, url):
    """Vendor users get 403 on the page, the template and the upload."""
    login_as("vendor")
    if method == "get":
        response = client.get(url)
    else:
        response = client.post(url, data={"csrf_token": client.csrf_token("/portal/")})
    assert response.status_code == 403


def test_a_privacy_officer_cannot_use_the_registry_upload(client, login_as):
    """The registry import stays with procurement and admins."""
    login_as("privacy")
    assert client.get("/reports/imports").status_code == 403


def test_the_import_page_lists_the_users_recent_imports(client, login_as):
    """After an upload, the disclosure import page links to the job."""
    login_as("privacy")
    flow = make_covered_flow()
    url = job_url(post_file(client, csv_bytes([HEADERS, row(flow)]), name="march.csv"))
    page = client.get(PAGE).get_data(as_text=True)
    assert "march.csv" in page and f'href="{url.removeprefix("http://localhost")}"' in page

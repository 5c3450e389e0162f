"""The accountability report page and its downloads through the test client: who may see
them, file names and types, and 404 for an unknown sheet or an implausible year."""

from __future__ import annotations

import io
from datetime import date

import openpyxl
import pytest

from sharing.agreements.models import AgreementStatus
from sharing.core.clock import today
from tests.factories import make_organisation
from tests.web.tables.agreement_lifecycle import make_agreement

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def test_page_shows_the_summary_and_links_to_every_download(client, login_as, db):
    """The privacy office sees the Summary table, the workbook link and one CSV per sheet."""
    login_as("privacy")
    year = today().year

    html = client.get(f"/reports/accountability?year={year}").get_data(as_text=True)

    assert f"Accountability report {year}" in html
    assert 'id="accountability-summary"' in html
    assert "Agreements in force at year end" in html
    assert f"/reports/accountability/{year}.xlsx" in html
    for slug in ("summary", "flows", "agreements", "attestations", "disclosures-incidents"):
        assert f"/reports/accountability/{year}/{slug}.csv" in html


def test_page_defaults_to_last_year_when_it_has_data_and_ignores_a_bad_year(client, login_as, db):
    """With data last year the page opens on it; an unknown year falls back to the default."""
    login_as("admin")
    last = today().year - 1
    make_agreement(
        AgreementStatus.ACTIVE, effective_date=date(last, 2, 1), signed_on=date(last, 1, 20)
    )

    assert f"Accountability report {last}" in client.get("/reports/accountability").text
    assert f"Accountability report {last}" in client.get("/reports/accountability?year=1").text
    assert (
        f"Accountability report {last + 1}"
        in client.get(f"/reports/accountability?year={last + 1}").text
    )


def test_workbook_downloads_as_xlsx_with_the_years_file_name(client, login_as, db):
    """The workbook has the XLSX type, an attachment name with the year, and opens."""
    login_as("privacy")
    year = today().year
    make_agreement(
        AgreementStatus.ACTIVE,
        organisation_id=make_organisation(legal_name="=1+2").id,
        effective_date=date(year, 1, 1),
    )

    response = client.get(f"/reports/accountability/{year}.xlsx")

    assert response.status_code == 200
    assert response.mimetype == XLSX
    disposition = response.headers["Content-Disposition"]
    assert disposition == f'attachment; filename="accountability-report-{year}.xlsx"'
    assert response.headers["Cache-Control"] == "no-store"
    book = openpyxl.load_workbook(io.BytesIO(response.data))
    assert book.sheetnames[0] == "Summary"
    shown = [cell for cell in book["Agreements"]["C"] if cell.value == "=1+2"]
    assert [cell.data_type for cell in shown] == ["s"]


def test_each_sheet_downloads_as_csv_with_its_slug_in_the_file_name(client, login_as, db):
    """A sheet's CSV is text/csv, UTF-8 with a byte-order mark, named by year and slug."""
    login_as("admin")

    year = today().year
    response = client.get(f"/reports/accountability/{year}/disclosures-incidents.csv")

    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    disposition = response.headers["Content-Disposition"]
    assert disposition == f'attachment; filename="accountability-{year}-disclosures-incidents.csv"'
    text = response.data.decode("utf-8")
    assert text.startswith("\ufeffQuarter,Disclosures,")
    assert f"{year}-Q4," in text


def test_unknown_sheet_is_404(client, login_as, db):
    """Only the five sheet slugs exist."""
    login_as("privacy")

    assert client.get("/reports/accountability/2026/secrets.csv").status_code == 404
    assert client.get("/reports/accountability/2026/Summary.csv").status_code == 404


@pytest.mark.parametrize("year", [1999, 1, "next+1"])
def test_implausible_year_is_404(client, login_as, db, year):
    """Years before 2000 or after next year have no report."""
    login_as("privacy")
    year = today().year + 2 if year == "next+1" else year

    assert client.get(f"/reports/accountability/{year}.xlsx").status_code == 404
    assert client.get(f"/reports/accountability/{year}/summary.csv").status_code == 404


@pytest.mark.parametrize("role", ["procurement", "vendor"])
def test_procurement_and_vendors_may_not_see_the_report(client, login_as, db, role):
    """The report is the privacy office's: others get 403 on the page and the files."""
    login_as(role)

    assert client.get("/reports/accountability").status_code == 403
    assert client.get("/reports/accountability/2026.xlsx").status_code == 403
    assert client.get("/reports/accountability/2026/summary.csv").status_code == 403

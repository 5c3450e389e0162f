"""A messy real-world workbook through the import pages: two columns for one field settled in
the mapping, a department typed in part confirmed once, every bad row listed, and after the
file is fixed exactly the good rows written, with nothing written before confirmation."""

from __future__ import annotations

import io
import re
from datetime import date

import pytest
from sqlalchemy import func, select

from sharing.audit.models import AuditEvent
from sharing.extensions import db
from sharing.flows.models import DataFlow
from sharing.reports import import_jobs, import_mapping
from sharing.reports.models import ImportJob
from sharing.vendors.models import Organisation
from tests.factories import make_department
from tests.fixtures.spreadsheets import xlsx_bytes

VENDORS = 100
FLOWS = 1900
VENDOR_HEADERS = ["Vendor Name", "Legal name", "EIN", "Postal code", "Country", "Notes"]
FLOW_HEADERS = [
    "Vendor",
    "Department",
    "System name",
    "Purposes",
    "Storage country",
    "Sharing started on",
    "Retention (days)",
]
# Every 19th flow row is bad, each in one of four ways: 100 bad rows of 2,000.
BAD_EVERY = 19
BAD = {
    0: ("Retention (days)", "forever"),
    1: ("Storage country", "Atlantis"),
    2: ("Department", "Nowhere"),
    3: ("Sharing started on", "someday"),
}


def vendor_row(n: int) -> list[object]:
    notes = ("NA", "None", "", "n/a")[n % 4]
    return [
        f"V{n:03d}",
        f"Vendor {n:05d} LLC",
        f"0{n % 9}-{n:07d}",
        "01234",
        "United States",
        notes,
    ]


def flow_row(n: int, *, bad: bool) -> list[object]:
    values = {
        "Vendor": f"Vendor {n % VENDORS:05d} LLC",
        "Department": "Parks" if n % 3 else "DOT",
        "System name": ("NA", "None", f"00{n:04d} meters")[n % 3] + f" {n}",
        "Purposes": "Run the service",
        "Storage country": ("United States", "USA", "U.S.", "us")[n % 4],
        "Sharing started on": (date(2026, 3, 1), 46082, "03/01/2026", None)[n % 4],
        "Retention (days)": "0365",
    }
    if bad:
        column, value = BAD[(n // BAD_EVERY) % 4]
        values[column] = value
    return [values[h] for h in FLOW_HEADERS]


def is_bad(n: int) -> bool:
    return n % BAD_EVERY == 0


def workbook(*, fixed: bool) -> bytes:
    flows = [flow_row(n, bad=is_bad(n)) for n in range(FLOWS) if not (fixed and is_bad(n))]
    return xlsx_bytes(
        {
            "Vendors": [VENDOR_HEADERS, *(vendor_row(n) for n in range(VENDORS))],
            "Flows": [FLOW_HEADERS, *flows],
        }
    )


@pytest.fixture
def departments(app):
    make_department(name="Department of Transportation", code="DOT")
    return make_department(name="Parks, Recreation & Neighborhood Services", code="PRNS")


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def nothing_written() -> bool:
    return count(Organisation) == 0 and count(DataFlow) == 0


def upload(client, data: bytes) -> str:
    response = client.post_form(
        "/reports/imports", {"file": (io.BytesIO(data), "messy.xlsx")}, from_url="/reports/imports"
    )
    assert response.status_code == 302
    return response.headers["Location"]


def job_of(url: str) -> ImportJob:
    return db.session.get(ImportJob, int(re.search(r"(\d+)$", url).group(1)))


def current_choices(job: ImportJob) -> dict[str, str]:
    return {
        column.field: column.choice
        for sheet in import_mapping.mapping_sheets(job)
        for column in sheet.columns
    }


def confirm_parks(client, url: str, job: ImportJob):
    [suggestion] = job.suggestions
    assert (suggestion["typed"], suggestion["department"]) == (
        "Parks",
        "Parks, Recreation & Neighborhood Services",
    )
    return client.post_form(f"{url}/departments", {"key": suggestion["key"]}, from_url=url)


def test_a_messy_workbook_is_mapped_confirmed_listed_then_imported_once_fixed(
    client, login_as, departments
):
    login_as("procurement")
    url = upload(client, workbook(fixed=False))
    job = job_of(url)

    # Two columns mean the legal name: the page asks which, beside both selects and in the
    # summary, and checks no row until the user chooses.
    page = client.get(url).get_data(as_text=True)
    both = "Columns “Vendor Name” and “Legal name” both mean Legal name"
    assert page.count(both) >= 3  # beside each select, and in the summary
    assert 'id="error-summary"' in page
    assert job.file_errors and job.counts["flows"] == {}
    assert "V000" in page and "Vendor 00000 LLC" in page  # samples tell the columns apart

    # Sending the clash back is refused, and the page keeps what was chosen.
    choices = current_choices(job)
    refused = client.post_form(f"{url}/mapping", choices, from_url=url)
    assert refused.status_code == 200
    assert both in refused.get_data(as_text=True)

    choices["sheet0_col0"] = "organisations.common_name"  # "Vendor Name" is the short name
    saved = client.post_form(f"{url}/mapping", choices, from_url=url)
    assert saved.status_code == 302
    db.session.expire_all()
    assert job.file_errors == []
    assert db.session.scalar(
        select(func.count()).where(AuditEvent.action == "import.mapping_changed")
    )

    # "Parks" is offered as a suggestion, once for every row that typed it.
    page = client.get(url).get_data(as_text=True)
    assert "“Parks” → <strong>Parks, Recreation &amp; Neighborhood Services?</strong>" in page
    assert "Confirm and import" not in page
    assert confirm_parks(client, url, job).status_code == 302
    db.session.expire_all()
    assert job.suggestions == []

    # Every bad row is listed with its sheet, row, column and reason; nothing else is.
    report = client.get(f"{url}/errors.csv").get_data(as_text=True).splitlines()[1:]
    bad_rows = [n for n in range(FLOWS) if is_bad(n)]
    assert len(report) == len(bad_rows) == 100
    listed = {(line.split(",")[0], int(line.split(",")[1])) for line in report}
    assert listed == {("Flows", n + 2) for n in bad_rows}
    assert any("“Atlantis” is not a country name or code" in line for line in report)
    assert any("Nowhere" in line for line in report)
    assert nothing_written()

    # The fixed file: the remembered mapping is offered, the suggestion confirmed again, and
    # confirming writes exactly the good rows.
    url = upload(client, workbook(fixed=True))
    job = job_of(url)
    page = client.get(url).get_data(as_text=True)
    assert "these choices are the ones saved for the last file with the same headers" in page
    assert job.file_errors == []
    assert confirm_parks(client, url, job).status_code == 302
    db.session.expire_all()
    assert job.error_count == 0 and job.can_commit
    assert nothing_written()
    assert client.post_form(f"{url}/confirm", from_url=url).status_code == 302
    assert count(Organisation) == VENDORS
    assert count(DataFlow) == FLOWS - len(bad_rows)

    vendor = db.session.scalar(select(Organisation).where(Organisation.common_name == "V001"))
    assert (vendor.legal_name, vendor.postal_code, vendor.country) == (
        "Vendor 00001 LLC",
        "01234",
        "US",
    )
    assert vendor.ein.startswith("01-") and vendor.notes == "None"
    flows = db.session.scalars(select(DataFlow)).all()
    assert {f.storage_country for f in flows} == {"US"}
    assert {f.department.code for f in flows} == {"DOT", "PRNS"}
    assert any(f.system_name.startswith("00") for f in flows)
    assert any(f.system_name.startswith("NA ") for f in flows)
    assert {f.started_on for f in flows} == {date(2026, 3, 1), None}
    assert list(import_jobs.error_report_rows(job)) == []

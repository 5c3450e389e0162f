"""Import pages through the test client with CSRF: upload, preview, confirm, cancel, progress."""

from __future__ import annotations

import io
import re

import pytest
from sqlalchemy import func, select

from sharing.extensions import db
from sharing.flows.models import DataFlow
from sharing.reports import import_runner
from sharing.reports.models import ImportJob, ImportStatus
from sharing.vendors.models import Organisation
from tests.factories import make_category, make_department, make_flow, make_organisation
from tests.fixtures.spreadsheets import ORG_HEADERS, organisation_row, registry_workbook, xlsx_bytes


@pytest.fixture
def department(app):
    make_category(name="Full name")
    return make_department(name="Transportation", code="DOT")


def post_file(client, data: bytes, name: str = "registry.xlsx"):
    return client.post_form(
        "/reports/imports", {"file": (io.BytesIO(data), name)}, from_url="/reports/imports"
    )


def job_id(response) -> int:
    return int(re.search(r"/reports/imports/(\d+)$", response.headers["Location"]).group(1))


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def test_upload_preview_and_confirm_through_the_pages(client, login_as, department):
    """A procurement officer uploads, sees the preview, confirms, and the records exist."""
    login_as("procurement")
    response = post_file(client, registry_workbook(3, 4, "DOT", ["Full name"]))
    assert response.status_code == 302
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Ready to import" in page and "Confirm and import" in page
    assert count(Organisation) == 0
    url = response.headers["Location"]
    confirmed = client.post_form(f"{url}/confirm", from_url=url)
    assert confirmed.status_code == 302
    assert (count(Organisation), count(DataFlow)) == (3, 4)
    assert "Imported" in client.get(url).get_data(as_text=True)


def test_a_rejected_file_is_shown_beside_the_field(client, login_as, department):
    """A PNG renamed .xlsx is refused with the reason next to the file field."""
    login_as("procurement")
    response = post_file(client, b"\x89PNG\r\n\x1a\n" + b"\x00" * 50)
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert 'id="file-error"' in page and "is a PNG image" in page


def test_preview_lists_errors_and_offers_the_report(client, login_as, department):
    """Bad rows appear with their row and column, the preview is marked as needing
    corrections rather than ready; the CSV report holds them all."""
    login_as("procurement")
    data = xlsx_bytes(
        {"Organisations": [ORG_HEADERS, organisation_row(1), organisation_row(2, EIN="12-3")]}
    )
    response = post_file(client, data)
    url = response.headers["Location"]
    page = client.get(f"{url}?action=error").get_data(as_text=True)
    assert "Confirm and import" not in page and "EIN" in page
    assert "Needs corrections" in page and "Ready to import" not in page
    report = client.get(f"{url}/errors.csv")
    assert report.headers["Content-Disposition"].endswith(f'import-{job_id(response)}-errors.csv"')
    lines = report.get_data(as_text=True).strip().splitlines()
    assert lines[0].lstrip("\ufeff") == "Sheet,Row,Column,Problem" and lines[1].startswith(
        "Organisations,3,EIN,"
    )


def test_cancel_removes_the_pending_import(client, login_as, department):
    """Cancelling marks the job cancelled; nothing is written."""
    login_as("procurement")
    url = post_file(client, registry_workbook(1, 1, "DOT", ["Full name"])).headers["Location"]
    response = client.post_form(f"{url}/cancel", from_url=url)
    assert response.status_code == 302
    assert db.session.get(ImportJob, int(url.rsplit("/", 1)[1])).status == ImportStatus.CANCELLED
    assert count(Organisation) == 0


def test_only_the_uploader_and_admins_see_a_job(client, login_as, department):
    """Another procurement officer gets 404; an admin may open it."""
    login_as("procurement")
    url = post_file(client, registry_workbook(1, 1, "DOT", ["Full name"])).headers["Location"]
    client.post_form("/auth/sign-out", from_url="/")
    login_as("procurement")
    assert client.get(url).status_code == 404
    assert client.get(f"{url}/status.json").status_code == 404
    client.post_form("/auth/sign-out", from_url="/")
    login_as("admin")
    assert client.get(url).status_code == 200


BACKGROUND = {"IMPORT_BACKGROUND": True, "IMPORT_BACKGROUND_BYTES": 0, "IMPORT_BACKGROUND_ROWS": 0}


@pytest.mark.parametrize("app_config", [BACKGROUND])
def test_large_imports_run_in_the_background_with_progress(client, login_as, department):
    """Reading and writing run in a thread; the status JSON reports the stage and progress."""
    login_as("procurement")
    response = post_file(client, registry_workbook(20, 60, "DOT", ["Full name"]))
    job = job_id(response)
    import_runner.wait_for(job)
    status = client.get(f"/reports/imports/{job}/status.json").get_json()
    assert status["status"] == "ready" and status["total"] == 80 and status["progress"] == 80
    assert status["working"] is False
    db.session.expire_all()
    assert db.session.get(ImportJob, job).count("flows", "create") == 60
    url = f"/reports/imports/{job}"
    assert client.post_form(f"{url}/confirm", from_url=url).status_code == 302
    import_runner.wait_for(job)
    assert client.get(f"{url}/status.json").get_json()["status"] == "committed"
    assert (count(Organisation), count(DataFlow)) == (20, 60)


def test_the_progress_page_polls_without_inline_script(app, client, login_as, department):
    """While a job works, the page has a progress bar, a Refresh link and reports.js."""
    user = login_as("procurement")
    job = ImportJob(
        uploaded_by_id=user.id, filename="big.xlsx", status=ImportStatus.VALIDATING, total=10
    )
    db.session.add(job)
    db.session.commit()
    page = client.get(f"/reports/imports/{job.id}").get_data(as_text=True)
    assert "<progress" in page and "Refresh</a>" in page and "js/reports.js" in page
    assert "<script>" not in page and "style=" not in page


def test_export_then_import_then_export_keeps_the_same_content(client, login_as, department):
    """Exported organisations and flows import back as unchanged, and export identically."""
    organisation = make_organisation(legal_name="=Acme, Inc.", ein="12-3456789", duns="001234567")
    make_flow(organisation, system_name="-Parking", department_id=department.id, subprocessors=[])
    login_as("procurement")
    for kind in ("organisations", "flows"):
        for fmt in ("xlsx", "csv"):
            first = client.get(f"/reports/export/{kind}.{fmt}").data
            url = post_file(client, first, f"{kind}.{fmt}").headers["Location"]
            job = db.session.get(ImportJob, int(url.rsplit("/", 1)[1]))
            assert job.error_count == 0, client.get(f"{url}/errors.csv").get_data(as_text=True)
            assert job.count(kind, "unchanged") == 1 and not job.has_work
            second = client.get(f"/reports/export/{kind}.{fmt}").data
            if fmt == "csv":
                assert second == first
            else:
                assert _xlsx_values(second) == _xlsx_values(first)


def _xlsx_values(data: bytes) -> list:
    from openpyxl import load_workbook

    sheet = load_workbook(io.BytesIO(data), read_only=True).active
    return [list(row) for row in sheet.iter_rows(values_only=True)]

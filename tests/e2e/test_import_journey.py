"""A bulk import in the browser: the preview shows the bad row, the fixed file imports."""

from __future__ import annotations

from sqlalchemy import func, select

from sharing.extensions import db
from sharing.vendors.models import Organisation
from tests.e2e import journey_steps as steps
from tests.e2e.conftest import end_transaction
from tests.fixtures.spreadsheets import ORG_HEADERS, csv_bytes, organisation_row


def _upload(tab, rows: list, name: str) -> None:
    tab.goto("/reports/imports")
    tab.set_input_files("#file", {"name": name, "mimeType": "text/csv", "buffer": csv_bytes(rows)})
    steps.click_and_wait(tab, "#import-upload-form [type=submit]")
    assert "/reports/imports/" in tab.url, steps.flash_text(tab)[:800]


def _organisations() -> int:
    end_transaction()
    count = db.session.scalar(select(func.count()).select_from(Organisation))
    end_transaction()
    return count


def test_bad_row_is_shown_fixed_and_the_file_imports(page, sign_in, screenshot):
    """Procurement sees the bad EIN in the preview, uploads the fix, confirms, finds the rows."""
    sign_in("procurement")
    steps.accept_dialogs(page)
    good = [organisation_row(n) for n in (1, 2)]

    _upload(page, [ORG_HEADERS, *good, organisation_row(3, EIN="12-3")], "vendors.csv")
    preview = steps.flash_text(page)
    assert "EIN" in preview and "problem" in preview, preview[:1500]
    assert page.get_by_role("button", name="Confirm and import").count() == 0
    screenshot(page, "01-preview-with-error")

    _upload(page, [ORG_HEADERS, *good, organisation_row(3)], "vendors-fixed.csv")
    assert "problem" not in steps.flash_text(page)
    screenshot(page, "02-preview-clean")
    assert _organisations() == 0  # nothing is saved before the confirmation

    steps.click_and_wait(page, "text=Confirm and import")  # data-confirm: accepted
    assert "Imported" in steps.flash_text(page)
    screenshot(page, "03-imported")
    assert _organisations() == 3

    page.goto("/vendors/?q=Vendor+00003")
    assert "Vendor 00003 LLC" in page.locator("main").inner_text()


def test_two_name_columns_are_settled_in_the_column_mapping(page, sign_in, screenshot):
    """A file with "Vendor Name" and "Legal name" asks which one is the legal name; once the
    other is ignored, the rows are checked and the file imports."""
    sign_in("procurement")
    steps.accept_dialogs(page)
    headers = ["Vendor Name", *ORG_HEADERS]
    rows = [[f"V{n}", *organisation_row(n)] for n in (1, 2)]

    _upload(page, [headers, *rows], "vendor-export.csv")
    summary = page.locator("#error-summary").inner_text()
    assert "both mean Legal name" in summary, summary
    assert page.locator("#mapping-form .invalid-feedback").count() == 2
    screenshot(page, "04-mapping-two-name-columns")

    page.select_option("#sheet0_col0", label="Ignore this column")
    steps.click_and_wait(page, "#mapping-form [type=submit]")
    assert "checked again" in steps.flash_text(page)
    assert page.locator("#error-summary").count() == 0
    screenshot(page, "05-mapping-saved")
    assert _organisations() == 0

    steps.click_and_wait(page, "text=Confirm and import")
    assert _organisations() == 2

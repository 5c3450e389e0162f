"""Sector terms in Chromium: for a flow that triggers each sector module of the obligation
library (health, criminal justice, student records, license plates, children online), the
privacy officer drafts the agreement, sees the module on the preview with its citation and
reason, generates it and downloads a .docx that carries the module's clauses and its schedule.

Values the test needs later are read into plain variables, then `end_transaction()` runs
before the browser acts (see tests/e2e/conftest.py)."""

from __future__ import annotations

import re
from typing import Any

import pytest

from sharing.agreements.models import Agreement, TemplateKind
from sharing.agreements.rendering import docx_text
from sharing.audit.services import SYSTEM
from sharing.core.clock import now
from sharing.extensions import db
from sharing.flows.models import Sensitivity, TransferMethod
from sharing.obligations.modules import BY_PREFIX
from sharing.obligations.services import load_shipped_libraries
from tests.e2e.conftest import end_transaction
from tests.factories import (
    make_approved_flow,
    make_category,
    make_department,
    make_ready_organisation,
    make_template_version,
)

# prefix -> (the category the flow shares, the flow's own facts)
TRIGGERS: dict[str, tuple[dict[str, Any], dict[str, Any]]] = {
    "HIP": ({"name": "Clinic visit notes", "is_health": True}, {}),
    "CJI": ({"name": "Booking records", "is_criminal_justice": True}, {}),
    "EDU": ({"name": "Student records"}, {"data_subjects": "Students of partner schools"}),
    # Within LPR-1's default limit on plate data, so no conflict holds generation back.
    "ALP": ({"name": "Plate reads", "is_licence_plate": True}, {"retention_days": 30}),
    "COP": (
        {"name": "Account names"},
        {"includes_minors": True, "transfer_method": TransferMethod.VENDOR_COLLECTS},
    ),
}


def _organisation_with_flow(prefix: str) -> tuple[int, str]:
    """The latest policy (2026.2), the shipped vendor template, and a ready vendor whose one
    approved flow triggers the module."""
    load_shipped_libraries(actor=SYSTEM, now=now())
    make_template_version(TemplateKind.VENDOR_DPA)
    category, facts = TRIGGERS[prefix]
    organisation = make_ready_organisation(legal_name=f"{prefix} Services Inc")
    department = make_department(name="Parks, Recreation and Neighborhood Services")
    make_approved_flow(
        organisation,
        (make_category(sensitivity=Sensitivity.RESTRICTED, **category),),
        system_name=f"{prefix} case system",
        department_id=department.id,
        storage_country="US",
        **facts,
    )
    return organisation.id, organisation.legal_name


@pytest.mark.parametrize("prefix", sorted(TRIGGERS))
def test_each_sector_module_is_previewed_generated_and_downloaded(page, sign_in, prefix, tmp_path):
    module = BY_PREFIX[prefix]
    organisation_id, _ = _organisation_with_flow(prefix)
    end_transaction()
    sign_in("privacy")

    page.goto("/agreements/new")
    page.select_option("#organisation", str(organisation_id))
    with page.expect_navigation():
        page.get_by_role("button", name="Continue").click()
    page.fill("#effective_date", "2027-01-01")
    with page.expect_navigation():
        page.get_by_role("button", name="Save and choose parameters").click()
    assert "/parameters" in page.url, page.url
    with page.expect_navigation():
        page.get_by_role("button", name="Save parameters and preview").click()
    assert "/preview" in page.url, page.url

    listed = page.locator(f"#module-{prefix}").inner_text()
    assert module.name in listed and module.citation in listed, listed
    assert f"{prefix} case system" in listed  # the reason names the flow that triggers it
    codes = re.findall(rf"\b{prefix}-\d+\b", listed)
    assert codes, listed
    for code in codes:
        clause = page.locator(f"#clause-{code}")
        assert module.name in clause.inner_text()
        assert "Source:" in clause.locator(".clause-why").inner_text()

    with page.expect_navigation():
        page.locator("#generate-form button[type=submit]").click()
    agreement = db.session.scalars(
        db.select(Agreement).where(Agreement.organisation_id == organisation_id)
    ).one()
    agreement_id, number = agreement.id, agreement.number
    end_transaction()
    assert page.url.endswith(f"/agreements/{agreement_id}"), page.url

    with page.expect_download() as download_info:
        page.locator("#download-docx").click()
    download = download_info.value
    assert download.suggested_filename.startswith(number), download.suggested_filename
    saved = tmp_path / download.suggested_filename
    download.save_as(saved)
    text = docx_text(saved.read_bytes())
    for code in codes:
        assert f"(obligation {code})" in text, code
    # The schedule of obligations says where each module clause comes from.
    assert module.citation.split(" ")[0] in text

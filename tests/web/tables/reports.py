"""Coverage-table rows for the reports blueprint: import and export pages, and import POSTs."""

from __future__ import annotations

import io

from sqlalchemy import select

from sharing.auth.models import User
from sharing.extensions import db
from tests.factories import make_department, make_user
from tests.fixtures.spreadsheets import csv_bytes, small_registry, upload
from tests.web.tables import STAFF, AuditCase, Page

IMPORTERS = ("admin", "procurement")
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def _uploader() -> User:
    """The signed-in user when there is one (a job is only visible to its uploader and admins)."""
    latest = db.session.scalar(select(User).order_by(User.id.desc()).limit(1))
    if latest is None or latest.role.value not in STAFF:
        latest = make_user("procurement")
    return latest


def disclosure_file() -> bytes:
    """One good disclosure-log row for a new approved flow covered by an agreement."""
    from tests.web.tables.disclosure_log import DISCLOSED_ON, make_covered_flow

    flow = make_covered_flow()
    headers = ["Organisation", "System name", "Date disclosed", "Categories", "Purpose"]
    category = flow.categories[0].category.name
    values = [
        flow.organisation.legal_name,
        flow.system_name,
        DISCLOSED_ON.isoformat(),
        category,
        "Audit",
    ]
    return csv_bytes([headers, values])


def upload_disclosures(user: User, data: bytes):
    from sharing.core.clock import now
    from sharing.reports import importing

    return importing.upload_import(
        actor=user, stream=io.BytesIO(data), filename="log.csv", now=now(), disclosures=True
    )


def _job() -> dict:
    user = _uploader()
    if user.role.value not in IMPORTERS:  # sees only disclosure imports
        return {"job": upload_disclosures(user, disclosure_file()).id}
    department = make_department()
    return {"job": upload(user, small_registry(department.code)).id}


PAGES: tuple[Page, ...] = (
    Page("reports.imports", "/reports/imports", IMPORTERS),
    Page("reports.import_job", "/reports/imports/{job}", STAFF, params=_job),
    Page("reports.import_status", "/reports/imports/{job}/status.json", STAFF, params=_job),
    Page("reports.import_errors", "/reports/imports/{job}/errors.csv", STAFF, params=_job),
    Page("reports.disclosure_imports", "/reports/imports/disclosures", STAFF),
    Page("reports.disclosure_template", "/reports/imports/disclosures/template.csv", STAFF),
    Page("reports.export_organisations", "/reports/export/organisations.csv", STAFF),
    Page("reports.export_flows", "/reports/export/flows.xlsx", STAFF),
    Page("reports.import_template", "/reports/import-template.xlsx", STAFF),
)


def upload_ok(login_as):
    login_as("procurement")
    data = small_registry(make_department().code)
    return "/reports/imports", {"file": (io.BytesIO(data), "registry.xlsx")}


def upload_rejected(login_as):
    login_as("procurement")
    return "/reports/imports", {"file": (io.BytesIO(PNG), "registry.xlsx")}


def confirm_unchanged(login_as):
    # Confirming writes import.committed plus one event per created or updated row. This
    # case imports a file a second time, so every row is unchanged and the summary is the
    # only event: the table's one-event rule then holds.
    from sharing.core.clock import now
    from sharing.reports import importing

    user = login_as("procurement")
    data = small_registry(make_department().code)
    importing.confirm_import(actor=user, job=upload(user, data), now=now())
    return f"/reports/imports/{upload(user, data).id}/confirm", {}


def upload_disclosures_ok(login_as):
    login_as("privacy")
    return "/reports/imports/disclosures", {"file": (io.BytesIO(disclosure_file()), "log.csv")}


def upload_disclosures_rejected(login_as):
    login_as("privacy")
    return "/reports/imports/disclosures", {"file": (io.BytesIO(PNG), "log.csv")}


def cancel(login_as):
    user = login_as("admin")
    return f"/reports/imports/{upload(user, small_registry(make_department().code)).id}/cancel", {}


def save_mapping(login_as):
    from sharing.reports import import_mapping

    user = login_as("procurement")
    job = upload(user, small_registry(make_department().code))
    choices = {
        column.field: column.choice
        for sheet in import_mapping.mapping_sheets(job)
        for column in sheet.columns
    }
    return f"/reports/imports/{job.id}/mapping", choices


def confirm_department(login_as):
    user = login_as("procurement")
    make_department(name="Parks, Recreation & Neighborhood Services", code="PRNS")
    job = upload(user, small_registry("Parks"))
    return f"/reports/imports/{job.id}/departments", {"key": job.suggestions[0]["key"]}


AUDIT_CASES: tuple[AuditCase, ...] = (
    AuditCase("reports.upload", "import.uploaded", upload_ok, "accepted"),
    AuditCase("reports.upload", "import.rejected", upload_rejected, "rejected"),
    AuditCase("reports.confirm_import", "import.committed", confirm_unchanged, "unchanged"),
    AuditCase("reports.cancel_import", "import.cancelled", cancel),
    AuditCase("reports.save_mapping", "import.mapping_changed", save_mapping),
    AuditCase("reports.confirm_department", "import.department_confirmed", confirm_department),
    AuditCase("reports.upload_disclosures", "import.uploaded", upload_disclosures_ok, "accepted"),
    AuditCase(
        "reports.upload_disclosures", "import.rejected", upload_disclosures_rejected, "rejected"
    ),
)

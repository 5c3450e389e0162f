"""Coverage-table rows for the reports blueprint: import and export pages, and import POSTs."""

from __future__ import annotations

import io

from sqlalchemy import select

from sharing.auth.models import User
from sharing.extensions import db
from tests.factories import make_department, make_user
from tests.fixtures.spreadsheets import small_registry, upload
from tests.web.tables import STAFF, AuditCase, Page

IMPORTERS = ("admin", "procurement")
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def _uploader() -> User:
    """The signed-in user when there is one (a job is only visible to its uploader and admins)."""
    latest = db.session.scalar(select(User).order_by(User.id.desc()).limit(1))
    if latest is None or latest.role.value not in IMPORTERS:
        latest = make_user("procurement")
    return latest


def _job() -> dict:
    department = make_department()
    return {"job": upload(_uploader(), small_registry(department.code)).id}


PAGES: tuple[Page, ...] = (
    Page("reports.imports", "/reports/imports", IMPORTERS),
    Page("reports.import_job", "/reports/imports/{job}", IMPORTERS, params=_job),
    Page("reports.import_status", "/reports/imports/{job}/status.json", IMPORTERS, params=_job),
    Page("reports.import_errors", "/reports/imports/{job}/errors.csv", IMPORTERS, params=_job),
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


def cancel(login_as):
    user = login_as("admin")
    return f"/reports/imports/{upload(user, small_registry(make_department().code)).id}/cancel", {}


AUDIT_CASES: tuple[AuditCase, ...] = (
    AuditCase("reports.upload", "import.uploaded", upload_ok, "accepted"),
    AuditCase("reports.upload", "import.rejected", upload_rejected, "rejected"),
    AuditCase("reports.confirm_import", "import.committed", confirm_unchanged, "unchanged"),
    AuditCase("reports.cancel_import", "import.cancelled", cancel),
)

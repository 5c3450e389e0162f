"""Coverage rows for the accountability report workbook:
roles (PAGES), audit events (AUDIT_CASES) and vendor isolation (ISOLATION_CASES).

The report is read-only (no POST, so no audit case) and staff-only (no vendor route)."""

from __future__ import annotations

from tests.web.tables import AuditCase, IsolationCase, Page

OFFICE = ("admin", "privacy")

PAGES: tuple[Page, ...] = (
    Page("reports.accountability", "/reports/accountability", OFFICE),
    Page("reports.accountability_workbook", "/reports/accountability/2025.xlsx", OFFICE),
    Page("reports.accountability_sheet", "/reports/accountability/2025/summary.csv", OFFICE),
)
AUDIT_CASES: tuple[AuditCase, ...] = ()
ISOLATION_CASES: tuple[IsolationCase, ...] = ()

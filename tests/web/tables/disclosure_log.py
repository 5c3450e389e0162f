"""Coverage rows for the disclosure log and the accounting report:
roles (PAGES), audit events (AUDIT_CASES) and vendor isolation (ISOLATION_CASES)."""

from __future__ import annotations

from tests.web.tables import AuditCase, IsolationCase, Page

PAGES: tuple[Page, ...] = ()
AUDIT_CASES: tuple[AuditCase, ...] = ()
ISOLATION_CASES: tuple[IsolationCase, ...] = ()

"""Coverage rows for reminder history and the reminders list:
roles (PAGES), audit events (AUDIT_CASES) and vendor isolation (ISOLATION_CASES).

The reminders list has no POST route and no vendor route with an id, so only PAGES has rows."""

from __future__ import annotations

from tests.web.tables import AuditCase, IsolationCase, Page

PAGES: tuple[Page, ...] = (Page("renewals.reminders", "/renewals/reminders", ("admin", "privacy")),)
AUDIT_CASES: tuple[AuditCase, ...] = ()
ISOLATION_CASES: tuple[IsolationCase, ...] = ()

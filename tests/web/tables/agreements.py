"""Coverage-table rows for this blueprint: its pages by role, and its audited POST routes."""

from __future__ import annotations

from tests.web.tables import AuditCase, Page

PAGES: tuple[Page, ...] = ()

AUDIT_CASES: tuple[AuditCase, ...] = ()

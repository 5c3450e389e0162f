"""Coverage-table rows for the agreement template pages: pages by role, audited POST routes."""

from __future__ import annotations

from tests.web.tables import AuditCase, Page

PAGES: tuple[Page, ...] = ()

AUDIT_CASES: tuple[AuditCase, ...] = ()

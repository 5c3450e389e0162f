"""Coverage rows for the role dashboards and their charts:
roles (PAGES), audit events (AUDIT_CASES) and vendor isolation (ISOLATION_CASES).

The dashboards themselves are the home page (dashboard.home, listed with the core pages) and the
portal home (portal.home); the charts are images served by dashboard.chart, staff only. Nothing
here posts, and no dashboard route takes an object's id."""

from __future__ import annotations

from tests.web.tables import STAFF, AuditCase, IsolationCase, Page

PAGES: tuple[Page, ...] = (Page("dashboard.chart", "/charts/agreements.svg", STAFF),)
AUDIT_CASES: tuple[AuditCase, ...] = ()
ISOLATION_CASES: tuple[IsolationCase, ...] = ()

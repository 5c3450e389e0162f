"""Coverage rows for the staff incident register:
roles (PAGES), audit events (AUDIT_CASES) and vendor isolation (ISOLATION_CASES)."""

from __future__ import annotations

from tests.factories import make_organisation
from tests.web.tables import AuditCase, IsolationCase, Page
from tests.web.tables.portal import make_incident

OFFICE = ("admin", "privacy")


def _incident() -> dict:
    return {"incident": make_incident(make_organisation().id).id}


PAGES: tuple[Page, ...] = (
    Page("disclosures.incidents", "/disclosures/incidents", OFFICE),
    Page("disclosures.incident", "/disclosures/incidents/{incident}", OFFICE, params=_incident),
)
# The register is read-only so far, and vendors never reach it (they use the portal).
AUDIT_CASES: tuple[AuditCase, ...] = ()
ISOLATION_CASES: tuple[IsolationCase, ...] = ()

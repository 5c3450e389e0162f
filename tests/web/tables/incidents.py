"""Coverage rows for the staff incident register:
roles (PAGES), audit events (AUDIT_CASES) and vendor isolation (ISOLATION_CASES)."""

from __future__ import annotations

from datetime import timedelta

from sharing.core.clock import local, now
from sharing.disclosures.models import IncidentStatus
from tests.factories import make_organisation
from tests.web.tables import AuditCase, IsolationCase, Page
from tests.web.tables.portal import make_incident

OFFICE = ("admin", "privacy")
REPORTERS = ("admin", "privacy", "procurement")


def _incident() -> dict:
    return {"incident": make_incident(make_organisation().id).id}


def _organisation() -> dict:
    return {"organisation": make_organisation().id}


PAGES: tuple[Page, ...] = (
    Page("disclosures.incidents", "/disclosures/incidents", OFFICE),
    Page("disclosures.incident", "/disclosures/incidents/{incident}", OFFICE, params=_incident),
    Page(
        "disclosures.new_incident",
        "/disclosures/incidents/new?organisation={organisation}",
        REPORTERS,
        params=_organisation,
    ),
)


def new_incident(login_as):
    organisation = make_organisation()
    login_as("procurement")
    discovered = local(now() - timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M")
    return "/disclosures/incidents/new", {
        "organisation_id": str(organisation.id),
        "title": "Misdirected letters",
        "description": "Letters went to the wrong addresses.",
        "discovered_at": discovered,
    }


def _step(step: str, status: IncidentStatus, **data: str):
    def setup(login_as):
        incident = make_incident(make_organisation().id, status=status)
        login_as("privacy")
        return f"/disclosures/incidents/{incident.id}/{step}", {
            "version": str(incident.version),
            **data,
        }

    return setup


AUDIT_CASES: tuple[AuditCase, ...] = (
    AuditCase("disclosures.new_incident", "incident.reported", new_incident),
    AuditCase(
        "disclosures.incident_step",
        "incident.investigating",
        _step("investigating", IncidentStatus.REPORTED),
        "investigating",
    ),
    AuditCase(
        "disclosures.incident_step",
        "incident.notified",
        _step(
            "notified",
            IncidentStatus.INVESTIGATING,
            individuals_notified_on=local(now()).date().isoformat(),
        ),
        "notified",
    ),
    AuditCase(
        "disclosures.incident_step",
        "incident.closed",
        _step("closed", IncidentStatus.NOTIFIED, note="All letters recovered."),
        "closed",
    ),
)
# Staff pages only: vendors report and read their incidents through the portal.
ISOLATION_CASES: tuple[IsolationCase, ...] = ()

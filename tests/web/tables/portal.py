"""Coverage rows for the portal pages: roles (PAGES), audit events (AUDIT_CASES) and vendor
isolation (ISOLATION_CASES), with the incident set-up the portal tests share."""

from __future__ import annotations

import itertools
from datetime import timedelta
from typing import Any

from sharing.agreements.models import AgreementStatus
from sharing.core.clock import local, now
from sharing.disclosures.models import Incident, IncidentStatus
from sharing.extensions import db
from sharing.flows.models import FlowStatus
from sharing.vendors.models import Organisation
from tests.factories import make_flow, make_organisation
from tests.web.tables import AuditCase, IsolationCase, Page
from tests.web.tables.agreement_lifecycle import make_agreement, make_signed_agreement

VENDOR = ("vendor",)
_references = itertools.count(1)


def make_incident(organisation_id: int, **overrides: Any) -> Incident:
    """An incident saved directly (the reporting service is not run)."""
    moment = now()
    values: dict[str, Any] = {
        "reference": f"INC-TEST-{next(_references):05d}",
        "organisation_id": organisation_id,
        "title": "Laptop stolen from a car",
        "description": "A laptop holding a spreadsheet of city records was stolen.",
        "discovered_at": moment - timedelta(hours=2),
        "reported_at": moment,
        "status": IncidentStatus.REPORTED,
        "notice_deadline": moment + timedelta(hours=70),
    }
    values.update(overrides)
    incident = Incident(**values)
    db.session.add(incident)
    db.session.commit()
    return incident


def _org_of(user) -> int:
    """The signed-in vendor's organisation, so the page shows its own row; else a fresh one."""
    if user is not None and user.role.value == "vendor":
        return user.organisation_id
    return make_organisation().id


# Pages ---------------------------------------------------------------------------------


def _agreement(user) -> dict:
    return {"agreement": make_agreement(AgreementStatus.ACTIVE, organisation_id=_org_of(user)).id}


def _signed(user) -> dict:
    return {"agreement": make_signed_agreement(organisation_id=_org_of(user)).id}


def _flow(user) -> dict:
    organisation = db.session.get(Organisation, _org_of(user))
    return {"flow": make_flow(organisation, status=FlowStatus.APPROVED).id}


def _incident(user) -> dict:
    return {"incident": make_incident(_org_of(user)).id}


PAGES: tuple[Page, ...] = (
    Page("portal.home", "/portal/", VENDOR),
    Page(
        "portal.agreement",
        "/portal/agreements/{agreement}",
        VENDOR,
        params=_agreement,
        for_user=True,
    ),
    Page(
        "portal.signed_copy",
        "/portal/agreements/{agreement}/signed.pdf",
        VENDOR,
        params=_signed,
        for_user=True,
    ),
    Page("portal.flow", "/portal/flows/{flow}", VENDOR, params=_flow, for_user=True),
    Page("portal.report_incident", "/portal/incidents/new", VENDOR),
    Page(
        "portal.incident", "/portal/incidents/{incident}", VENDOR, params=_incident, for_user=True
    ),
)


# Audited posts -------------------------------------------------------------------------


def incident_form(**overrides: Any) -> dict:
    """A complete incident report as the form posts it (discovered an hour ago, local time)."""
    data = {
        "title": "Misdirected email",
        "description": "A report with names and addresses was emailed to the wrong customer.",
        "discovered_at": local(now() - timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M"),
        "affected_individuals": "12",
        "containment": "The recipient confirmed deletion in writing.",
        "agreement_id": "",
    }
    data.update(overrides)
    return data


def report_incident(login_as):
    login_as("vendor")
    return "/portal/incidents/new", incident_form()


UPDATE_FORM = {
    "text": "The mail server of the recipient kept a copy; it is now purged.",
    "affected_individuals": "14",
    "containment": "Outbound mail to that domain now needs a second approver.",
}


def add_incident_update(login_as):
    vendor = login_as("vendor")
    incident = make_incident(vendor.organisation_id)
    return f"/portal/incidents/{incident.id}/updates", dict(UPDATE_FORM)


AUDIT_CASES: tuple[AuditCase, ...] = (
    AuditCase("portal.report_incident", "incident.reported", report_incident),
    AuditCase("portal.add_incident_update", "incident.updated", add_incident_update),
)


# Isolation -----------------------------------------------------------------------------


def _iso_agreement(organisation) -> dict:
    agreement = make_agreement(AgreementStatus.ACTIVE, organisation_id=organisation.id)
    return {"agreement_id": agreement.id}


def _iso_signed(organisation) -> dict:
    return {"agreement_id": make_signed_agreement(organisation_id=organisation.id).id}


def _iso_flow(organisation) -> dict:
    return {"flow_id": make_flow(organisation, status=FlowStatus.APPROVED).id}


def _iso_incident(organisation) -> dict:
    return {"incident_id": make_incident(organisation.id).id}


ISOLATION_CASES: tuple[IsolationCase, ...] = (
    IsolationCase("portal.agreement", "GET", _iso_agreement),
    IsolationCase("portal.signed_copy", "GET", _iso_signed),
    IsolationCase("portal.flow", "GET", _iso_flow),
    IsolationCase("portal.incident", "GET", _iso_incident),
    IsolationCase("portal.add_incident_update", "POST", _iso_incident, data=UPDATE_FORM),
)

"""Builds the demo disclosure log entries and incidents."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sharing.core.roles import Role
from sharing.demo.context import DemoContext
from sharing.demo.oversight_data import DISCLOSURES, INCIDENTS
from sharing.disclosures.models import Disclosure, Incident, IncidentStatus
from sharing.extensions import db
from sharing.vendors.models import Organisation

LOG_RETENTION_DAYS = 5 * 365
NOTICE_HOURS = 72
NOTIFIED = (IncidentStatus.NOTIFIED, IncidentStatus.CLOSED)


def build_disclosures(ctx: DemoContext) -> None:
    for entry in DISCLOSURES:
        flow = ctx.current_flow(entry["system"])
        disclosed_on = ctx.date_in(-entry["days_ago"])
        disclosure = Disclosure(
            flow=flow,
            agreement=ctx.agreements.get(_org_key(ctx, flow.organisation)),
            organisation=flow.organisation,
            disclosed_on=disclosed_on,
            record_count=entry["record_count"],
            purpose=entry["purpose"],
            legal_authority=flow.legal_authority,
            requested_by=entry["requested_by"],
            authorized_by_id=ctx.users[Role.PRIVACY].id,
            method=entry["method"],
            retain_until=disclosed_on + timedelta(days=LOG_RETENTION_DAYS),
            created_by_id=ctx.users[Role.PRIVACY].id,
            is_demo=True,
        )
        disclosure.categories = [ctx.categories[name] for name in entry["categories"]]
        _describe_special_cases(ctx, disclosure, entry)
        db.session.add(disclosure)
        ctx.count("disclosures")


def _describe_special_cases(ctx: DemoContext, disclosure: Disclosure, entry: dict) -> None:
    """Recurring series, exempt releases and flagged entries."""
    if "recurring" in entry:
        frequency, occurrences, last_days_ago = entry["recurring"]
        disclosure.is_recurring = True
        disclosure.frequency = frequency
        disclosure.occurrence_count = occurrences
        disclosure.last_disclosed_on = ctx.date_in(-last_days_ago)
    if "exempt_reason" in entry:
        disclosure.exempt = True
        disclosure.exempt_reason = entry["exempt_reason"]
    if "flag_reasons" in entry:
        disclosure.flagged = True
        disclosure.flag_reasons = list(entry["flag_reasons"])


def _org_key(ctx: DemoContext, organisation: Organisation) -> str:
    return next(key for key, o in ctx.organisations.items() if o is organisation)


def build_incidents(ctx: DemoContext) -> None:
    ordered = sorted(INCIDENTS, key=lambda entry: -entry["days_ago"])
    for number, entry in enumerate(ordered, start=1):
        incident = Incident(**_incident_fields(ctx, entry))
        incident.reference = f"INC-{incident.reported_at.year}-{number:03d}"
        incident.flows = [ctx.current_flow(system) for system in entry["systems"]]
        incident.categories = [ctx.categories[name] for name in entry["categories"]]
        db.session.add(incident)
        ctx.count("incidents")


def _incident_fields(ctx: DemoContext, entry: dict[str, Any]) -> dict[str, Any]:
    reported = ctx.days_ago(entry["days_ago"])
    status = entry["status"]
    fields: dict[str, Any] = {
        "organisation": ctx.organisations[entry["org"]],
        "agreement": ctx.agreements.get(entry["org"]),
        "title": entry["title"],
        "description": entry["description"],
        "discovered_at": reported - timedelta(hours=20),
        "reported_at": reported,
        "reported_by_id": ctx.users[Role.PRIVACY].id,
        "affected_individuals": entry["affected"],
        "containment": entry["containment"],
        "status": status,
        "notice_deadline": reported + timedelta(hours=NOTICE_HOURS),
        "is_demo": True,
    }
    if status in NOTIFIED:
        fields["individuals_notified_on"] = (reported + timedelta(days=2)).date()
        fields["authorities_notified_on"] = (reported + timedelta(days=3)).date()
    if status == IncidentStatus.CLOSED:
        fields["closed_at"] = reported + timedelta(days=40)
    return fields

"""Which navigation links each role sees. Access is still enforced at every view.

Links sit in groups; a role that sees only a few links gets them flat, without menus."""

from __future__ import annotations

from dataclasses import dataclass

from flask import url_for

STAFF = ("admin", "procurement", "privacy")
OFFICE = ("admin", "privacy")
FLAT_LIMIT = 6  # at most this many links: no drop-down menus


@dataclass(frozen=True)
class NavItem:
    label: str
    endpoint: str
    roles: tuple[str, ...]
    group: str = ""


NAV_ITEMS = (
    NavItem("Home", "dashboard.home", STAFF),
    NavItem("Home", "portal.home", ("vendor",)),
    NavItem("Organisations", "vendors.organisations", STAFF, "Register"),
    NavItem("Data flows", "flows.flows", STAFF, "Register"),
    NavItem("Data categories", "flows.categories", STAFF, "Register"),
    NavItem("Policy", "obligations.versions", STAFF, "Register"),
    NavItem("Agreements", "agreements.agreements", STAFF, "Oversight"),
    NavItem("Attestations", "attestations.requests", (*STAFF, "vendor"), "Oversight"),
    NavItem("Evidence", "attestations.evidence", (*STAFF, "vendor"), "Oversight"),
    NavItem("Incidents", "disclosures.incidents", OFFICE, "Oversight"),
    NavItem("Record an incident", "disclosures.new_incident", STAFF, "Oversight"),
    NavItem("Disclosure log", "disclosures.log", STAFF, "Oversight"),
    NavItem("Accounting of disclosures", "disclosures.accounting", OFFICE, "Oversight"),
    NavItem("Reminders", "renewals.reminders", OFFICE, "Oversight"),
    NavItem("Accountability report", "reports.accountability", OFFICE, "Oversight"),
    NavItem("Calendar feed", "renewals.calendar", (*STAFF, "vendor"), "Oversight"),
    NavItem("Imports", "reports.imports", ("admin", "procurement"), "Administration"),
    NavItem("Invitations", "auth.invitations", STAFF, "Administration"),
    NavItem("Users", "auth.users", ("admin",), "Administration"),
    NavItem("Departments", "auth.departments", ("admin",), "Administration"),
    NavItem("Audit trail", "audit.events", OFFICE, "Administration"),
    NavItem("Outbox", "mail.outbox", ("admin",), "Administration"),
    NavItem("Public register", "register.index", (*STAFF, "vendor")),
)


def navigation_for(user) -> list[dict]:
    """The user's links in order: plain links, and groups as {"group", "items"} menus."""
    if not user or not user.is_authenticated:
        return []
    role = user.role.value
    visible = [item for item in NAV_ITEMS if role in item.roles]
    flat = len(visible) <= FLAT_LIMIT
    entries: list[dict] = []
    for item in visible:
        link = {"label": item.label, "url": url_for(item.endpoint), "endpoint": item.endpoint}
        if flat or not item.group:
            entries.append(link)
        elif entries and entries[-1].get("group") == item.group:
            entries[-1]["items"].append(link)
        else:
            entries.append({"group": item.group, "items": [link]})
    return entries

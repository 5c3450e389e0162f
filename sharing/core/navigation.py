"""Which navigation links each role sees. Access is still enforced at every view.

Links sit in groups; a role that sees only a few links gets them flat, without menus."""

from __future__ import annotations

from dataclasses import dataclass

from flask import url_for

from sharing.core.roles import Role

# At most this many links: no drop-down menus (a vendor user has six, which fit a 1280-pixel
# screen; a vendor reaches the calendar feed from the portal's home page).
FLAT_LIMIT = 6


@dataclass(frozen=True)
class NavItem:
    label: str
    endpoint: str
    roles: tuple[Role, ...]
    group: str = ""
    # Roles that may open the page but reach it from another page, not from the navigation.
    elsewhere: tuple[Role, ...] = ()


NAV_ITEMS = (
    NavItem("Home", "dashboard.home", Role.STAFF),
    NavItem("Home", "portal.home", (Role.VENDOR,)),
    NavItem("Organizations", "vendors.organisations", Role.STAFF, "Register"),
    NavItem("Data flows", "flows.flows", Role.STAFF, "Register"),
    NavItem("Data categories", "flows.categories", Role.STAFF, "Register"),
    NavItem("Algorithms", "algorithms.algorithms", Role.STAFF, "Register"),
    NavItem("Policy", "obligations.versions", Role.STAFF, "Register"),
    NavItem("Agreements", "agreements.agreements", Role.STAFF, "Oversight"),
    NavItem("Offers for adoption", "adoptions.offers", Role.STAFF, "Oversight"),
    NavItem("Attestations", "attestations.requests", Role.EVERYONE, "Oversight"),
    NavItem("Evidence", "attestations.evidence", Role.EVERYONE, "Oversight"),
    NavItem("AI fact sheets", "algorithms.fact_sheets", Role.EVERYONE, "Oversight"),
    NavItem("Incidents", "disclosures.incidents", Role.OFFICE, "Oversight"),
    NavItem("Concerns from the public", "concerns.cases", Role.OFFICE, "Oversight"),
    NavItem("Record an incident", "disclosures.new_incident", Role.STAFF, "Oversight"),
    NavItem("Disclosure log", "disclosures.log", Role.STAFF, "Oversight"),
    NavItem("Accounting of disclosures", "disclosures.accounting", Role.OFFICE, "Oversight"),
    NavItem("Reminders", "renewals.reminders", Role.OFFICE, "Oversight"),
    NavItem("Accountability report", "reports.accountability", Role.OFFICE, "Oversight"),
    NavItem("Exceptions agreed", "negotiation.exceptions", Role.STAFF, "Oversight"),
    NavItem("Disposition of data", "disposition.directives", Role.EVERYONE, "Oversight"),
    NavItem("Calendar feed", "renewals.calendar", Role.STAFF, "Oversight", (Role.VENDOR,)),
    NavItem("Imports", "reports.imports", Role.REGISTRY_EDITORS, "Administration"),
    NavItem("Invitations", "auth.invitations", Role.STAFF, "Administration"),
    NavItem("Users", "auth.users", (Role.ADMIN,), "Administration"),
    NavItem("Departments", "auth.departments", (Role.ADMIN,), "Administration"),
    NavItem("Audit trail", "audit.events", Role.OFFICE, "Administration"),
    NavItem("Outbox", "mail.outbox", (Role.ADMIN,), "Administration"),
    NavItem("Settings", "settings.settings", (Role.ADMIN,), "Administration"),
    NavItem("Public register", "register.index", Role.EVERYONE),
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

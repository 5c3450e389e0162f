"""Which navigation links each role sees. Access is still enforced at every view."""

from __future__ import annotations

from dataclasses import dataclass

from flask import url_for


@dataclass(frozen=True)
class NavItem:
    label: str
    endpoint: str
    roles: tuple[str, ...]


NAV_ITEMS = (
    NavItem("Home", "core.home", ("admin", "procurement", "privacy")),
    NavItem("Home", "portal.home", ("vendor",)),
    NavItem("Organisations", "vendors.organisations", ("admin", "procurement", "privacy")),
    NavItem("Data flows", "flows.flows", ("admin", "procurement", "privacy")),
    NavItem("Data categories", "flows.categories", ("admin", "procurement", "privacy")),
    NavItem("Agreements", "agreements.agreements", ("admin", "procurement", "privacy")),
    NavItem("Attestations", "attestations.requests", ("admin", "procurement", "privacy", "vendor")),
    NavItem("Evidence", "attestations.evidence", ("admin", "procurement", "privacy", "vendor")),
    NavItem("Policy", "obligations.versions", ("admin", "procurement", "privacy")),
    NavItem("Imports", "reports.imports", ("admin", "procurement")),
    NavItem("Invitations", "auth.invitations", ("admin", "procurement", "privacy")),
    NavItem("Users", "auth.users", ("admin",)),
    NavItem("Departments", "auth.departments", ("admin",)),
    NavItem("Audit trail", "audit.events", ("admin", "privacy")),
    NavItem("Outbox", "mail.outbox", ("admin",)),
)


def navigation_for(user) -> list[dict[str, str]]:
    if not user or not user.is_authenticated:
        return []
    role = user.role.value
    return [
        {"label": item.label, "url": url_for(item.endpoint), "endpoint": item.endpoint}
        for item in NAV_ITEMS
        if role in item.roles
    ]

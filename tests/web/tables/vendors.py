"""Coverage-table rows for this blueprint: its pages by role, and its audited POST routes."""

from __future__ import annotations

from tests.factories import make_contact, make_organisation
from tests.web.tables import STAFF, AuditCase, Page

EDITORS = ("admin", "procurement")


def _organisation() -> dict:
    return {"organisation": make_organisation().id}


def _contact() -> dict:
    organisation = make_organisation()
    return {"organisation": organisation.id, "contact": make_contact(organisation).id}


PAGES: tuple[Page, ...] = (
    Page("vendors.organisations", "/vendors/", STAFF),
    Page("vendors.new_organisation", "/vendors/new", EDITORS),
    Page("vendors.organisation", "/vendors/{organisation}", STAFF, params=_organisation),
    Page(
        "vendors.edit_organisation",
        "/vendors/{organisation}/edit",
        EDITORS,
        params=_organisation,
    ),
    Page(
        "vendors.new_contact",
        "/vendors/{organisation}/contacts/new",
        EDITORS,
        params=_organisation,
    ),
    Page(
        "vendors.edit_contact",
        "/vendors/{organisation}/contacts/{contact}/edit",
        EDITORS,
        params=_contact,
    ),
)


def organisation_form(**overrides) -> dict:
    """A complete, valid organisation form as a browser would post it."""
    data = {
        "legal_name": "Harbour Analytics LLC",
        "common_name": "Harbour Analytics",
        "kind": "vendor",
        "status": "prospective",
        "parent_id": "",
        "ein": "",
        "duns": "",
        "state_registration": "",
        "address_line1": "",
        "address_line2": "",
        "city": "",
        "region": "",
        "postal_code": "",
        "country": "US",
        "website": "",
        "privacy_policy_url": "",
        "dpa_url": "",
        "subprocessor_list_url": "",
        "certifications": "",
        "notes": "",
        "version": "",
    }
    data.update(overrides)
    return data


def contact_form(**overrides) -> dict:
    data = {
        "name": "Rosa Delgado",
        "title": "Privacy officer",
        "email": "rosa@harbour.example",
        "phone": "",
        "role": "privacy",
    }
    data.update(overrides)
    return data


def register(login_as):
    login_as("procurement")
    return "/vendors/new", organisation_form()


def register_confirmed_duplicate(login_as):
    login_as("admin")
    make_organisation(legal_name="Harbour Analytics, Inc.")
    return "/vendors/new", organisation_form(confirm_distinct="y")


def edit(login_as):
    login_as("procurement")
    organisation = make_organisation()
    data = organisation_form(
        legal_name=organisation.legal_name, notes="Renewed", version=str(organisation.version)
    )
    return f"/vendors/{organisation.id}/edit", data


def edit_without_changes(login_as):
    login_as("admin")
    organisation = make_organisation(common_name="Same")
    data = organisation_form(
        legal_name=organisation.legal_name, common_name="Same", version=str(organisation.version)
    )
    return f"/vendors/{organisation.id}/edit", data


def add_contact(login_as):
    login_as("procurement")
    return f"/vendors/{make_organisation().id}/contacts/new", contact_form()


def edit_contact(login_as):
    login_as("admin")
    ids = _contact()
    url = f"/vendors/{ids['organisation']}/contacts/{ids['contact']}/edit"
    return url, contact_form(title="Chief privacy officer")


def delete_contact(login_as):
    login_as("procurement")
    ids = _contact()
    return f"/vendors/{ids['organisation']}/contacts/{ids['contact']}/delete", {}


AUDIT_CASES: tuple[AuditCase, ...] = (
    AuditCase("vendors.new_organisation", "organisation.registered", register),
    AuditCase(
        "vendors.new_organisation",
        "organisation.registered",
        register_confirmed_duplicate,
        "confirmed-duplicate",
    ),
    AuditCase("vendors.edit_organisation", "organisation.updated", edit),
    AuditCase(
        "vendors.edit_organisation",
        "organisation.updated",
        edit_without_changes,
        "no-changes",
    ),
    AuditCase("vendors.new_contact", "contact.added", add_contact),
    AuditCase("vendors.edit_contact", "contact.updated", edit_contact),
    AuditCase("vendors.delete_contact", "contact.removed", delete_contact),
)

"""The columns of the Contacts sheet: the organisation a contact belongs to (by legal name),
and the contact's own fields, which the contact form's rules check (vendors/rules.py)."""

from __future__ import annotations

from sharing.core.columns import Column, enum_column
from sharing.vendors.models import ContactRole

CONTACT_COLUMNS: tuple[Column, ...] = (
    Column(
        "organisation",
        "Organization",
        (
            "Organization name",
            "Legal name",
            "Vendor",
            "Vendor name",
            "Company",
            "Supplier",
        ),
        "text",
        "Legal name of the organization, as on the Organizations sheet or already registered.",
        "Acme Transit Analytics, Inc.",
        required=True,
    ),
    Column(
        "name",
        "Contact name",
        ("Name", "Full name", "Contact", "Person"),
        "text",
        "The person's full name.",
        "Dana Rivera",
        required=True,
    ),
    Column(
        "title",
        "Job title",
        ("Title", "Position"),
        "text",
        "Their job title, if known.",
        "Data Protection Officer",
    ),
    Column(
        "email",
        "Email",
        ("E-mail", "Email address", "E-mail address", "Contact email"),
        "text",
        "Their work email address; one contact per address in each organization.",
        "dana.rivera@acme.example",
        required=True,
    ),
    Column(
        "phone",
        "Phone",
        ("Telephone", "Phone number", "Tel", "Contact phone"),
        "text",
        "A phone number, as it should be dialed.",
        "(408) 555-0100",
    ),
    enum_column(
        "role",
        "Role",
        ContactRole,
        ("Contact role", "Contact type", "Responsibility"),
        "What the organization relies on this person for.",
        "Privacy",
        required=True,
    ),
)

"""Builds the demo departments, organisations with their contacts, and sign-in users."""

from __future__ import annotations

import unicodedata
from typing import Any

from sqlalchemy import or_, select

from sharing.auth.models import Department, User
from sharing.auth.passwords import hash_password
from sharing.core.roles import Role
from sharing.demo.context import DemoContext
from sharing.demo.organisations_data import ORGANISATIONS
from sharing.demo.people_data import (
    CONTACT_TITLES,
    DEMO_USERS,
    DEPARTMENTS,
    FIRST_NAMES,
    LAST_NAMES,
)
from sharing.extensions import db
from sharing.vendors.models import Contact, ContactRole, Organisation, OrganisationKind

STREETS = ("Market St", "Main St", "Oak Ave", "Commerce Blvd", "River Rd", "Park Pl", "1st St")

# Which contacts each kind of organisation has; together they cover every ContactRole.
CONTACT_ROLES: dict[OrganisationKind, tuple[ContactRole, ...]] = {
    OrganisationKind.VENDOR: tuple(ContactRole),
    OrganisationKind.PUBLIC_AGENCY: (ContactRole.SIGNATORY, ContactRole.PRIVACY),
    OrganisationKind.NONPROFIT: (ContactRole.SIGNATORY, ContactRole.PRIVACY),
    OrganisationKind.RESEARCH: (
        ContactRole.SIGNATORY,
        ContactRole.PRIVACY,
        ContactRole.SECURITY,
    ),
}


def build_departments(ctx: DemoContext) -> None:
    """The city departments; ones that already exist (by code or name) are reused."""
    for code, name in DEPARTMENTS:
        department = db.session.scalar(
            select(Department).where(or_(Department.code == code, Department.name == name))
        )
        if department is None:
            department = Department(code=code, name=name, active=True)
            db.session.add(department)
            ctx.count("departments")
        ctx.departments[code] = department


def build_organisations(ctx: DemoContext) -> None:
    for entry in ORGANISATIONS:
        organisation = _organisation(ctx, entry)
        organisation.contacts = [
            _contact(ctx, entry, role) for role in CONTACT_ROLES[organisation.kind]
        ]
        db.session.add(organisation)
        ctx.organisations[entry["key"]] = organisation
        ctx.profiles[entry["key"]] = entry
        ctx.count("organisations")
        ctx.count("contacts", len(organisation.contacts))


def _organisation(ctx: DemoContext, entry: dict[str, Any]) -> Organisation:
    city, region, postal_code = entry["place"]
    domain = entry["domain"]
    is_vendor = entry["kind"] == OrganisationKind.VENDOR
    us_based = entry["country"] == "US"
    return Organisation(
        kind=entry["kind"],
        legal_name=entry["legal_name"],
        common_name=entry["common_name"],
        ein=f"{ctx.rng.randint(10, 99)}-{ctx.rng.randint(1000000, 9999999)}" if us_based else None,
        address_line1=f"{ctx.rng.randint(100, 9999)} {ctx.rng.choice(STREETS)}",
        city=city,
        region=region,
        postal_code=postal_code,
        country=entry["country"],
        website=f"https://www.{domain}",
        privacy_policy_url=f"https://www.{domain}/privacy",
        dpa_url=f"https://www.{domain}/legal/dpa" if is_vendor else "",
        subprocessor_list_url=f"https://www.{domain}/legal/subprocessors" if is_vendor else "",
        certifications=list(entry["certifications"]),
        status=entry["status"],
        notes=entry["notes"],
        is_demo=True,
    )


def _contact(ctx: DemoContext, entry: dict[str, Any], role: ContactRole) -> Contact:
    first, last = ctx.rng.choice(FIRST_NAMES), ctx.rng.choice(LAST_NAMES)
    return Contact(
        name=f"{first} {last}",
        title=ctx.rng.choice(CONTACT_TITLES[role.value]),
        email=f"{_ascii(first)}.{_ascii(last)}@{entry['domain']}",
        phone=_phone(ctx, entry["country"]),
        role=role,
    )


def _ascii(text: str) -> str:
    """An email-safe spelling of a name: accents and apostrophes dropped, lower case."""
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return "".join(c for c in plain.lower() if c.isalnum())


def _phone(ctx: DemoContext, country: str) -> str:
    # 555-01xx numbers are reserved for fiction in North America.
    line = f"555-{ctx.rng.randint(100, 199):04d}"
    if country == "IE":
        return f"+353 1 {line}"
    return f"+1 {ctx.rng.choice(('408', '415', '510', '650', '416'))}-{line}"


def build_users(ctx: DemoContext) -> None:
    """One user per role, with the known demo passwords."""
    for entry in DEMO_USERS:
        department = ctx.departments.get(entry.get("department", ""))
        organisation = ctx.organisations.get(entry.get("organisation", ""))
        user = User(
            email=entry["email"],
            name=entry["name"],
            role=entry["role"],
            password_hash=hash_password(entry["password"]),
            department=department,
            organisation=organisation,
            active=True,
            may_sign=entry.get("may_sign", False),
            password_changed_at=ctx.now,
        )
        db.session.add(user)
        ctx.users[Role(entry["role"])] = user
        ctx.count("users")

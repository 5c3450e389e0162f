"""Who receives a reminder or an attestation notice: the vendor's contacts with the right role,
its vendor users, the owning department's procurement users and the privacy office. Loaded once
per run, so planning makes no query per object. It reads users and contacts, so it sits with
the users, below renewals and attestations, which both send to these people."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from sqlalchemy import select

from sharing.auth.models import User
from sharing.core.roles import Role
from sharing.extensions import db
from sharing.vendors.models import Contact, ContactRole

# For each kind: the contact roles to write to, first choice first (the next is a fallback
# used only when the organisation has no contact with the one before).
CONTACT_ROLES: dict[str, tuple[ContactRole, ...]] = {
    "renewal": (ContactRole.SIGNATORY,),
    "attestation": (ContactRole.PRIVACY, ContactRole.SIGNATORY),
    "evidence": (ContactRole.SECURITY, ContactRole.PRIVACY),
    "incident": (ContactRole.SECURITY,),
    "disposition": (ContactRole.PRIVACY, ContactRole.SIGNATORY),
}
# Kinds whose vendor users answer in the portal, so they hear about it too.
VENDOR_USERS_TOO = frozenset({"attestation", "disposition"})


def _clean(address: str | None) -> str:
    return (address or "").strip().lower()


@dataclass(frozen=True)
class Recipients:
    """Addresses split by the page their link should open: staff pages or the portal."""

    staff: tuple[str, ...] = ()
    vendor: tuple[str, ...] = ()

    @property
    def all(self) -> list[str]:
        return sorted(set(self.staff) | set(self.vendor))

    def audience(self, address: str) -> str:
        """ "staff" when the address belongs to a staff user, else "vendor"."""
        return "staff" if address in self.staff else "vendor"


@dataclass(frozen=True)
class Person:
    """A user as the inbox needs them: who, and where their mail goes."""

    id: int
    email: str


@dataclass
class Directory:
    """Every address a run may need, keyed by organisation and department."""

    contacts: dict[int, dict[ContactRole, list[str]]] = field(default_factory=dict)
    vendor_people: dict[int, list[Person]] = field(default_factory=dict)
    procurement: dict[int, list[str]] = field(default_factory=dict)
    privacy: list[str] = field(default_factory=list)

    @classmethod
    def load(cls, organisation_ids: Iterable[int]) -> Directory:
        """Four queries, whatever the number of organisations."""
        orgs = sorted({org for org in organisation_ids if org is not None})
        directory = cls()
        contacts: dict[int, dict[ContactRole, list[str]]] = defaultdict(lambda: defaultdict(list))
        if orgs:
            rows = db.session.execute(
                select(Contact.organisation_id, Contact.role, Contact.email).where(
                    Contact.organisation_id.in_(orgs)
                )
            )
            for org, role, email in rows:
                if _clean(email):
                    contacts[org][role].append(_clean(email))
            users = db.session.execute(
                select(User.organisation_id, User.id, User.email).where(
                    User.role == Role.VENDOR, User.active.is_(True), User.organisation_id.in_(orgs)
                )
            )
            vendor_people: dict[int, list[Person]] = defaultdict(list)
            for org, user_id, email in users:
                vendor_people[org].append(Person(user_id, _clean(email)))
            directory.vendor_people = dict(vendor_people)
        directory.contacts = {org: dict(by_role) for org, by_role in contacts.items()}
        procurement: dict[int, list[str]] = defaultdict(list)
        staff = db.session.execute(
            select(User.role, User.department_id, User.email).where(
                User.role.in_((Role.PROCUREMENT, Role.PRIVACY)), User.active.is_(True)
            )
        )
        for role, department_id, email in staff:
            if role == Role.PRIVACY:
                directory.privacy.append(_clean(email))
            elif department_id is not None:
                procurement[department_id].append(_clean(email))
        directory.procurement = dict(procurement)
        return directory

    def for_kind(
        self, kind: str, *, organisation_id: int | None, department_id: int | None
    ) -> Recipients:
        """The reminder's recipients: de-duplicated, lower-case and sorted."""
        vendor: set[str] = set()
        by_role = self.contacts.get(organisation_id, {}) if organisation_id else {}
        for role in CONTACT_ROLES[kind]:
            if by_role.get(role):
                vendor.update(by_role[role])
                break
        if kind in VENDOR_USERS_TOO and organisation_id:
            vendor.update(p.email for p in self.vendor_people.get(organisation_id, []))
        staff = set(self.privacy)
        if department_id is not None:
            staff.update(self.procurement.get(department_id, []))
        return Recipients(staff=tuple(sorted(staff)), vendor=tuple(sorted(vendor - staff)))


# The people a handoff notifies, as users (the inbox needs their ids, not only addresses).


def privacy_officers() -> list[User]:
    """Every active privacy-office user."""
    return list(
        db.session.scalars(
            select(User).where(User.role == Role.PRIVACY, User.active.is_(True)).order_by(User.id)
        )
    )


def organisation_users(organisation_id: int | None) -> list[User]:
    """The organisation's active vendor users, and nobody else's."""
    if organisation_id is None:
        return []
    return list(
        db.session.scalars(
            select(User)
            .where(
                User.role == Role.VENDOR,
                User.active.is_(True),
                User.organisation_id == organisation_id,
            )
            .order_by(User.id)
        )
    )


def department_buyers(department_id: int | None) -> list[User]:
    """The department's active procurement users: the people who buy for it."""
    if department_id is None:
        return []
    return list(
        db.session.scalars(
            select(User)
            .where(
                User.role == Role.PROCUREMENT,
                User.active.is_(True),
                User.department_id == department_id,
            )
            .order_by(User.id)
        )
    )


def active_users(user_ids: Iterable[int | None]) -> list[User]:
    """The named users who are still active (a deleted or missing id is skipped)."""
    ids = {user_id for user_id in user_ids if user_id is not None}
    if not ids:
        return []
    return list(
        db.session.scalars(
            select(User).where(User.id.in_(ids), User.active.is_(True)).order_by(User.id)
        )
    )

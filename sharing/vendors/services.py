"""Organisation and contact use cases: register, update, duplicates, conflicts, contacts."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm.exc import StaleDataError

from sharing.audit import services as audit
from sharing.audit.models import AuditEvent
from sharing.core.database import commit_or_conflict
from sharing.errors import Conflict, DomainError, ValidationFailed
from sharing.extensions import db
from sharing.vendors.models import (
    Contact,
    Organisation,
    OrganisationKind,
    OrganisationStatus,
    normalise_name,
)
from sharing.vendors.rules import (
    CONTACT_FIELDS,
    IDENTIFIER_FIELDS,
    ORGANISATION_FIELDS,
    check_contact,
    check_organisation,
    clean_contact_values,
    clean_organisation_values,
)

__all__ = [
    "ORGANISATION_FIELDS",
    "ChangeSince",
    "PossibleDuplicate",
    "StaleOrganisation",
    "add_contact",
    "check_organisation",
    "clean_organisation_values",
    "delete_contact",
    "find_duplicates",
    "organisation_changes",
    "register_organisation",
    "update_contact",
    "update_organisation",
]

MAX_DUPLICATES = 10
STALE_MESSAGE = "Someone else saved this organization at the same moment. Reload it."
_DEFAULTS: dict[str, Any] = {
    "status": OrganisationStatus.PROSPECTIVE,
    "country": "US",
    "certifications": [],
}


class PossibleDuplicate(DomainError):
    """The name or an identifier matches organisations already registered."""

    status_code = 409

    def __init__(self, matches: list[Organisation], reasons: dict[int, list[str]]) -> None:
        super().__init__(
            "An organization with the same name or identifier is already registered. "
            "Check the matches below before saving."
        )
        self.matches = matches
        self.reasons = reasons  # organisation id -> what matched ("name", "EIN", ...)


@dataclass(frozen=True)
class ChangeSince:
    """One save made by someone else after the form was opened."""

    actor_email: str
    at: datetime
    changes: dict[str, dict[str, Any]]


class StaleOrganisation(Conflict):
    """The organisation was saved by someone else after the form was opened."""

    def __init__(self, changes: list[ChangeSince]) -> None:
        summary = "; ".join(
            f"{change.actor_email} changed {', '.join(change.changes) or 'the record'}"
            for change in changes
        )
        super().__init__(
            "Someone else saved this organization after you opened it, so nothing was saved. "
            + (f"Their changes: {summary}. " if summary else "")
            + "Review your entries against theirs, then save again to keep yours."
        )
        self.changes = changes


# Duplicates --------------------------------------------------------------------------


def _identifiers(legal_name: str, ein, duns, state_registration) -> dict[str, Any]:
    cleaned = clean_organisation_values(
        {"ein": ein, "duns": duns, "state_registration": state_registration}
    )
    return {"name": normalise_name(legal_name or ""), **cleaned}


def find_duplicates(
    *,
    legal_name: str,
    ein: str | None = None,
    duns: str | None = None,
    state_registration: str | None = None,
    exclude_id: int | None = None,
) -> list[Organisation]:
    """Organisations whose normalised legal name, EIN, DUNS or state registration match."""
    keys = _identifiers(legal_name, ein, duns, state_registration)
    conditions = []
    if keys["name"]:
        conditions.append(Organisation.normalised_name == keys["name"])
    for name in ("ein", "duns", "state_registration"):
        if keys[name]:
            conditions.append(getattr(Organisation, name) == keys[name])
    if not conditions:
        return []
    stmt = select(Organisation).where(or_(*conditions))
    if exclude_id is not None:
        stmt = stmt.where(Organisation.id != exclude_id)
    stmt = stmt.order_by(Organisation.legal_name, Organisation.id).limit(MAX_DUPLICATES)
    return list(db.session.scalars(stmt))


def matched_on(organisation: Organisation, values: dict[str, Any]) -> list[str]:
    """What an existing organisation shares with the values: "name", "EIN", "DUNS"..."""
    keys = _identifiers(
        values.get("legal_name") or "",
        values.get("ein"),
        values.get("duns"),
        values.get("state_registration"),
    )
    labels = {"ein": "EIN", "duns": "DUNS", "state_registration": "state registration"}
    reasons = ["name"] if keys["name"] and organisation.normalised_name == keys["name"] else []
    return reasons + [
        label
        for name, label in labels.items()
        if keys[name] and getattr(organisation, name) == keys[name]
    ]


def _refuse_duplicates(values: dict[str, Any], *, exclude_id: int | None) -> None:
    matches = find_duplicates(
        legal_name=values.get("legal_name") or "",
        ein=values.get("ein"),
        duns=values.get("duns"),
        state_registration=values.get("state_registration"),
        exclude_id=exclude_id,
    )
    if matches:
        raise PossibleDuplicate(matches, {m.id: matched_on(m, values) for m in matches})


# Organisations -----------------------------------------------------------------------


def _check(values: dict[str, Any], *, organisation: Organisation | None) -> None:
    errors = check_organisation(values)
    parent_id = values.get("parent_id")
    reason = None
    if "parent_id" not in errors and parent_id is not None:
        reason = _parent_error(parent_id, organisation)
    if reason:
        errors["parent_id"] = reason
    if errors:
        raise ValidationFailed(errors)


def _parent_error(parent_id: int, organisation: Organisation | None) -> str | None:
    parent = db.session.get(Organisation, parent_id)
    if parent is None:
        return "Choose one of the listed organizations."
    seen: set[int] = set()
    while parent is not None and parent.id not in seen:
        if organisation is not None and parent.id == organisation.id:
            return "An organization cannot be its own parent, directly or through others."
        seen.add(parent.id)
        parent = parent.parent
    return None


_ENUMS = {"kind": OrganisationKind, "status": OrganisationStatus}


def apply_values(organisation: Organisation, values: dict[str, Any]) -> None:
    """Set checked values on an organisation (no audit, no commit); the services and the
    import's writer both save through this."""
    for name in ORGANISATION_FIELDS:
        if name in values:
            value = values[name]
            if name in _ENUMS and value is not None:
                value = _ENUMS[name](value)
            setattr(organisation, name, value)


def register_organisation(
    *,
    actor,
    values: dict[str, Any],
    allow_duplicate: bool = False,
    commit: bool = True,
) -> Organisation:
    """Add an organisation. Refuses a possible duplicate unless the user confirmed it."""
    cleaned = {**_DEFAULTS, **clean_organisation_values(values)}
    if cleaned.get("status") is None:
        cleaned["status"] = OrganisationStatus.PROSPECTIVE
    _check(cleaned, organisation=None)
    if not allow_duplicate:
        _refuse_duplicates(cleaned, exclude_id=None)
    organisation = Organisation()
    apply_values(organisation, cleaned)
    db.session.add(organisation)
    db.session.flush()
    audit.record(
        actor=actor,
        action="organisation.registered",
        object_type="organisation",
        object_id=organisation.id,
        changes=audit.created(audit.snapshot(organisation, ORGANISATION_FIELDS)),
        summary=f"Registered {organisation.legal_name}"
        + (" (confirmed as distinct from a similar record)" if allow_duplicate else ""),
        organisation_id=organisation.id,
    )
    if commit:
        commit_or_conflict()
    else:
        db.session.flush()  # the caller commits, or rolls back
    return organisation


def organisation_changes(organisation: Organisation, values: dict[str, Any]) -> dict[str, Any]:
    """What saving `values` would change, as an audit diff; nothing is modified."""
    before = audit.snapshot(organisation, ORGANISATION_FIELDS)
    cleaned = clean_organisation_values(values)
    after = {**before, **{k: audit.jsonable(v) for k, v in cleaned.items()}}
    return audit.diff(before, after)


def update_organisation(
    *,
    actor,
    organisation: Organisation,
    values: dict[str, Any],
    expected_version: int | None,
    allow_duplicate: bool = False,
) -> Organisation:
    """Save changes to an organisation opened at `expected_version` (None skips the check).

    Always records one `organisation.updated` event, with empty changes when nothing changed.
    """
    if expected_version is not None and expected_version != organisation.version:
        raise StaleOrganisation(changes_since(organisation, expected_version))
    before = audit.snapshot(organisation, ORGANISATION_FIELDS)
    given = clean_organisation_values(values)
    if given.get("status", "") is None:
        del given["status"]  # a blank status keeps the current one
    cleaned = {**before, **given}
    _check(cleaned, organisation=organisation)
    identity_changed = any(
        audit.jsonable(cleaned.get(name)) != before.get(name) for name in IDENTIFIER_FIELDS
    )
    if identity_changed and not allow_duplicate:
        _refuse_duplicates(cleaned, exclude_id=organisation.id)
    old_version = organisation.version
    apply_values(organisation, cleaned)
    changes = audit.diff(before, audit.snapshot(organisation, ORGANISATION_FIELDS))
    try:
        db.session.flush()
    except StaleDataError:
        db.session.rollback()
        raise Conflict(STALE_MESSAGE) from None
    if changes:
        changes["version"] = {"before": old_version, "after": organisation.version}
    audit.record(
        actor=actor,
        action="organisation.updated",
        object_type="organisation",
        object_id=organisation.id,
        changes=changes,
        summary="" if changes else "Saved without changes",
        organisation_id=organisation.id,
    )
    commit_or_conflict(STALE_MESSAGE)
    return organisation


def changes_since(organisation: Organisation, version: int) -> list[ChangeSince]:
    """The audited saves that took the organisation past `version`, oldest first."""
    stmt = (
        select(AuditEvent)
        .where(
            AuditEvent.object_type == "organisation",
            AuditEvent.object_id == str(organisation.id),
            AuditEvent.action == "organisation.updated",
        )
        .order_by(AuditEvent.id.desc())
        .limit(50)
    )
    found = []
    for event in db.session.scalars(stmt):
        after = (event.changes or {}).get("version", {}).get("after")
        if isinstance(after, int) and after > version:
            fields = {k: v for k, v in event.changes.items() if k != "version"}
            found.append(ChangeSince(event.actor_email, event.at, fields))
    return found[::-1]


# Contacts ----------------------------------------------------------------------------


def _check_contact(values: dict[str, Any], *, organisation_id: int, exclude_id: int | None):
    errors = check_contact(values)
    if "email" not in errors:
        stmt = select(Contact.id).where(
            Contact.organisation_id == organisation_id, Contact.email == values["email"]
        )
        if exclude_id is not None:
            stmt = stmt.where(Contact.id != exclude_id)
        if db.session.scalar(stmt.limit(1)) is not None:
            errors["email"] = "This organization already has a contact with this email."
    if errors:
        raise ValidationFailed(errors)


def _record_contact(actor, action: str, contact: Contact, changes: dict, summary: str = ""):
    audit.record(
        actor=actor,
        action=action,
        object_type="contact",
        object_id=contact.id,
        changes=changes,
        summary=summary,
        organisation_id=contact.organisation_id,
    )


def add_contact(*, actor, organisation: Organisation, values: dict[str, Any]) -> Contact:
    cleaned = clean_contact_values(values)
    _check_contact(cleaned, organisation_id=organisation.id, exclude_id=None)
    contact = Contact(organisation_id=organisation.id, **cleaned)
    db.session.add(contact)
    db.session.flush()
    changes = audit.created(audit.snapshot(contact, CONTACT_FIELDS))
    _record_contact(actor, "contact.added", contact, changes, f"Added contact {contact.name}")
    commit_or_conflict()
    return contact


def update_contact(*, actor, contact: Contact, values: dict[str, Any]) -> Contact:
    before = audit.snapshot(contact, CONTACT_FIELDS)
    cleaned = clean_contact_values({**before, **values})
    _check_contact(cleaned, organisation_id=contact.organisation_id, exclude_id=contact.id)
    for name in CONTACT_FIELDS:
        setattr(contact, name, cleaned[name])
    changes = audit.diff(before, audit.snapshot(contact, CONTACT_FIELDS))
    _record_contact(actor, "contact.updated", contact, changes)
    commit_or_conflict()
    return contact


def delete_contact(*, actor, contact: Contact) -> None:
    changes = audit.deleted(audit.snapshot(contact, CONTACT_FIELDS))
    _record_contact(actor, "contact.removed", contact, changes, f"Removed contact {contact.name}")
    db.session.delete(contact)
    commit_or_conflict()


def activate_prospective_organisation(*, actor: Any, organisation: Organisation) -> bool:
    """A prospective organisation becomes active with its first agreement in force; the
    caller's transaction holds both changes. Suspended or offboarded ones stay as they are."""
    if organisation.status != OrganisationStatus.PROSPECTIVE:
        return False
    organisation.status = OrganisationStatus.ACTIVE
    audit.record(
        actor=actor,
        action="organisation.activated",
        object_type="organisation",
        object_id=organisation.id,
        changes={"status": {"before": "prospective", "after": "active"}},
        summary=f"Active with its first agreement in force: {organisation.legal_name}",
        organisation_id=organisation.id,
    )
    return True

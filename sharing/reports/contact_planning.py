"""What each row of a Contacts sheet would do. A contact belongs to the organisation it names
(registered, or created by the same file) and is matched by that organisation and its email:
an existing contact is updated or left unchanged, a new one created. Its fields are checked by
the contact form's own rules (vendors.rules.check_contact), so a row is refused for exactly
what the form refuses."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from sqlalchemy import select

from sharing.audit import services as audit
from sharing.extensions import db
from sharing.reports.contact_columns import CONTACT_COLUMNS
from sharing.reports.decisions import Decision, changed_columns, in_chunks, parse_cells
from sharing.reports.models import RowAction
from sharing.reports.reading import ReadResult, Table
from sharing.vendors.models import Contact
from sharing.vendors.rules import CONTACT_FIELDS, check_contact, clean_contact_values

KIND = "contacts"


def contact_decisions(planner: Any, read: ReadResult) -> Iterator[Decision]:
    """One decision per contact row; `planner` has already planned the organisations."""
    rows = list(read.rows(KIND))
    if not rows:
        return
    resolved = []
    for table, number, cells in rows:
        typed = table.values(KIND, cells).get("organisation", "")
        header = table.header_of(KIND, "organisation")
        keys = planner.keys_of_name(typed)
        resolved.append((table, number, cells, planner.resolve_organisation(keys, header, typed)))
    existing = _existing({org.id for *_, (org, _, _) in resolved if org is not None})
    seen: dict[tuple, int] = {}
    for table, number, cells, org_ref in resolved:
        yield _contact(table, number, cells, org_ref, existing, seen)


def _existing(org_ids: set[int]) -> dict[tuple[int, str], Contact]:
    found: dict[tuple[int, str], Contact] = {}
    for chunk in in_chunks(sorted(org_ids)):
        for contact in db.session.scalars(
            select(Contact).where(Contact.organisation_id.in_(chunk))
        ):
            found.setdefault((contact.organisation_id, contact.email.lower()), contact)
    return found


def _contact(table: Table, number: int, cells, org_ref, existing, seen) -> Decision:
    org, org_key, problem = org_ref
    raw = table.values(KIND, cells)
    values, errors = parse_cells(CONTACT_COLUMNS, raw, skip=("organisation",))
    cleaned = clean_contact_values(values)
    org_label = org.legal_name if org is not None else raw.get("organisation", "")
    name = cleaned.get("name") or ""
    decision = Decision("contact", table.sheet, number, f"{name} ({org_label})" if name else "")
    decision.org_key = org_key
    decision.organisation_id = org.id if org is not None else None
    if problem:
        decision.errors.append(problem)
    for field_name, reason in check_contact(cleaned).items():
        errors.setdefault(field_name, reason)
    for field_name, reason in errors.items():
        decision.errors.append((table.header_of(KIND, field_name), reason))
    email = (cleaned.get("email") or "").lower()
    owner = org.id if org is not None else org_key
    if email and owner is not None:
        if (owner, email) in seen:
            decision.errors.append(
                (
                    table.header_of(KIND, "email"),
                    f"The same contact as row {seen[(owner, email)]}; list each contact once.",
                )
            )
        else:
            seen[(owner, email)] = number
    target = existing.get((org.id, email)) if org is not None else None
    decision.values, decision.target = cleaned, target
    if decision.errors:
        decision.action = RowAction.ERROR
    elif target is None:
        decision.action = RowAction.CREATE
    else:
        before = audit.snapshot(target, CONTACT_FIELDS)
        after = {**before, **{k: audit.jsonable(v) for k, v in cleaned.items()}}
        changes = audit.diff(before, after)
        decision.action = RowAction.UPDATE if changes else RowAction.UNCHANGED
        decision.detail = changed_columns(table, KIND, changes)
    return decision

"""Reading organisations and their contacts: the search over them, the parent menu, an
organisation's history, and the organisation menu other lists filter by. (The list and page
as staff see them, with flows, agreements and incidents, are reports/organisations.py.)"""

from __future__ import annotations

from typing import Any

from sqlalchemy import exists, func, or_, select

from sharing.audit.models import AuditEvent
from sharing.core.menus import Menu, capped_menu, first_distinct
from sharing.extensions import db
from sharing.vendors.models import Contact, Organisation

HISTORY_LIMIT = 50


def search_clause(q: str):
    """Organisations whose names, identifiers or a contact's email contain `q`."""
    contact_match = exists().where(
        Contact.organisation_id == Organisation.id,
        Contact.email.icontains(q, autoescape=True),
    )
    conditions = [
        Organisation.legal_name.icontains(q, autoescape=True),
        Organisation.common_name.icontains(q, autoescape=True),
        Organisation.ein.icontains(q, autoescape=True),
        Organisation.duns.icontains(q, autoescape=True),
        Organisation.state_registration.icontains(q, autoescape=True),
        contact_match,
    ]
    digits = "".join(c for c in q if c.isdigit())
    if len(digits) >= 4:
        # "123456789" or "12 3456789" still finds the EIN 12-3456789.
        conditions.append(func.replace(Organisation.ein, "-", "").contains(digits))
    return or_(*conditions)


def parent_choices(*, excluding: int | None = None) -> list[tuple[int, str]]:
    stmt = select(Organisation.id, Organisation.legal_name).order_by(
        Organisation.legal_name, Organisation.id
    )
    if excluding is not None:
        stmt = stmt.where(Organisation.id != excluding)
    return [(row.id, row.legal_name) for row in db.session.execute(stmt)]


def history(organisation: Organisation, limit: int = HISTORY_LIMIT) -> list[AuditEvent]:
    """Events about the organisation or anything filed under it, newest first."""
    stmt = (
        select(AuditEvent)
        .where(
            or_(
                AuditEvent.organisation_id == organisation.id,
                (AuditEvent.object_type == "organisation")
                & (AuditEvent.object_id == str(organisation.id)),
            )
        )
        .order_by(AuditEvent.at.desc(), AuditEvent.id.desc())
        .limit(limit)
    )
    return list(db.session.scalars(stmt))


def organisation_menu(chosen: int | None = None, *, named_by: Any = None) -> Menu:
    """Organisations by name for a list's filter (a capped menu: sharing/core/menus.py).

    With `named_by`, an indexed column of organisation ids such as `Incident.organisation_id`,
    only the organisations it names: the first MENU_LIMIT + 1 of them, found by walking that
    column's index (`first_distinct`), which is all a capped menu needs to tell a full menu
    from one too long to show."""
    stmt = select(Organisation.id, Organisation.legal_name)
    if named_by is not None:
        stmt = stmt.where(Organisation.id.in_(first_distinct(named_by)))
    order = func.lower(Organisation.legal_name)
    return capped_menu(stmt, id_column=Organisation.id, order=order, chosen=chosen)

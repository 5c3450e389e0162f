"""make_*(**overrides) helpers that insert realistic rows directly (CTFd's gen_* style)."""

from __future__ import annotations

import itertools
from datetime import date, timedelta

from sharing.audit.models import AuditEvent
from sharing.auth.models import Department, Role, User
from sharing.auth.passwords import hash_password
from sharing.core.clock import now
from sharing.extensions import db
from sharing.flows.models import DataCategory, DataFlow, FlowCategory, Sensitivity
from sharing.vendors.models import Contact, ContactRole, Organisation, OrganisationKind

_seq = itertools.count(1)


def _n() -> int:
    return next(_seq)


def _save(obj):
    db.session.add(obj)
    db.session.commit()
    return obj


def make_department(**overrides) -> Department:
    n = _n()
    values = {"name": f"Department {n}", "code": f"D{n}", "active": True}
    values.update(overrides)
    return _save(Department(**values))


def make_organisation(**overrides) -> Organisation:
    n = _n()
    values = {
        "kind": OrganisationKind.VENDOR,
        "legal_name": f"Vendor {n} Inc.",
        "common_name": f"Vendor {n}",
        "country": "US",
    }
    values.update(overrides)
    return _save(Organisation(**values))


def make_contact(organisation: Organisation, **overrides) -> Contact:
    n = _n()
    values = {
        "organisation_id": organisation.id,
        "name": f"Contact {n}",
        "email": f"contact{n}@example.org",
        "role": ContactRole.PRIVACY,
    }
    values.update(overrides)
    return _save(Contact(**values))


def make_user(role: str | Role = "admin", password: str | None = None, **overrides) -> User:
    n = _n()
    role = Role(role)
    values = {
        "email": f"{role.value}{n}@example.org",
        "name": f"{role.label} {n}",
        "role": role,
        "active": True,
        "password_hash": hash_password(password) if password else None,
    }
    has_org = "organisation_id" in overrides or "organisation" in overrides
    if role == Role.VENDOR and not has_org:
        values["organisation_id"] = make_organisation().id
    values.update(overrides)
    return _save(User(**values))


def make_category(**overrides) -> DataCategory:
    n = _n()
    values = {"name": f"Category {n}", "sensitivity": Sensitivity.CONFIDENTIAL}
    values.update(overrides)
    return _save(DataCategory(**values))


def make_flow(organisation: Organisation | None = None, **overrides) -> DataFlow:
    organisation = organisation or make_organisation()
    department_id = overrides.pop("department_id", None) or make_department().id
    n = _n()
    values = {
        "organisation_id": organisation.id,
        "department_id": department_id,
        "system_name": f"System {n}",
        "purposes": "Deliver the contracted service",
        "retention_days": 365,
    }
    values.update(overrides)
    flow = _save(DataFlow(**values))
    if flow.lineage_id is None:
        flow.lineage_id = flow.id
        db.session.commit()
    return flow


def add_category(flow: DataFlow, category: DataCategory, justification: str = "Needed") -> None:
    _save(FlowCategory(flow_id=flow.id, category_id=category.id, justification=justification))


def days_from_today(days: int) -> date:
    return now().date() + timedelta(days=days)


def make_audit_event(**overrides) -> AuditEvent:
    values = {
        "action": "vendor.registered",
        "object_type": "organisation",
        "object_id": "1",
        "actor_email": "privacy1@example.org",
        "actor_role": "privacy",
        "summary": "Registered a vendor",
    }
    values.update(overrides)
    return _save(AuditEvent(**values))

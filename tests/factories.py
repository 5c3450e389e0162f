"""make_*(**overrides) helpers that insert realistic rows directly (CTFd's gen_* style)."""

from __future__ import annotations

import hashlib
import itertools
import secrets
from datetime import date, timedelta
from pathlib import Path

from sharing.agreements.models import AgreementTemplate, AgreementTemplateVersion, TemplateKind
from sharing.algorithms.models import Algorithm, AlgorithmFlow, AlgorithmStatus
from sharing.algorithms.public import public_record
from sharing.audit.models import AuditEvent
from sharing.audit.services import SYSTEM
from sharing.auth.models import Department, Role, SignInFailure, User
from sharing.auth.passwords import hash_password
from sharing.concerns.models import Concern, ConcernStatus
from sharing.core.clock import now
from sharing.extensions import db
from sharing.flows.models import DataCategory, DataFlow, FlowCategory, FlowStatus, Sensitivity
from sharing.obligations.library import DATA_DIR
from sharing.obligations.models import PolicyVersion
from sharing.obligations.services import latest_published, load_library
from sharing.vendors.models import Contact, ContactRole, Organisation, OrganisationKind

_seq = itertools.count(1)


def _n() -> int:
    return next(_seq)


def _save(obj):
    db.session.add(obj)
    db.session.commit()
    return obj


def make_sign_in_failures(email: str, n: int, *, ip: str = "10.0.0.1", at=None) -> None:
    """`n` failed sign-ins of one account from one address, all at `at` (default now)."""
    moment = at or now()
    db.session.add_all(SignInFailure(email=email, ip=ip, at=moment) for _ in range(n))
    db.session.commit()


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


def make_signatory(organisation: Organisation, **overrides) -> Contact:
    """The contact who signs for the organisation, with the name and title a signature
    block needs."""
    values = {"role": ContactRole.SIGNATORY, "title": "Chief Executive Officer"}
    values.update(overrides)
    return make_contact(organisation, **values)


# A complete notice address, which an agreement's generation needs.
NOTICE_ADDRESS = {
    "address_line1": "200 Market Street",
    "city": "San José",
    "region": "CA",
    "postal_code": "95113",
}


def make_ready_organisation(**overrides) -> Organisation:
    """An organisation an agreement can be generated with: its address and a signatory."""
    organisation = make_organisation(**{**NOTICE_ADDRESS, **overrides})
    make_signatory(organisation)
    db.session.refresh(organisation)
    return organisation


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


SHIPPED_TEMPLATES = Path(__file__).resolve().parents[1] / "agreement_templates"
SHIPPED_FILES = {
    TemplateKind.VENDOR_DPA: "vendor-data-protection-agreement.docx",
    TemplateKind.INTERAGENCY: "interagency-data-sharing-agreement.docx",
    TemplateKind.RENEWAL_AMENDMENT: "renewal-amendment.docx",
    TemplateKind.ADOPTION: "adoption.docx",
}


def make_policy() -> PolicyVersion:
    """Policy 2026.1 from the shipped library, published (once per database): the version the
    agreement and attestation tests were written against."""
    return load_library(actor=SYSTEM, path=DATA_DIR / "policy-2026.1.json", now=now()) or (
        latest_published()
    )


def make_template_version(
    kind: TemplateKind = TemplateKind.VENDOR_DPA, data: bytes | None = None, **overrides
) -> AgreementTemplateVersion:
    """A template with one version holding a shipped file (or `data`), stored where the
    template library keeps versions; the upload check is not run."""
    from sharing.agreements.template_library import template_dir

    data = data if data is not None else (SHIPPED_TEMPLATES / SHIPPED_FILES[kind]).read_bytes()
    n = _n()
    template = AgreementTemplate(
        name=overrides.pop("name", f"{kind.value} template {n}"), kind=kind, active=True
    )
    stored = f"{secrets.token_hex(16)}.docx"
    directory = template_dir()
    directory.mkdir(parents=True, exist_ok=True)
    (directory / stored).write_bytes(data)
    values = {
        "template": template,
        "number": 1,
        "original_name": SHIPPED_FILES[kind],
        "stored_name": stored,
        "size": len(data),
        "sha256": hashlib.sha256(data).hexdigest(),
    }
    values.update(overrides)
    return _save(AgreementTemplateVersion(**values))


def make_approved_flow(
    organisation: Organisation, categories: tuple[DataCategory, ...] = (), **overrides
) -> DataFlow:
    """An approved flow (the revision in force) with the given categories."""
    overrides.setdefault("status", FlowStatus.APPROVED)
    flow = make_flow(organisation, **overrides)
    for category in categories:
        add_category(flow, category)
    db.session.refresh(flow)
    return flow


def make_algorithm(
    organisation: Organisation | None = None,
    flows: tuple[DataFlow, ...] = (),
    *,
    approved: bool = False,
    **overrides,
) -> Algorithm:
    """An algorithm record linked to the given flows (by lineage). With approved=True it is
    approved and its public snapshot taken, as the privacy office's approval does, so it shows
    on the public register."""
    organisation = organisation or make_organisation()
    n = _n()
    values = {
        "name": f"Model {n}",
        "organisation_id": organisation.id,
        "summary": f"Sorts requests for service {n} by urgency.",
        "purpose": "Answer the most urgent requests first",
        "decisions": "Which requests a caseworker looks at first",
        "decision_maker": "A caseworker in the department",
        "human_oversight": "A caseworker reviews every ranking before acting on it.",
        "contest_route": "Ask the department to look at your request again.",
        "contact_email": "algorithms@example.org",
        "owner_name": f"Owner {n}",
        "internal_notes": f"Internal note {n}",
    }
    values.update(overrides)
    algorithm = _save(Algorithm(**values))
    for flow in flows:
        db.session.add(
            AlgorithmFlow(algorithm_id=algorithm.id, flow_lineage_id=flow.lineage_id or flow.id)
        )
    db.session.commit()
    if approved:
        categories = sorted({fc.category.name for flow in flows for fc in flow.categories})
        algorithm.status = AlgorithmStatus.APPROVED
        algorithm.approved_at = now()
        algorithm.approved_snapshot = public_record(
            algorithm,
            categories=categories,
            arrangements=[flow.lineage_id or flow.id for flow in flows],
            approved_on=now().date(),
        )
        db.session.commit()
    return algorithm


def make_concern(**overrides) -> Concern:
    """A concern as the public form leaves it: received, due in 30 days."""
    n = _n()
    values = {
        "reference": f"C-TEST-{n:06d}",
        "body": f"My concern number {n}",
        "due_on": now().date() + timedelta(days=30),
        "status": ConcernStatus.RECEIVED,
    }
    values.update(overrides)
    return _save(Concern(**values))

"""A department adopts an open general offer for its own approved flows: if they fit, the
adoption is drafted as an agreement of its own (the base's terms, policy version, obligations,
values, accepted exceptions and expiry; the department's flows) and generated at once from the
adoption template, ready to be sent for signature like any agreement."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from sharing.adoptions import fit, notices
from sharing.adoptions.models import AdoptionOffer
from sharing.agreements import generation, template_library
from sharing.agreements.drafting import next_number
from sharing.agreements.models import Agreement, AgreementStatus, TemplateKind
from sharing.agreements.queries import adoptions_query
from sharing.auth.models import Department
from sharing.core.roles import Role
from sharing.errors import Conflict, Forbidden, ValidationFailed
from sharing.extensions import db
from sharing.flows.models import DataFlow, FlowCategory, FlowStatus

MAX_TITLE = 200


def may_adopt(user: Any, department: Department | None) -> bool:
    """The privacy office adopts for any department, procurement only for its own."""
    role = str(getattr(user, "role", ""))
    if role in {r.value for r in Role.OFFICE}:
        return True
    return (
        role == Role.PROCUREMENT.value
        and department is not None
        and getattr(user, "department_id", None) == department.id
    )


def candidate_flows(offer: AdoptionOffer, department: Department) -> list[DataFlow]:
    """The department's approved flows with the base agreement's vendor, which it may adopt
    the offer for."""
    return list(
        db.session.scalars(
            select(DataFlow)
            .where(
                DataFlow.organisation_id == offer.organisation_id,
                DataFlow.department_id == department.id,
                DataFlow.status == FlowStatus.APPROVED,
            )
            .options(selectinload(DataFlow.categories).selectinload(FlowCategory.category))
            .order_by(DataFlow.system_name, DataFlow.id)
        )
    )


def adoptions_of(base: Agreement) -> list[Agreement]:
    """The agreements that adopt `base`, newest first, with their departments and flows."""
    return list(
        db.session.scalars(
            adoptions_query(base.id)
            .options(selectinload(Agreement.department), selectinload(Agreement.flows))
            .order_by(Agreement.id.desc())
        )
    )


def adopt_offer(
    *,
    actor: Any,
    offer: AdoptionOffer,
    flows: Sequence[DataFlow],
    department: Department,
    today: date,
) -> Agreement:
    """Adopt the offer for these flows of this department: the adoption agreement, generated.
    Refused with every misfit (field `flows`) when they do not fit."""
    if not may_adopt(actor, department):
        raise Forbidden("Only the privacy office, or procurement for its own department, adopts.")
    misfits = fit.check(offer, flows, department, today=today)
    if misfits:
        raise ValidationFailed({"flows": " ".join(m.text for m in misfits)})
    template = _adoption_template()
    base = offer.agreement
    adoption = _draft(actor=actor, base=base, flows=flows, department=department, today=today)
    adoption.template_version = template_library.current_version(template)
    notices.adopted(offer, adoption, actor=actor)
    try:
        generation.generate_drafted(
            actor=actor,
            agreement=adoption,
            today=today,
            action="agreement.adopted",
            summary=f"{department.name} adopted {base.number} as {adoption.number}",
            extra={"adopts": base.number, "offer_id": offer.id},
        )
    except BaseException:
        db.session.rollback()
        raise
    return adoption


def _adoption_template():
    templates = template_library.active_templates(TemplateKind.ADOPTION)
    usable = [t for t in templates if t.versions]
    if not usable:
        raise Conflict(
            "No adoption template is installed. An administrator installs the templates that "
            "come with the app from the templates page."
        )
    return usable[0]


def adopted_terms(base: Agreement, department: Department) -> dict[str, Any]:
    """What an adoption takes from its base: the vendor, the policy version, obligations,
    parameters, accepted exceptions and conflicts, and the term, which ends with the base's;
    and the adopting department, named in its title."""
    title = f"Adoption of {base.number} by {department.name}: {base.title}"
    return {
        "title": title[:MAX_TITLE],
        "organisation_id": base.organisation_id,
        "department_id": department.id,
        "policy_version_id": base.policy_version_id,
        "parameters": dict(base.parameters or {}),
        "obligation_codes": list(base.obligation_codes or []),
        "exceptions": dict(base.exceptions or {}),
        "conflict_overrides": dict(base.conflict_overrides or {}),
        "term_months": base.term_months,
        "expiry_date": base.expiry_date,
        "auto_renew": False,
        "renewal_term_months": base.renewal_term_months,
        "notice_days": base.notice_days,
    }


def _draft(
    *,
    actor: Any,
    base: Agreement,
    flows: Sequence[DataFlow],
    department: Department,
    today: date,
) -> Agreement:
    """The adoption, added and flushed: the base's terms, the department's flows. It starts
    today and ends with the base."""
    adoption = Agreement(
        number=next_number(today.year),
        **adopted_terms(base, department),
        status=AgreementStatus.DRAFT,
        effective_date=today,
        created_by_id=actor.id,
    )
    adoption.flows = list(flows)
    adoption.adopts = base
    db.session.add(adoption)
    db.session.flush()
    return adoption

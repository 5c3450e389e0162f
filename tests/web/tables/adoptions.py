"""Coverage-table rows for the adoption pages (offers, the vendor's consent, the adoption
form), and the set-ups their tests share: an executed base agreement offered for adoption, and
a second department's flow with the same vendor that fits it."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sharing.adoptions import consent, offers
from sharing.adoptions.models import AdoptionOffer
from sharing.agreements import template_library
from sharing.agreements.models import Agreement, TemplateKind
from sharing.auth.models import Department
from sharing.core.clock import now, today
from sharing.extensions import db
from sharing.flows.models import DataFlow, RiskTier
from tests.conftest import TEST_PASSWORD
from tests.factories import make_approved_flow, make_department, make_template_version, make_user
from tests.fixtures.terms import active_agreement

BASE_SUBJECTS = "Residents and visitors applying for permits"


def offered_base(**scope: Any) -> tuple[AdoptionOffer, Agreement]:
    """An active base agreement (its one flow about residents and visitors) offered for
    adoption by the privacy office, waiting for the vendor's consent."""
    if not template_library.active_templates(TemplateKind.ADOPTION):
        make_template_version(TemplateKind.ADOPTION)
    base = active_agreement()
    base.flows[0].data_subjects = BASE_SUBJECTS
    base.flows[0].risk_tier = RiskTier.MEDIUM
    db.session.commit()
    values = {
        "department_ids": [],
        "directions": [],
        "max_risk_tier": None,
        "available_until": today() + timedelta(days=200),
        "note": "",
    }
    values.update(scope)
    offer = offers.make_offer(
        actor=make_user("privacy"), agreement=base, now=now(), today=today(), **values
    )
    return offer, base


def vendor_signer_of(organisation_id: int, **overrides: Any):
    values = {"organisation_id": organisation_id, "may_sign": True}
    values.update(overrides)
    return make_user("vendor", password=TEST_PASSWORD, **values)


def accept(offer: AdoptionOffer, person: Any = None) -> AdoptionOffer:
    """The vendor's signer accepts the offer (a new signer unless `person` is given)."""
    return consent.accept_offer(
        actor=person or vendor_signer_of(offer.organisation_id),
        offer=offer,
        typed_name="Pat Vendor",
        typed_title="Chief Executive Officer",
        consent=True,
        password=TEST_PASSWORD,
        ip="203.0.113.9",
        user_agent="Test browser",
        now=now(),
        expected_version=offer.version,
    )


def open_offer(**scope: Any) -> tuple[AdoptionOffer, Agreement]:
    offer, base = offered_base(**scope)
    return accept(offer), base


def fitting_flow(
    base: Agreement, department: Department | None = None, **overrides: Any
) -> tuple[Department, DataFlow]:
    """An approved flow of another department with the base's vendor, carrying only what
    the base's flow carries, about the same people."""
    department = department or make_department(name=f"Parks {make_department().id}")
    categories = tuple(link.category for link in base.flows[0].categories)
    values = {
        "department_id": department.id,
        "system_name": "Pool bookings",
        "data_subjects": "Residents",
        "risk_tier": RiskTier.LOW,
    }
    values.update(overrides)
    return department, make_approved_flow(base.organisation, categories, **values)

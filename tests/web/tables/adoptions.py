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
from tests.web.tables import STAFF, AuditCase, IsolationCase, Page

BASE_SUBJECTS = "Residents and visitors applying for permits"


def offered_base(
    organisation_id: int | None = None, **scope: Any
) -> tuple[AdoptionOffer, Agreement]:
    """An active base agreement (its one flow about residents and visitors) offered for
    adoption by the privacy office, waiting for the vendor's consent; the agreement is moved to
    `organisation_id` when given (for a page the signed-in vendor must own)."""
    if not template_library.active_templates(TemplateKind.ADOPTION):
        make_template_version(TemplateKind.ADOPTION)
    base = active_agreement()
    if organisation_id is not None:
        base.organisation_id = organisation_id
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


def _is_vendor(user: Any) -> bool:
    return user is not None and user.role.value == "vendor"


# Pages ---------------------------------------------------------------------------------

OFFICE = ("admin", "privacy")


def _base() -> dict:
    return {"agreement": active_agreement().id}


def _offer() -> dict:
    return {"offer": offered_base()[0].id}


def _open() -> dict:
    return {"offer": open_offer()[0].id}


def _own_offer(user: Any) -> dict:
    """An offer of the signed-in vendor's organisation (of a new one for anyone else)."""
    organisation_id = user.organisation_id if _is_vendor(user) else None
    return {"offer": offered_base(organisation_id)[0].id}


PAGES: tuple[Page, ...] = (
    Page("adoptions.offers", "/adoptions/offers", STAFF),
    Page(
        "adoptions.new_offer", "/adoptions/offers/new?agreement={agreement}", OFFICE, params=_base
    ),
    Page("adoptions.offer", "/adoptions/offers/{offer}", STAFF, params=_offer),
    Page("adoptions.adopt", "/adoptions/offers/{offer}/adopt", STAFF, params=_open),
    Page(
        "adoptions.consent",
        "/adoptions/offers/{offer}/consent",
        ("vendor",),
        params=_own_offer,
        for_user=True,
    ),
)


# Audit events ----------------------------------------------------------------------------


def new_offer(login_as) -> tuple[str, dict]:
    login_as("privacy")
    base = active_agreement()
    until = (today() + timedelta(days=60)).isoformat()
    return f"/adoptions/offers/new?agreement={base.id}", {"available_until": until}


def withdraw(login_as) -> tuple[str, dict]:
    login_as("privacy")
    offer, _ = offered_base()
    return f"/adoptions/offers/{offer.id}/withdraw", {"reason": "Merged", "version": offer.version}


def _signer(login_as) -> Any:
    person = login_as("vendor", may_sign=True)
    # The authorization walk hands back its own principal, made without the right.
    person.may_sign = True
    db.session.commit()
    return person


def consent_to(login_as) -> tuple[str, dict]:
    offer, _ = offered_base(_signer(login_as).organisation_id)
    return f"/adoptions/offers/{offer.id}/consent", {
        "typed_name": "Pat Vendor",
        "typed_title": "Director",
        "consent": "y",
        "password": TEST_PASSWORD,
        "version": offer.version,
    }


def decline(login_as) -> tuple[str, dict]:
    offer, _ = offered_base(_signer(login_as).organisation_id)
    return f"/adoptions/offers/{offer.id}/decline", {"reason": "Not now", "version": offer.version}


def adopt(login_as) -> tuple[str, dict]:
    login_as("privacy")
    offer, base = open_offer()
    department, flow = fitting_flow(base)
    return f"/adoptions/offers/{offer.id}/adopt?department={department.id}", {"flows": [flow.id]}


AUDIT_CASES: tuple[AuditCase, ...] = (
    AuditCase("adoptions.new_offer", "adoption_offer.made", new_offer),
    AuditCase("adoptions.withdraw", "adoption_offer.withdrawn", withdraw),
    AuditCase("adoptions.consent", "adoption_offer.consented", consent_to),
    AuditCase("adoptions.decline", "adoption_offer.declined", decline),
    AuditCase("adoptions.adopt", "agreement.adopted", adopt),
)


# Isolation -------------------------------------------------------------------------------


def _iso_offer(organisation) -> dict:
    return {"offer_id": offered_base(organisation.id)[0].id}


ISOLATION_CASES: tuple[IsolationCase, ...] = (
    IsolationCase("adoptions.consent", "GET", _iso_offer),
    IsolationCase(
        "adoptions.consent",
        "POST",
        _iso_offer,
        data={"typed_name": "X", "typed_title": "Y", "consent": "y", "password": "z"},
    ),
    IsolationCase("adoptions.decline", "POST", _iso_offer, data={"reason": "No"}),
)

"""The privacy office's general offer of an executed agreement: made with its scope, withdrawn
with a reason, and described in plain words. One offer waiting for consent or open per base
agreement at a time."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

from sqlalchemy import select

from sharing.adoptions import notices
from sharing.adoptions.models import AdoptionOffer, OfferStatus
from sharing.agreements.models import Agreement, AgreementStatus
from sharing.audit import services as audit
from sharing.auth.models import Department
from sharing.core.database import commit_or_conflict
from sharing.errors import Conflict, ValidationFailed
from sharing.extensions import db
from sharing.flows.models import Direction, RiskTier

# Statuses of an offer that still stands: no second offer of the same base meanwhile.
STANDING = (OfferStatus.AWAITING_CONSENT, OfferStatus.OPEN)
MAX_NOTE = 2000
MAX_REASON = 2000
STALE = "Someone changed this offer at the same time. Reload the page and try again."
AUDITED = (
    "status",
    "department_ids",
    "directions",
    "max_risk_tier",
    "available_until",
    "note",
    "close_reason",
)


def standing_offer(agreement: Agreement) -> AdoptionOffer | None:
    """The offer of this agreement waiting for consent or open, if any."""
    return db.session.scalar(
        select(AdoptionOffer)
        .where(AdoptionOffer.agreement_id == agreement.id, AdoptionOffer.status.in_(STANDING))
        .limit(1)
    )


def latest_offer(agreement: Agreement) -> AdoptionOffer | None:
    """The agreement's newest offer, whatever its status."""
    return db.session.scalar(
        select(AdoptionOffer)
        .where(AdoptionOffer.agreement_id == agreement.id)
        .order_by(AdoptionOffer.id.desc())
        .limit(1)
    )


def offer_problem(agreement: Agreement) -> str | None:
    """Why this agreement cannot be offered for adoption now, or None."""
    if agreement.adopts is not None:
        return (
            f"{agreement.number} is itself an adoption of {agreement.adopts.number}; offer "
            "that agreement instead."
        )
    if agreement.status not in AgreementStatus.RENEWABLE:
        return (
            f"{agreement.number} is {agreement.status.label.lower()}; only a signed agreement "
            "not yet ended can be offered for adoption."
        )
    if standing_offer(agreement) is not None:
        return f"{agreement.number} already has an offer waiting for consent or open."
    return None


def make_offer(
    *,
    actor: Any,
    agreement: Agreement,
    department_ids: Sequence[int],
    directions: Sequence[str],
    max_risk_tier: str | None,
    available_until: date | None,
    note: str,
    now: datetime,
    today: date,
) -> AdoptionOffer:
    """Offer an executed agreement for adoption within a scope; the vendor is asked to consent."""
    if problem := offer_problem(agreement):
        raise Conflict(problem)
    scope = _check_scope(
        agreement=agreement,
        department_ids=department_ids,
        directions=directions,
        max_risk_tier=max_risk_tier,
        available_until=available_until,
        note=note,
        today=today,
    )
    offer = AdoptionOffer(
        agreement=agreement,
        organisation_id=agreement.organisation_id,
        status=OfferStatus.AWAITING_CONSENT,
        offered_by_id=actor.id,
        offered_at=now,
        **scope,
    )
    db.session.add(offer)
    db.session.flush()
    audit.record(
        actor=actor,
        action="adoption_offer.made",
        object_type="adoption_offer",
        object_id=offer.id,
        organisation_id=offer.organisation_id,
        changes=audit.created(_values(offer) | {"agreement_id": agreement.id}),
        summary=f"Offered {agreement.number} for adoption by other departments",
    )
    notices.offered(offer, actor=actor)
    commit_or_conflict(f"{agreement.number} was offered at the same time elsewhere.")
    return offer


def withdraw_offer(
    *,
    actor: Any,
    offer: AdoptionOffer,
    reason: str,
    now: datetime,
    expected_version: int | None,
) -> AdoptionOffer:
    """The office withdraws an offer waiting for consent or open; adoptions already made stay."""
    _check_version(offer, expected_version)
    if offer.status not in STANDING:
        raise Conflict(f"This offer is {offer.status.label.lower()}; it cannot be withdrawn.")
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed({"reason": "Say why the offer is withdrawn."})
    if len(reason) > MAX_REASON:
        raise ValidationFailed({"reason": f"Use at most {MAX_REASON} characters."})
    before = _values(offer)
    offer.status = OfferStatus.WITHDRAWN
    offer.closed_by_id, offer.closed_at, offer.close_reason = actor.id, now, reason
    audit.record(
        actor=actor,
        action="adoption_offer.withdrawn",
        object_type="adoption_offer",
        object_id=offer.id,
        organisation_id=offer.organisation_id,
        changes=audit.diff(before, _values(offer)),
        summary=f"Withdrew the general offer of {offer.agreement.number}",
    )
    commit_or_conflict(STALE)
    return offer


def scope_sentences(offer: AdoptionOffer, departments: Sequence[Department]) -> list[str]:
    """The offer's scope in plain words; `departments` are those it names."""
    names = sorted(d.name for d in departments)
    directions = [Direction(value).label.lower() for value in offer.directions or []]
    return [
        f"Departments: {', '.join(names)}." if names else "Departments: any City department.",
        f"Kinds of flow: {', '.join(directions)} only."
        if directions
        else "Kinds of flow: any direction.",
        f"Highest risk tier: {offer.max_risk_tier.label}."
        if offer.max_risk_tier
        else "Highest risk tier: any.",
        f"Open until {offer.available_until:%B} {offer.available_until.day}, "
        f"{offer.available_until.year}.",
    ]


def named_departments(offer: AdoptionOffer) -> list[Department]:
    if not offer.department_ids:
        return []
    return list(
        db.session.scalars(
            select(Department)
            .where(Department.id.in_(offer.department_ids))
            .order_by(Department.name)
        )
    )


def _check_scope(
    *,
    agreement: Agreement,
    department_ids: Sequence[int],
    directions: Sequence[str],
    max_risk_tier: str | None,
    available_until: date | None,
    note: str,
    today: date,
) -> dict[str, Any]:
    errors: dict[str, str] = {}
    ids = sorted({int(i) for i in department_ids})
    if ids:
        found = set(db.session.scalars(select(Department.id).where(Department.id.in_(ids))))
        if found != set(ids):
            errors["department_ids"] = "Choose departments from the list."
    valid = {d.value for d in Direction}
    if any(value not in valid for value in directions):
        errors["directions"] = "Choose kinds of flow from the list."
    tier = None
    if max_risk_tier:
        try:
            tier = RiskTier(max_risk_tier)
        except ValueError:
            errors["max_risk_tier"] = "Choose a risk tier from the list."
    if available_until is None:
        errors["available_until"] = "Give the last day the offer may be adopted."
    elif available_until <= today:
        errors["available_until"] = "Choose a day after today."
    elif agreement.expiry_date is not None and available_until > agreement.expiry_date:
        errors["available_until"] = (
            f"Choose a day no later than {agreement.number}'s expiry, "
            f"{agreement.expiry_date:%B} {agreement.expiry_date.day}, "
            f"{agreement.expiry_date.year}."
        )
    note = (note or "").strip()
    if len(note) > MAX_NOTE:
        errors["note"] = f"Use at most {MAX_NOTE} characters."
    if errors:
        raise ValidationFailed(errors)
    return {
        "department_ids": ids,
        "directions": sorted(set(directions)),
        "max_risk_tier": tier,
        "available_until": available_until,
        "note": note,
    }


def _check_version(offer: AdoptionOffer, expected_version: int | None) -> None:
    if expected_version is not None and expected_version != offer.version:
        raise Conflict(STALE)


def _values(offer: AdoptionOffer) -> dict[str, Any]:
    values = audit.snapshot(offer, list(AUDITED))
    values["status"] = offer.status.value
    return values

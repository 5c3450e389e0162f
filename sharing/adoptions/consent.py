"""The vendor's answer to a general offer, given in the portal as a signature is: a signer of
the base agreement's organisation types their name and title, confirms with their password and
agrees to the consent words below (kept on the offer with their version); or declines, saying
why. Accepting opens the offer to the departments within its scope."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sharing.adoptions import notices
from sharing.adoptions.models import AdoptionOffer, OfferStatus
from sharing.adoptions.offers import MAX_REASON, STALE
from sharing.audit import services as audit
from sharing.core.database import commit_or_conflict
from sharing.core.roles import Role
from sharing.errors import Conflict, Forbidden, NotFound, ValidationFailed
from sharing.signing.services import check_typed, confirm_password

# Bump the version whenever the words change: each consent keeps the words it agreed to.
CONSENT_VERSION = "2026-1"
CONSENT_TEXT = (
    "On behalf of the organization I sign for, I offer the terms of the agreement named on "
    "this page to the City departments within the scope shown here. Each department that "
    "adopts it, for its own data flows, will be bound with us by those same terms, including "
    "the exceptions the City agreed in it, through a short adoption document that we sign in "
    "turn. I agree to give this consent electronically: my typed name, confirmed by my "
    "password at this moment, is my signature and binds my organization as a handwritten one "
    "would (15 U.S.C. 7001; California Civil Code section 1633.7). I may decline instead."
)
AUDITED = (
    "status",
    "consent_name",
    "consent_title",
    "consent_version",
    "consented_at",
    "consent_ip",
    "declined_reason",
    "declined_at",
)


def accept_offer(
    *,
    actor: Any,
    offer: AdoptionOffer,
    typed_name: str,
    typed_title: str,
    consent: bool,
    password: str,
    ip: str,
    user_agent: str,
    now: datetime,
    expected_version: int | None,
) -> AdoptionOffer:
    """The vendor's signer accepts the general offer: it opens for adoption."""
    _check_answer(actor, offer, expected_version)
    typed_name, typed_title = check_typed(typed_name, typed_title, consent)
    _check_password(actor, offer, password)
    before = _values(offer)
    offer.status = OfferStatus.OPEN
    offer.consent_by_id = actor.id
    offer.consent_name, offer.consent_title = typed_name, typed_title
    offer.consent_version, offer.consent_text = CONSENT_VERSION, CONSENT_TEXT
    offer.consented_at = now
    offer.consent_ip, offer.consent_user_agent = (ip or "")[:64], (user_agent or "")[:512]
    audit.record(
        actor=actor,
        action="adoption_offer.consented",
        object_type="adoption_offer",
        object_id=offer.id,
        organisation_id=offer.organisation_id,
        changes=audit.diff(before, _values(offer)),
        summary=f"Accepted the general offer of {offer.agreement.number} for the vendor",
    )
    notices.consented(offer, actor=actor)
    commit_or_conflict(STALE)
    return offer


def decline_offer(
    *, actor: Any, offer: AdoptionOffer, reason: str, now: datetime, expected_version: int | None
) -> AdoptionOffer:
    """The vendor's signer declines the offer, saying why; the office is told."""
    _check_answer(actor, offer, expected_version)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed({"reason": "Say why you decline the offer."})
    if len(reason) > MAX_REASON:
        raise ValidationFailed({"reason": f"Use at most {MAX_REASON} characters."})
    before = _values(offer)
    offer.status = OfferStatus.DECLINED
    offer.consent_by_id = actor.id
    offer.declined_reason, offer.declined_at = reason, now
    audit.record(
        actor=actor,
        action="adoption_offer.declined",
        object_type="adoption_offer",
        object_id=offer.id,
        organisation_id=offer.organisation_id,
        changes=audit.diff(before, _values(offer)),
        summary=f"Declined the general offer of {offer.agreement.number} for the vendor",
    )
    notices.declined(offer, actor=actor)
    commit_or_conflict(STALE)
    return offer


def may_answer(user: Any, offer: AdoptionOffer) -> bool:
    """Whether this user may accept or decline the offer now."""
    return (
        str(getattr(user, "role", "")) == Role.VENDOR.value
        and getattr(user, "organisation_id", None) == offer.organisation_id
        and bool(getattr(user, "may_sign", False))
        and offer.status == OfferStatus.AWAITING_CONSENT
    )


def _check_answer(actor: Any, offer: AdoptionOffer, expected_version: int | None) -> None:
    if str(getattr(actor, "role", "")) != Role.VENDOR.value:
        raise Forbidden("Only the vendor's signer answers a general offer.")
    if getattr(actor, "organisation_id", None) != offer.organisation_id:
        # Another organisation's offer does not exist for this user.
        raise NotFound("That offer does not exist.")
    if not getattr(actor, "may_sign", False):
        raise Forbidden("Only a user of your organization who may sign answers this offer.")
    if offer.status != OfferStatus.AWAITING_CONSENT:
        raise Conflict(f"This offer is {offer.status.label.lower()}; it waits for no answer.")
    if expected_version is not None and expected_version != offer.version:
        raise Conflict(STALE)


def _check_password(actor: Any, offer: AdoptionOffer, password: str) -> None:
    confirm_password(
        actor,
        password,
        action="adoption_offer.consent_failed",
        object_type="adoption_offer",
        object_id=offer.id,
        organisation_id=offer.organisation_id,
        summary=f"A consent to the general offer of {offer.agreement.number} was refused: "
        "wrong password",
    )


def _values(offer: AdoptionOffer) -> dict[str, Any]:
    values = audit.snapshot(offer, list(AUDITED))
    values["status"] = offer.status.value
    return values

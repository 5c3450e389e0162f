"""What follows an adoption's base: the base's termination, expiry, notice window, renewal and
tacit renewal reach every adoption of it not yet ended, and an amendment of the base is told
to every adopter.

An adoption holds the base's terms and ends with it, so it takes the base's steps rather than
its own dates (the daily roll skips an adoption's own expiry and notice window). Each step is
taken through lifecycle.system_step, so it is announced and audited like any other, naming
the base. An adoption already renewed on its own (RENEWED) is not in NOT_ENDED and is left
alone. The receivers are connected in create_app's register_events step.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import select

from sharing.adoptions.models import AdoptionOffer, OfferStatus
from sharing.agreements.lifecycle import MAX_REASON, snapshot, system_step
from sharing.agreements.models import Agreement, AgreementStatus
from sharing.agreements.queries import adoptions_query
from sharing.audit import services as audit
from sharing.auth.recipients import department_buyers, privacy_officers
from sharing.core.clock import now
from sharing.extensions import db
from sharing.inbox import services as inbox

S = AgreementStatus
# Offers that end when their base ends or is renewed.
LIVE_OFFERS = (OfferStatus.AWAITING_CONSENT, OfferStatus.OPEN)
REBASED_EVENT = "adoption.base_renewed"
RENEWED_WITH_BASE_EVENT = "adoption.renewed_with_base"
OFFER_ENDED_EVENT = "adoption_offer.ended"


def adoptions_of(base: Agreement) -> list[Agreement]:
    """The adoptions of `base` not yet ended, oldest first."""
    return list(
        db.session.scalars(
            adoptions_query(base.id).where(Agreement.status.in_(S.NOT_ENDED)).order_by(Agreement.id)
        )
    )


# Receivers ----------------------------------------------------------------------------------


def follow_base_step(
    _sender: Any, *, agreement: Agreement, action: str, today: date, **_: Any
) -> dict[str, Any]:
    """agreements.events.agreement_transitioned: a base's termination, expiry, notice window or
    renewal reaches its adoptions; an amendment of a base sent for signature is told to its
    adopters. Returns the adoptions moved, for the base's audit event."""
    if action == "send_for_signature" and agreement.renews is not None:
        _tell_amendment(agreement, today=today, stage="sent for signature")
        return {}
    follow = FOLLOWERS.get(action)
    if follow is None:
        return {}
    moved = [follow(agreement, adoption, today) for adoption in adoptions_of(agreement)]
    moved = [number for number in moved if number]
    if action in ENDING:
        _end_offers(agreement, why=ENDING[action])
    if not moved:
        return {}
    return {"adoptions_followed": {"before": None, "after": moved}}


def follow_tacit_renewal(
    _sender: Any, *, agreement: Agreement, today: date, **_: Any
) -> dict[str, Any]:
    """agreements.events.agreement_renewed_tacitly: each adoption's expiry moves with its
    base's, and one in the notice window comes out of it as the base does."""
    moved = []
    for adoption in adoptions_of(agreement):
        before = snapshot(adoption)
        adoption.expiry_date = agreement.expiry_date
        if adoption.status == S.EXPIRING:
            adoption.status = S.ACTIVE
        _record(adoption, agreement, RENEWED_WITH_BASE_EVENT, before, "Renewed with its base")
        _tell(
            adoption,
            agreement,
            event=RENEWED_WITH_BASE_EVENT,
            title=f"Adoption {adoption.number} renewed with {agreement.number}",
            text=f"Agreement {agreement.number}, which adoption {adoption.number} adopts, "
            f"renewed by itself; the adoption now runs until {_day(agreement.expiry_date)}.",
            marker=_day(agreement.expiry_date),
        )
        moved.append(adoption.number)
    return {"adoptions_followed": {"before": None, "after": moved}} if moved else {}


def follow_generation(
    _sender: Any, *, agreement: Agreement, today: date, **_: Any
) -> dict[str, Any]:
    """agreements.events.agreement_generated: a renewal amendment of a base, once generated,
    is told to the base's adopters (the terms they adopted are changing)."""
    if agreement.renews is not None:
        _tell_amendment(agreement, today=today, stage=f"generated (version {agreement.version})")
    return {}


# What each step of the base does to an adoption ------------------------------------------


def _terminate(base: Agreement, adoption: Agreement, today: date) -> str:
    when = base.terminated_on or today
    reason = f"Agreement {base.number} was terminated on {when.isoformat()}: "
    _end(adoption, base, today, reason + base.termination_reason, when)
    _tell(
        adoption,
        base,
        event="adoption.base_terminated",
        title=f"Adoption {adoption.number} ended: {base.number} was terminated",
        text=f"Agreement {base.number} was terminated on {when.isoformat()}, so adoption "
        f"{adoption.number}, which adopted its terms, is terminated too. The data sharing it "
        "covers must stop.",
    )
    return adoption.number


def _expire(base: Agreement, adoption: Agreement, today: date) -> str:
    if adoption.status in S.IN_FORCE:
        system_step(agreement=adoption, action="expire", today=today, extra=_named(base))
        ending = "expired with it"
    else:
        reason = (
            f"Agreement {base.number} expired on {_day(base.expiry_date)}, before this "
            "adoption came into force."
        )
        _end(adoption, base, today, reason, today)
        ending = "ended with it before coming into force"
    _tell(
        adoption,
        base,
        event="adoption.base_expired",
        title=f"Adoption {adoption.number} ended: {base.number} expired",
        text=f"Agreement {base.number} expired, and adoption {adoption.number} {ending}. "
        "The data sharing it covers must stop unless a new agreement covers it.",
    )
    return adoption.number


def _mark_expiring(base: Agreement, adoption: Agreement, today: date) -> str:
    if adoption.status != S.ACTIVE:
        return ""
    system_step(agreement=adoption, action="mark_expiring", today=today, extra=_named(base))
    _tell(
        adoption,
        base,
        event="adoption.base_expiring",
        title=f"Adoption {adoption.number} ends with {base.number} on {_day(base.expiry_date)}",
        text=f"Agreement {base.number}, which adoption {adoption.number} adopts, has entered "
        f"its notice window and ends on {_day(base.expiry_date)} unless it is renewed.",
        marker=_day(base.expiry_date),
    )
    return adoption.number


def _rebase(base: Agreement, adoption: Agreement, today: date) -> str:
    """The renewal of the base becomes the adoption's base; its expiry follows when known."""
    # By id: the link was just written as a column, and the relationship may be stale.
    successor = db.session.get(Agreement, base.successor_id) if base.successor_id else None
    if successor is None:
        return ""
    before = snapshot(adoption)
    adoption.adopts = successor
    if successor.expiry_date is not None:
        adoption.expiry_date = successor.expiry_date
    if adoption.status == S.EXPIRING and not adoption.in_notice_window(on=today):
        adoption.status = S.ACTIVE
    extra = {"base_agreement": {"before": base.number, "after": successor.number}}
    _record(adoption, successor, REBASED_EVENT, before, "Now adopts the renewal", extra)
    _tell(
        adoption,
        base,
        event=REBASED_EVENT,
        title=f"Adoption {adoption.number} now adopts {successor.number}",
        text=f"Agreement {base.number} was renewed by {successor.number}. Adoption "
        f"{adoption.number} now adopts the renewal"
        + (f" and runs until {_day(successor.expiry_date)}." if successor.expiry_date else "."),
    )
    return adoption.number


FOLLOWERS = {
    "terminate": _terminate,
    "expire": _expire,
    "mark_expiring": _mark_expiring,
    "renew": _rebase,
}
# Why an open offer of the base ends, by the base's step.
ENDING = {
    "terminate": "The agreement offered was terminated.",
    "expire": "The agreement offered expired.",
    "renew": "The agreement offered was renewed; offer its renewal instead.",
}


# Helpers ------------------------------------------------------------------------------------


def _end(adoption: Agreement, base: Agreement, today: date, reason: str, when: date) -> None:
    before = snapshot(adoption)
    adoption.termination_reason = reason[:MAX_REASON]
    adoption.terminated_on = when
    system_step(
        agreement=adoption, action="terminate", today=today, extra=_named(base), before=before
    )


def _named(base: Agreement) -> dict[str, Any]:
    return {"base_agreement": {"before": None, "after": base.number}}


def _record(
    adoption: Agreement,
    base: Agreement,
    action: str,
    before: dict[str, Any],
    label: str,
    extra: dict[str, Any] | None = None,
) -> None:
    changes = audit.diff(before, snapshot(adoption))
    changes.update(extra or _named(base))
    audit.record(
        actor=None,
        action=action,
        object_type="agreement",
        object_id=adoption.id,
        organisation_id=adoption.organisation_id,
        changes=changes,
        summary=f"{label}: {adoption.number} (base {base.number})",
    )


def end_lapsed_offers(_sender: Any, *, today: date, **_: Any) -> None:
    """agreements.events.agreements_rolled: an offer still waiting or open after its last day
    ends, so that its page and the offers list stop calling it open (the fit check already
    refuses it)."""
    lapsed = db.session.scalars(
        select(AdoptionOffer)
        .where(AdoptionOffer.status.in_(LIVE_OFFERS), AdoptionOffer.available_until < today)
        .order_by(AdoptionOffer.id)
    ).all()
    for offer in lapsed:
        _end_offer(
            offer,
            offer.agreement,
            why=f"its last day, {offer.available_until.isoformat()}, has passed",
        )


def _end_offers(base: Agreement, *, why: str) -> None:
    offers = db.session.scalars(
        select(AdoptionOffer)
        .where(AdoptionOffer.agreement_id == base.id, AdoptionOffer.status.in_(LIVE_OFFERS))
        .order_by(AdoptionOffer.id)
    )
    for offer in offers:
        _end_offer(offer, base, why=why)


def _end_offer(offer: AdoptionOffer, base: Agreement, *, why: str) -> None:
    before = audit.snapshot(offer, ("status", "close_reason"))
    offer.status = OfferStatus.ENDED
    offer.closed_at = now()
    offer.close_reason = why
    audit.record(
        actor=None,
        action=OFFER_ENDED_EVENT,
        object_type="adoption_offer",
        object_id=offer.id,
        organisation_id=offer.organisation_id,
        changes=audit.diff(before, audit.snapshot(offer, ("status", "close_reason"))),
        summary=f"Offer of {base.number} ended: {why}",
    )


def _tell_amendment(amendment: Agreement, *, today: date, stage: str) -> None:
    base = amendment.renews
    for adoption in adoptions_of(base):
        _tell(
            adoption,
            base,
            event="adoption.base_amended",
            title=f"The terms adopted from {base.number} are changing",
            text=f"Renewal amendment {amendment.number} of agreement {base.number} was {stage}. "
            f"Adoption {adoption.number} adopts {base.number}'s terms; once the amendment is "
            "recorded as its renewal, the adoption follows it.",
            marker=f"{amendment.id}:{stage}",
        )


def _tell(
    adoption: Agreement,
    base: Agreement,
    *,
    event: str,
    title: str,
    text: str,
    marker: str = "",
) -> None:
    """The adopting department's buyers and the privacy office, once per event and adoption."""
    people = department_buyers(adoption.department_id) + privacy_officers()
    inbox.notify(
        people=people,
        kind=event,
        key=f"{event}:{adoption.id}:{base.id}:{marker}",
        title=title,
        text=text,
        link=f"/agreements/{adoption.id}",
        object_type="agreement",
        object_id=adoption.id,
    )


def _day(value: date | None) -> str:
    return value.isoformat() if value else "its expiry date"

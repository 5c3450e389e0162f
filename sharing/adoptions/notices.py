"""Who hears of a general offer and its adoptions, and what they are told: the vendor's
signers are asked for their consent in the portal; the privacy office (and whoever made the
offer) learns of the vendor's answer and of each adoption."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sharing.adoptions.models import AdoptionOffer
from sharing.agreements.models import Agreement
from sharing.auth.models import User
from sharing.auth.recipients import active_users, organisation_users, privacy_officers
from sharing.inbox import services as inbox


def _office(offer: AdoptionOffer) -> list[User]:
    return privacy_officers() + active_users([offer.offered_by_id])


def _tell(
    people: Iterable[User], *, offer: AdoptionOffer, event: str, title: str, text: str, actor: Any
) -> None:
    inbox.notify(
        people=people,
        kind=event,
        key=f"{event}:{offer.id}",
        title=title,
        text=text,
        link=f"/adoptions/offers/{offer.id}",
        object_type="adoption_offer",
        object_id=offer.id,
        actor_id=getattr(actor, "id", None),
    )


def offered(offer: AdoptionOffer, *, actor: Any) -> None:
    """The vendor's signers are asked to consent; they alone may."""
    number = offer.agreement.number
    signers = [u for u in organisation_users(offer.organisation_id) if u.may_sign]
    inbox.notify(
        people=signers,
        kind="adoption_offer.offered",
        key=f"adoption_offer.offered:{offer.id}",
        title=f"The City asks you to offer agreement {number} to other departments",
        text=f"The City's privacy office proposes that other City departments may adopt "
        f"agreement {number} for their own data flows, on the same terms. Read the offer in "
        "the portal, then accept it or decline.",
        link=f"/adoptions/offers/{offer.id}/consent",
        object_type="adoption_offer",
        object_id=offer.id,
        actor_id=getattr(actor, "id", None),
    )


def consented(offer: AdoptionOffer, *, actor: Any) -> None:
    number = offer.agreement.number
    _tell(
        _office(offer),
        offer=offer,
        event="adoption_offer.consented",
        title=f"{offer.organisation.display_name} accepted the general offer of {number}",
        text=f"{offer.consent_name} ({offer.consent_title}) accepted the general offer of "
        f"agreement {number}: City departments within its scope may now adopt it.",
        actor=actor,
    )


def declined(offer: AdoptionOffer, *, actor: Any) -> None:
    number = offer.agreement.number
    _tell(
        _office(offer),
        offer=offer,
        event="adoption_offer.declined",
        title=f"{offer.organisation.display_name} declined the general offer of {number}",
        text=f"The vendor declined to offer agreement {number} to other departments. Their "
        f"reason: {offer.declined_reason}",
        actor=actor,
    )


def adopted(offer: AdoptionOffer, adoption: Agreement, *, actor: Any) -> None:
    """The office learns of a new adoption, which it sends for signature from its page."""
    base = offer.agreement
    department = adoption.department.name if adoption.department else "A department"
    inbox.notify(
        people=_office(offer),
        kind="agreement.adopted",
        key=f"agreement.adopted:{adoption.id}",
        title=f"{department} adopted agreement {base.number}",
        text=f"{department} adopted agreement {base.number} as {adoption.number}, which is "
        "generated and ready to send to the vendor for signature.",
        link=f"/agreements/{adoption.id}",
        object_type="agreement",
        object_id=adoption.id,
        actor_id=getattr(actor, "id", None),
    )

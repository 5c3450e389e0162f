"""Who hears of each signing step, and what they are told. Vendor users are linked to the
portal's agreement page, the City's people to the staff agreement page."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sharing.agreements.models import Agreement
from sharing.auth.models import User
from sharing.auth.recipients import active_users, organisation_users, privacy_officers
from sharing.inbox import services as inbox
from sharing.signing.models import Signature


def _office(agreement: Agreement, *extra_ids: int | None) -> list[User]:
    owners = active_users([agreement.created_by_id, agreement.generated_by_id, *extra_ids])
    return privacy_officers() + owners


def _tell(
    people: Iterable[User],
    *,
    agreement: Agreement,
    event: str,
    title: str,
    text: str,
    portal: bool,
    actor: Any,
    signature: Signature,
) -> None:
    link = f"/portal/agreements/{agreement.id}" if portal else f"/agreements/{agreement.id}"
    inbox.notify(
        people=people,
        kind=event,
        key=f"{event}:{signature.id}:{'vendor' if portal else 'city'}",
        title=title,
        text=text,
        link=link,
        object_type="agreement",
        object_id=agreement.id,
        actor_id=getattr(actor, "id", None),
    )


def sent(agreement: Agreement, signature: Signature, *, actor: Any) -> None:
    """The signer is asked to sign; the organisation's other users learn who must."""
    number = agreement.number
    signer = [
        u for u in organisation_users(agreement.organisation_id) if u.id == signature.signer_id
    ]
    others = [
        u for u in organisation_users(agreement.organisation_id) if u.id != signature.signer_id
    ]
    _tell(
        signer,
        agreement=agreement,
        event="signature.requested",
        title=f"Agreement {number} awaits your signature",
        text=f"The City sent agreement {number} for your signature. Read it in the portal, "
        "then sign it, return a marked-up copy, or decline.",
        portal=True,
        actor=actor,
        signature=signature,
    )
    _tell(
        others,
        agreement=agreement,
        event="signature.requested_of_other",
        title=f"Agreement {number} was sent to {signature.signer_name} for signature",
        text=f"The City sent agreement {number} to {signature.signer_name} "
        f"({signature.signer_email}), who signs it for your organization.",
        portal=True,
        actor=actor,
        signature=signature,
    )


def vendor_signed(agreement: Agreement, signature: Signature, *, actor: Any) -> None:
    _tell(
        _office(agreement, signature.requested_by_id),
        agreement=agreement,
        event="signature.signed",
        title=f"Agreement {agreement.number} signed by the vendor",
        text=f"{signature.typed_name} ({signature.typed_title}) signed agreement "
        f"{agreement.number} for {agreement.organisation.display_name}. It waits for the "
        "City's countersignature.",
        portal=False,
        actor=actor,
        signature=signature,
    )


def sent_back(agreement: Agreement, signature: Signature, *, actor: Any, declined: bool) -> None:
    """The vendor declined, or returned a marked-up copy: the office hears why."""
    who = agreement.organisation.display_name
    if declined:
        event, title = "signature.declined", f"Agreement {agreement.number} declined"
        text = f"{who} declined to sign agreement {agreement.number}: {signature.decline_reason}"
    else:
        event = "signature.returned"
        title = f"Agreement {agreement.number} returned with changes"
        text = (
            f"{who} returned agreement {agreement.number} with a marked-up copy instead of "
            "signing it. Review the changes, then send it again."
        )
    _tell(
        _office(agreement, signature.requested_by_id),
        agreement=agreement,
        event=event,
        title=title,
        text=text,
        portal=False,
        actor=actor,
        signature=signature,
    )


def executed(agreement: Agreement, signature: Signature, *, actor: Any) -> None:
    """Both parties signed: the vendor's users and the office hear it, each with their link."""
    number = agreement.number
    words = (
        f"Agreement {number} is signed by both parties and sealed by the City. "
        f"The executed copy can be downloaded from the agreement's page."
    )
    _tell(
        organisation_users(agreement.organisation_id),
        agreement=agreement,
        event="signature.executed",
        title=f"Agreement {number} executed",
        text=words,
        portal=True,
        actor=actor,
        signature=signature,
    )
    _tell(
        _office(agreement),
        agreement=agreement,
        event="signature.executed",
        title=f"Agreement {number} executed",
        text=words,
        portal=False,
        actor=actor,
        signature=signature,
    )


def lapsed(agreement: Agreement, signatures: list[Signature], *, actor: Any, why: str) -> None:
    """Each signer whose signature (or request) lapsed is told why."""
    for signature in signatures:
        if signature.signer_id is None:
            continue
        portal = signature.party.value == "vendor"
        _tell(
            active_users([signature.signer_id]),
            agreement=agreement,
            event="signature.lapsed",
            title=f"Your signature on agreement {agreement.number} lapsed",
            text=f"Your signature (or the request for it) on agreement {agreement.number} "
            f"no longer counts: {why}",
            portal=portal,
            actor=actor,
            signature=signature,
        )

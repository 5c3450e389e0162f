"""The words the audit trail uses for a general offer (audit_vocabulary.py reads them): its
name, from the agreement it offers, and the labels of the consent and closing fields."""

from __future__ import annotations

from collections.abc import Collection

from sqlalchemy import select

from sharing.adoptions.models import AdoptionOffer
from sharing.agreements.models import Agreement
from sharing.extensions import db


def offer_names(ids: Collection[str]) -> dict[str, str]:
    """An offer is named by the agreement it offers: "Offer of DSA-2026-0003"."""
    keys = sorted({int(i) for i in ids if str(i).isdigit()})
    if not keys:
        return {}
    rows = db.session.execute(
        select(AdoptionOffer.id, Agreement.number)
        .join(Agreement, Agreement.id == AdoptionOffer.agreement_id)
        .where(AdoptionOffer.id.in_(keys))
    )
    return {str(key): f"Offer of {number}" for key, number in rows}


# The vendor's consent to a general offer, and the offer's closing, beside the offer's form.
OFFER_FIELDS = {
    "status": "Status",
    "agreement_id": "Agreement offered",
    "consent_name": "Typed name",
    "consent_title": "Typed title",
    "consent_version": "Consent words (version)",
    "consented_at": "Accepted at",
    "consent_ip": "IP address",
    "declined_reason": "Reason for declining",
    "declined_at": "Declined at",
    "close_reason": "Reason for withdrawal",
    "reason": "Reason",
}

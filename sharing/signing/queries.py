"""Reading signatures: an agreement's history and open signature, who may sign for a vendor,
and what waits for whom."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select

from sharing.agreements.models import Agreement
from sharing.auth.models import User
from sharing.core.roles import Role
from sharing.extensions import db
from sharing.signing.models import OPEN, Party, Signature

__all__ = ["OPEN"]


def history(agreement_id: int) -> list[Signature]:
    """Every signature of the agreement, the first request first."""
    return list(
        db.session.scalars(
            select(Signature).where(Signature.agreement_id == agreement_id).order_by(Signature.id)
        )
    )


def open_signature(agreement_id: int, party: Party) -> Signature | None:
    """The party's signature still in play on the agreement (waiting, or given), if any."""
    return db.session.scalar(
        select(Signature)
        .where(
            Signature.agreement_id == agreement_id,
            Signature.party == party,
            Signature.status.in_(OPEN),
        )
        .order_by(Signature.id.desc())
        .limit(1)
    )


def open_signatures(agreement_id: int) -> list[Signature]:
    return list(
        db.session.scalars(
            select(Signature).where(
                Signature.agreement_id == agreement_id, Signature.status.in_(OPEN)
            )
        )
    )


def vendor_signers(organisation_id: int) -> list[User]:
    """The organisation's active vendor users with the signer right."""
    return list(
        db.session.scalars(
            select(User)
            .where(
                User.organisation_id == organisation_id,
                User.role == Role.VENDOR,
                User.active.is_(True),
                User.may_sign.is_(True),
            )
            .order_by(User.name, User.id)
        )
    )


def is_signer(user: object, signature: Signature) -> bool:
    """The person the signature waits for: its user, or, for an invited signer who has since
    made an account, the vendor user with the invited address."""
    user_id = getattr(user, "id", None)
    if user_id is None:
        return False
    if signature.signer_id is not None:
        return signature.signer_id == user_id
    return (
        getattr(user, "email", "") == signature.signer_email
        and getattr(user, "organisation_id", None) == signature.agreement.organisation_id
    )


def open_vendor_signatures(
    *, organisation_id: int, agreement_ids: Sequence[int]
) -> list[Signature]:
    """The vendor signatures in play (waiting or given) on these agreements of the
    organisation, in one statement."""
    return list(
        db.session.scalars(
            select(Signature)
            .join(Agreement, Agreement.id == Signature.agreement_id)
            .where(
                Agreement.organisation_id == organisation_id,
                Signature.agreement_id.in_(agreement_ids),
                Signature.party == Party.VENDOR,
                Signature.status.in_(OPEN),
            )
            .order_by(Signature.id)
        )
    )

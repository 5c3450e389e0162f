"""The template globals signing gives every page: an agreement's signature history (the staff
agreement page and the portal's) and what the signed-in user may do about its signature
(templates/signing/_history.html, _portal.html, _staff.html)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from flask import Flask

from sharing.agreements.models import Agreement
from sharing.signing import countersigning, queries
from sharing.signing.models import Party, Signature, SignatureStatus


@dataclass(frozen=True)
class SigningState:
    """What an agreement's page shows about its signature, for one user."""

    history: list[Signature]
    vendor: Signature | None  # the vendor signature in play, if any
    document: Signature | None  # the newest signature with a PDF to read
    is_signer: bool = False
    blockers: list[str] = field(default_factory=list)


def signing_state(agreement: Agreement, user: Any) -> SigningState:
    history = queries.history(agreement.id)
    vendor = next(
        (s for s in reversed(history) if s.party == Party.VENDOR and s.status in queries.OPEN),
        None,
    )
    signed = vendor is not None and vendor.status == SignatureStatus.SIGNED
    return SigningState(
        history=history,
        vendor=vendor,
        document=history[-1] if history else None,
        is_signer=vendor is not None and queries.is_signer(user, vendor),
        # Asked only once the vendor signed: then everything else that blocks counts.
        blockers=countersigning.blockers(agreement) if signed else [],
    )


def init_templating(app: Flask) -> None:
    app.jinja_env.globals["signature_history"] = queries.history
    app.jinja_env.globals["signing_state"] = signing_state

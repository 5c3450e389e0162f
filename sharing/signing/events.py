"""Signals the signing package sends, so that a package above it can hold a signature back
without signing importing it. Receivers are connected in create_app's register_events step
and listed in docs/ARCHITECTURE.md."""

from __future__ import annotations

from blinker import Namespace
from flask import current_app

from sharing.agreements.models import Agreement

signals = Namespace()

# Before an agreement is sent for signature and before the City countersigns. Keyword:
# agreement. A receiver returns a list of reasons, in plain words, why the step must wait
# (negotiation: a returned copy with changes not yet decided).
signature_holds = signals.signal("signature-holds")


def holds(agreement: Agreement) -> list[str]:
    """Every reason a receiver gives for holding the agreement's signature back."""
    sender = current_app._get_current_object()  # type: ignore[attr-defined]
    return [
        reason
        for _receiver, reasons in signature_holds.send(sender, agreement=agreement)
        for reason in (reasons or [])
    ]

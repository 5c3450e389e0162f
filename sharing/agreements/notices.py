"""Who hears of an agreement's signature steps: the privacy office and the staff who drafted or
generated it when the signed copy is recorded and when it comes into force. (The request for
signature and the signing steps are told by sharing/signing/notices.py, which names the
signer.)"""

from __future__ import annotations

from typing import Any

from sharing.agreements.models import Agreement
from sharing.auth.recipients import active_users, organisation_users, privacy_officers
from sharing.inbox import services as inbox

# Audit action of the step → (title, text, whether the vendor's users are the ones told).
STEPS = {
    "agreement.executed": (
        "Agreement {number} signed",
        "The signed copy of agreement {number} was recorded. It comes into force on {effective}.",
        False,
    ),
    "agreement.activated": (
        "Agreement {number} is in force",
        "Agreement {number} was countersigned and is now active.",
        False,
    ),
}


def notify_step(agreement: Agreement, event: str, *, actor: Any) -> None:
    """In the step's transaction, once per agreement and step."""
    if event not in STEPS:
        return
    title, text, to_vendor = STEPS[event]
    if to_vendor:
        people, link = organisation_users(agreement.organisation_id), "/portal/agreements/"
    else:
        owners = active_users([agreement.created_by_id, agreement.generated_by_id])
        people, link = privacy_officers() + owners, "/agreements/"
    effective = agreement.effective_date.isoformat() if agreement.effective_date else "its date"
    words = {"number": agreement.number, "effective": effective}
    inbox.notify(
        people=people,
        kind=event,
        key=f"{event}:{agreement.id}:v{agreement.version}",
        title=title.format(**words),
        text=text.format(**words),
        link=f"{link}{agreement.id}",
        object_type="agreement",
        object_id=agreement.id,
        actor_id=getattr(actor, "id", None),
    )

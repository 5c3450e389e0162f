"""Who hears of a returned copy: the privacy office (and the staff who drafted or generated
the agreement) when it arrives; the vendor's users when the office has decided every change
and regenerated the agreement, with each rejected change and its comment."""

from __future__ import annotations

from typing import Any

from sharing.auth.recipients import active_users, organisation_users, privacy_officers
from sharing.inbox import services as inbox
from sharing.negotiation.models import Decision, ReturnedCopy


def copy_received(copy: ReturnedCopy, *, actor: Any) -> None:
    agreement = copy.agreement
    owners = active_users([agreement.created_by_id, agreement.generated_by_id])
    count = len(copy.deviations)
    changes = "one change" if count == 1 else f"{count} changes"
    inbox.notify(
        people=privacy_officers() + owners,
        kind="agreement.returned_copy_received",
        key=f"agreement.returned_copy_received:{agreement.id}:{copy.round}",
        title=f"Agreement {agreement.number} returned with changes",
        text=f"{agreement.organisation.display_name} returned agreement {agreement.number} "
        f"with {changes} to decide.",
        link=f"/negotiation/copies/{copy.id}",
        object_type="agreement",
        object_id=agreement.id,
        actor_id=getattr(actor, "id", None),
    )


def decisions_made(copy: ReturnedCopy, *, actor: Any) -> None:
    agreement = copy.agreement
    rejected = [d for d in copy.deviations if d.decision == Decision.REJECTED]
    if rejected:
        text = (
            f"The City decided the changes you returned to agreement {agreement.number} and "
            f"regenerated it. {len(rejected)} of them were not accepted; read the comments."
        )
    else:
        text = (
            f"The City decided the changes you returned to agreement {agreement.number} and "
            "regenerated it. Every change was accepted."
        )
    lines = [f"- {d.heading or d.code}: {d.note}" for d in rejected]
    link = f"/negotiation/returned/{copy.id}"
    listed = "\n\nNot accepted:\n" + "\n".join(lines) if lines else ""
    body = f"{text}{listed}\n\nOpen it: {inbox.absolute_url(link)}\n"
    inbox.notify(
        people=organisation_users(agreement.organisation_id),
        kind="agreement.returned_copy_decided",
        key=f"agreement.returned_copy_decided:{agreement.id}:{copy.round}",
        title=f"Your changes to agreement {agreement.number} were decided",
        text=text,
        body=body,
        link=link,
        object_type="agreement",
        object_id=agreement.id,
        actor_id=getattr(actor, "id", None),
    )

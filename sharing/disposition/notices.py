"""Who hears of each step of a directive, and what they are told: the vendor's users (linked
to the directive in the portal's disposition pages) and the privacy office."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sharing.auth.models import User
from sharing.auth.recipients import organisation_users, privacy_officers
from sharing.disposition.models import DispositionDirective, DispositionTrigger
from sharing.inbox import services as inbox


def _link(directive: DispositionDirective) -> str:
    return f"/disposition/{directive.id}"


def _tell(
    people: Iterable[User],
    directive: DispositionDirective,
    *,
    event: str,
    title: str,
    text: str,
    actor: Any = None,
    round_key: str = "",
) -> None:
    inbox.notify(
        people=people,
        kind=event,
        key=f"{event}:{directive.id}{':' + round_key if round_key else ''}",
        title=title,
        text=text,
        link=_link(directive),
        object_type="disposition_directive",
        object_id=directive.id,
        actor_id=getattr(actor, "id", None),
    )


def _why(directive: DispositionDirective) -> str:
    number = directive.agreement.number
    if directive.trigger == DispositionTrigger.FLOW_RETIRED and directive.flow is not None:
        return f"the flow “{directive.flow.system_name}” under agreement {number} was retired"
    return f"agreement {number} ended"


def issued(directive: DispositionDirective) -> None:
    """The vendor's users receive the directive; the office learns it went out."""
    due = f"{directive.due_on:%B} {directive.due_on.day}, {directive.due_on.year}"
    _tell(
        organisation_users(directive.organisation_id),
        directive,
        event="disposition.issued",
        title=f"Return or destroy City data: directive {directive.number}",
        text=f"Because {_why(directive)}, the City directs what must happen to its data. "
        f"Carry it out and sign the certificate of disposition in the portal by {due}.",
    )
    _tell(
        privacy_officers(),
        directive,
        event="disposition.issued_office",
        title=f"Disposition directive {directive.number} issued",
        text=f"Issued to {directive.organisation.display_name} because {_why(directive)}. "
        "Record the City's written authorization first if City records may be destroyed.",
    )


def changed(directive: DispositionDirective, *, actor: Any) -> None:
    _tell(
        organisation_users(directive.organisation_id),
        directive,
        event="disposition.changed",
        title=f"Directive {directive.number} was updated",
        text="The City changed what the directive asks. Download the current version before "
        "you complete the certificate.",
        actor=actor,
        round_key=directive.generated_sha256 or "",
    )


def submitted(directive: DispositionDirective, *, actor: Any) -> None:
    _tell(
        privacy_officers(),
        directive,
        event="disposition.submitted",
        title=f"Certificate of disposition {directive.number} submitted",
        text=f"{directive.organisation.display_name} signed the certificate for directive "
        f"{directive.number}. Review it and accept it or return it with questions.",
        actor=actor,
        round_key=str(directive.signed_at),
    )


def reviewed(directive: DispositionDirective, *, actor: Any, accepted: bool) -> None:
    if accepted:
        title = f"Certificate {directive.number} accepted"
        text = "The City accepted your certificate of disposition. Nothing more is needed."
    else:
        title = f"Certificate {directive.number} returned with questions"
        text = (
            "The City has questions about your certificate of disposition. Answer them in the "
            "portal and sign the certificate again."
        )
    _tell(
        organisation_users(directive.organisation_id),
        directive,
        event="disposition.accepted" if accepted else "disposition.returned",
        title=title,
        text=text,
        actor=actor,
        round_key=str(directive.reviewed_at),
    )

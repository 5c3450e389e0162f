"""Who hears of each step of a fact sheet, and what they read: requested and returned (the
vendor's users), submitted (the privacy office), accepted (the vendor's users). Inbox items
(with their mail, as each person chose), queued in the caller's transaction so a step and its
messages are committed together."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sharing.algorithms.models import FactSheet
from sharing.auth.recipients import organisation_users, privacy_officers
from sharing.inbox import services as inbox


def _link(sheet: FactSheet) -> str:
    return f"/algorithms/fact-sheets/{sheet.id}"


def _notify(sheet: FactSheet, people: list, event: str, *, actor: Any = None, **text: str) -> None:
    inbox.notify(
        people=people,
        kind=f"fact_sheet.{event.split(':')[0]}",
        key=f"fact_sheet:{sheet.id}:{event}",
        title=text["subject"],
        text=text["text"],
        link=_link(sheet),
        body=f"{text['text']}\n\nOpen the fact sheet: {inbox.absolute_url(_link(sheet))}\n",
        object_type="fact_sheet",
        object_id=sheet.id,
        actor_id=getattr(actor, "id", None),
    )


def _name(sheet: FactSheet) -> str:
    return f"{sheet.algorithm.name} (edition {sheet.edition})"


def notify_requested(sheet: FactSheet, *, actor: Any = None) -> None:
    """To the organisation's active vendor users: a fact sheet to fill in."""
    due = sheet.due_date.isoformat()
    _notify(
        sheet,
        organisation_users(sheet.organisation_id),
        "requested",
        actor=actor,
        subject=f"AI fact sheet requested for {sheet.algorithm.name}, due {due}",
        text=f"The privacy office asks you to fill in the AI fact sheet for {_name(sheet)} "
        f"by {due}.",
    )


def notify_submitted(sheet: FactSheet, *, actor: Any) -> None:
    """To the privacy office: a signed sheet waits for its review."""
    _notify(
        sheet,
        privacy_officers(),
        "submitted",
        actor=actor,
        subject=f"AI fact sheet submitted for {sheet.algorithm.name}: ready for review",
        text=f"{sheet.organisation.display_name} signed and submitted {_name(sheet)}.",
    )


def notify_returned(sheet: FactSheet, *, actor: Any, at: datetime) -> None:
    """To the organisation's active vendor users, with the office's comment; keyed by the
    time of the review, since one edition may come back more than once."""
    _notify(
        sheet,
        organisation_users(sheet.organisation_id),
        f"returned:{at.isoformat()}",
        actor=actor,
        subject=f"AI fact sheet for {sheet.algorithm.name} returned with comments",
        text=f"The privacy office returned {_name(sheet)}: {sheet.review_comment}",
    )


def notify_accepted(sheet: FactSheet, *, actor: Any) -> None:
    _notify(
        sheet,
        organisation_users(sheet.organisation_id),
        "accepted",
        actor=actor,
        subject=f"AI fact sheet for {sheet.algorithm.name} accepted",
        text=f"The privacy office accepted {_name(sheet)}. Nothing more is needed for now.",
    )

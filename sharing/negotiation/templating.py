"""What negotiation's pages and the staff agreement page show: each change as a card with the
obligation it touches, the exceptions agreed on an agreement (the `agreement_exceptions`
global), and an agreement's returned copies (the `returned_copies` global)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask import Flask
from markupsafe import Markup

from sharing.negotiation import queries
from sharing.negotiation.models import Deviation, ReturnedCopy
from sharing.negotiation.redline import redline_html


@dataclass(frozen=True)
class Card:
    deviation: Deviation
    title: str  # the obligation's title, or the section heading for a frame section
    code: str
    source: str  # where in the City's policy the obligation comes from
    redline: Markup


def review_cards(copy: ReturnedCopy) -> list[Card]:
    """One card per change, in the comparison's order (weakened obligations first)."""
    policy = copy.agreement.policy_version
    obligations = {o.code: o for o in policy.obligations} if policy else {}
    cards = []
    for deviation in copy.deviations:
        obligation = obligations.get(deviation.code)
        source = (
            f"{obligation.source_document}, {obligation.source_reference}" if obligation else ""
        )
        cards.append(
            Card(
                deviation=deviation,
                title=obligation.title if obligation else deviation.heading,
                code=deviation.code,
                source=source,
                redline=redline_html(deviation.before_text, deviation.after_text),
            )
        )
    return cards


def agreement_exceptions(agreement: Any) -> list[dict[str, Any]]:
    """The exceptions the City agreed on this agreement, by obligation code."""
    return [{"code": code, **entry} for code, entry in sorted((agreement.exceptions or {}).items())]


def returned_copies(agreement: Any) -> list[ReturnedCopy]:
    return queries.copies_of(agreement.id)


def init_templating(app: Flask) -> None:
    app.jinja_env.globals["agreement_exceptions"] = agreement_exceptions
    app.jinja_env.globals["returned_copies"] = returned_copies

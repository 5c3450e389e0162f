"""The template global disposition gives the agreement page: the directives issued under the
agreement, with their deadlines and where the certificate stands
(templates/disposition/_agreement_section.html). The agreements package shows them without
importing disposition."""

from __future__ import annotations

from flask import Flask
from sqlalchemy import select

from sharing.agreements.models import Agreement
from sharing.disposition.models import DispositionDirective
from sharing.extensions import db


def agreement_directives(agreement: Agreement) -> list[DispositionDirective]:
    """The agreement's directives, oldest first: the one for its end, and any for a retired
    flow."""
    return list(
        db.session.scalars(
            select(DispositionDirective)
            .where(DispositionDirective.agreement_id == agreement.id)
            .order_by(DispositionDirective.id)
        )
    )


def init_templating(app: Flask) -> None:
    app.jinja_env.globals["agreement_directives"] = agreement_directives

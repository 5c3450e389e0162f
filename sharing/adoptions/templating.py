"""The template global adoptions gives the agreement page: the agreement's general offer (its
newest), the offer's scope in words, the adoptions made of it, and whether the signed-in user
may offer it now (templates/adoptions/_agreement_panel.html). The agreements package shows it
without importing adoptions."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from flask import Flask

from sharing.adoptions import adopting, offers
from sharing.adoptions.models import AdoptionOffer
from sharing.agreements.models import Agreement
from sharing.core.roles import Role


@dataclass(frozen=True)
class AdoptionPanel:
    offer: AdoptionOffer | None
    scope: list[str] = field(default_factory=list)
    adoptions: list[Agreement] = field(default_factory=list)
    may_offer: bool = False


def adoption_panel(agreement: Agreement, user: Any) -> AdoptionPanel:
    offer = offers.latest_offer(agreement)
    office = getattr(user, "role", None) in Role.OFFICE
    return AdoptionPanel(
        offer=offer,
        scope=offers.scope_sentences(offer, offers.named_departments(offer)) if offer else [],
        adoptions=adopting.adoptions_of(agreement),
        may_offer=office and offers.offer_problem(agreement) is None,
    )


def init_templating(app: Flask) -> None:
    app.jinja_env.globals["adoption_panel"] = adoption_panel

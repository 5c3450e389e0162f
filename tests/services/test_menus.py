"""Capped filter menus (sharing/core/menus.py): every choice while few, the chosen one beyond."""

from __future__ import annotations

from sqlalchemy import select

from sharing.core import menus
from sharing.vendors.models import Organisation
from tests.factories import make_organisation


def _names_menu(chosen=None):
    stmt = select(Organisation.id, Organisation.legal_name).order_by(Organisation.legal_name)
    return menus.capped_menu(stmt, id_column=Organisation.id, chosen=chosen)


def test_menu_lists_every_choice_up_to_the_limit(db, monkeypatch):
    """At or under the limit the menu is complete and in the statement's order."""
    for name in ("Beta Ltd", "Alpha Ltd"):
        make_organisation(legal_name=name)
    db.session.commit()
    monkeypatch.setattr(menus, "MENU_LIMIT", 2)

    menu = _names_menu()

    assert menu.complete
    assert [label for _, label in menu.choices] == ["Alpha Ltd", "Beta Ltd"]


def test_menu_over_the_limit_offers_only_the_chosen_value(db, monkeypatch):
    """Past the limit the menu keeps only what was chosen, so `?organisation=<id>` links work."""
    organisations = [make_organisation(legal_name=f"Org {n}") for n in range(3)]
    db.session.commit()
    monkeypatch.setattr(menus, "MENU_LIMIT", 2)

    assert _names_menu() == menus.Menu([], False)
    chosen = _names_menu(chosen=organisations[2].id)
    assert chosen == menus.Menu([(organisations[2].id, "Org 2")], False)

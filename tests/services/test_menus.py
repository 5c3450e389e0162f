"""Capped filter menus (sharing/core/menus.py): every choice while few, the chosen one beyond."""

from __future__ import annotations

from sqlalchemy import select

from sharing.core import menus
from sharing.vendors.models import Organisation
from tests.factories import make_organisation


def _names_menu(chosen=None):
    stmt = select(Organisation.id, Organisation.legal_name)
    order = Organisation.legal_name
    return menus.capped_menu(stmt, id_column=Organisation.id, order=order, chosen=chosen)


def test_menu_lists_every_choice_up_to_the_limit(db, monkeypatch):
    """At or under the limit the menu is complete and sorted by its order expression."""
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


def test_menu_sorts_by_its_own_order_not_the_label(db):
    """The order expression decides, even when it differs from the label shown."""
    make_organisation(legal_name="Zed Ltd", common_name="Alpha")
    make_organisation(legal_name="Acme Ltd", common_name="Zulu")
    db.session.commit()
    stmt = select(Organisation.id, Organisation.common_name)

    menu = menus.capped_menu(stmt, id_column=Organisation.id, order=Organisation.legal_name)

    assert [label for _, label in menu.choices] == ["Zulu", "Alpha"]


def test_distinct_values_lists_each_value_once_in_order(db):
    """The loose index scan returns every distinct value, sorted, and stops after the last."""
    for name, city in [("A", "Oslo"), ("B", "Bergen"), ("C", "Oslo"), ("D", "Oslo"), ("E", "Aas")]:
        make_organisation(legal_name=f"{name} Ltd", city=city)
    db.session.commit()

    assert menus.distinct_values(Organisation.city) == ["Aas", "Bergen", "Oslo"]


def test_distinct_values_of_an_empty_table_is_empty(db):
    assert menus.distinct_values(Organisation.city) == []

"""Capped filter menus (sharing/core/menus.py): every choice while few, the chosen one beyond."""

from __future__ import annotations

from sqlalchemy import select

from sharing.core import menus
from sharing.disclosures.models import Incident
from sharing.vendors import queries as vendor_queries
from sharing.vendors.models import Organisation
from tests.factories import make_organisation
from tests.web.tables.portal import make_incident


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


def test_first_distinct_gives_the_smallest_values_once_each(db):
    """The walk stops at the limit: each value once, smallest first, NULLs left out."""
    for name, city in [("A", "Oslo"), ("B", "Bergen"), ("C", "Oslo"), ("D", "Aas"), ("E", "Oslo")]:
        make_organisation(legal_name=f"{name} Ltd", city=city)
    db.session.commit()

    assert list(db.session.scalars(menus.first_distinct(Organisation.city, 2))) == [
        "Aas",
        "Bergen",
    ]
    assert list(db.session.scalars(menus.first_distinct(Organisation.city, 10))) == [
        "Aas",
        "Bergen",
        "Oslo",
    ]


def test_organisation_menu_lists_only_organisations_the_column_names(db, monkeypatch):
    """`named_by` keeps the organisations that column names; past the cap only the chosen one
    is offered, as for any capped menu."""
    named = [make_organisation(legal_name=f"Named {n}") for n in range(3)]
    make_organisation(legal_name="Not named")
    db.session.commit()
    for organisation in named[:2]:
        for _ in range(2):  # named twice: still listed once
            make_incident(organisation.id)
    db.session.commit()

    menu = vendor_queries.organisation_menu(named_by=Incident.organisation_id)
    assert menu == menus.Menu([(named[0].id, "Named 0"), (named[1].id, "Named 1")], True)

    make_incident(named[2].id)
    db.session.commit()
    monkeypatch.setattr(menus, "MENU_LIMIT", 2)
    assert vendor_queries.organisation_menu(named_by=Incident.organisation_id) == menus.Menu(
        [], False
    )
    chosen = vendor_queries.organisation_menu(named[2].id, named_by=Incident.organisation_id)
    assert chosen == menus.Menu([(named[2].id, "Named 2")], False)

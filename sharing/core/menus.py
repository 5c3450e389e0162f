"""Filter menus that stay small as the data grows.

A list page's <select> lists every choice while there are few of them (at most MENU_LIMIT).
Beyond that it offers only the choice already made (so links such as `?organisation=<id>`
keep working and can be cleared), and the page points to its search box, which matches
names in SQL. Either way the menu costs one statement.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select

from sharing.extensions import db

MENU_LIMIT = 200


@dataclass(frozen=True)
class Menu:
    choices: list[tuple[Any, str]]
    complete: bool  # False: too many to list, only the chosen value is offered


def capped_menu(stmt: Select, *, id_column: Any, chosen: Any = None) -> Menu:
    """`stmt` selects (id, label) rows in menu order; `chosen` is the value already picked."""
    rows = [(row[0], row[1]) for row in db.session.execute(stmt.limit(MENU_LIMIT + 1))]
    if len(rows) <= MENU_LIMIT:
        return Menu(rows, True)
    if chosen is None:
        return Menu([], False)
    picked = db.session.execute(stmt.where(id_column == chosen).limit(1))
    return Menu([(row[0], row[1]) for row in picked], False)

"""Filter menus that stay small as the data grows.

A list page's <select> lists every choice while there are few of them (at most MENU_LIMIT).
Beyond that it offers only the choice already made (so links such as `?organisation=<id>`
keep working and can be cleared), and the page points to its search box, which matches
names in SQL. Either way the menu costs one statement.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, func, select

from sharing.extensions import db

MENU_LIMIT = 200


@dataclass(frozen=True)
class Menu:
    choices: list[tuple[Any, str]]
    complete: bool  # False: too many to list, only the chosen value is offered


def capped_menu(stmt: Select, *, id_column: Any, order: Any, chosen: Any = None) -> Menu:
    """`stmt` selects (id, label) rows, unordered; `order` is the menu's sort expression and
    `chosen` the value already picked.

    The first MENU_LIMIT + 1 matches are taken unsorted, then sorted: a menu that will not be
    shown in full never sorts the whole table, and the database may stop at the limit."""
    first = stmt.add_columns(order.label("menu_order")).limit(MENU_LIMIT + 1).subquery("menu")
    id_, label, key = list(first.c)
    rows = [(row[0], row[1]) for row in db.session.execute(select(id_, label).order_by(key))]
    if len(rows) <= MENU_LIMIT:
        return Menu(rows, True)
    if chosen is None:
        return Menu([], False)
    picked = db.session.execute(stmt.where(id_column == chosen).limit(1))
    return Menu([(row[0], row[1]) for row in picked], False)


def _walk(column: Any) -> Any:
    """The distinct non-null values of an indexed column, smallest first, as a recursive
    query that asks the index for the next value above the last one (a loose index scan):
    one index seek per value, where SELECT DISTINCT reads every row."""
    seed = select(func.min(column).label("value")).cte("distinct_values", recursive=True)
    following = select(func.min(column)).where(column > seed.c.value).scalar_subquery()
    return seed.union_all(select(following).where(seed.c.value.is_not(None)))


def distinct_values(column: Any) -> list[Any]:
    """The distinct non-null values of an indexed column, in order. An audit trail of
    200,000 events has a few dozen actions: a few dozen index seeks."""
    walk = _walk(column)
    stmt = select(walk.c.value).where(walk.c.value.is_not(None)).order_by(walk.c.value)
    return list(db.session.scalars(stmt))


def first_distinct(column: Any, limit: int | None = None) -> Select:
    """The `limit` smallest distinct values of an indexed column (by default MENU_LIMIT + 1,
    as many as a capped menu takes), as a subquery for IN. Both
    SQLite and PostgreSQL stop the walk once the limit is reached, so it costs `limit` index
    seeks however many rows name each value, and however few of a large table's ids appear."""
    walk = _walk(column)
    stmt = select(walk.c.value).where(walk.c.value.is_not(None))
    return stmt.limit(MENU_LIMIT + 1 if limit is None else limit)

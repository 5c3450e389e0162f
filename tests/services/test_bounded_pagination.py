"""Paged lists count their rows only up to a bound (sharing/core/pagination.py), so a page of a
list costs the same however large the table grows."""

from __future__ import annotations

from sqlalchemy import event, func, select
from sqlalchemy.orm import aliased

from sharing.core import pagination
from sharing.vendors.models import Organisation
from tests.factories import make_organisation


def _page(number: int, per_page: int = 1) -> pagination.BoundedPagination:
    stmt = select(Organisation).order_by(Organisation.legal_name, Organisation.id)
    return pagination.paginate(stmt, number, per_page)


def _organisations(count: int) -> None:
    for n in range(count):
        make_organisation(legal_name=f"Org {n:02d}")


def test_count_under_the_bound_is_exact(db, monkeypatch):
    monkeypatch.setattr(pagination, "COUNT_LIMIT", 20)
    _organisations(5)
    page = _page(2)
    assert (page.total, page.exact, page.pages) == (5, True, 5)
    assert [o.legal_name for o in page.items] == ["Org 01"]
    assert page.has_next and page.has_prev


def test_count_past_the_bound_says_more_and_keeps_paging(db, monkeypatch):
    """Past the bound the total is the bound, marked inexact, and Next stays available."""
    monkeypatch.setattr(pagination, "COUNT_LIMIT", 3)
    _organisations(13)  # the bound for page 1 of 1 a page is max(3, (1 + 10) * 1) = 11
    page = _page(1)
    assert (page.total, page.exact, page.pages) == (11, False, 11)
    assert page.has_next


def test_bound_moves_with_the_page_so_the_end_is_found(db, monkeypatch):
    """Ten pages past the one shown are always counted: near the end the count is exact."""
    monkeypatch.setattr(pagination, "COUNT_LIMIT", 3)
    _organisations(13)
    last = _page(13)
    assert (last.total, last.exact, last.pages) == (13, True, 13)
    assert not last.has_next
    assert [o.legal_name for o in last.items] == ["Org 12"]


def _count_statements(db, stmt, number: int = 1) -> tuple[pagination.BoundedPagination, list[str]]:
    seen: list[str] = []

    def _record(_conn, _cursor, statement, *_args):
        seen.append(statement)

    event.listen(db.engine, "before_cursor_execute", _record)
    try:
        page = pagination.paginate(stmt, number, 2)
        page.total  # noqa: B018 - the count runs when the page is built; read it anyway
    finally:
        event.remove(db.engine, "before_cursor_execute", _record)
    return page, [s for s in seen if "count(*)" in s]


def test_count_selects_a_constant_not_the_page_columns(db):
    """The count builds no row of the columns a page shows: joins stay, columns go."""
    for n in range(3):
        make_organisation(legal_name=f"Org {n}", city="Oslo")
    db.session.commit()
    parent = aliased(Organisation)
    stmt = (
        select(Organisation)
        .outerjoin(parent, parent.id == Organisation.parent_id)
        .where(Organisation.city == "Oslo")
        .order_by(Organisation.legal_name)
    )
    page, counts = _count_statements(db, stmt)
    assert page.total == 3
    assert len(counts) == 1
    assert "SELECT 1" in counts[0] and "legal_name" not in counts[0]
    assert "JOIN organisations" in counts[0]


def test_count_of_a_distinct_list_counts_distinct_rows(db):
    """DISTINCT decides which rows there are, so its columns stay in the count."""
    for name, city in [("A", "Oslo"), ("B", "Oslo"), ("C", "Bergen")]:
        make_organisation(legal_name=f"{name} Ltd", city=city)
    db.session.commit()
    page, counts = _count_statements(db, select(Organisation.city).distinct())
    assert page.total == 2
    assert "DISTINCT" in counts[0]


def test_count_of_a_grouped_list_counts_groups(db):
    for name, city in [("A", "Oslo"), ("B", "Oslo"), ("C", "Bergen"), ("D", "Aas")]:
        make_organisation(legal_name=f"{name} Ltd", city=city)
    db.session.commit()
    stmt = select(Organisation.city, func.count()).group_by(Organisation.city)
    page, _ = _count_statements(db, stmt)
    assert page.total == 3


def test_nulls_last_only_where_a_column_can_be_null(db):
    """NULLS LAST is kept for nullable columns and expressions, left out for NOT NULL ones
    (where it changes nothing and would keep PostgreSQL from reading an index backwards)."""
    allowed = {
        "name": Organisation.legal_name,
        "parent": Organisation.parent_id,
        "lower": func.lower(Organisation.legal_name),
    }
    assert Organisation.__table__.c.legal_name.nullable is False
    assert Organisation.__table__.c.parent_id.nullable is True

    def _order(key: str) -> str:
        sort = pagination.Sort(key=key, descending=True)
        stmt = pagination.apply_sort(
            select(Organisation.id), sort, allowed, Organisation.id, nulls_last=True
        )
        return str(stmt.compile(db.engine)).split("ORDER BY", 1)[1]

    assert "NULLS LAST" not in _order("name")
    assert "NULLS LAST" in _order("parent")
    assert "NULLS LAST" in _order("lower")

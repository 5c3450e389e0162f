"""Paged lists count their rows only up to a bound (sharing/core/pagination.py), so a page of a
list costs the same however large the table grows."""

from __future__ import annotations

from sqlalchemy import select

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

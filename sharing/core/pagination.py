"""Paging and whitelisted sorting for list pages, done in SQL."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from flask import request
from flask_sqlalchemy.pagination import SelectPagination
from sqlalchemy import Select, func, literal_column, select
from sqlalchemy.orm import lazyload

from sharing.extensions import db

DEFAULT_PER_PAGE = 25
MAX_PER_PAGE = 100
MAX_PAGE = 1_000_000
# A list counts its rows up to this many (or ten pages past the one shown, if further): past
# that it says "more than N", so a page of a list costs the same at any size of table.
COUNT_LIMIT = 1_000


@dataclass(frozen=True)
class Sort:
    key: str
    descending: bool

    @property
    def param(self) -> str:
        return f"-{self.key}" if self.descending else self.key

    def toggled(self, key: str) -> str:
        """The sort parameter a column header should link to."""
        if key == self.key:
            return key if self.descending else f"-{key}"
        return key


def parse_sort(raw: str | None, allowed: Mapping[str, Any], default: str) -> Sort:
    """Read `?sort=name` or `?sort=-name`; unknown keys fall back to the default."""
    raw = (raw or default).strip()
    descending = raw.startswith("-")
    key = raw.lstrip("-")
    if key not in allowed:
        key, descending = default.lstrip("-"), default.startswith("-")
    return Sort(key=key, descending=descending)


def apply_sort(
    stmt: Select, sort: Sort, allowed: Mapping[str, Any], tiebreak: Any, *, nulls_last: bool = False
) -> Select:
    """Order by the chosen column, then `tiebreak` the same way (a stable order for paging);
    with `nulls_last`, rows without a value come last in either direction."""
    column = allowed[sort.key]
    ordered = column.desc() if sort.descending else column.asc()
    if nulls_last and _nullable(column):
        ordered = ordered.nulls_last()
    return stmt.order_by(ordered, tiebreak.desc() if sort.descending else tiebreak.asc())


def _nullable(column: Any) -> bool:
    """False only for a table column declared NOT NULL (an ORM attribute or a Column): there
    NULLS LAST changes nothing, and leaving it out lets PostgreSQL read the order from an index
    scanned backwards. Expressions such as lower(name) count as nullable."""
    return getattr(getattr(column, "expression", column), "nullable", True) is not False


def page_args() -> tuple[int, int]:
    """The requested page and page size, clamped to sane bounds."""
    page = request.args.get("page", 1, type=int) or 1
    per_page = request.args.get("per_page", DEFAULT_PER_PAGE, type=int) or DEFAULT_PER_PAGE
    # An OFFSET past a 64-bit integer overflows the database driver: cap far beyond any list.
    return min(max(page, 1), MAX_PAGE), min(max(per_page, 1), MAX_PER_PAGE)


class BoundedPagination(SelectPagination):
    """Flask-SQLAlchemy's pagination with a bounded count.

    Counting every matching row costs as much as the table is large. The count here stops
    at `count_limit` (COUNT_LIMIT, or ten pages past the current one when that is further):
    `exact` is False when there are more, `total` is then the limit and `pages` the pages up
    to it, and `has_next` stays True so the list can always be paged on."""

    exact: bool = True

    @property
    def count_limit(self) -> int:
        return max(COUNT_LIMIT, (self.page + 10) * self.per_page)

    def _query_count(self) -> int:
        limit = self.count_limit
        select_ = self._query_args.get("count_select")
        if select_ is None:
            select_ = self._query_args["select"]
        bounded = _narrowed(select_.options(lazyload("*"))).order_by(None).limit(limit + 1)
        bounded = bounded.subquery()
        counted = (
            self._query_args["session"]
            .execute(select(func.count()).select_from(bounded))
            .scalar_one()
        )
        self.exact = counted <= limit
        return min(counted, limit)

    @property
    def has_next(self) -> bool:
        return self.page < self.pages or not self.exact


def _narrowed(stmt: Select) -> Select:
    """The same rows with a constant for columns: a count needs only how many rows there are,
    and the database then builds no row of the wide columns a page shows. Kept whole when
    DISTINCT or GROUP BY make the columns decide which rows there are."""
    if stmt._distinct or stmt._group_by_clauses:
        return stmt
    return stmt.with_only_columns(literal_column("1"), maintain_column_froms=True)


def paginate(
    stmt: Select, page: int, per_page: int, *, count: Select | None = None
) -> BoundedPagination:
    """A page of `stmt`. `count`, when given, selects the same rows more cheaply (no joins
    or loader options that cannot change which rows match) and is what gets counted."""
    return BoundedPagination(
        select=stmt,
        session=db.session,
        page=page,
        per_page=per_page,
        error_out=False,
        count_select=count,
    )

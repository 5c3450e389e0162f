"""Human-readable numbers that restart each year: DSA-2026-0001, INC-2026-0002, ..."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from sharing.extensions import db


def next_in_year(column: Any, prefix: str, year: int) -> str:
    """The next free `PREFIX-YEAR-NNNN` for `column` (a unique string column): one above the
    highest number already used that year, ignoring values that do not follow the pattern."""
    start = f"{prefix}-{year}-"
    used = db.session.scalars(select(column).where(column.like(f"{start}%")))
    tails = (value[len(start) :] for value in used)
    highest = max((int(tail) for tail in tails if tail.isdigit()), default=0)
    return f"{start}{highest + 1:04d}"

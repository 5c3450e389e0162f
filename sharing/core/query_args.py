"""Whole numbers read from a query string (ids, numbers of days), checked before SQL sees them."""

from __future__ import annotations

from typing import Any

MAX_ID = 2**31 - 1  # the largest value an integer key column holds on PostgreSQL


def positive_int(raw: Any) -> int | None:
    """A positive integer from a query string (an id, a number of days) that an integer column
    can hold, else None."""
    try:
        value = int(str(raw).strip())
    except (TypeError, ValueError):
        return None
    return value if 0 < value <= MAX_ID else None

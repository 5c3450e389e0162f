"""The list pages' text search: what was typed, found inside any of a few columns."""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, func, or_


def contains_text(text: str, *columns: Any) -> ColumnElement[bool]:
    """True where any of `columns` contains `text`, ignoring case. "_" and "%" in what was
    typed are literal characters, not wildcards."""
    needle = text.lower()
    return or_(*(func.lower(column).contains(needle, autoescape=True) for column in columns))

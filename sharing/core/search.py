"""The list pages' text search: what was typed, found inside any of a few columns; and the
folding that lets a search or a sort ignore case and accents."""

from __future__ import annotations

import unicodedata
from typing import Any

from sqlalchemy import ColumnElement, func, or_


def contains_text(text: str, *columns: Any) -> ColumnElement[bool]:
    """True where any of `columns` contains `text`, ignoring case. "_" and "%" in what was
    typed are literal characters, not wildcards."""
    needle = text.lower()
    return or_(*(func.lower(column).contains(needle, autoescape=True) for column in columns))


# Letters that Unicode does not decompose into a base letter and an accent, written as the
# base letters a reader without the keyboard for them would type.
_UNSPLIT = str.maketrans(
    {"đ": "d", "ð": "d", "ħ": "h", "ı": "i", "ł": "l", "ø": "o", "æ": "ae", "œ": "oe", "þ": "th"}
)


def fold(text: str | None) -> str:
    """`text` as a stored search or sort key compares it: case folded and without accents, so
    "Sài Gòn", "SAI GON" and "sai gon" are one key. Done here rather than in SQL, because
    SQLite's lower() leaves non-ASCII letters alone and PostgreSQL's unaccent is an extension."""
    decomposed = unicodedata.normalize("NFKD", (text or "").casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c)).translate(_UNSPLIT)

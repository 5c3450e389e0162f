"""Countries typed by people: a name or an ISO 3166 code becomes the two-letter code we store.

The list comes from pycountry, so new or renamed countries arrive with a dependency update
rather than an edit here. Matching is exact (no guessing), but ignores case, accents and
extra spaces, so "Vietnam", "Viet Nam", "Việt Nam" and "vn" all give VN.
"""

from __future__ import annotations

import unicodedata
from functools import cache

import pycountry

# Names people commonly type that the ISO list spells differently.
_ALIASES = {
    "uk": "GB",
    "great britain": "GB",
    "russia": "RU",
    "turkey": "TR",
    "ivory coast": "CI",
}


def _key(text: str) -> str:
    """Lower case, no accents, no periods, single spaces: the form two spellings must share to
    match, so that "U.S." and "US" agree."""
    decomposed = unicodedata.normalize("NFKD", text.replace(".", ""))
    bare = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(bare.casefold().split())


@cache
def _index() -> dict[str, str]:
    index: dict[str, str] = {}
    for country in pycountry.countries:
        for attribute in ("alpha_2", "alpha_3", "name", "official_name", "common_name"):
            value = getattr(country, attribute, None)
            if value:
                index.setdefault(_key(value), country.alpha_2)
    for alias, code in _ALIASES.items():
        index.setdefault(alias, code)
    return index


def country_code(text: str | None) -> str | None:
    """The two-letter code for a country name or code, or None when nothing matches."""
    if not text:
        return None
    return _index().get(_key(str(text)))


@cache
def country_names() -> tuple[str, ...]:
    """Every country's everyday name, sorted, for the choices a country box offers."""
    names = (getattr(c, "common_name", None) or c.name for c in pycountry.countries)
    return tuple(sorted(names, key=_key))


UNKNOWN_COUNTRY = "Enter a country name or its two-letter code, such as United States or US."

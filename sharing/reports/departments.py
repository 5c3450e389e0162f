"""Departments as people type them in spreadsheets: matched by code, name or initials, ignoring
case, punctuation, "&" against "and", and the usual abbreviations ("Dept", "Svcs").

An exact match after that normalising is taken as it is. A typed value that only starts, or
shares its words with, exactly one department's name ("Parks" for "Parks, Recreation &
Neighborhood Services") is a suggestion the user must confirm before anything is imported;
guessing silently would file flows under the wrong department.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

ABBREVIATIONS = {
    "dept": "department",
    "depts": "department",
    "dpt": "department",
    "svc": "services",
    "svcs": "services",
    "srvcs": "services",
    "serv": "services",
    "service": "services",
    "mgmt": "management",
    "mgt": "management",
    "admin": "administration",
    "info": "information",
    "tech": "technology",
    "govt": "government",
    "dev": "development",
    "comm": "community",
    "nbhd": "neighborhood",
    "neighbourhood": "neighborhood",
    "rec": "recreation",
}
# Words that say nothing about which department is meant.
FILLER = frozenset({"and", "of", "the", "for", "department", "office", "city", "san", "jose"})


def words(text: str) -> list[str]:
    """The significant words of a department's code or name, abbreviations spelled out."""
    decomposed = unicodedata.normalize("NFKD", str(text))
    bare = "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()
    bare = bare.replace("&", " and ")
    found: list[str] = []
    for word in re.split(r"[^a-z0-9]+", bare):
        if word:
            found.extend(ABBREVIATIONS.get(word, word).split())
    return [w for w in found if w not in FILLER]


def normalise_department(text: str) -> str:
    """The key two spellings of one department share: "Parks, Rec. & Neighborhood Svcs" and
    "parks recreation and neighborhood services" give the same key."""
    return " ".join(words(text))


def initials(name: str) -> str:
    """ "Parks, Recreation & Neighborhood Services" → "prns", the way departments shorten."""
    return "".join(word[0] for word in words(name))


@dataclass(frozen=True)
class Match:
    department: Any  # a Department, or None when nothing matched
    suggested: bool = False  # only a partial match: the user must confirm it


class DepartmentMatcher:
    """Finds the department a typed value means, among `departments` (code, name pairs)."""

    def __init__(self, departments: Iterable[Any]) -> None:
        self.departments = list(departments)
        self.exact: dict[str, list[Any]] = {}
        for department in self.departments:
            keys = {
                department.code.casefold().strip(),
                normalise_department(department.code),
                normalise_department(department.name),
                initials(department.name),
            }
            for key in keys - {""}:
                self.exact.setdefault(key, []).append(department)

    def match(self, text: str) -> Match:
        typed = (text or "").strip()
        if not typed:
            return Match(None)
        # The last key reads initials typed with dots or spaces ("P.B.C.E.") as "pbce".
        for key in (typed.casefold(), normalise_department(typed), "".join(words(typed))):
            found = _unique(self.exact.get(key, []))
            if found is not None:
                return Match(found)
        wanted = words(typed)
        if not wanted:
            return Match(None)
        partial = [d for d in self.departments if _covers(words(d.name), wanted)]
        if len(partial) == 1:
            return Match(partial[0], suggested=True)
        return Match(None)


def _unique(found: list[Any]) -> Any:
    """The one department a key names; a key shared by two departments names neither."""
    distinct = {id(d): d for d in found}
    return next(iter(distinct.values())) if len(distinct) == 1 else None


def _covers(name_words: list[str], typed_words: list[str]) -> bool:
    """Whether every typed word starts a word of the name ("Parks Rec" → "Parks, Recreation
    & Neighborhood Services")."""
    return all(any(w.startswith(t) for w in name_words) for t in typed_words)

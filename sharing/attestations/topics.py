"""Questionnaire topics: the questions of a request grouped by what they are about, with how
many of each group are answered, for the contents list and the progress of the answer pages.

An obligation's code prefix names its topic. The sector modules (health, criminal justice,
student records, ...) are topics of their own, named as `obligations.modules` names them; a
prefix no topic claims lands in "Other obligations", so a new policy never hides a question.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from sharing.obligations.modules import MODULES

# (anchor slug, heading, code prefixes), in the order the questionnaire shows them.
CORE_TOPICS: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("notice-and-purpose", "Policy, notice and purpose", ("POL", "NOT", "PUR")),
    (
        "collection-and-retention",
        "Collecting, keeping and destroying data",
        ("MIN", "DEI", "RET", "ACU"),
    ),
    (
        "sharing",
        "Sharing, subprocessors and location",
        ("SHR", "SUB", "LOC", "PRA", "LEG"),
    ),
    ("security", "Security, staff and incidents", ("SEC", "PER", "BRN", "SSO")),
    (
        "oversight",
        "Oversight, records and accountability",
        ("CON", "PIA", "ACC", "ATT", "PUB"),
    ),
    (
        "fairness",
        "People's rights and fair use",
        ("IND", "AUT", "EQU", "CHD", "LPR"),
    ),
)
OTHER = ("other", "Other obligations")


@dataclass
class Topic:
    slug: str
    name: str
    questions: list[dict] = field(default_factory=list)
    answered: int = 0

    @property
    def anchor(self) -> str:
        return f"topic-{self.slug}"

    @property
    def total(self) -> int:
        return len(self.questions)


def _catalogue() -> list[tuple[str, str, tuple[str, ...]]]:
    modules = [(m.prefix.lower(), m.name, (m.prefix,)) for m in MODULES]
    return [*CORE_TOPICS, *modules]


def prefix_of(code: str) -> str:
    return str(code or "").split("-")[0].upper()


def group_questions(questionnaire: Iterable[Mapping[str, Any]], answered: set[str]) -> list[Topic]:
    """The questions by topic, in topic order then policy order; empty topics are left out.
    `answered` holds the codes whose current answer has a value."""
    topics: list[Topic] = []
    by_prefix: dict[str, Topic] = {}
    for slug, name, prefixes in _catalogue():
        topics.append(Topic(slug, name))
        by_prefix.update(dict.fromkeys(prefixes, topics[-1]))
    other = Topic(*OTHER)
    for question in questionnaire:
        topic = by_prefix.get(prefix_of(question["code"]), other)
        topic.questions.append(dict(question))
        topic.answered += question["code"] in answered
    return [t for t in [*topics, other] if t.questions]


@dataclass(frozen=True)
class Progress:
    answered: int
    total: int

    @property
    def text(self) -> str:
        return f"{self.answered} of {self.total} answered"


def overall(topics: Iterable[Topic]) -> Progress:
    topics = list(topics)
    return Progress(sum(t.answered for t in topics), sum(t.total for t in topics))

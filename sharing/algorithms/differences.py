"""What changed in a fact sheet since the previous accepted edition: each answer added,
removed or changed (with a word-by-word comparison of the text), and each evidence file
added, removed or replaced by one of the same name with other content.

Segments are plain text; the template marks them with <ins> and <del> and words ("added",
"removed") under autoescaping, so an answer can never inject markup.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from difflib import SequenceMatcher

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from sharing.algorithms import topics
from sharing.algorithms.models import FactSheet, FactSheetEvidence, FactSheetStatus
from sharing.extensions import db

ADDED, REMOVED, CHANGED, SAME = "added", "removed", "changed", "unchanged"
_TOKENS = re.compile(r"\s+|\S+")


@dataclass(frozen=True)
class Segment:
    kind: str  # SAME, ADDED or REMOVED
    text: str


@dataclass(frozen=True)
class AnswerChange:
    code: str
    label: str
    topic: str
    change: str
    segments: tuple[Segment, ...] = ()


@dataclass(frozen=True)
class FileChange:
    name: str
    kind: str
    change: str


@dataclass
class Differences:
    previous: FactSheet | None
    answers: list[AnswerChange] = field(default_factory=list)
    files: list[FileChange] = field(default_factory=list)

    @property
    def changed(self) -> list[AnswerChange]:
        return [a for a in self.answers if a.change != SAME]

    @property
    def any(self) -> bool:
        return bool(self.changed or self.files)


def word_diff(before: str, after: str) -> tuple[Segment, ...]:
    """`after` compared with `before` word by word; runs of one kind are merged."""
    old, new = _TOKENS.findall(before or ""), _TOKENS.findall(after or "")
    matcher = SequenceMatcher(None, old, new, autojunk=False)
    segments: list[Segment] = []
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            _append(segments, SAME, "".join(old[i1:i2]))
            continue
        if op in ("delete", "replace"):
            _append(segments, REMOVED, "".join(old[i1:i2]))
        if op in ("insert", "replace"):
            _append(segments, ADDED, "".join(new[j1:j2]))
    return tuple(segments)


def _append(segments: list[Segment], kind: str, text: str) -> None:
    if not text:
        return
    if segments and segments[-1].kind == kind:
        segments[-1] = Segment(kind, segments[-1].text + text)
    else:
        segments.append(Segment(kind, text))


def previous_edition(sheet: FactSheet) -> FactSheet | None:
    """The latest accepted edition before this one, with its files."""
    return db.session.scalar(
        select(FactSheet)
        .where(
            FactSheet.algorithm_id == sheet.algorithm_id,
            FactSheet.edition < sheet.edition,
            FactSheet.status == FactSheetStatus.ACCEPTED,
        )
        .options(selectinload(FactSheet.evidence))
        .order_by(FactSheet.edition.desc())
        .limit(1)
    )


def compare_answers(before: dict, after: dict) -> list[AnswerChange]:
    changes = []
    for topic in topics.TOPICS:
        for item in topic.inputs:
            old = str(before.get(item.code) or "").strip()
            new = str(after.get(item.code) or "").strip()
            if old == new:
                change = SAME
            elif not old:
                change = ADDED
            elif not new:
                change = REMOVED
            else:
                change = CHANGED
            segments = word_diff(old, new) if change != SAME else ()
            changes.append(AnswerChange(item.code, item.label, topic.title, change, segments))
    return changes


def compare_files(
    before: list[FactSheetEvidence], after: list[FactSheetEvidence]
) -> list[FileChange]:
    """Files matched by name: new names are added, missing ones removed, and a name whose
    content differs (by SHA-256) changed."""
    old = {f.original_name: f for f in before}
    new = {f.original_name: f for f in after}
    changes = []
    for name, item in new.items():
        if name not in old:
            changes.append(FileChange(name, item.kind.label, ADDED))
        elif old[name].sha256 != item.sha256:
            changes.append(FileChange(name, item.kind.label, CHANGED))
    for name, item in old.items():
        if name not in new:
            changes.append(FileChange(name, item.kind.label, REMOVED))
    return sorted(changes, key=lambda c: (c.name.casefold(), c.change))


def differences(sheet: FactSheet) -> Differences:
    """This edition against the previous accepted one (against nothing for a first edition)."""
    previous = previous_edition(sheet)
    before_answers = previous.answers if previous else {}
    before_files = list(previous.evidence) if previous else []
    return Differences(
        previous=previous,
        answers=compare_answers(before_answers or {}, sheet.answers or {}),
        files=compare_files(before_files, list(sheet.evidence)),
    )

"""A returned agreement compared with the generated one clause by clause: clauses matched by
obligation code and heading, each change classified, weakened obligations first."""

from __future__ import annotations

import enum
import re
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sharing.negotiation.clauses import Clause, match, normalize, read_clauses
from sharing.negotiation.units import Finding, ParameterChange, ParameterSpec, number_findings

__all__ = [
    "ChangeKind",
    "ClauseChange",
    "Comparison",
    "ParameterChange",
    "ParameterSpec",
    "compare",
    "parameter_specs",
]

# The parameters whose larger value protects the City better, each with why. Every other
# parameter is a deadline ("within N days"), an interval between reviews or a longest
# retention, where a smaller number is stricter.
HIGHER_IS_STRICTER = frozenset(
    {
        # More people in the smallest published group make re-identification harder (DEI-1).
        "minimum_cell_size",
        # Access logs kept longer leave more to investigate an incident with (SEC-2).
        "access_log_days",
        # Notice the vendor owes the City before a new subprocessor: time to object (SUB-1).
        "subprocessor_notice_days",
        # Notice the vendor owes the City before its data moves: time to react (LOC-1).
        "relocation_notice_days",
    }
)

# Wording that turns a duty into a wish: more of it in the returned text weakens the clause,
# less of it strengthens it. (pattern, what adding it does)
HEDGES: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(pattern, re.IGNORECASE), effect)
    for pattern, effect in (
        (r"\bcommercially reasonable\b", "the vendor may weigh the duty against its costs"),
        (r"\bto the extent (?:reasonably )?(?:practicable|feasible|possible)\b",
         "the duty becomes optional in practice"),
        (r"\b(?:where|when|if|as soon as|as) (?:reasonably )?(?:feasible|practicable|possible)\b",
         "the duty becomes optional in practice"),
        (r"\b(?:reasonable|best|good faith) efforts\b",
         "an effort to meet the duty replaces the duty itself"),
        (r"\b(?:endeavou?r|attempt|try) to\b", "a promise to try replaces the duty itself"),
        (r"\b(?:upon|on) (?:the City's )?(?:written )?request\b",
         "the duty narrows to the times the City asks"),
        (r"\bin its (?:sole |reasonable )?discretion\b",
         "the vendor's own judgment decides whether the duty applies"),
    )
)  # fmt: skip
# Words that make a duty firm, wide or urgent: fewer of them in the returned text weakens it.
FIRM_WORDS: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(pattern, re.IGNORECASE), meaning)
    for pattern, meaning in (
        (r"\b(?:shall|must|will|may|does|do) not\b|\bnever\b", "a prohibition"),
        (r"\b(?:any|all|every|each)\b", "it says how much the duty covers"),
        (r"\b(?:only|solely|exclusively)\b", "it limits what the vendor may do"),
        (r"\b(?:promptly|immediately|at once|without (?:unreasonable |undue )?delay)\b",
         "the duty's urgency"),
        (r"\bat least\b", "a floor"),
    )
)  # fmt: skip
# Exhibit A columns whose list only the City may widen: an item the returned row adds lets the
# vendor do more with the data than the generated agreement allows. (column, what it allows)
WIDENING_COLUMNS = {
    "Purposes (the Services)": "use the data for more purposes",
    "Data categories": "receive more kinds of data",
    "Storage location": "keep the data in more places",
    "Subprocessors": "share the data with more parties",
}
_DUTY = re.compile(
    r"\b(?:shall|must)\b|\bwill\b(?!\s+(?:endeavou?r|try|attempt|use|make))", re.IGNORECASE
)
_PERMISSION = re.compile(r"\bmay\b(?!\s+not)|\bshould\b|\bcan\b(?!not)", re.IGNORECASE)


class ChangeKind(enum.StrEnum):
    WEAKENED = "weakened"
    REMOVED = "removed"
    ADDED = "added"
    STRENGTHENED = "strengthened"
    WORDING = "wording"

    @property
    def label(self) -> str:
        return _LABELS[self]


_LABELS = {
    ChangeKind.WEAKENED: "Weakened",
    ChangeKind.REMOVED: "Clause removed",
    ChangeKind.ADDED: "Clause added",
    ChangeKind.STRENGTHENED: "Strengthened",
    ChangeKind.WORDING: "Wording only",
}
# Weakened obligations and removed clauses need a decision most; wording changes the least.
ORDER = {kind: index for index, kind in enumerate(ChangeKind)}


@dataclass(frozen=True)
class ClauseChange:
    """One clause that differs, with both texts (one empty for a removed or added clause), the
    parameter it changes if any, and why it was classified so, in plain words."""

    key: str
    code: str | None
    number: str | None
    heading: str
    kind: ChangeKind
    before_text: str
    after_text: str
    parameter: ParameterChange | None
    explanation: str


@dataclass(frozen=True)
class Comparison:
    """Every change between the generated and the returned document."""

    changes: list[ClauseChange]  # weakened and removed first, then added, strengthened, wording
    clauses_found: int  # clauses read in the returned document


def parameter_specs(policy_version: Any) -> dict[str, list[ParameterSpec]]:
    """{obligation code: its parameters} for a policy version (a row, or the library's data)."""
    obligations = (
        policy_version["obligations"]
        if isinstance(policy_version, Mapping)
        else policy_version.obligations
    )
    specs: dict[str, list[ParameterSpec]] = {}
    for obligation in obligations:
        code = _get(obligation, "code")
        specs[code] = [
            ParameterSpec(
                name=spec["name"],
                label=spec.get("label") or spec["name"],
                unit=spec.get("unit") or "",
                minimum=spec["min"],
                maximum=spec["max"],
                stricter="higher" if spec["name"] in HIGHER_IS_STRICTER else "lower",
            )
            for spec in _get(obligation, "parameters") or []
        ]
    return specs


def compare(
    generated: bytes, returned: bytes, *, parameters: Mapping[str, Sequence[ParameterSpec]]
) -> Comparison:
    """Every clause that differs between the generated document and the returned one."""
    before = read_clauses(generated)
    after = read_clauses(returned)
    pairs, removed, added = match(before, after)
    removed = _without_rows_of(removed)
    added = _without_rows_of(added)
    # Within a kind, in the order of the document (the returned one for added clauses).
    place = {id(clause): index for index, clause in enumerate([*before, *after])}
    changes: list[tuple[tuple[int, int], ClauseChange]] = []
    for old, new in pairs:
        change = classify(old, new, parameters.get(old.code or new.code or "", ()))
        if change is not None:
            changes.append(((ORDER[change.kind], place[id(old)]), change))
    for old in removed:
        changes.append(((ORDER[ChangeKind.REMOVED], place[id(old)]), _removed(old)))
    for new in added:
        changes.append(((ORDER[ChangeKind.ADDED], place[id(new)]), _added(new)))
    changes.sort(key=lambda item: item[0])
    return Comparison(changes=[change for _, change in changes], clauses_found=len(after))


# -- classifying -----------------------------------------------------------------------------

# A cross-reference number at the start of a table cell ("3.14 Report incidents ...") moves
# when clauses are renumbered; renumbering alone is not a change.
_LEADING_NUMBER = re.compile(r"(^|\| |: )\d+(?:\.\d+)+\s", re.MULTILINE)


def comparable(text: str) -> str:
    """The text as compared: spacing, quotes and dashes evened out, leading numbers dropped."""
    text = text.translate(_TYPOGRAPHY)
    text = _LEADING_NUMBER.sub(r"\1", text)
    return " ".join(text.split())


_TYPOGRAPHY = str.maketrans({"“": '"', "”": '"', "‘": "'", "’": "'", "–": "-", "—": "-"})


def classify(old: Clause, new: Clause, specs: Sequence[ParameterSpec]) -> ClauseChange | None:
    """How `new` differs from `old`, or None when only numbering or spacing differs."""
    same_heading = normalize(old.heading) == normalize(new.heading)
    if same_heading and comparable(old.text) == comparable(new.text):
        return None
    code = old.code or new.code
    name = code or clause_name(old)
    findings: list[Finding] = [
        *number_findings(old.text, new.text, specs, name=name),
        *wording_findings(old.text, new.text, name=name),
        *(row_findings(old.text, new.text, name=name) if old.kind == "row" else ()),
    ]
    weaker = [f for f in findings if f.direction == "weaker"]
    stronger = [f for f in findings if f.direction == "stronger"]
    if weaker:
        kind = ChangeKind.WEAKENED
    elif stronger:
        kind = ChangeKind.STRENGTHENED
    else:
        kind = ChangeKind.WORDING
    notes = [f.message for f in (*weaker, *stronger)]
    notes += [f.message for f in findings if f.direction == "unclear"]
    if not same_heading:
        notes.append(f"The heading changed from “{old.heading}” to “{new.heading}”.")
    if not notes:
        notes.append("The wording changed; no number, duty or limit in it changed.")
    parameter = next(
        (f.parameter for f in (*weaker, *stronger, *findings) if f.parameter is not None), None
    )
    return ClauseChange(
        key=old.key,
        code=code,
        number=new.number or old.number,
        heading=old.heading,
        kind=kind,
        before_text=old.text,
        after_text=new.text,
        parameter=parameter,
        explanation=" ".join(notes),
    )


def wording_findings(before: str, after: str, *, name: str) -> list[Finding]:
    """What changed wording does to a duty: "shall" becoming "may", hedges added, "any",
    "all", "only" or a prohibition dropped (each counted in both versions)."""
    findings: list[Finding] = []
    duties = len(_DUTY.findall(after)) - len(_DUTY.findall(before))
    permissions = len(_PERMISSION.findall(after)) - len(_PERMISSION.findall(before))
    if duties < 0 and permissions > 0:
        message = "A duty (“shall”) became a permission (“may”): the vendor may choose not to act"
        findings.append(Finding("weaker", f"{message}, which weakens {name}."))
    elif duties > 0 and permissions < 0:
        findings.append(
            Finding("stronger", f"A permission became a duty, which strengthens {name}.")
        )
    for pattern, effect in HEDGES:
        for words in _surplus(pattern, after, before):
            findings.append(Finding("weaker", f"Adds “{words}”: {effect}, which weakens {name}."))
        for words in _surplus(pattern, before, after):
            findings.append(Finding("stronger", f"Drops “{words}”, which strengthens {name}."))
    for pattern, meaning in FIRM_WORDS:
        for words in _surplus(pattern, before, after):
            message = f"The returned text drops “{words}” ({meaning})"
            findings.append(Finding("weaker", f"{message}, which weakens {name}."))
    return findings


def row_findings(before: str, after: str, *, name: str) -> list[Finding]:
    """Items a returned Exhibit A row adds to a list the City controls (WIDENING_COLUMNS)."""
    old, new = _columns(before), _columns(after)
    findings = []
    for column, effect in WIDENING_COLUMNS.items():
        known = {item.casefold() for item in _items(old.get(column, ""))}
        for item in _items(new.get(column, "")):
            if item.casefold() not in known:
                message = f"Adds “{item}” to {column.lower()}: the vendor would {effect}"
                findings.append(Finding("weaker", f"{message}, which weakens {name}."))
    return findings


def _columns(row: str) -> dict[str, str]:
    return dict(cell.partition(": ")[::2] for cell in row.split(" | "))


def _items(value: str) -> list[str]:
    return [item.strip() for item in value.split(";") if item.strip()]


def _surplus(pattern: re.Pattern[str], text: str, other: str) -> list[str]:
    """The matches of `pattern` that `text` has more of than `other`, once each."""
    extra = Counter(m.lower() for m in pattern.findall(text))
    extra.subtract(m.lower() for m in pattern.findall(other))
    return [words for words, count in extra.items() if count > 0]


def clause_name(clause: Clause) -> str:
    """How an explanation names a clause: its code, its row or its heading."""
    if clause.code:
        return clause.code
    if clause.kind == "row":
        return f"row {clause.number}"
    return f"“{clause.heading}”"


def _without_rows_of(clauses: list[Clause]) -> list[Clause]:
    """The clauses less the exhibit rows (Exhibits B and E, keyed by obligation code) of an
    obligation that is itself in the list: a removed obligation takes its rows with it, and
    one decision covers them all."""
    codes = {clause.code for clause in clauses if clause.code}
    return [c for c in clauses if not (c.kind == "row" and c.number in codes)]


def _removed(old: Clause) -> ClauseChange:
    what = f"obligation {old.code}" if old.code else clause_name(old)
    because = (
        f"The returned document leaves out {what}, which the generated agreement contains; "
        "the vendor would not be bound by it."
    )
    return _whole_clause(old, ChangeKind.REMOVED, because)


def _added(new: Clause) -> ClauseChange:
    because = (
        f"The returned document adds “{new.heading}”, which is not in the generated "
        "agreement; read it for terms that limit the vendor's obligations."
    )
    return _whole_clause(new, ChangeKind.ADDED, because)


def _whole_clause(clause: Clause, kind: ChangeKind, explanation: str) -> ClauseChange:
    """A clause only one document has: its text on that document's side, the other empty."""
    removed = kind is ChangeKind.REMOVED
    return ClauseChange(
        key=clause.key,
        code=clause.code,
        number=clause.number,
        heading=clause.heading,
        kind=kind,
        before_text=clause.text if removed else "",
        after_text="" if removed else clause.text,
        parameter=None,
        explanation=explanation,
    )


def _get(obligation: Any, name: str) -> Any:
    if isinstance(obligation, Mapping):
        return obligation.get(name)
    return getattr(obligation, name)

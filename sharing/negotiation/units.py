"""Numbers with their units in contract prose ("72 hours", "seven (7) days", "two weeks"),
read, converted to a parameter's unit, and compared between two versions of a clause."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from difflib import SequenceMatcher
from fractions import Fraction
from typing import Literal

# Every length of time in days. A month is a twelfth of a year so that "12 months", "1 year"
# and "365 days" read as the same period; a business week has five days in seven.
DAYS_PER: dict[str, Fraction] = {
    "hours": Fraction(1, 24),
    "days": Fraction(1),
    "business days": Fraction(7, 5),
    "weeks": Fraction(7),
    "months": Fraction(365, 12),
    "years": Fraction(365),
}
# Sums of money in dollars (the insurance limit is a parameter in millions).
DOLLARS_PER: dict[str, Fraction] = {"dollars": Fraction(1), "million dollars": Fraction(10**6)}
SCALES = {"thousand": 10**3, "million": 10**6, "billion": 10**9}

_UNIT_WORDS: dict[str, str] = {
    "hour": "hours",
    "hours": "hours",
    "hr": "hours",
    "hrs": "hours",
    "day": "days",
    "days": "days",
    "week": "weeks",
    "weeks": "weeks",
    "month": "months",
    "months": "months",
    "year": "years",
    "years": "years",
    "individual": "people",
    "individuals": "people",
    "people": "people",
    "persons": "people",
    "person": "people",
    "dollar": "dollars",
    "dollars": "dollars",
}
_TIME_WORDS = frozenset({"hour", "day", "week", "month", "year"})
_SMALL = re.findall(
    r"\w+",
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen "
    "fifteen sixteen seventeen eighteen nineteen",
)
_TENS = re.findall(r"\w+", "twenty thirty forty fifty sixty seventy eighty ninety")
WORD_VALUES: dict[str, int] = {word: value for value, word in enumerate(_SMALL)}
WORD_VALUES.update({word: 20 + 10 * index for index, word in enumerate(_TENS)})
WORD_VALUES.update({"a": 1, "an": 1, "hundred": 100, "thousand": 1000})

_WORD = "|".join(sorted(WORD_VALUES, key=len, reverse=True))
_WORDS = rf"(?:{_WORD})(?:(?:\s+and\s+|[\s-]+)(?:{_WORD}))*"
_DIGITS = r"\d{1,3}(?:,\d{3})+|\d+(?:\.\d+)?"
_UNIT = "|".join(sorted(_UNIT_WORDS, key=len, reverse=True))
QUANTITY = re.compile(
    rf"""\b(?:
        (?P<spelled>{_WORDS})\s*\(\s*(?P<paren>{_DIGITS})\s*\)   # seven (7)
        | (?P<digits>{_DIGITS})                                  # 72, 1,000
        | (?P<words>{_WORDS})                                    # two, thirty-one
    )
    (?:\s+|\s*-\s*)                                              # "72 hours", "48-hour"
    (?P<scale>(?:thousand|million|billion)\s+)?                  # "5 million dollars"
    (?P<kind>(?:calendar|business|working|US)\s+)?
    (?P<unit>{_UNIT})\b""",
    re.IGNORECASE | re.VERBOSE,
)
DOLLAR_SIGN = re.compile(
    rf"\$\s?(?P<digits>{_DIGITS})(?:\s+(?P<scale>thousand|million|billion)\b)?"
)


@dataclass(frozen=True)
class Quantity:
    """A number with its unit as a clause states it; `unit` is canonical ("days", "people")."""

    value: Fraction
    unit: str
    text: str
    start: int
    end: int

    @property
    def is_time(self) -> bool:
        return self.unit in DAYS_PER

    def to(self, unit: str) -> Fraction | None:
        """The value in `unit` (hours, days, weeks, months, years, people, dollars, million
        dollars), or None when the two units measure different things."""
        unit = _UNIT_WORDS.get(unit.lower(), unit.lower())
        if self.unit == unit:
            return self.value
        for table in (DAYS_PER, DOLLARS_PER):
            if self.unit in table and unit in table:
                return self.value * table[self.unit] / table[unit]
        return None

    def describe(self) -> str:
        """'7 days' or '$5,000,000' as the explanation names it, whatever words the clause used."""
        if self.unit == "dollars":
            return f"${format_number(self.value)}"
        return f"{format_number(self.value)} {_singular(self.unit, self.value)}"


def words_to_number(text: str) -> int | None:
    """'thirty-one' -> 31, 'one hundred eighty' -> 180, 'a' -> 1; None if not a number."""
    total = current = 0
    tokens = [t for t in re.split(r"[\s-]+", text.lower()) if t and t != "and"]
    if not tokens:
        return None
    for token in tokens:
        if token not in WORD_VALUES:
            return None
        value = WORD_VALUES[token]
        if value == 1000:
            total += max(current, 1) * 1000
            current = 0
        elif value == 100:
            current = max(current, 1) * 100
        else:
            current += value
    return total + current


def read_quantities(text: str) -> list[Quantity]:
    """Every number with a unit in `text`, in order."""
    found: list[Quantity] = []
    for match in QUANTITY.finditer(text):
        if match["paren"]:
            value = _digits(match["paren"])
        elif match["digits"]:
            value = _digits(match["digits"])
        else:
            number = words_to_number(match["words"])
            # "a person", "an individual" name someone; "a week", "an hour" are periods.
            article = match["words"].lower() in ("a", "an")
            if number is None or (article and match["unit"].lower() not in _TIME_WORDS):
                continue
            value = Fraction(number)
        unit = _UNIT_WORDS[match["unit"].lower()]
        kind = (match["kind"] or "").strip().lower()
        if unit == "days" and kind in ("business", "working"):
            unit = "business days"
        if match["scale"]:
            value *= SCALES[match["scale"].strip().lower()]
        found.append(Quantity(value, unit, match.group(0), match.start(), match.end()))
    for match in DOLLAR_SIGN.finditer(text):
        value = _digits(match["digits"]) * SCALES.get((match["scale"] or "").lower(), 1)
        found.append(Quantity(value, "dollars", match.group(0), match.start(), match.end()))
    return sorted(found, key=lambda quantity: quantity.start)


def whole(value: Fraction) -> int:
    """A converted value as the whole number a parameter holds (nearest, halves up)."""
    return int(value + Fraction(1, 2)) if value >= 0 else -int(-value + Fraction(1, 2))


def format_number(value: Fraction) -> str:
    if value.denominator == 1:
        return f"{value.numerator:,}"
    return f"{float(value):,.1f}".rstrip("0").rstrip(".")


def _digits(text: str) -> Fraction:
    return Fraction(text.replace(",", ""))


def _singular(unit: str, value: Fraction) -> str:
    if value == 1 and unit != "people":
        return unit.removesuffix("s")
    if value == 1:
        return "person"
    return unit


# -- how a clause's numbers changed ----------------------------------------------------------


@dataclass(frozen=True)
class ParameterSpec:
    """A parameter an obligation states, with its bounds and the direction that is stricter."""

    name: str
    label: str
    unit: str
    minimum: int
    maximum: int
    stricter: Literal["lower", "higher"]


@dataclass(frozen=True)
class ParameterChange:
    """A parameter's value before and after, in the parameter's own unit. `allowed` says the
    new value lies within the policy's bounds, so accepting it can be a parameter change
    rather than a recorded exception."""

    name: str
    label: str
    unit: str
    before: int
    after: int
    allowed: bool = True


@dataclass(frozen=True)
class Finding:
    """One thing a change does to a clause, in plain words."""

    direction: Literal["weaker", "stronger", "unclear"]
    message: str
    parameter: ParameterChange | None = None


# Words near a number that tell which way is stricter when no parameter says so: a minimum or a
# notice owed in advance is stricter when larger; a deadline, a longest retention or a delay
# after an event is stricter when smaller (longer retention and later deletion are weaker).
_HIGHER_BEFORE = re.compile(
    r"(at least|no fewer than|not fewer than|no less than|not less than|minimum of|fewer than)"
    r"\W*$"
)
_HIGHER_AFTER = re.compile(r"^\W*(?:'s?\s+)?(?:\w+\s+)?(?:in advance|beforehand|before|prior)\b")
_LOWER_BEFORE = re.compile(
    r"\b(within|no later than|not later than|no longer than|no more than|not more than|at most|"
    r"up to|every|retention|retained|retain|keep|kept)\b[^.;:]*$"
)
_LOWER_AFTER = re.compile(r"^\W*(?:\w+\s+)?(?:after|following|from|of)\b")


def stricter_by_context(text: str, quantity: Quantity) -> Literal["lower", "higher"] | None:
    """The stricter direction the words around a number show, or None when they do not."""
    before = text[max(0, quantity.start - 60) : quantity.start].lower()
    after = text[quantity.end : quantity.end + 30].lower()
    if _HIGHER_BEFORE.search(before) or _HIGHER_AFTER.search(after):
        return "higher"
    if _LOWER_BEFORE.search(before) or _LOWER_AFTER.search(after):
        return "lower"
    return None


def pair_quantities(
    before: str, after: str
) -> tuple[list[tuple[Quantity, Quantity]], list[Quantity], list[Quantity]]:
    """(pairs, numbers only before, numbers only after), paired by the words around them."""
    old, new = read_quantities(before), read_quantities(after)
    if [_dimension(q) for q in old] == [_dimension(q) for q in new]:
        return list(zip(old, new, strict=True)), [], []
    old_tokens, new_tokens = _tokens(before, old), _tokens(after, new)
    pairs: list[tuple[Quantity, Quantity]] = []
    matcher = SequenceMatcher(None, old_tokens, new_tokens, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag not in ("equal", "replace"):
            continue
        left = [t for t in old_tokens[i1:i2] if isinstance(t, Quantity)]
        right = [t for t in new_tokens[j1:j2] if isinstance(t, Quantity)]
        for dimension in {_dimension(q) for q in left}:
            same = [q for q in right if _dimension(q) == dimension]
            pairs.extend(zip([q for q in left if _dimension(q) == dimension], same, strict=False))
    paired_old = {id(a) for a, _ in pairs}
    paired_new = {id(b) for _, b in pairs}
    return (
        pairs,
        [q for q in old if id(q) not in paired_old],
        [q for q in new if id(q) not in paired_new],
    )


def number_findings(
    before: str, after: str, specs: Sequence[ParameterSpec], *, name: str
) -> list[Finding]:
    """What the changed, dropped and added numbers of a clause do to it; `name` names the
    clause in the explanations ("BRN-1", "row A-1")."""
    pairs, dropped, added = pair_quantities(before, after)
    old_all = read_quantities(before) if specs else []
    findings = []
    for old, new in pairs:
        spec = _spec_for(old, old_all, specs)
        finding = _changed(before, old, new, spec, name)
        if finding is not None:
            findings.append(finding)
    for old in dropped:
        spec = _spec_for(old, old_all, specs)
        if spec is not None or stricter_by_context(before, old):
            what = spec.label if spec else "A limit"
            findings.append(Finding("weaker", f"{what}: the returned text drops “{old.text}”, "
                                    f"so the limit no longer binds ({name})."))  # fmt: skip
    for new in added:
        findings.append(Finding("unclear", f"The returned text adds “{new.text}”."))
    return findings


def _changed(
    text: str, old: Quantity, new: Quantity, spec: ParameterSpec | None, name: str
) -> Finding | None:
    unit = spec.unit if spec else old.unit
    before, after = old.to(unit), new.to(unit)
    if after is None or before is None:
        return Finding("unclear", f"“{old.text}” became “{new.text}”, a different kind of unit.")
    if before == after:
        return None
    stricter = spec.stricter if spec else stricter_by_context(text, old)
    converted = "" if new.unit == unit else f" ({format_number(after)} {unit})"
    change = f"“{old.text}” became “{new.text}”{converted}"
    if spec is not None:
        change = f"{spec.label} changed from {old.describe()} to {new.describe()}{converted}"
    if stricter is None:
        return Finding("unclear", f"{change}; whether that is stricter depends on the clause.")
    weaker = after > before if stricter == "lower" else after < before
    if stricter == "lower":
        effect = "a longer period than" if after > before else "a shorter period than"
    else:
        effect = "less than" if after < before else "more than"
    message = f"{change}: {effect} the generated agreement sets, which "
    message += f"{'weakens' if weaker else 'strengthens'} {name}."
    parameter = None
    if spec is not None:
        allowed = spec.minimum <= whole(after) <= spec.maximum
        parameter = ParameterChange(
            spec.name, spec.label, spec.unit, whole(before), whole(after), allowed
        )
        if not allowed:
            message += (
                f" The policy allows {spec.minimum} to {spec.maximum} {spec.unit}, so accepting "
                "it needs a recorded exception rather than a parameter change."
            )
    return Finding("weaker" if weaker else "stronger", message, parameter)


def _spec_for(
    quantity: Quantity, every: list[Quantity], specs: Sequence[ParameterSpec]
) -> ParameterSpec | None:
    """The parameter a number of the generated clause states: the only one in its unit, or by
    order when the clause states as many numbers in that unit as it has such parameters."""
    fitting = [spec for spec in specs if quantity.to(spec.unit) is not None]
    if len(fitting) <= 1:
        return fitting[0] if fitting else None
    alike = [q for q in every if q.to(fitting[0].unit) is not None]
    if len(alike) == len(fitting) and quantity in alike:
        return fitting[alike.index(quantity)]
    value = quantity.to(fitting[0].unit)
    within = [s for s in fitting if value is not None and s.minimum <= value <= s.maximum]
    return (within or fitting)[0]


def _dimension(quantity: Quantity) -> str:
    if quantity.is_time:
        return "time"
    return "money" if quantity.unit in DOLLARS_PER else quantity.unit


def _tokens(text: str, quantities: list[Quantity]) -> list[str | Quantity]:
    """The words of `text`, each number with its unit standing as one token."""
    tokens: list[str | Quantity] = []
    position = 0
    for quantity in quantities:
        tokens.extend(re.findall(r"\w+", text[position : quantity.start].lower()))
        tokens.append(quantity)
        position = quantity.end
    tokens.extend(re.findall(r"\w+", text[position:].lower()))
    return tokens

"""Applicability rules: a small JSON language over flow attributes, checked and explained.

A rule is data, never code: `{"rule": "always"}`, `{"rule": "any_category", "flag": "is_minors"}`,
`{"rule": "any_sensitivity", "at_least": "restricted"}`, `{"rule": "flow", "field":
"automated_decisions"}`, `{"rule": "storage_outside_us"}`, `{"rule": "subprocessors"}`,
`{"rule": "includes_minors"}`, and the combinators `{"any": [...]}` and `{"all": [...]}`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from sharing.flows.models import DataCategory, DataFlow, Sensitivity

Rule = dict[str, Any]
Result = tuple[bool, str]

CATEGORY_FLAGS = dict(DataCategory.SPECIAL_FLAGS)
FLOW_FIELDS = {
    "automated_decisions": "makes automated decisions",
    "includes_minors": "includes children's data",
    "includes_vulnerable": "includes vulnerable people",
    "notice_given": "gives notice at collection",
}
MAX_DEPTH = 4


class RuleError(ValueError):
    """The rule is not one the language knows; the message says what is wrong."""


# Checking ------------------------------------------------------------------------------


def check_rule(rule: Any, depth: int = 0) -> None:
    """Raise RuleError unless `rule` is a well-formed rule (names, arguments, nesting)."""
    if not isinstance(rule, dict):
        raise RuleError('A rule must be an object such as {"rule": "always"}.')
    if depth > MAX_DEPTH:
        raise RuleError(f"Rules may nest at most {MAX_DEPTH} levels deep.")
    combinator = {"any", "all"} & set(rule)
    if combinator:
        key = combinator.pop()
        parts = rule[key]
        if set(rule) != {key} or not isinstance(parts, list) or not parts:
            raise RuleError(f'"{key}" takes a non-empty list of rules and nothing else.')
        for part in parts:
            check_rule(part, depth + 1)
        return
    name = rule.get("rule")
    if name not in SIMPLE:
        known = ", ".join(sorted(SIMPLE))
        raise RuleError(f"Unknown rule {name!r}. Known rules: {known}, and any/all.")
    allowed, check_args = ARGUMENTS.get(name, (set(), None))
    extra = set(rule) - {"rule"} - allowed
    if extra:
        raise RuleError(f"Rule {name!r} does not take {', '.join(sorted(extra))}.")
    if check_args:
        check_args(rule)


def _check_flag(rule: Rule) -> None:
    if rule.get("flag") not in CATEGORY_FLAGS:
        raise RuleError(f'"flag" must be one of {", ".join(CATEGORY_FLAGS)}.')


def _check_level(rule: Rule) -> None:
    if rule.get("at_least") not in {s.value for s in Sensitivity}:
        raise RuleError(f'"at_least" must be one of {", ".join(s.value for s in Sensitivity)}.')


def _check_field(rule: Rule) -> None:
    if rule.get("field") not in FLOW_FIELDS:
        raise RuleError(f'"field" must be one of {", ".join(FLOW_FIELDS)}.')


# Evaluating ----------------------------------------------------------------------------


def evaluate(rule: Rule, flows: Sequence[DataFlow]) -> Result:
    """Whether the rule applies to an agreement covering `flows`, and the reason in words."""
    check_rule(rule)
    return _evaluate(rule, flows)


def _evaluate(rule: Rule, flows: Sequence[DataFlow]) -> Result:
    if "any" in rule:
        results = [_evaluate(part, flows) for part in rule["any"]]
        hits = [reason for applies, reason in results if applies]
        if hits:
            return True, hits[0]
        joined = " and ".join(_lower_first(reason) for _, reason in results)
        return False, joined[:1].upper() + joined[1:]
    if "all" in rule:
        results = [_evaluate(part, flows) for part in rule["all"]]
        misses = [reason for applies, reason in results if not applies]
        if misses:
            return False, misses[0]
        return True, "; ".join(reason for _, reason in results)
    return SIMPLE[rule["rule"]](rule, flows)


def describe(rule: Rule) -> str:
    """The rule in words, for the library pages ("Applies when a flow ...")."""
    if "any" in rule:
        return " or ".join(describe(part) for part in rule["any"])
    if "all" in rule:
        return " and ".join(describe(part) for part in rule["all"])
    name = rule.get("rule")
    if name == "always":
        return "every agreement"
    if name == "any_category":
        return f"a flow shares a {CATEGORY_FLAGS[rule['flag']].lower()} category"
    if name == "any_sensitivity":
        return f"a flow shares a category rated {rule['at_least']} or higher"
    if name == "flow":
        return f"a flow {FLOW_FIELDS[rule['field']]}"
    return DESCRIPTIONS.get(name, name)


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:]


def _always(rule: Rule, flows: Sequence[DataFlow]) -> Result:
    return True, "Applies to every agreement"


def _any_category(rule: Rule, flows: Sequence[DataFlow]) -> Result:
    flag, label = rule["flag"], CATEGORY_FLAGS[rule["flag"]].lower()
    for flow in flows:
        for fc in flow.categories:
            if getattr(fc.category, flag):
                return True, (
                    f"Applies because {flow.system_name} shares {fc.category.name} ({label})"
                )
    return False, f"No flow shares a {label} category"


def _any_sensitivity(rule: Rule, flows: Sequence[DataFlow]) -> Result:
    floor = Sensitivity(rule["at_least"])
    for flow in flows:
        for fc in flow.categories:
            if fc.category.sensitivity.rank >= floor.rank:
                return True, (
                    f"Applies because {flow.system_name} shares {fc.category.name} "
                    f"({fc.category.sensitivity.value})"
                )
    return False, f"No flow shares a category rated {floor.value} or higher"


def _flow_field(rule: Rule, flows: Sequence[DataFlow]) -> Result:
    field, words = rule["field"], FLOW_FIELDS[rule["field"]]
    for flow in flows:
        if getattr(flow, field):
            return True, f"Applies because {flow.system_name} {words}"
    return False, f"No flow {words}"


def _outside_us(rule: Rule, flows: Sequence[DataFlow]) -> Result:
    for flow in flows:
        country = (flow.storage_country or "US").upper()
        if country != "US":
            return (
                True,
                f"Applies because {flow.system_name} stores data outside the US ({country})",
            )
        for sub in flow.subprocessors or []:
            sub_country = str(sub.get("country") or "US").upper()
            if sub_country != "US":
                return True, (
                    f"Applies because {flow.system_name}'s subprocessor {sub.get('name', '')} "
                    f"holds data outside the US ({sub_country})"
                )
    return False, "No flow stores data outside the US"


def _subprocessors(rule: Rule, flows: Sequence[DataFlow]) -> Result:
    for flow in flows:
        names = [str(sub.get("name", "")).strip() for sub in flow.subprocessors or []]
        names = [name for name in names if name]
        if names:
            return (
                True,
                f"Applies because {flow.system_name} uses subprocessors ({', '.join(names)})",
            )
    return False, "No flow uses subprocessors"


def _includes_minors(rule: Rule, flows: Sequence[DataFlow]) -> Result:
    for flow in flows:
        if flow.includes_minors:
            return True, f"Applies because {flow.system_name} includes children's data"
        for fc in flow.categories:
            if fc.category.is_minors:
                return True, (
                    f"Applies because {flow.system_name} shares {fc.category.name} (minors)"
                )
    return False, "No flow includes children's data"


SIMPLE: dict[str, Callable[[Rule, Sequence[DataFlow]], Result]] = {
    "always": _always,
    "any_category": _any_category,
    "any_sensitivity": _any_sensitivity,
    "flow": _flow_field,
    "storage_outside_us": _outside_us,
    "subprocessors": _subprocessors,
    "includes_minors": _includes_minors,
}
ARGUMENTS: dict[str, tuple[set[str], Callable[[Rule], None]]] = {
    "any_category": ({"flag"}, _check_flag),
    "any_sensitivity": ({"at_least"}, _check_level),
    "flow": ({"field"}, _check_field),
}
DESCRIPTIONS = {
    "storage_outside_us": "a flow stores data outside the US (itself or through a subprocessor)",
    "subprocessors": "a flow uses subprocessors",
    "includes_minors": "a flow includes children's data",
}


def applicable_obligations(version: Any, flows: Sequence[DataFlow]) -> list[tuple[Any, str]]:
    """The version's obligations that apply to these flows, in policy order, with reasons."""
    chosen = []
    for obligation in sorted(version.obligations, key=lambda o: o.sort_order):
        applies, reason = evaluate(obligation.applicability, flows)
        if applies:
            chosen.append((obligation, reason))
    return chosen

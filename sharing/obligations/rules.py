"""Applicability rules: a small JSON language over flow attributes, checked and explained.

A rule is data, never code. Simple rules (rule_kinds.py reads each one):
`{"rule": "always"}`;
categories: `{"rule": "category", "name": "Social-login identifiers"}`,
`{"rule": "any_category", "flag": "is_minors"}` (`"tag"` is accepted for `"flag"`),
`{"rule": "any_sensitivity", "at_least": "restricted"}`;
people: `{"rule": "includes_minors"}`, `{"rule": "includes_vulnerable"}`,
`{"rule": "data_subjects_contains", "word": "student"}`;
the flow: `{"rule": "flow", "field": "automated_decisions"}` (or includes_minors,
includes_vulnerable, notice_given), `{"rule": "organisation_kind", "in": ["vendor"]}`,
`{"rule": "storage_country", "in": ["VN"]}` or `"not_in"`, `{"rule": "storage_outside_us"}`,
`{"rule": "subprocessors"}`, `{"rule": "estimated_records", "at_least": 100000}`,
`{"rule": "transfer_method", "in": ["vendor_collects", "api"]}`.
Combinators: `{"any": [...]}`, `{"all": [...]}` and `{"not": {...}}`.
"""

from __future__ import annotations

from typing import Any

from sharing.obligations.rule_kinds import (
    APPLIES,
    ARGUMENTS,
    CATEGORY_FLAGS,
    DESCRIPTIONS,
    FLOW_FIELDS,
    SIMPLE,
    WORDS,
    Flows,
    Result,
    Rule,
    RuleError,
    lower_first,
    upper_first,
)

__all__ = [
    "CATEGORY_FLAGS",
    "FLOW_FIELDS",
    "RuleError",
    "applicable_obligations",
    "check_rule",
    "describe",
    "evaluate",
    "evaluate_all",
]

COMBINATORS = ("any", "all", "not")
MAX_DEPTH = 4
DOES_NOT_APPLY = "Does not apply: "

# Checking ------------------------------------------------------------------------------


def check_rule(rule: Any, depth: int = 0) -> None:
    """Raise RuleError unless `rule` is a well-formed rule (names, arguments, nesting)."""
    if not isinstance(rule, dict):
        raise RuleError('A rule must be an object such as {"rule": "always"}.')
    if depth > MAX_DEPTH:
        raise RuleError(f"Rules may nest at most {MAX_DEPTH} levels deep.")
    combinator = [key for key in COMBINATORS if key in rule]
    if combinator:
        key = combinator[0]
        if set(rule) != {key}:
            raise RuleError(f'"{key}" takes its rules and nothing else.')
        if key == "not":
            check_rule(rule["not"], depth + 1)
            return
        parts = rule[key]
        if not isinstance(parts, list) or not parts:
            raise RuleError(f'"{key}" takes a non-empty list of rules and nothing else.')
        for part in parts:
            check_rule(part, depth + 1)
        return
    name = rule.get("rule")
    if not isinstance(name, str) or name not in SIMPLE:
        known = ", ".join(sorted(SIMPLE))
        raise RuleError(f"Unknown rule {name!r}. Known rules: {known}, and any/all/not.")
    allowed, check_args = ARGUMENTS.get(name, (set(), None))
    extra = set(rule) - {"rule"} - allowed
    if extra:
        raise RuleError(f"Rule {name!r} does not take {', '.join(sorted(extra))}.")
    if check_args:
        check_args(rule)


# Evaluating ----------------------------------------------------------------------------


def evaluate(rule: Rule, flows: Flows) -> Result:
    """Whether the rule applies to an agreement covering `flows`, and the reason in words."""
    check_rule(rule)
    return _evaluate(rule, flows)


def _evaluate(rule: Rule, flows: Flows) -> Result:
    if "any" in rule:
        results = [_evaluate(part, flows) for part in rule["any"]]
        hits = [reason for applies, reason in results if applies]
        if hits:
            return True, hits[0]
        return False, upper_first(" and ".join(lower_first(r) for _, r in results))
    if "all" in rule:
        results = [_evaluate(part, flows) for part in rule["all"]]
        misses = [reason for applies, reason in results if not applies]
        if misses:
            return False, misses[0]
        return True, "; ".join(reason for _, reason in results)
    if "not" in rule:
        applies, reason = _evaluate(rule["not"], flows)
        if applies:
            return False, upper_first(reason.replace(APPLIES, ""))
        return True, APPLIES + lower_first(reason)
    return SIMPLE[rule["rule"]](rule, flows)


def describe(rule: Rule) -> str:
    """The rule in words, for the library pages ("Applies when a flow ...")."""
    if "any" in rule:
        return " or ".join(describe(part) for part in rule["any"])
    if "all" in rule:
        return " and ".join(describe(part) for part in rule["all"])
    if "not" in rule:
        return f"it is not the case that {describe(rule['not'])}"
    name = rule.get("rule")
    if name in WORDS:
        return WORDS[name](rule)
    return DESCRIPTIONS.get(name, name)


def evaluate_all(version: Any, flows: Flows) -> list[tuple[Any, bool, str]]:
    """Every obligation of the version, in policy order, with whether it applies and why.

    A reason for an obligation that does not apply starts "Does not apply: ".
    """
    results = []
    for obligation in sorted(version.obligations, key=lambda o: o.sort_order):
        applies, reason = evaluate(obligation.applicability, flows)
        results.append(
            (obligation, applies, reason if applies else DOES_NOT_APPLY + lower_first(reason))
        )
    return results


def applicable_obligations(version: Any, flows: Flows) -> list[tuple[Any, str]]:
    """The version's obligations that apply to these flows, in policy order, with reasons."""
    return [(o, reason) for o, applies, reason in evaluate_all(version, flows) if applies]

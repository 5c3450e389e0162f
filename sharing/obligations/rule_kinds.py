"""The simple applicability rules: for each rule name, its arguments, how it reads the flows,
and its words. (The language around them, combinators, checking and explaining, is rules.py.)

Rules read flows duck-typed: ORM DataFlow rows and agreements' CoveredFlow records alike. A
fact a record does not carry counts as not recorded, so the rule does not apply on it.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from typing import Any

from sharing.flows.models import DataCategory, Sensitivity, TransferMethod
from sharing.vendors.models import OrganisationKind

Rule = dict[str, Any]
Result = tuple[bool, str]
Flows = Sequence[Any]  # DataFlow or CoveredFlow

# The flag names are the model's columns; the words are American, as in agreements.
CATEGORY_FLAGS = {**dict(DataCategory.SPECIAL_FLAGS), "is_licence_plate": "License plates"}
FLOW_FIELDS = {
    "automated_decisions": "makes automated decisions",
    "includes_minors": "includes children's data",
    "includes_vulnerable": "includes vulnerable people",
    "notice_given": "gives notice at collection",
}
ORGANISATION_KINDS = {kind.value: kind.label.lower() for kind in OrganisationKind}
TRANSFER_METHODS = {
    method.value: method.label if method.label.isupper() else method.label.lower()
    for method in TransferMethod
}
APPLIES = "Applies because "
COUNTRY = re.compile(r"^[A-Z]{2}$")
WORD = re.compile(r"^[A-Za-z][A-Za-z' -]{0,59}$")


class RuleError(ValueError):
    """The rule is not one the language knows; the message says what is wrong."""


# Arguments -----------------------------------------------------------------------------


def _known(value: Any, names: dict[str, Any]) -> bool:
    """Whether `value` is one of the names (JSON may hold lists or objects where text belongs)."""
    return isinstance(value, str) and value in names


def _flag_of(rule: Rule) -> Any:
    return rule.get("flag", rule.get("tag"))


def _check_flag(rule: Rule) -> None:
    if "flag" in rule and "tag" in rule:
        raise RuleError('Give "flag" or "tag", not both.')
    if not _known(_flag_of(rule), CATEGORY_FLAGS):
        raise RuleError(f'"flag" must be one of {", ".join(CATEGORY_FLAGS)}.')


def _check_level(rule: Rule) -> None:
    if not _known(rule.get("at_least"), {s.value: s for s in Sensitivity}):
        raise RuleError(f'"at_least" must be one of {", ".join(s.value for s in Sensitivity)}.')


def _check_field(rule: Rule) -> None:
    if not _known(rule.get("field"), FLOW_FIELDS):
        raise RuleError(f'"field" must be one of {", ".join(FLOW_FIELDS)}.')


def _check_name(rule: Rule) -> None:
    name = rule.get("name")
    if not isinstance(name, str) or not name.strip() or len(name) > 120:
        raise RuleError('"name" must be the name of a data category (1-120 characters).')


def _check_word(rule: Rule) -> None:
    if not isinstance(rule.get("word"), str) or not WORD.match(rule["word"].strip()):
        raise RuleError('"word" must be a word or short phrase in letters, such as "student".')


def _check_records(rule: Rule) -> None:
    value = rule.get("at_least")
    if not isinstance(value, int) or isinstance(value, bool) or value < 1:
        raise RuleError('"at_least" must be a whole number of records, 1 or more.')


def _list_checker(allowed: dict[str, str] | None, what: str, keys=("in",)):
    """A checker for rules that take a non-empty list of values under one of `keys`."""

    def check(rule: Rule) -> None:
        given = [key for key in keys if key in rule]
        if len(given) != 1:
            raise RuleError(f"Give exactly one of {' or '.join(repr(k) for k in keys)}.")
        values = rule[given[0]]
        if not isinstance(values, list) or not values:
            raise RuleError(f'"{given[0]}" must be a non-empty list of {what}.')
        for value in values:
            valid = (
                _known(value, allowed)
                if allowed
                else isinstance(value, str) and COUNTRY.match(value)
            )
            if not valid:
                choices = ", ".join(allowed) if allowed else "two capital letters, such as US"
                raise RuleError(f"{value!r} is not one of the {what} ({choices}).")

    return check


# Reading the flows -----------------------------------------------------------------------


def lower_first(text: str) -> str:
    return text[:1].lower() + text[1:]


def upper_first(text: str) -> str:
    return text[:1].upper() + text[1:]


def _listed(values: list[str], labels: dict[str, str] | None = None, joiner: str = "or") -> str:
    words = [labels.get(v, v) if labels else v for v in values]
    return words[0] if len(words) == 1 else f"{', '.join(words[:-1])} {joiner} {words[-1]}"


def _place(rule: Rule) -> str:
    """Where a storage_country rule looks: "in VN" or "outside US and CA"."""
    if "in" in rule:
        return f"in {_listed(rule['in'])}"
    return f"outside {_listed(rule['not_in'], joiner='and')}"


def _always(rule: Rule, flows: Flows) -> Result:
    return True, "Applies to every agreement"


def _first_category(flows: Flows, test: Callable[[Any], bool]) -> tuple[Any, Any] | None:
    for flow in flows:
        for link in flow.categories:
            if test(link.category):
                return flow, link.category
    return None


def _any_category(rule: Rule, flows: Flows) -> Result:
    flag = _flag_of(rule)
    label = CATEGORY_FLAGS[flag].lower()
    found = _first_category(flows, lambda category: getattr(category, flag))
    if found:
        flow, category = found
        return True, f"{APPLIES}{flow.system_name} shares {category.name} ({label})"
    return False, f"No flow shares a {label} category"


def _category(rule: Rule, flows: Flows) -> Result:
    name = rule["name"].strip()
    found = _first_category(flows, lambda category: category.name.strip() == name)
    if found:
        return True, f"{APPLIES}{found[0].system_name} shares {name}"
    return False, f"No flow shares {name}"


def _any_sensitivity(rule: Rule, flows: Flows) -> Result:
    floor = Sensitivity(rule["at_least"])
    found = _first_category(flows, lambda category: category.sensitivity.rank >= floor.rank)
    if found:
        flow, category = found
        return True, (
            f"{APPLIES}{flow.system_name} shares {category.name} ({category.sensitivity.value})"
        )
    return False, f"No flow shares a category rated {floor.value} or higher"


def _flow_field(rule: Rule, flows: Flows) -> Result:
    field, words = rule["field"], FLOW_FIELDS[rule["field"]]
    for flow in flows:
        if getattr(flow, field, False):
            return True, f"{APPLIES}{flow.system_name} {words}"
    return False, f"No flow {words}"


def _includes_minors(rule: Rule, flows: Flows) -> Result:
    for flow in flows:
        if flow.includes_minors:
            return True, f"{APPLIES}{flow.system_name} includes children's data"
    found = _first_category(flows, lambda category: category.is_minors)
    if found:
        return True, f"{APPLIES}{found[0].system_name} shares {found[1].name} (minors)"
    return False, "No flow includes children's data"


def _includes_vulnerable(rule: Rule, flows: Flows) -> Result:
    return _flow_field({"field": "includes_vulnerable"}, flows)


def _data_subjects(rule: Rule, flows: Flows) -> Result:
    word = rule["word"].strip()
    # Whole words, so "student" finds "Students" but not "nonstudent".
    pattern = re.compile(rf"\b{re.escape(word)}(?:s|es)?\b", re.IGNORECASE)
    for flow in flows:
        if pattern.search(getattr(flow, "data_subjects", None) or ""):
            return True, f'{APPLIES}{flow.system_name}\'s data subjects include "{word}"'
    return False, f'No flow\'s data subjects mention "{word}"'


def _organisation_kind(flow: Any) -> str | None:
    """The kind of the flow's organisation: CoveredFlow carries it, DataFlow reaches it."""
    kind = getattr(flow, "organisation_kind", None)
    if kind is None and getattr(flow, "organisation", None) is not None:
        kind = flow.organisation.kind
    return None if kind is None else str(kind)


def _organisation(rule: Rule, flows: Flows) -> Result:
    for flow in flows:
        kind = _organisation_kind(flow)
        if kind in rule["in"]:
            return True, f"{APPLIES}{flow.system_name} goes to a {ORGANISATION_KINDS[kind]}"
    return False, f"No flow goes to a {_listed(rule['in'], ORGANISATION_KINDS)}"


def _countries(flow: Any) -> list[tuple[str, str]]:
    """(country, where) for the flow's own storage and each subprocessor's."""
    found = [((flow.storage_country or "US").upper(), "stores data")]
    for sub in flow.subprocessors or []:
        where = f"has its subprocessor {str(sub.get('name') or '').strip()} hold data"
        found.append((str(sub.get("country") or "US").upper(), where))
    return found


def _storage_country(rule: Rule, flows: Flows) -> Result:
    inside = "in" in rule
    countries = rule["in"] if inside else rule["not_in"]
    place = _place(rule)
    for flow in flows:
        for country, where in _countries(flow):
            if (country in countries) == inside:
                return True, f"{APPLIES}{flow.system_name} {where} {place} ({country})"
    return False, f"No flow stores data {place}"


def _outside_us(rule: Rule, flows: Flows) -> Result:
    applies, reason = _storage_country({"not_in": ["US"]}, flows)
    return applies, reason.replace("outside US", "outside the US")


def _subprocessors(rule: Rule, flows: Flows) -> Result:
    for flow in flows:
        names = [str(sub.get("name", "")).strip() for sub in flow.subprocessors or []]
        names = [name for name in names if name]
        if names:
            return True, f"{APPLIES}{flow.system_name} uses subprocessors ({', '.join(names)})"
    return False, "No flow uses subprocessors"


def _estimated_records(rule: Rule, flows: Flows) -> Result:
    floor = rule["at_least"]
    for flow in flows:
        records = getattr(flow, "estimated_records", None)
        if records is not None and records >= floor:
            return True, f"{APPLIES}{flow.system_name} holds about {records:,} records"
    return False, f"No flow holds {floor:,} records or more"


def _transfer_method(rule: Rule, flows: Flows) -> Result:
    for flow in flows:
        method = getattr(flow, "transfer_method", None)
        if method is not None and str(method) in rule["in"]:
            label = TRANSFER_METHODS[str(method)]
            return True, f"{APPLIES}{flow.system_name}'s transfer method is {label}"
    return False, f"No flow's transfer method is {_listed(rule['in'], TRANSFER_METHODS)}"


SIMPLE: dict[str, Callable[[Rule, Flows], Result]] = {
    "always": _always,
    "category": _category,
    "any_category": _any_category,
    "any_sensitivity": _any_sensitivity,
    "flow": _flow_field,
    "includes_minors": _includes_minors,
    "includes_vulnerable": _includes_vulnerable,
    "data_subjects_contains": _data_subjects,
    "organisation_kind": _organisation,
    "storage_country": _storage_country,
    "storage_outside_us": _outside_us,
    "subprocessors": _subprocessors,
    "estimated_records": _estimated_records,
    "transfer_method": _transfer_method,
}
ARGUMENTS: dict[str, tuple[set[str], Callable[[Rule], None]]] = {
    "category": ({"name"}, _check_name),
    "any_category": ({"flag", "tag"}, _check_flag),
    "any_sensitivity": ({"at_least"}, _check_level),
    "flow": ({"field"}, _check_field),
    "data_subjects_contains": ({"word"}, _check_word),
    "organisation_kind": ({"in"}, _list_checker(ORGANISATION_KINDS, "organization kinds")),
    "storage_country": ({"in", "not_in"}, _list_checker(None, "countries", ("in", "not_in"))),
    "estimated_records": ({"at_least"}, _check_records),
    "transfer_method": ({"in"}, _list_checker(TRANSFER_METHODS, "transfer methods")),
}
WORDS: dict[str, Callable[[Rule], str]] = {
    "category": lambda r: f"a flow shares {r['name'].strip()}",
    "any_category": lambda r: f"a flow shares a {CATEGORY_FLAGS[_flag_of(r)].lower()} category",
    "any_sensitivity": lambda r: f"a flow shares a category rated {r['at_least']} or higher",
    "flow": lambda r: f"a flow {FLOW_FIELDS[r['field']]}",
    "data_subjects_contains": lambda r: f'a flow\'s data subjects mention "{r["word"].strip()}"',
    "organisation_kind": lambda r: f"a flow goes to a {_listed(r['in'], ORGANISATION_KINDS)}",
    "storage_country": lambda r: (
        f"a flow stores data {_place(r)} (itself or through a subprocessor)"
    ),
    "estimated_records": lambda r: f"a flow holds {r['at_least']:,} records or more",
    "transfer_method": lambda r: (
        f"a flow's transfer method is {_listed(r['in'], TRANSFER_METHODS)}"
    ),
}
DESCRIPTIONS = {
    "always": "every agreement",
    "storage_outside_us": "a flow stores data outside the US (itself or through a subprocessor)",
    "subprocessors": "a flow uses subprocessors",
    "includes_minors": "a flow includes children's data",
    "includes_vulnerable": "a flow includes vulnerable people",
}

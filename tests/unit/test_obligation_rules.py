"""Applicability rules: each rule kind decides and explains itself; unknown rules are refused."""

from __future__ import annotations

import pytest

import sharing.models  # noqa: F401  (every mapper, so relationships resolve)
from sharing.flows.models import DataCategory, DataFlow, FlowCategory, Sensitivity
from sharing.obligations.rules import (
    RuleError,
    applicable_obligations,
    check_rule,
    describe,
    evaluate,
)


def flow(name: str = "Transit app analytics", *categories: DataCategory, **values) -> DataFlow:
    values.setdefault("storage_country", "US")
    values.setdefault("subprocessors", [])
    values.setdefault("includes_minors", False)
    values.setdefault("includes_vulnerable", False)
    values.setdefault("automated_decisions", False)
    made = DataFlow(system_name=name, **values)
    made.categories = [FlowCategory(category=c, justification="Needed") for c in categories]
    return made


def category(name: str, sensitivity=Sensitivity.INTERNAL, **flags) -> DataCategory:
    values = {flag: False for flag, _ in DataCategory.SPECIAL_FLAGS}
    values.update(flags)
    return DataCategory(name=name, sensitivity=sensitivity, **values)


def test_always_applies_with_a_reason():
    """`always` applies to any agreement, even one without flows."""
    assert evaluate({"rule": "always"}, []) == (True, "Applies to every agreement")


def test_storage_outside_us_names_the_flow_and_country():
    """The reason names the flow and the country where its data is stored."""
    applies, reason = evaluate({"rule": "storage_outside_us"}, [flow(storage_country="IE")])
    assert applies
    assert reason == "Applies because Transit app analytics stores data outside the US (IE)"
    assert evaluate({"rule": "storage_outside_us"}, [flow()]) == (
        False,
        "No flow stores data outside the US",
    )


def test_storage_outside_us_counts_a_foreign_subprocessor():
    """A subprocessor abroad takes the data abroad too."""
    sub = [{"name": "CloudCo", "service": "Hosting", "country": "de"}]
    applies, reason = evaluate({"rule": "storage_outside_us"}, [flow(subprocessors=sub)])
    assert applies and "CloudCo" in reason and "(DE)" in reason


def test_subprocessors_rule_ignores_blank_rows():
    """Only named subprocessors count."""
    assert not evaluate({"rule": "subprocessors"}, [flow(subprocessors=[{"name": " "}])])[0]
    applies, reason = evaluate(
        {"rule": "subprocessors"}, [flow(subprocessors=[{"name": "Mailer"}])]
    )
    assert applies and "(Mailer)" in reason


def test_any_category_flag_names_the_category():
    """A flagged category on any flow makes the rule apply."""
    plates = category("Plate reads", is_licence_plate=True)
    flows = [flow("Parking", category("Email")), flow("ALPR", plates)]
    applies, reason = evaluate({"rule": "any_category", "flag": "is_licence_plate"}, flows)
    assert applies and reason == "Applies because ALPR shares Plate reads (license plates)"
    assert not evaluate({"rule": "any_category", "flag": "is_health"}, flows)[0]


@pytest.mark.parametrize(
    ("level", "floor", "applies"),
    [
        (Sensitivity.RESTRICTED, "restricted", True),
        (Sensitivity.CONFIDENTIAL, "restricted", False),
        (Sensitivity.RESTRICTED, "confidential", True),
        (Sensitivity.INTERNAL, "confidential", False),
    ],
)
def test_any_sensitivity_compares_by_rank(level, floor, applies):
    """`at_least` includes the named level and everything above it."""
    flows = [flow("Case files", category("Case notes", level))]
    assert evaluate({"rule": "any_sensitivity", "at_least": floor}, flows)[0] is applies


def test_flow_field_rule_reads_the_flow_attribute():
    """`flow` with `automated_decisions` applies when any flow makes automated decisions."""
    rule = {"rule": "flow", "field": "automated_decisions"}
    applies, reason = evaluate(rule, [flow("Permit triage", automated_decisions=True)])
    assert applies and reason == "Applies because Permit triage makes automated decisions"
    assert evaluate(rule, [flow()]) == (False, "No flow makes automated decisions")


def test_includes_minors_reads_the_flow_and_its_categories():
    """Children's data is flagged on the flow or through a minors category."""
    rule = {"rule": "includes_minors"}
    assert evaluate(rule, [flow("Camps", includes_minors=True)])[0]
    assert evaluate(rule, [flow("Library", category("Youth card", is_minors=True))])[0]
    assert not evaluate(rule, [flow()])[0]


def test_any_and_all_combine_rules_and_reasons():
    """`any` gives the first reason that applies; `all` the first that does not."""
    abroad = {"rule": "storage_outside_us"}
    automated = {"rule": "flow", "field": "automated_decisions"}
    flows = [flow(storage_country="CA")]
    assert evaluate({"any": [automated, abroad]}, flows)[0]
    applies, reason = evaluate({"all": [abroad, automated]}, flows)
    assert not applies and reason == "No flow makes automated decisions"
    applies, reason = evaluate({"any": [automated, {"rule": "subprocessors"}]}, flows)
    assert (applies, reason) == (
        False,
        "No flow makes automated decisions and no flow uses subprocessors",
    )


@pytest.mark.parametrize(
    "rule",
    [
        {"rule": "eval", "code": "__import__('os')"},
        {"rule": "any_category", "flag": "__class__"},
        {"rule": "any_sensitivity", "at_least": "secret"},
        {"rule": "flow", "field": "organisation"},
        {"rule": "always", "extra": 1},
        {"any": []},
        {"any": [{"rule": "always"}], "rule": "always"},
        "always",
        {"all": [{"all": [{"all": [{"all": [{"all": [{"all": [{"rule": "always"}]}]}]}]}]}]},
    ],
)
def test_malformed_or_unknown_rules_are_refused(rule):
    """Only the known rule names, arguments and a bounded nesting are accepted."""
    with pytest.raises(RuleError):
        check_rule(rule)


def test_describe_puts_rules_in_words():
    """The library pages show the rule in words."""
    rule = {"any": [{"rule": "any_category", "flag": "is_minors"}, {"rule": "subprocessors"}]}
    assert describe(rule) == "a flow shares a minors category or a flow uses subprocessors"


class _Version:
    def __init__(self, obligations):
        self.obligations = obligations


class _Obligation:
    def __init__(self, code, sort_order, applicability):
        self.code, self.sort_order, self.applicability = code, sort_order, applicability


def test_applicable_obligations_keeps_policy_order_and_reasons():
    """Only the obligations whose rule applies, in sort order, each with its reason."""
    version = _Version(
        [
            _Obligation("LOC-2", 3, {"rule": "storage_outside_us"}),
            _Obligation("AUT-1", 2, {"rule": "flow", "field": "automated_decisions"}),
            _Obligation("NOT-1", 1, {"rule": "always"}),
        ]
    )
    chosen = applicable_obligations(version, [flow(storage_country="IE")])
    assert [(o.code, reason.split(" ")[0]) for o, reason in chosen] == [
        ("NOT-1", "Applies"),
        ("LOC-2", "Applies"),
    ]

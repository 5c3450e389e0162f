"""The rules that reach every fact a flow records: each applies or not with a reason naming the
flow and the fact, bad arguments are refused in words, `not` inverts, and evaluate_all explains
the obligations that do not apply."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pytest

import sharing.models  # noqa: F401  (every mapper, so relationships resolve)
from sharing.flows.models import DataCategory, DataFlow, FlowCategory, Sensitivity, TransferMethod
from sharing.obligations.rules import RuleError, check_rule, describe, evaluate, evaluate_all
from sharing.vendors.models import Organisation, OrganisationKind


def category(name: str, **flags) -> DataCategory:
    values = {flag: False for flag, _ in DataCategory.SPECIAL_FLAGS}
    values.update(flags)
    return DataCategory(name=name, sensitivity=Sensitivity.CONFIDENTIAL, **values)


def flow(name: str = "Library app", *categories: DataCategory, **values) -> DataFlow:
    values.setdefault("storage_country", "US")
    values.setdefault("subprocessors", [])
    values.setdefault("includes_minors", False)
    values.setdefault("includes_vulnerable", False)
    kind = values.pop("kind", None)
    made = DataFlow(system_name=name, **values)
    if kind is not None:
        made.organisation = Organisation(kind=kind, legal_name="Org", common_name="Org")
    made.categories = [FlowCategory(category=c, justification="Needed") for c in categories]
    return made


@dataclass
class Link:
    category: Any


@dataclass
class Covered:
    """Shaped like agreements.covered.CoveredFlow: plain attributes, no ORM relationships."""

    system_name: str = "Covered system"
    storage_country: str = "US"
    subprocessors: list = field(default_factory=list)
    includes_minors: bool = False
    includes_vulnerable: bool = False
    automated_decisions: bool = False
    notice_given: bool = False
    categories: tuple = ()


SOCIAL = {"rule": "category", "name": "Social-login identifiers"}


def test_category_rule_matches_the_exact_name_and_names_the_flow():
    """A flow sharing the named category applies; the reason names flow and category."""
    flows = [
        flow("Parks", category("Email")),
        flow("311 app", category("Social-login identifiers")),
    ]
    assert evaluate(SOCIAL, flows) == (
        True,
        "Applies because 311 app shares Social-login identifiers",
    )
    assert evaluate(SOCIAL, [flow("Parks", category("Social-login identifiers (old)"))]) == (
        False,
        "No flow shares Social-login identifiers",
    )


def test_category_rule_accepts_custom_category_names():
    """Names outside the standard vocabulary are accepted, since offices add their own."""
    rule = {"rule": "category", "name": "Tree-permit photos"}
    check_rule(rule)
    assert evaluate(rule, [flow("Trees", category("Tree-permit photos"))])[0]


def test_tag_is_accepted_as_the_spelling_of_flag():
    """`any_category` reads `tag` as it reads `flag`."""
    rule = {"rule": "any_category", "tag": "is_health"}
    applies, reason = evaluate(rule, [flow("Clinic", category("Diagnoses", is_health=True))])
    assert applies and reason == "Applies because Clinic shares Diagnoses (health)"


def test_includes_vulnerable_reads_the_flow():
    """`includes_vulnerable` applies when a flow covers vulnerable people."""
    rule = {"rule": "includes_vulnerable"}
    assert evaluate(rule, [flow("Shelter beds", includes_vulnerable=True)]) == (
        True,
        "Applies because Shelter beds includes vulnerable people",
    )
    assert evaluate(rule, [flow()]) == (False, "No flow includes vulnerable people")


@pytest.mark.parametrize(
    ("subjects", "applies"),
    [
        ("Students and their parents", True),
        ("STUDENT athletes", True),
        ("Library card holders", False),
        ("Nonstudent residents", False),
        ("", False),
    ],
)
def test_data_subjects_contains_matches_a_whole_word_in_any_case(subjects, applies):
    """The word is found case-insensitively as a word (plural too), not inside another word."""
    rule = {"rule": "data_subjects_contains", "word": "student"}
    result, reason = evaluate(rule, [flow("Tutoring", data_subjects=subjects)])
    assert result is applies
    if applies:
        assert reason == 'Applies because Tutoring\'s data subjects include "student"'
    else:
        assert reason == 'No flow\'s data subjects mention "student"'


def test_organisation_kind_reads_the_flows_organisation():
    """A DataFlow's organisation kind decides; the reason names the flow and the kind."""
    rule = {"rule": "organisation_kind", "in": ["nonprofit", "research"]}
    assert evaluate(rule, [flow("Food bank", kind=OrganisationKind.NONPROFIT)]) == (
        True,
        "Applies because Food bank goes to a nonprofit",
    )
    assert evaluate(rule, [flow("Hosting", kind=OrganisationKind.VENDOR)]) == (
        False,
        "No flow goes to a nonprofit or research",
    )


def test_organisation_kind_reads_a_covered_flows_own_attribute():
    """A CoveredFlow-shaped record carries the kind itself, as `organisation_kind`."""
    record = Covered()
    record.organisation_kind = OrganisationKind.PUBLIC_AGENCY
    assert evaluate({"rule": "organisation_kind", "in": ["public_agency"]}, [record])[0]


@pytest.mark.parametrize(
    ("rule", "country", "applies"),
    [
        ({"rule": "storage_country", "in": ["VN"]}, "VN", True),
        ({"rule": "storage_country", "in": ["VN"]}, "US", False),
        ({"rule": "storage_country", "not_in": ["US", "CA"]}, "CA", False),
        ({"rule": "storage_country", "not_in": ["US", "CA"]}, "DE", True),
    ],
)
def test_storage_country_in_and_not_in(rule, country, applies):
    """`in` applies when data is stored in a listed country; `not_in` when outside them all."""
    assert evaluate(rule, [flow("Archive", storage_country=country)])[0] is applies


def test_storage_country_names_the_flow_and_country():
    """The reason says where the data is and which flow put it there."""
    rule = {"rule": "storage_country", "in": ["VN"]}
    assert evaluate(rule, [flow("Call center", storage_country="VN")]) == (
        True,
        "Applies because Call center stores data in VN (VN)",
    )
    rule = {"rule": "storage_country", "not_in": ["US", "CA"]}
    assert evaluate(rule, [flow()]) == (False, "No flow stores data outside US and CA")


def test_storage_country_counts_a_subprocessors_country():
    """A subprocessor holding data in a listed country counts too."""
    subs = [{"name": "Callco", "country": "vn"}]
    applies, reason = evaluate(
        {"rule": "storage_country", "in": ["VN"]}, [flow(subprocessors=subs)]
    )
    assert applies and "Callco" in reason


@pytest.mark.parametrize(("records", "applies"), [(100_000, True), (99_999, False), (None, False)])
def test_estimated_records_compares_with_the_floor(records, applies):
    """`at_least` includes the floor; a flow with no estimate does not count."""
    rule = {"rule": "estimated_records", "at_least": 100_000}
    applies_now, reason = evaluate(rule, [flow("Utility billing", estimated_records=records)])
    assert applies_now is applies
    expected = (
        "Applies because Utility billing holds about 100,000 records"
        if applies
        else "No flow holds 100,000 records or more"
    )
    assert reason == expected


def test_transfer_method_names_the_method():
    """The reason names the flow and how it moves data."""
    rule = {"rule": "transfer_method", "in": ["vendor_collects", "api"]}
    assert evaluate(rule, [flow("Survey", transfer_method=TransferMethod.VENDOR_COLLECTS)]) == (
        True,
        "Applies because Survey's transfer method is vendor collects",
    )
    assert evaluate(rule, [flow("Batch", transfer_method=TransferMethod.SFTP)]) == (
        False,
        "No flow's transfer method is vendor collects or API",
    )


def test_notice_given_reads_the_flow():
    """`flow` with `notice_given` applies when a flow gives notice at collection."""
    rule = {"rule": "flow", "field": "notice_given"}
    assert evaluate(rule, [flow("Forms", notice_given=True)])[0]
    assert not evaluate(rule, [flow("Forms", notice_given=False)])[0]


def test_not_inverts_a_rule_and_keeps_its_fact():
    """`not` applies when its rule does not, and the reasons still name flow and fact."""
    rule = {"not": {"rule": "storage_country", "in": ["US"]}}
    assert evaluate(rule, [flow("Backups", storage_country="DE")]) == (
        True,
        "Applies because no flow stores data in US",
    )
    applies, reason = evaluate(rule, [flow("Billing")])
    assert not applies and reason == "Billing stores data in US (US)"
    assert describe(rule) == (
        "it is not the case that a flow stores data in US (itself or through a subprocessor)"
    )


def test_missing_facts_on_a_covered_record_count_as_not_recorded():
    """A record without data subjects, volume, method or organisation never matches those."""
    record = Covered()
    for rule in (
        {"rule": "data_subjects_contains", "word": "student"},
        {"rule": "estimated_records", "at_least": 1},
        {"rule": "transfer_method", "in": ["api"]},
        {"rule": "organisation_kind", "in": ["vendor"]},
    ):
        assert evaluate(rule, [record])[0] is False


def test_rules_read_covered_records_like_flows():
    """Category rules work on CoveredFlow-shaped records (links with a `category`)."""
    record = Covered(categories=(Link(category("Social-login identifiers")),))
    assert evaluate(SOCIAL, [record]) == (
        True,
        "Applies because Covered system shares Social-login identifiers",
    )


@pytest.mark.parametrize(
    ("rule", "message"),
    [
        ({"rule": "category"}, "name of a data category"),
        ({"rule": "category", "name": "  "}, "name of a data category"),
        ({"rule": "category", "name": 7}, "name of a data category"),
        ({"rule": "any_category", "flag": "is_health", "tag": "is_ssn"}, "not both"),
        ({"rule": "any_category", "tag": "is_secret"}, "must be one of"),
        ({"rule": "data_subjects_contains", "word": ""}, "word or short phrase"),
        ({"rule": "data_subjects_contains", "word": ".*"}, "word or short phrase"),
        ({"rule": "organisation_kind", "in": []}, "non-empty list"),
        ({"rule": "organisation_kind", "in": ["company"]}, "not one of the organization kinds"),
        ({"rule": "organisation_kind", "in": "vendor"}, "non-empty list"),
        ({"rule": "storage_country", "in": ["vn"]}, "two capital letters"),
        ({"rule": "storage_country", "in": ["VN"], "not_in": ["US"]}, "exactly one"),
        ({"rule": "storage_country"}, "exactly one"),
        ({"rule": "estimated_records", "at_least": 0}, "whole number of records"),
        ({"rule": "estimated_records", "at_least": "many"}, "whole number of records"),
        ({"rule": "estimated_records", "at_least": True}, "whole number of records"),
        ({"rule": "transfer_method", "in": ["carrier_pigeon"]}, "not one of the transfer methods"),
        ({"rule": "transfer_method", "in": ["api"], "extra": 1}, "does not take extra"),
        ({"rule": "transfer_method", "in": [["api"]]}, "not one of the transfer methods"),
        ({"rule": "flow", "field": ["notice_given"]}, "must be one of"),
        ({"rule": "any_category", "flag": {"is": "health"}}, "must be one of"),
        ({"not": [{"rule": "always"}]}, "must be an object"),
        ({"not": {"rule": "always"}, "rule": "always"}, "nothing else"),
        ({"rule": "not"}, "Unknown rule 'not'"),
    ],
)
def test_bad_arguments_are_refused_with_a_plain_message(rule, message):
    """Each malformed rule raises RuleError whose message says what is wrong."""
    with pytest.raises(RuleError, match=message):
        check_rule(rule)


@pytest.mark.parametrize(
    ("rule", "words"),
    [
        (SOCIAL, "a flow shares Social-login identifiers"),
        ({"rule": "any_category", "tag": "is_ssn"}, "a flow shares a ssn category"),
        (
            {"rule": "data_subjects_contains", "word": "student"},
            'a flow\'s data subjects mention "student"',
        ),
        ({"rule": "organisation_kind", "in": ["public_agency"]}, "a flow goes to a public agency"),
        ({"rule": "estimated_records", "at_least": 100000}, "a flow holds 100,000 records or more"),
        (
            {"rule": "transfer_method", "in": ["vendor_collects"]},
            "a flow's transfer method is vendor collects",
        ),
        ({"rule": "includes_vulnerable"}, "a flow includes vulnerable people"),
    ],
)
def test_describe_puts_each_new_rule_in_words(rule, words):
    """The library pages show every rule kind in words."""
    assert describe(rule) == words


class _Version:
    def __init__(self, obligations):
        self.obligations = obligations


class _Obligation:
    def __init__(self, code, sort_order, applicability):
        self.code, self.sort_order, self.applicability = code, sort_order, applicability


def test_evaluate_all_explains_the_obligations_that_do_not_apply():
    """Every obligation comes back in policy order; those that do not apply say why."""
    version = _Version(
        [
            _Obligation("SSO-1", 2, SOCIAL),
            _Obligation("NOT-1", 1, {"rule": "always"}),
        ]
    )
    results = evaluate_all(version, [flow("Parks", category("Email"))])
    assert [(o.code, applies, reason) for o, applies, reason in results] == [
        ("NOT-1", True, "Applies to every agreement"),
        ("SSO-1", False, "Does not apply: no flow shares Social-login identifiers"),
    ]

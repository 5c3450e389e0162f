"""The frame terms, the names a contract gives its parties, and what a renewal changes."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from sharing.agreements.context import department_name, partner_term
from sharing.agreements.plans import Parameter, Plan, PlannedClause, renewal_changes
from sharing.agreements.terms import FRAME_PARAMETERS, check_terms, check_with_terms


@pytest.mark.parametrize(
    ("stored", "written"),
    [
        ("Police", "Police Department"),
        ("Transportation", "Transportation Department"),
        ("Office of Emergency Management", "Office of Emergency Management"),
        ("Library", "Library"),
        ("Parks, Recreation & Neighborhood Services", "Parks, Recreation & Neighborhood Services"),
        ("Department of Transportation", "Department of Transportation"),
        ("", ""),
    ],
)
def test_department_reads_as_a_full_name_after_acting_through_its(stored, written):
    """A bare department name gets "Department"; one that names its kind of unit is kept."""
    assert department_name(stored) == written


def test_partner_is_named_partner_agency_only_when_it_is_a_public_agency():
    """Vendors, nonprofits and research bodies are the Vendor; a public agency is not."""
    assert partner_term("public_agency") == "Partner Agency"
    assert {partner_term(kind) for kind in ("vendor", "nonprofit", "research")} == {"Vendor"}


def test_frame_terms_take_defaults_and_refuse_values_out_of_bounds():
    """check_terms fills every frame term and names each refused value by parameter."""
    clean, errors = check_terms({"cure_days": "500", "termination_notice_days": "90"})

    assert errors == {"cure_days": "Must be between 5 and 60 days."}
    assert clean["termination_notice_days"] == 90
    assert {spec["name"] for spec in FRAME_PARAMETERS} - {"cure_days"} <= set(clean)


def test_an_obligation_declaring_a_frame_term_rules_over_its_fallback():
    """A shared name takes the obligation's bounds; frame-only names are added beside it."""
    obligation = {
        "clause_template": "{{ audit_notice_days }}",
        "parameters": [
            {"name": "audit_notice_days", "label": "Notice", "default": 20, "min": 15,
             "max": 20, "unit": "days"},
        ],
    }  # fmt: skip

    clean, errors = check_with_terms([obligation], {"cure_days": "7"})
    refused = check_with_terms([obligation], {"audit_notice_days": "5"})[1]

    assert clean["audit_notice_days"] == 20  # the obligation's default, not the frame's 10
    assert clean["cure_days"] == 7 and errors == {}
    assert refused == {"audit_notice_days": "Must be between 15 and 20 days."}


def _obligation(code, template="text", parameters=()):
    specs = [{"name": name, "label": name.title(), "unit": "days"} for name in parameters]
    return SimpleNamespace(code=code, title=f"Title {code}", clause_template=template,
                           parameters=specs)  # fmt: skip


def _clause(number, obligation, values):
    parameters = [
        Parameter(spec["name"], spec["label"], "days", 1, 90, 30, values[spec["name"]])
        for spec in obligation.parameters
    ]
    return PlannedClause(number, obligation, "Applies because Permits uses a mailer",
                         parameters, obligation.clause_template)  # fmt: skip


def test_renewal_lists_added_removed_revised_and_revalued_obligations():
    """Each difference from the renewed agreement is named by obligation code and parameter."""
    old = [_obligation("PUR-1"), _obligation("RET-2", "old", ["termination_return_days"]),
           _obligation("PRA-1")]  # fmt: skip
    original = SimpleNamespace(
        policy_version=SimpleNamespace(obligations=old),
        obligation_codes=["PUR-1", "RET-2", "PRA-1"],
        parameters={"termination_return_days": 30, "cure_days": 10},
    )
    values = {"termination_return_days": 45, "cure_days": 20}
    new = [_obligation("PUR-1"), _obligation("RET-2", "new", ["termination_return_days"]),
           _obligation("SUB-1")]  # fmt: skip
    cure = Parameter("cure_days", "Days to cure", "days", 5, 60, 15, 20)
    plan = Plan(
        clauses=[_clause(n, o, values) for n, o in enumerate(new, start=1)],
        parameters=values,
        terms=[cure],
    )

    changes = {(c["code"], c["change"]) for c in renewal_changes(original, plan)}

    assert changes == {
        ("PRA-1", "Removed: it no longer applies."),
        ("SUB-1", "Added: applies because Permits uses a mailer."),
        ("RET-2", "Clause text revised by the policy."),
        ("RET-2", "Termination_Return_Days: 30 days → 45 days."),
        ("", "Days to cure: 10 days → 20 days."),
    }


def test_renewal_with_the_same_obligations_and_values_lists_nothing():
    """An unchanged renewal has no changes, so the amendment says so in one sentence."""
    obligation = _obligation("PUR-1")
    original = SimpleNamespace(
        policy_version=SimpleNamespace(obligations=[obligation]),
        obligation_codes=["PUR-1"],
        parameters={},
    )
    plan = Plan(clauses=[_clause(1, obligation, {})], parameters={})

    assert renewal_changes(original, plan) == []


def test_a_clause_names_its_source_document_once():
    """Newer libraries spell the document out in the reference; the source never repeats it."""
    from types import SimpleNamespace

    from sharing.agreements.plans import PlannedClause

    def source(document: str, reference: str) -> str:
        obligation = SimpleNamespace(source_document=document, source_reference=reference)
        return PlannedClause(1, obligation, "", [], "").source

    assert source("My San Jose Privacy Policy", "Item 8 (use)") == (
        "My San Jose Privacy Policy, Item 8 (use)"
    )
    assert source("Digital Privacy Principles", "Digital Privacy Principles — Provide notice") == (
        "Digital Privacy Principles — Provide notice"
    )

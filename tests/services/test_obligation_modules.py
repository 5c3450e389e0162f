"""Sector modules of library 2026.2: each module's obligations apply exactly when a flow carries
the facts that trigger it, on flows built in the database."""

from __future__ import annotations

import pytest

from sharing.flows.models import DataFlow, Sensitivity, TransferMethod
from sharing.obligations.library import DATA_DIR, read_library
from sharing.obligations.modules import MODULES, module_of
from sharing.obligations.rules import evaluate
from tests.factories import add_category, make_category, make_flow

LIBRARY = read_library(DATA_DIR / "policy-2026.2.json")


def applying_prefixes(flows: list[DataFlow]) -> set[str]:
    """The module prefixes with at least one obligation that applies to these flows."""
    found = set()
    for entry in LIBRARY.obligations:
        module = module_of(entry)
        if module and evaluate(entry["applicability"], flows)[0]:
            found.add(module.prefix)
    return found


def module_codes(prefix: str) -> list[str]:
    return [e["code"] for e in LIBRARY.obligations if e["code"].startswith(prefix + "-")]


def flow_sharing(**flags) -> DataFlow:
    flow = make_flow()
    add_category(flow, make_category(sensitivity=Sensitivity.RESTRICTED, **flags))
    return flow


def build(case: str) -> DataFlow:
    """A flow whose facts trigger exactly one module (or none, for "plain")."""
    if case == "HIP":
        return flow_sharing(is_health=True)
    if case == "CJI":
        return flow_sharing(is_criminal_justice=True)
    if case == "EDU-category":
        flow = make_flow()
        add_category(flow, make_category(name="Student records"))
        return flow
    if case == "EDU-subjects":
        return make_flow(data_subjects="High-school students enrolled in the summer program")
    if case == "ALP":
        return flow_sharing(is_licence_plate=True)
    if case == "COP":
        return make_flow(includes_minors=True, transfer_method=TransferMethod.VENDOR_COLLECTS)
    return make_flow(data_subjects="Adult residents", transfer_method=TransferMethod.API)


@pytest.mark.parametrize(
    ("case", "prefixes"),
    [
        ("HIP", {"HIP"}),
        ("CJI", {"CJI"}),
        ("EDU-category", {"EDU"}),
        ("EDU-subjects", {"EDU"}),
        ("ALP", {"ALP"}),
        ("COP", {"COP"}),
        ("plain", set()),
    ],
)
def test_a_module_applies_exactly_when_its_trigger_facts_are_present(db, case, prefixes):
    """The triggering flow brings in its module and no other; a plain flow brings in none."""
    assert applying_prefixes([build(case)]) == prefixes


@pytest.mark.parametrize("module", MODULES, ids=lambda m: m.prefix)
def test_every_obligation_of_a_module_applies_with_its_trigger(db, module):
    """Each module has obligations, and all of them apply when the trigger holds."""
    case = "EDU-category" if module.prefix == "EDU" else module.prefix
    flows = [build(case)]
    codes = module_codes(module.prefix)
    assert len(codes) >= 2
    by_code = {e["code"]: e for e in LIBRARY.obligations}
    for code in codes:
        assert evaluate(by_code[code]["applicability"], flows)[0], code


def test_children_online_needs_both_minors_and_collection_by_the_partner(db):
    """COPPA terms need children's data collected by the partner, not either fact alone."""
    assert "COP" not in applying_prefixes([make_flow(includes_minors=True)])
    collected = make_flow(transfer_method=TransferMethod.VENDOR_COLLECTS)
    assert "COP" not in applying_prefixes([collected])


def test_module_of_reads_the_code_prefix():
    """A module obligation maps to its module and law; a core obligation to none."""
    hip = module_of({"code": "HIP-1"})
    assert hip is not None and hip.citation == "45 CFR 164.504(e)"
    assert module_of({"code": "RET-1"}) is None
    assert module_of({"code": ""}) is None

"""The covered-flow records carry every fact the obligation rules read by name."""

from __future__ import annotations

from dataclasses import fields

from sharing.agreements.covered import CoveredCategory, CoveredFlow
from sharing.obligations.rules import CATEGORY_FLAGS, FLOW_FIELDS


def test_covered_flows_carry_every_flow_field_a_rule_may_name():
    """A field added to obligations.rules.FLOW_FIELDS must be added to CoveredFlow too."""
    assert set(FLOW_FIELDS) <= {f.name for f in fields(CoveredFlow)}


def test_covered_categories_carry_every_special_flag_a_rule_may_name():
    """A flag added to DataCategory.SPECIAL_FLAGS must be added to CoveredCategory too."""
    assert set(CATEGORY_FLAGS) <= {f.name for f in fields(CoveredCategory)}

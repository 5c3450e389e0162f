"""The risk-tier rule (docs/RISK.md): each factor's points and the tier thresholds."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from sharing.flows.models import DataCategory, RiskTier, Sensitivity
from sharing.flows.risk import assess_risk, tier_for


def flow(**overrides):
    """A flow that scores nothing by itself: few records, kept in the US, no extras."""
    values = {
        "estimated_records": 10,
        "includes_minors": False,
        "includes_vulnerable": False,
        "storage_country": "US",
        "subprocessors": [],
        "automated_decisions": False,
        "human_oversight": "",
    }
    values.update(overrides)
    return SimpleNamespace(**values)


def category(name="Full name", sensitivity=Sensitivity.INTERNAL, **flags):
    """A stand-in for a DataCategory row: the rule reads only these attributes."""
    values = {attr: False for attr, _ in DataCategory.SPECIAL_FLAGS}
    values.update(flags)
    return SimpleNamespace(name=name, sensitivity=sensitivity, **values)


def test_a_flow_with_nothing_risky_is_low_with_no_factors():
    """Public data, few records, stored at home: low, and nothing to explain."""
    assert assess_risk(flow(), [category(sensitivity=Sensitivity.PUBLIC)]) == (RiskTier.LOW, [])


@pytest.mark.parametrize(
    ("sensitivity", "points"),
    [
        (Sensitivity.INTERNAL, 1),
        (Sensitivity.CONFIDENTIAL, 2),
        (Sensitivity.RESTRICTED, 3),
    ],
)
def test_highest_sensitivity_scores_once_and_names_the_categories(sensitivity, points):
    """Only the highest level counts, naming the categories at that level."""
    cats = [category("Email address"), category("Top", sensitivity)]
    _, factors = assess_risk(flow(), cats)
    assert factors[0].endswith(f"(+{points})")
    assert "Top" in factors[0]


def test_restricted_data_factor_reads_plainly():
    """The factor says which restricted category raised the tier."""
    ssn = category("Social Security number", Sensitivity.RESTRICTED, is_ssn=True)
    _, factors = assess_risk(flow(), [ssn])
    assert "Restricted data: Social Security number (+3)" in factors
    assert "Social Security numbers: Social Security number (+2)" in factors


def test_each_special_kind_adds_two_points_once():
    """Two health categories add the health points once; a second kind adds its own."""
    cats = [
        category("Health information", Sensitivity.PUBLIC, is_health=True),
        category("Disability status", Sensitivity.PUBLIC, is_health=True),
        category("Face templates", Sensitivity.PUBLIC, is_biometric=True),
    ]
    _, factors = assess_risk(flow(), cats)
    assert factors == [
        "Biometric identifiers: Face templates (+2)",
        "Health data: Disability status, Health information (+2)",
    ]


@pytest.mark.parametrize(
    ("records", "points"),
    [(999, 0), (1_000, 1), (99_999, 1), (100_000, 2), (999_999, 2), (1_000_000, 3)],
)
def test_volume_bands(records, points):
    """Record counts fall into bands worth 0 to 3 points."""
    _, factors = assess_risk(flow(estimated_records=records), [])
    assert sum(int(f.rsplit("+", 1)[1].rstrip(")")) for f in factors) == points


def test_unknown_volume_counts_as_a_small_band():
    """A flow without an estimate is not treated as tiny."""
    _, factors = assess_risk(flow(estimated_records=None), [])
    assert factors == ["Number of records not estimated (+1)"]


def test_minors_count_once_whether_flagged_or_from_a_category():
    """includes_minors and a minors category together add the minors points once."""
    students = category("Student records", Sensitivity.PUBLIC, is_minors=True)
    _, factors = assess_risk(flow(includes_minors=True), [students])
    assert factors == ["Data about minors: Student records (+2)"]
    _, factors = assess_risk(flow(includes_minors=True), [])
    assert factors == ["Data about minors (+2)"]


def test_vulnerable_people_add_points():
    _, factors = assess_risk(flow(includes_vulnerable=True), [])
    assert factors == ["Data about vulnerable people (+2)"]


def test_storage_outside_the_us_adds_points():
    _, factors = assess_risk(flow(storage_country="ie"), [])
    assert factors == ["Stored outside the US (IE) (+2)"]


def test_subprocessors_add_points_and_more_when_abroad():
    """Any subprocessor adds one point; any outside the US adds two more."""
    home = {"name": "Cloud Co", "service": "Hosting", "country": "US"}
    abroad = {"name": "Mailer", "service": "Email", "country": "DE"}
    _, factors = assess_risk(flow(subprocessors=[home]), [])
    assert factors == ["1 subprocessor (+1)"]
    _, factors = assess_risk(flow(subprocessors=[home, abroad]), [])
    assert factors == ["2 subprocessors (+1)", "Subprocessors outside the US: Mailer (DE) (+2)"]


def test_automated_decisions_without_human_review_weigh_most():
    """Unreviewed automated decisions add 3 points; reviewed ones add 1."""
    _, factors = assess_risk(flow(automated_decisions=True, human_oversight=" "), [])
    assert factors == ["Automated decisions without human review (+3)"]
    _, factors = assess_risk(flow(automated_decisions=True, human_oversight="A clerk checks"), [])
    assert factors == ["Automated decisions, with human review (+1)"]


@pytest.mark.parametrize(
    ("score", "tier"),
    [
        (0, RiskTier.LOW),
        (3, RiskTier.LOW),
        (4, RiskTier.MEDIUM),
        (7, RiskTier.MEDIUM),
        (8, RiskTier.HIGH),
        (11, RiskTier.HIGH),
        (12, RiskTier.CRITICAL),
        (40, RiskTier.CRITICAL),
    ],
)
def test_tier_thresholds(score, tier):
    assert tier_for(score) == tier


def test_restricted_data_is_never_low_risk():
    """Three points of restricted data alone would be low; the floor makes it medium."""
    tier, _ = assess_risk(flow(), [category("Immigration status", Sensitivity.RESTRICTED)])
    assert tier == RiskTier.MEDIUM


def test_a_license_plate_reader_shared_abroad_is_critical():
    """A worked example from docs/RISK.md: 3 + 2 + 2 + 3 + 2 + 1 + 2 = 15 points."""
    plates = category(
        "License-plate reads",
        Sensitivity.RESTRICTED,
        is_licence_plate=True,
        is_precise_location=True,
    )
    subprocessor = {"name": "Analytics Ltd", "service": "Matching", "country": "GB"}
    tier, factors = assess_risk(
        flow(estimated_records=2_000_000, storage_country="CA", subprocessors=[subprocessor]),
        [plates],
    )
    assert tier == RiskTier.CRITICAL
    assert len(factors) == 7


def test_the_rule_is_deterministic():
    """The same flow and categories always give the same tier and factors, in order."""
    cats = [
        category("B", Sensitivity.CONFIDENTIAL, is_financial=True),
        category("A", Sensitivity.CONFIDENTIAL),
    ]
    first = assess_risk(flow(includes_vulnerable=True), cats)
    assert assess_risk(flow(includes_vulnerable=True), list(reversed(cats))) == first

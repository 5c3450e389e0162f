"""The risk-tier rule: points for what a flow shares and how; documented in docs/RISK.md."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sharing.flows.models import DataCategory, RiskTier, Sensitivity

SENSITIVITY_POINTS = {
    Sensitivity.PUBLIC: 0,
    Sensitivity.INTERNAL: 1,
    Sensitivity.CONFIDENTIAL: 2,
    Sensitivity.RESTRICTED: 3,
}

# Special kinds of data, each adding points once however many categories carry it.
# Minors are counted with the data subjects below, not here, so they never count twice.
SPECIAL_POINTS = 2
SPECIAL_KINDS = (
    ("is_ssn", "Social Security numbers"),
    ("is_biometric", "Biometric identifiers"),
    ("is_health", "Health data"),
    ("is_criminal_justice", "Criminal-justice records"),
    ("is_precise_location", "Precise location"),
    ("is_licence_plate", "License-plate data"),
    ("is_financial", "Financial data"),
)

# (fewest records, points, label); the first band whose floor is reached applies.
VOLUME_BANDS = (
    (1_000_000, 3, "1,000,000 or more records"),
    (100_000, 2, "100,000 to 999,999 records"),
    (1_000, 1, "1,000 to 99,999 records"),
)
UNKNOWN_VOLUME_POINTS = 1

MINORS_POINTS = 2
VULNERABLE_POINTS = 2
FOREIGN_STORAGE_POINTS = 2
SUBPROCESSOR_POINTS = 1
FOREIGN_SUBPROCESSOR_POINTS = 2
AUTOMATED_UNREVIEWED_POINTS = 3
AUTOMATED_REVIEWED_POINTS = 1

# The highest score each tier allows; anything above the last ceiling is critical.
TIER_CEILINGS = ((3, RiskTier.LOW), (7, RiskTier.MEDIUM), (11, RiskTier.HIGH))
HOME_COUNTRY = "US"


def tier_for(score: int, *, restricted: bool = False) -> RiskTier:
    """The tier for a score. Restricted data is never low risk, whatever else applies."""
    tier = next((tier for ceiling, tier in TIER_CEILINGS if score <= ceiling), RiskTier.CRITICAL)
    if restricted and tier == RiskTier.LOW:
        return RiskTier.MEDIUM
    return tier


def assess_risk(flow: Any, categories: list[DataCategory]) -> tuple[RiskTier, list[str]]:
    """The flow's tier and the factors that raised it, each with its points.

    `flow` is a DataFlow or anything with the same attributes; `categories` are the
    categories it shares. The result depends on nothing else, so it is deterministic.
    """
    factors: list[tuple[int, str]] = []
    factors += _sensitivity(categories)
    factors += _special_kinds(categories)
    factors += _volume(getattr(flow, "estimated_records", None))
    factors += _subjects(flow, categories)
    factors += _storage(flow)
    factors += _subprocessors(getattr(flow, "subprocessors", None) or [])
    factors += _automation(flow)
    score = sum(points for points, _ in factors)
    restricted = any(_sensitivity_of(c) == Sensitivity.RESTRICTED for c in categories)
    return tier_for(score, restricted=restricted), [
        f"{label} (+{points})" for points, label in factors
    ]


def _names(categories: Iterable[DataCategory]) -> str:
    return ", ".join(sorted(c.name for c in categories))


def _sensitivity_of(category: DataCategory) -> Sensitivity:
    return Sensitivity(category.sensitivity)


def _sensitivity(categories: list[DataCategory]) -> list[tuple[int, str]]:
    if not categories:
        return []
    highest = max((_sensitivity_of(c) for c in categories), key=lambda s: s.rank)
    points = SENSITIVITY_POINTS[highest]
    if not points:
        return []
    named = [c for c in categories if _sensitivity_of(c) == highest]
    return [(points, f"{highest.label} data: {_names(named)}")]


def _special_kinds(categories: list[DataCategory]) -> list[tuple[int, str]]:
    found = []
    for attr, label in SPECIAL_KINDS:
        carrying = [c for c in categories if getattr(c, attr, False)]
        if carrying:
            found.append((SPECIAL_POINTS, f"{label}: {_names(carrying)}"))
    return found


def _volume(records: int | None) -> list[tuple[int, str]]:
    if records is None:
        return [(UNKNOWN_VOLUME_POINTS, "Number of records not estimated")]
    for floor, points, label in VOLUME_BANDS:
        if records >= floor:
            return [(points, f"Volume: {label}")]
    return []


def _subjects(flow: Any, categories: list[DataCategory]) -> list[tuple[int, str]]:
    found = []
    minors_categories = [c for c in categories if getattr(c, "is_minors", False)]
    if getattr(flow, "includes_minors", False) or minors_categories:
        detail = f": {_names(minors_categories)}" if minors_categories else ""
        found.append((MINORS_POINTS, f"Data about minors{detail}"))
    if getattr(flow, "includes_vulnerable", False):
        found.append((VULNERABLE_POINTS, "Data about vulnerable people"))
    return found


def _storage(flow: Any) -> list[tuple[int, str]]:
    country = (getattr(flow, "storage_country", None) or HOME_COUNTRY).upper()
    if country != HOME_COUNTRY:
        return [(FOREIGN_STORAGE_POINTS, f"Stored outside the US ({country})")]
    return []


def _subprocessors(subprocessors: list[dict]) -> list[tuple[int, str]]:
    if not subprocessors:
        return []
    count = len(subprocessors)
    found = [(SUBPROCESSOR_POINTS, f"{count} subprocessor{'' if count == 1 else 's'}")]
    abroad = [
        s for s in subprocessors if (s.get("country") or HOME_COUNTRY).upper() != HOME_COUNTRY
    ]
    if abroad:
        where = ", ".join(f"{s.get('name', '?')} ({s.get('country', '').upper()})" for s in abroad)
        found.append((FOREIGN_SUBPROCESSOR_POINTS, f"Subprocessors outside the US: {where}"))
    return found


def _automation(flow: Any) -> list[tuple[int, str]]:
    if not getattr(flow, "automated_decisions", False):
        return []
    if (getattr(flow, "human_oversight", "") or "").strip():
        return [(AUTOMATED_REVIEWED_POINTS, "Automated decisions, with human review")]
    return [(AUTOMATED_UNREVIEWED_POINTS, "Automated decisions without human review")]

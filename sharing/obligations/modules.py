"""Sector modules: groups of obligations that a law imposes when a flow carries its kind of data.

A module's obligations share a code prefix (HIP-1, HIP-2, ...) and cite one law. Each of them
applies exactly when the module's trigger rule does, so the trigger written here is the one
written in the library file (a test holds the two together).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sharing.obligations.rule_kinds import Rule


@dataclass(frozen=True)
class Module:
    prefix: str
    name: str
    citation: str
    trigger: Rule


MODULES = (
    Module(
        prefix="HIP",
        name="Health information (HIPAA business associate terms)",
        citation="45 CFR 164.504(e)",
        trigger={"rule": "any_category", "flag": "is_health"},
    ),
    Module(
        prefix="CJI",
        name="Criminal justice information (FBI CJIS Security Policy)",
        citation="FBI CJIS Security Policy; 28 CFR Part 20",
        trigger={"rule": "any_category", "flag": "is_criminal_justice"},
    ),
    Module(
        prefix="EDU",
        name="Student records (FERPA and California Education Code)",
        citation="20 U.S.C. 1232g; 34 CFR Part 99; Cal. Educ. Code 49073.1",
        trigger={
            "any": [
                {"rule": "category", "name": "Student records"},
                {"rule": "data_subjects_contains", "word": "student"},
            ]
        },
    ),
    Module(
        prefix="ALP",
        name="Automated license plate recognition (California ALPR law)",
        citation="Cal. Civ. Code 1798.90.5-1798.90.55",
        trigger={"rule": "any_category", "flag": "is_licence_plate"},
    ),
    Module(
        prefix="COP",
        name="Children under 13 online (COPPA)",
        citation="15 U.S.C. 6501-6506; 16 CFR Part 312",
        trigger={
            "all": [
                {"rule": "includes_minors"},
                {"rule": "transfer_method", "in": ["vendor_collects"]},
            ]
        },
    ),
)
BY_PREFIX = {module.prefix: module for module in MODULES}


def module_of(obligation: Any) -> Module | None:
    """The sector module an obligation (ORM row or data-file entry) belongs to, if any."""
    code = obligation.get("code") if isinstance(obligation, Mapping) else obligation.code
    return BY_PREFIX.get(str(code or "").split("-")[0])

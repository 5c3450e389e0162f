"""The agreement's own terms (frame terms): the numbers the contract states outside its
obligation clauses, declared like obligation parameters so that each has one source.

A frame term that an obligation also declares (the days to destroy data or to return it at
the end, the audit notice, the attestation interval) is listed here only as a fallback: when
the obligation applies, its declaration and the agreement's value rule; when it does not, the
frame still needs a number, and this declaration gives it.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from functools import lru_cache
from typing import Any

from sharing.agreements.rendering import template_sources
from sharing.obligations.clauses import check_parameters, check_value

FRAME_PARAMETERS: list[dict[str, Any]] = [
    {
        "name": "termination_notice_days",
        "label": "Days' notice to end the agreement for convenience",
        "type": "int",
        "unit": "days",
        "default": 60,
        "min": 30,
        "max": 180,
    },
    {
        "name": "cure_days",
        "label": "Days to cure a breach after the City's notice",
        "type": "int",
        "unit": "days",
        "default": 15,
        "min": 5,
        "max": 60,
    },
    {
        "name": "steward_review_months",
        "label": "Months between the data stewards' reviews",
        "type": "int",
        "unit": "months",
        "default": 12,
        "min": 3,
        "max": 24,
    },
    {
        "name": "cyber_insurance_millions",
        "label": "Vendor's cyber liability insurance per claim",
        "type": "int",
        "unit": "million dollars",
        "default": 5,
        "min": 1,
        "max": 50,
    },
    # Fallbacks for terms the frame uses that an obligation normally states.
    {
        "name": "termination_return_days",
        "label": "Days to return or destroy data at termination",
        "type": "int",
        "unit": "days",
        "default": 30,
        "min": 7,
        "max": 90,
    },
    {
        "name": "deletion_days",
        "label": "Days to destroy data after its retention ends",
        "type": "int",
        "unit": "days",
        "default": 30,
        "min": 1,
        "max": 180,
    },
    {
        "name": "audit_notice_days",
        "label": "Days' notice before an audit",
        "type": "int",
        "unit": "days",
        "default": 10,
        "min": 5,
        "max": 60,
    },
    {
        "name": "attestation_interval_months",
        "label": "Months between attestations",
        "type": "int",
        "unit": "months",
        "default": 12,
        "min": 3,
        "max": 24,
    },
]

FRAME_NAMES: frozenset[str] = frozenset(spec["name"] for spec in FRAME_PARAMETERS)

# The security framework the Recipient's program must follow (named in Exhibit D). Text, not
# a number, so it is not a parameter; a city changes it here.
SECURITY_FRAMEWORK = (
    "the NIST Cybersecurity Framework (version 2.0), with controls selected from NIST Special "
    "Publication 800-53 (Revision 5) at the moderate baseline or, in their place, a program "
    "certified to ISO/IEC 27001:2022"
)


def check_terms(values: Mapping[str, Any]) -> tuple[dict[str, Any], dict[str, str]]:
    """(clean values, {name: reason}) for the frame terms; missing ones take their defaults.

    Names that are not frame terms are left out, as obligations.clauses.check_parameters does
    for obligation parameters.
    """
    return check_parameters({"clause_template": "", "parameters": FRAME_PARAMETERS}, values)


def check_with_terms(
    obligations: Any, values: Mapping[str, Any]
) -> tuple[dict[str, Any], dict[str, str]]:
    """check_parameters over the obligations, plus the frame terms they do not declare: the
    values an agreement stores. An obligation's declaration of a shared name rules."""
    clean, errors = check_parameters(obligations, values)
    frame, frame_errors = check_terms(values)
    for name, value in frame.items():
        clean.setdefault(name, value)
    for name, reason in frame_errors.items():
        if name not in clean:
            errors.setdefault(name, reason)
    return clean, errors


def template_terms(values: Mapping[str, Any]) -> dict[str, Any]:
    """The `terms` template variable: every frame term's value (the agreement's or, failing
    that, the default), overridden by the agreement's values, plus the security framework."""
    terms = {spec["name"]: spec["default"] for spec in FRAME_PARAMETERS}
    terms.update({name: value for name, value in values.items() if value is not None})
    terms["security_framework"] = SECURITY_FRAMEWORK
    return terms


def with_frame(specs: Mapping[str, dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """The obligations' declarations (by name) plus the frame terms they do not declare."""
    return {spec["name"]: spec for spec in FRAME_PARAMETERS} | dict(specs)


def fitted(specs: Mapping[str, dict[str, Any]], agreed: Mapping[str, Any]) -> dict[str, Any]:
    """Each declared parameter at its agreed value while that fits its bounds, else its
    default; agreed values no parameter declares any more are dropped."""
    values = {}
    for name, spec in specs.items():
        value, problem = check_value(spec, agreed[name]) if name in agreed else (None, "unset")
        values[name] = spec["default"] if problem else value
    return values


@lru_cache(maxsize=16)
def terms_in_template(docx: bytes) -> frozenset[str]:
    """The frame terms a template states (`{{ terms.name }}`), so that the parameters page
    offers only the numbers that agreement's document will print."""
    text = " ".join(template_sources(docx).values())
    return frozenset(re.findall(r"\bterms\.([a-z_]+)", text)) & FRAME_NAMES


def parameter_labels(policy: Any) -> dict[str, tuple[str, str]]:
    """name -> (label, unit) for every parameter an agreement under `policy` may hold: the
    frame terms and the policy's obligation parameters (whose label rules a shared name)."""
    labels = {spec["name"]: (spec["label"], spec.get("unit") or "") for spec in FRAME_PARAMETERS}
    for obligation in getattr(policy, "obligations", None) or []:
        for spec in obligation.parameters or []:
            labels[spec["name"]] = (spec.get("label") or spec["name"], spec.get("unit") or "")
    return labels

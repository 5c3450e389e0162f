"""Builds the demo policy version with its obligations, and the agreement templates."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import select

from sharing.agreements.models import AgreementTemplate
from sharing.auth.models import Role
from sharing.demo.context import DemoContext
from sharing.demo.policy_data import AGREEMENT_TEMPLATES, OBLIGATIONS, POLICY_LABEL
from sharing.extensions import db
from sharing.obligations.models import Obligation, PolicyStatus, PolicyVersion

EFFECTIVE = date(2026, 1, 1)
PUBLISHED_AT = datetime(2025, 12, 15, 17, 0, tzinfo=UTC)


def build_policy(ctx: DemoContext) -> None:
    policy = PolicyVersion(
        label=POLICY_LABEL,
        status=PolicyStatus.PUBLISHED,
        effective_date=EFFECTIVE,
        notes="Demo policy version, written from the Digital Privacy Principles and the "
        "My San Jose Privacy Policy.",
        created_at=PUBLISHED_AT,
        published_at=PUBLISHED_AT,
        published_by_id=ctx.users[Role.PRIVACY].id,
    )
    policy.obligations = [
        Obligation(sort_order=position, **entry)
        for position, entry in enumerate(OBLIGATIONS, start=1)
    ]
    db.session.add(policy)
    ctx.policy = policy
    ctx.count("obligations", len(policy.obligations))


def build_templates(ctx: DemoContext) -> None:
    """One template per kind, without uploaded versions; existing names are kept."""
    existing = set(db.session.scalars(select(AgreementTemplate.name)))
    for entry in AGREEMENT_TEMPLATES:
        if entry["name"] not in existing:
            db.session.add(AgreementTemplate(active=True, **entry))
            ctx.count("agreement_templates")


def obligation_codes(ctx: DemoContext, *, any_restricted: bool) -> list[str]:
    """The codes that apply to an agreement, following each obligation's applicability rule."""
    assert ctx.policy is not None
    codes = []
    for obligation in ctx.policy.obligations:
        rule = obligation.applicability.get("rule")
        if rule == "always" or (rule == "any_restricted_category" and any_restricted):
            codes.append(obligation.code)
    return codes


def default_parameters(ctx: DemoContext, codes: list[str]) -> dict[str, Any]:
    assert ctx.policy is not None
    return {
        parameter["name"]: parameter["default"]
        for obligation in ctx.policy.obligations
        if obligation.code in codes
        for parameter in obligation.parameters
    }


def questionnaire(ctx: DemoContext, codes: list[str]) -> list[dict[str, str]]:
    """The snapshot of questions an attestation request asks, in policy order."""
    assert ctx.policy is not None
    return [
        {"code": o.code, "title": o.title, "question": o.attestation_question}
        for o in ctx.policy.obligations
        if o.code in codes
    ]

"""Builds the demo policy version from the obligation library, and the agreement templates."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from flask import current_app

from sharing.agreements.template_library import install_shipped_templates
from sharing.core.roles import Role
from sharing.demo.context import DemoContext
from sharing.demo.policy_data import LATEST_POLICY_EFFECTIVE, LATEST_POLICY_LABEL, POLICY_LABEL
from sharing.extensions import db
from sharing.flows.models import DataFlow
from sharing.obligations.clauses import default_parameters as library_defaults
from sharing.obligations.library import DATA_DIR, build_version, read_library
from sharing.obligations.rules import applicable_obligations

PUBLISHED_AT = datetime(2025, 12, 15, 17, 0, tzinfo=UTC)
LATEST_PUBLISHED_AT = datetime(2026, 3, 2, 17, 0, tzinfo=UTC)


def build_policy(ctx: DemoContext) -> None:
    """The library's versions, as published by the demo privacy officer: 2026.1, which the demo
    agreements use (`ctx.policy`), then 2026.2 based on it, whose impact the demo shows."""
    publisher_id = ctx.users[Role.PRIVACY].id
    library = read_library(DATA_DIR / f"policy-{POLICY_LABEL}.json")
    policy = build_version(
        library, created_at=PUBLISHED_AT, published_at=PUBLISHED_AT, published_by_id=publisher_id
    )
    latest = build_version(
        read_library(DATA_DIR / f"policy-{LATEST_POLICY_LABEL}.json"),
        based_on=policy,
        created_at=LATEST_PUBLISHED_AT,
        published_at=LATEST_PUBLISHED_AT,
        published_by_id=publisher_id,
    )
    # Set after building: the file's date may differ from the demo's announced one.
    latest.effective_date = LATEST_POLICY_EFFECTIVE
    db.session.add_all([policy, latest])
    ctx.policy = policy
    ctx.count("obligations", len(policy.obligations) + len(latest.obligations))


def build_templates(ctx: DemoContext) -> None:
    """The shipped .docx templates, installed (and checked) as the privacy officer would."""
    config = current_app.config
    installed = install_shipped_templates(
        actor=ctx.users[Role.PRIVACY],
        render_seconds=config["AGREEMENT_TEMPLATE_RENDER_SECONDS"],
        render_memory_mb=config["AGREEMENT_TEMPLATE_RENDER_MEMORY_MB"],
        commit=False,
        audited=False,  # the seed records one event for everything it adds
    )
    for version in installed:
        ctx.templates[version.template.kind] = version
    ctx.count("agreement_templates", len(installed))


def obligation_codes(ctx: DemoContext, *, flows: list[DataFlow]) -> list[str]:
    """The codes whose applicability rule holds for an agreement over these flows."""
    assert ctx.policy is not None
    return [obligation.code for obligation, _ in applicable_obligations(ctx.policy, flows)]


def default_parameters(ctx: DemoContext, codes: list[str]) -> dict[str, Any]:
    assert ctx.policy is not None
    return library_defaults([o for o in ctx.policy.obligations if o.code in codes])


def questionnaire(ctx: DemoContext, codes: list[str]) -> list[dict[str, str]]:
    """The snapshot of questions an attestation request asks, in policy order."""
    assert ctx.policy is not None
    return [
        {"code": o.code, "title": o.title, "question": o.attestation_question}
        for o in ctx.policy.obligations
        if o.code in codes
    ]

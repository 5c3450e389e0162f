"""Builds the demo agreements, one per status, with dates counted from today, and renders
the .docx of each one that has been generated."""

from __future__ import annotations

import hashlib
from collections import Counter
from datetime import timedelta
from typing import Any

from sharing.agreements import files
from sharing.agreements.conflicts import decision, find_conflicts
from sharing.agreements.dates import add_months, term_end
from sharing.agreements.generation import render_agreement, store_document
from sharing.agreements.models import Agreement, AgreementStatus
from sharing.agreements.readiness import expected_template_kind
from sharing.core.roles import Role
from sharing.demo.agreements_data import AGREEMENTS, TERMINATION_REASON
from sharing.demo.context import DemoContext
from sharing.demo.documents import one_page_pdf
from sharing.demo.policy import default_parameters, obligation_codes
from sharing.demo.specs import AgreementSpec
from sharing.extensions import db
from sharing.flows.models import DataFlow
from sharing.vendors.models import OrganisationKind

S = AgreementStatus
# Statuses whose agreement has been generated, and signed, at some point.
GENERATED = {S.GENERATED, S.SENT_FOR_SIGNATURE, S.EXECUTED, S.ACTIVE, S.EXPIRING, S.EXPIRED}
GENERATED |= {S.RENEWED, S.TERMINATED}
SIGNED = GENERATED - {S.GENERATED, S.SENT_FOR_SIGNATURE}


def build_agreements(ctx: DemoContext) -> None:
    numbers: Counter[int] = Counter()
    for spec in AGREEMENTS:
        flows = ctx.approved_flows(spec.org)
        if not flows:
            raise LookupError(f"demo agreement for {spec.org} has no approved flow")
        agreement = _agreement(ctx, spec, flows, spec.status, _dates(ctx, spec.status), numbers)
        ctx.agreements[spec.org] = agreement
        if spec.status == S.RENEWED:
            start = agreement.expiry_date + timedelta(days=1)
            dates = {"effective_date": start, "expiry_date": term_end(start, 36)}
            successor = _agreement(ctx, spec, flows, S.ACTIVE, dates, numbers, renews=agreement)
            successor.title = f"Renewal amendment: {agreement.title}"
            agreement.successor = successor
            ctx.agreements[spec.org] = successor
    for agreement in ctx.agreements_built:
        if agreement.status in GENERATED:
            generate_file(ctx, agreement)
        if agreement.status in SIGNED and agreement.signed_on is not None:
            store_signed_copy(ctx, agreement)


def _dates(ctx: DemoContext, status: AgreementStatus) -> dict[str, Any]:
    """Effective and expiry dates that make sense for the status, relative to today."""
    rng, term = ctx.rng, 36
    if status == S.DRAFT:
        return {"effective_date": None, "expiry_date": None}
    if status in (S.GENERATED, S.SENT_FOR_SIGNATURE, S.EXECUTED):
        start = ctx.date_in(rng.randint(14, 45))
    elif status == S.ACTIVE:
        start = ctx.date_in(-rng.randint(200, 900))
    elif status == S.EXPIRING:
        # Inside every notice window the demo uses (the shortest is 60 days).
        start = add_months(ctx.date_in(rng.randint(20, 59)), -term)
    elif status in (S.EXPIRED, S.RENEWED):
        term = 24
        start = add_months(ctx.date_in(-rng.randint(10, 40)), -term)
    else:  # terminated early
        start = ctx.date_in(-rng.randint(400, 600))
    return {"effective_date": start, "expiry_date": term_end(start, term), "term_months": term}


def _agreement(
    ctx: DemoContext,
    spec: AgreementSpec,
    flows: list[DataFlow],
    status: AgreementStatus,
    dates: dict[str, Any],
    numbers: Counter[int],
    renews: Agreement | None = None,
) -> Agreement:
    organisation = ctx.organisations[spec.org]
    codes = obligation_codes(ctx, flows=flows)
    parameters = default_parameters(ctx, codes) | {"breach_notice_hours": spec.breach_notice_hours}
    parameters |= dict(spec.parameters)
    year = min(dates["effective_date"] or ctx.today, ctx.today).year
    numbers[year] += 1
    agreement = Agreement(
        number=f"DSA-{year}-{numbers[year]:04d}",
        title=f"{_kind_title(organisation.kind)}: {organisation.display_name}",
        organisation=organisation,
        department=flows[0].department,
        policy_version=ctx.policy,
        parameters=parameters,
        obligation_codes=codes,
        status=status,
        auto_renew=ctx.rng.random() < 0.3,
        notice_days=ctx.rng.choice((60, 90, 90, 120)),
        created_by_id=ctx.users[Role.PROCUREMENT].id,
        is_demo=True,
        renews=renews,
        template_version=ctx.templates[expected_template_kind(organisation, renews)],
        **dates,
    )
    agreement.flows = list(flows)
    ctx.agreements_built.append(agreement)
    _record_paperwork(ctx, agreement)
    db.session.add(agreement)
    db.session.flush()
    _accept_conflicts(ctx, spec, agreement)
    ctx.count("agreements")
    return agreement


def _accept_conflicts(ctx: DemoContext, spec: AgreementSpec, agreement: Agreement) -> None:
    """Record the privacy office's acceptance of the conflicts the spec gives reasons for."""
    reasons = dict(spec.accepted)
    at = agreement.generated_at or ctx.now
    agreement.conflict_overrides = {
        conflict.code: decision(
            conflict, reason=reasons[conflict.check], by=ctx.users[Role.PRIVACY].email, at=at
        )
        for conflict in find_conflicts(agreement)
        if conflict.check in reasons
    }


def generate_file(ctx: DemoContext, agreement: Agreement) -> None:
    """Render the agreement's .docx as the generation service would, and keep the file."""
    generated_on = agreement.generated_at.date() if agreement.generated_at else ctx.today
    data, _ = render_agreement(agreement, generated_on=generated_on)
    ctx.stored_agreement_files.append(store_document(agreement, data))
    ctx.count("agreement_files")


def store_signed_copy(ctx: DemoContext, agreement: Agreement) -> None:
    """A stand-in for the scanned signed agreement: a one-page PDF saying what it is."""
    data = one_page_pdf(
        f"{agreement.number}: signed copy of {agreement.title}, signed "
        f"{agreement.signed_on.isoformat()}"
    )
    agreement.signed_file = files.store(data, ".pdf")
    agreement.signed_sha256 = hashlib.sha256(data).hexdigest()
    ctx.stored_agreement_files.append(agreement.signed_file)
    ctx.count("signed_copies")


def _kind_title(kind: OrganisationKind) -> str:
    if kind == OrganisationKind.VENDOR:
        return "Data protection agreement"
    return "Data sharing agreement"


def _record_paperwork(ctx: DemoContext, agreement: Agreement) -> None:
    """Generation, signature and termination facts (the files themselves do not exist yet)."""
    effective = agreement.effective_date
    if agreement.status in GENERATED:
        before = effective if effective and effective < ctx.today else ctx.today
        agreement.generated_at = ctx.days_ago((ctx.today - before).days + 30)
        agreement.generated_by_id = ctx.users[Role.PROCUREMENT].id
    if agreement.status in SIGNED and effective is not None:
        agreement.signed_on = min(effective, ctx.today) - timedelta(days=7)
        agreement.signed_uploaded_at = ctx.days_ago((ctx.today - agreement.signed_on).days - 1)
    if agreement.status == S.TERMINATED:
        agreement.termination_reason = TERMINATION_REASON
        agreement.terminated_on = ctx.date_in(-45)
    if agreement.status in (S.EXPIRED, S.RENEWED, S.TERMINATED, S.EXPIRING):
        agreement.auto_renew = False

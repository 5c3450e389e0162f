"""Generating agreements: a draft over approved flows, its obligations and their parameters, the
clause preview, and the .docx rendered from a template version.

An agreement starts as a draft: the organisation, the flows it covers, the template and the
terms. The policy version in force is recorded then, and the obligations whose rule applies to
the flows are the agreement's clauses; their parameters start at the policy's defaults and may
be changed within the declared bounds. Generating renders the draft's template version with
that plan and stores the file with its SHA-256. The same inputs give the same bytes.
"""

from __future__ import annotations

import hashlib
import os
import re
import secrets
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from types import SimpleNamespace
from typing import Any

from flask import current_app
from markupsafe import Markup
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from sharing.agreements import files, pdf, rendering, template_library
from sharing.agreements.context import agreement_context, exhibit_a, long_date
from sharing.agreements.dates import add_months, term_end
from sharing.agreements.models import (
    Agreement,
    AgreementStatus,
    AgreementTemplate,
    TemplateKind,
    agreement_flows,
)
from sharing.agreements.queries import MAX_NOTICE_DAYS, RENEWABLE
from sharing.audit import services as audit
from sharing.auth.models import Department
from sharing.core.database import commit_or_conflict
from sharing.core.models import utcnow
from sharing.core.numbering import next_in_year
from sharing.errors import Conflict, ValidationFailed
from sharing.extensions import db
from sharing.flows.models import DataCategory, DataFlow, FlowCategory, FlowStatus
from sharing.obligations.clauses import (
    check_parameters,
    declared,
    render_clause,
    render_clause_html,
)
from sharing.obligations.models import Obligation
from sharing.obligations.rules import CATEGORY_FLAGS, FLOW_FIELDS, applicable_obligations
from sharing.obligations.services import latest_published
from sharing.vendors.models import Organisation

S = AgreementStatus
# Statuses whose content may still change: editing a generated agreement returns it to draft.
EDITABLE = frozenset({S.DRAFT, S.GENERATED})
NUMBER_PREFIX = "DSA"
ATTESTATION_PARAMETER = "attestation_interval_months"
DEFAULT_ATTESTATION_MONTHS = 12
TERM_BOUNDS = {
    "term_months": (1, 120),
    "renewal_term_months": (1, 60),
    "notice_days": (0, MAX_NOTICE_DAYS),
}
AUDITED_TERMS = (
    "title",
    "department_id",
    "effective_date",
    "term_months",
    "expiry_date",
    "auto_renew",
    "renewal_term_months",
    "notice_days",
)


@dataclass(frozen=True)
class Terms:
    """What the parties agree about time and naming; the expiry date follows from them."""

    title: str
    effective_date: date | None
    term_months: int = 36
    auto_renew: bool = False
    renewal_term_months: int = 12
    notice_days: int = 90
    department_id: int | None = None


@dataclass(frozen=True)
class Parameter:
    name: str
    label: str
    unit: str
    minimum: int
    maximum: int
    default: int
    value: int


@dataclass(frozen=True)
class PlannedClause:
    """An obligation the agreement includes: why it applies, its parameters and its text."""

    number: int
    obligation: Obligation
    reason: str
    parameters: list[Parameter]
    text: str
    values: dict[str, Any] = field(repr=False, default_factory=dict)

    @property
    def html(self) -> Markup:
        """The clause for the preview page, escaped (generation needs only the text)."""
        return render_clause_html(self.obligation, self.values)


@dataclass(frozen=True)
class Plan:
    clauses: list[PlannedClause]
    parameters: dict[str, Any] = field(default_factory=dict)

    @property
    def codes(self) -> list[str]:
        return [clause.obligation.code for clause in self.clauses]


# -- reading ----------------------------------------------------------------------------------


def eligible_flows(organisation: Organisation) -> list[DataFlow]:
    """The organisation's approved flows (the revisions in force), which an agreement may cover."""
    stmt = (
        select(DataFlow)
        .where(DataFlow.organisation_id == organisation.id, DataFlow.status == FlowStatus.APPROVED)
        .options(
            selectinload(DataFlow.categories).selectinload(FlowCategory.category),
            selectinload(DataFlow.department),
        )
        .order_by(DataFlow.system_name, DataFlow.id)
    )
    return list(db.session.scalars(stmt))


def renewable_agreements(organisation: Organisation) -> list[Agreement]:
    """Agreements of the organisation a renewal amendment may renew."""
    stmt = (
        select(Agreement)
        .where(Agreement.organisation_id == organisation.id, Agreement.status.in_(RENEWABLE))
        .order_by(Agreement.expiry_date, Agreement.id)
    )
    return list(db.session.scalars(stmt))


def plan_agreement(agreement: Agreement, *, flows: Sequence[Any] | None = None) -> Plan:
    """The obligations that apply to the agreement's flows (or to `flows`, records of them)
    under its policy version, in policy order, each with its reason, its parameters at the
    agreement's values, and its clause."""
    policy = agreement.policy_version
    if policy is None:  # recorded before the register kept policy versions
        return Plan(clauses=[], parameters=dict(agreement.parameters or {}))
    chosen = applicable_obligations(policy, list(agreement.flows if flows is None else flows))
    values, _ = check_parameters([o for o, _ in chosen], agreement.parameters or {})
    clauses = []
    for number, (obligation, reason) in enumerate(chosen, start=1):
        parameters = [
            Parameter(
                name=spec["name"],
                label=spec.get("label") or spec["name"],
                unit=spec.get("unit") or "",
                minimum=spec["min"],
                maximum=spec["max"],
                default=spec["default"],
                value=values[spec["name"]],
            )
            for spec in obligation.parameters or []
        ]
        clauses.append(
            PlannedClause(
                number=number,
                obligation=obligation,
                reason=reason,
                parameters=parameters,
                text=render_clause(obligation, values),
                values=values,
            )
        )
    return Plan(clauses=clauses, parameters=values)


def attestation_schedule(agreement: Agreement, plan: Plan) -> list[dict[str, Any]]:
    """Exhibit B: each included obligation's question, how often it is asked, and when first."""
    months = int(plan.parameters.get(ATTESTATION_PARAMETER) or DEFAULT_ATTESTATION_MONTHS)
    if agreement.effective_date is not None:
        first_due = long_date(add_months(agreement.effective_date, months))
    else:
        first_due = f"{months} months after the effective date"
    return [
        {
            "obligation_code": clause.obligation.code,
            "question": clause.obligation.attestation_question,
            "frequency": f"Every {months} months",
            "first_due": first_due,
        }
        for clause in plan.clauses
    ]


def city_party() -> dict[str, str]:
    config = current_app.config
    return {
        "name": config["CITY_NAME"],
        "address": config["CITY_ADDRESS"],
        "signatory_name": config["CITY_SIGNATORY_NAME"],
        "signatory_title": config["CITY_SIGNATORY_TITLE"],
    }


def build_context(
    agreement: Agreement,
    *,
    generated_on: date,
    plan: Plan | None = None,
    flows: Sequence[Any] | None = None,
) -> dict:
    """The complete template context for the agreement as it stands."""
    flows = agreement.flows if flows is None else flows
    plan = plan or plan_agreement(agreement, flows=flows)
    clauses = [
        {
            "number": clause.number,
            "code": clause.obligation.code,
            "title": clause.obligation.title,
            "text": clause.text,
        }
        for clause in plan.clauses
    ]
    return agreement_context(
        agreement,
        clauses=clauses,
        schedule=attestation_schedule(agreement, plan),
        flows=flows,
        city=city_party(),
        generated_on=generated_on,
    )


def file_name(agreement: Agreement, suffix: str) -> str:
    """A download name such as `DSA-2026-0042-parkpay-llc.docx`."""
    slug = re.sub(r"[^a-z0-9]+", "-", agreement.organisation.display_name.casefold()).strip("-")
    return f"{agreement.number}-{slug[:60] or 'agreement'}{suffix}"


# -- changing ---------------------------------------------------------------------------------


def draft_agreement(
    *,
    actor: Any,
    organisation: Organisation,
    flows: list[DataFlow],
    template: AgreementTemplate | None,
    terms: Terms,
    today: date,
    renews: Agreement | None = None,
) -> Agreement:
    """A new draft agreement over approved flows, under the policy version in force."""
    agreement = _new_draft(
        actor=actor,
        organisation=organisation,
        flows=flows,
        template=template,
        terms=terms,
        today=today,
        renews=renews,
    )
    audit.record(
        actor=actor,
        action="agreement.drafted",
        object_type="agreement",
        object_id=agreement.id,
        organisation_id=organisation.id,
        changes=audit.created(_audit_values(agreement)),
        summary=f"Drafted {agreement.number}: {agreement.title}",
    )
    commit_or_conflict()
    return agreement


def _new_draft(
    *,
    actor: Any,
    organisation: Organisation,
    flows: list[DataFlow],
    template: AgreementTemplate | None,
    terms: Terms,
    today: date,
    renews: Agreement | None,
) -> Agreement:
    policy = latest_published()
    if policy is None:
        raise Conflict("No policy version is published yet, so there are no obligations to use.")
    _check_content(organisation, flows, template, terms, renews)
    agreement = Agreement(
        number=next_number(today.year),
        organisation=organisation,
        policy_version=policy,
        template_version=template_library.current_version(template),
        status=S.DRAFT,
        created_by_id=actor.id,
        renews=renews,
    )
    _apply_terms(agreement, terms)
    _cover(agreement, flows, chosen={})
    db.session.add(agreement)
    try:
        db.session.flush()
    except IntegrityError:
        db.session.rollback()
        raise Conflict("Another agreement took that number just now. Please try again.") from None
    return agreement


def update_draft(
    *,
    actor: Any,
    agreement: Agreement,
    flows: list[DataFlow],
    template: AgreementTemplate | None,
    terms: Terms,
    expected_version: int | None,
) -> Agreement:
    """Change a draft's flows, template or terms; a generated agreement goes back to draft."""
    _check_editable(agreement, expected_version)
    _check_content(agreement.organisation, flows, template, terms, agreement.renews)
    before = _audit_values(agreement)
    _apply_terms(agreement, terms)
    agreement.template_version = template_library.current_version(template)
    _cover(agreement, flows, chosen=agreement.parameters or {})
    _back_to_draft(agreement)
    after = _audit_values(agreement)
    audit.record(
        actor=actor,
        action="agreement.updated",
        object_type="agreement",
        object_id=agreement.id,
        organisation_id=agreement.organisation_id,
        changes=audit.diff(before, after),
        summary=f"Updated draft {agreement.number}",
    )
    commit_or_conflict()
    return agreement


def set_parameters(
    *,
    actor: Any,
    agreement: Agreement,
    values: dict[str, Any],
    expected_version: int | None,
) -> Agreement:
    """Set the included obligations' parameters, each within its declared bounds."""
    _check_editable(agreement, expected_version)
    obligations = [o for o, _ in applicable_obligations(agreement.policy_version, agreement.flows)]
    clean, errors = check_parameters(obligations, values)
    if errors:
        raise ValidationFailed(errors)
    before = dict(agreement.parameters or {})
    if clean == before:
        return agreement
    agreement.parameters = clean
    _back_to_draft(agreement)
    audit.record(
        actor=actor,
        action="agreement.parameters_set",
        object_type="agreement",
        object_id=agreement.id,
        organisation_id=agreement.organisation_id,
        changes=audit.diff(before, clean),
        summary=f"Parameters of {agreement.number} changed",
    )
    commit_or_conflict()
    return agreement


def render_agreement(
    agreement: Agreement, *, generated_on: date, flows: Sequence[Any] | None = None
) -> tuple[bytes, Plan]:
    """The .docx the agreement's template version gives for it now, and the plan used.
    `flows` are the covered flows when the caller has read them already."""
    version = agreement.template_version
    if version is None:
        raise ValidationFailed({"template": "Choose a template for this agreement."})
    flows = covered_flows(agreement) if flows is None else flows
    plan = plan_agreement(agreement, flows=flows)
    context = build_context(agreement, generated_on=generated_on, plan=plan, flows=flows)
    data = rendering.render_docx(template_library.read_version(version), context)
    return data, plan


def generate_agreement(
    *, actor: Any, agreement: Agreement, today: date, expected_version: int | None
) -> Agreement:
    """Render and store the agreement's .docx; a draft becomes generated."""
    _check_editable(agreement, expected_version)
    before = _generation_values(agreement)
    replaced = agreement.generated_file
    stored = _generate(actor=actor, agreement=agreement, today=today)
    audit.record(
        actor=actor,
        action="agreement.generated",
        object_type="agreement",
        object_id=agreement.id,
        organisation_id=agreement.organisation_id,
        changes=audit.diff(before, _generation_values(agreement)),
        summary=f"Generated {agreement.number} from {_source(agreement)}",
    )
    _commit_generation(stored, replaced)
    return agreement


def generate_renewal(
    *,
    actor: Any,
    original: Agreement,
    template: AgreementTemplate,
    terms: Terms,
    flows: list[DataFlow],
    today: date,
) -> Agreement:
    """Draft and generate, in one step and one audit event, the renewal amendment of
    `original`; an amendment of it already drafted or generated, not yet sent, is reused."""
    amendment = db.session.scalar(
        select(Agreement)
        .where(Agreement.renews_id == original.id, Agreement.status.in_(tuple(EDITABLE)))
        .order_by(Agreement.id.desc())
        .limit(1)
    )
    reused = amendment is not None
    before = _audit_values(amendment) | _generation_values(amendment) if reused else {}
    replaced = amendment.generated_file if reused else None
    if amendment is None:
        amendment = _new_draft(
            actor=actor,
            organisation=original.organisation,
            flows=flows,
            template=template,
            terms=terms,
            today=today,
            renews=original,
        )
    else:
        _check_content(original.organisation, flows, template, terms, original)
        _apply_terms(amendment, terms)
        amendment.template_version = template_library.current_version(template)
        _cover(amendment, flows, chosen=amendment.parameters or {})
    stored = _generate(actor=actor, agreement=amendment, today=today)
    after = _audit_values(amendment) | _generation_values(amendment)
    audit.record(
        actor=actor,
        action="agreement.renewal_generated",
        object_type="agreement",
        object_id=amendment.id,
        organisation_id=amendment.organisation_id,
        changes=audit.diff(before, after) if reused else audit.created(after),
        summary=f"Generated renewal amendment {amendment.number} of {original.number} "
        f"from {_source(amendment)}",
    )
    _commit_generation(stored, replaced)
    return amendment


def _commit_generation(stored: str, replaced: str | None) -> None:
    """Commit a generation; the new file goes if the commit fails, the old one if it works."""
    try:
        commit_or_conflict()
    except Exception:
        db.session.rollback()
        files.remove(stored)
        raise
    if replaced and replaced != stored:
        files.remove(replaced)


def _generate(*, actor: Any, agreement: Agreement, today: date) -> str:
    """Render the agreement, store the file and record the generation on the row (not yet
    committed); returns the stored file's name. Nothing is stored when rendering fails."""
    flows = covered_flows(agreement)
    _check_flows_in_force(flows)
    data, plan = render_agreement(agreement, generated_on=today, flows=flows)
    stored = store_document(agreement, data)
    agreement.generated_at = utcnow()
    agreement.generated_by_id = actor.id
    agreement.parameters = plan.parameters
    agreement.obligation_codes = plan.codes
    agreement.status = S.GENERATED
    return stored


def store_document(agreement: Agreement, data: bytes) -> str:
    """Keep a rendered .docx as the agreement's generated file, with its SHA-256."""
    agreement.generated_file = files.store(data, ".docx")
    agreement.generated_sha256 = hashlib.sha256(data).hexdigest()
    return agreement.generated_file


def _source(agreement: Agreement) -> str:
    version = agreement.template_version
    return (
        f"{version.template.name} v{version.number} under policy {agreement.policy_version.label}"
    )


def next_number(year: int) -> str:
    """The next free agreement number of the year: DSA-2026-0001, DSA-2026-0002, ..."""
    return next_in_year(Agreement.number, NUMBER_PREFIX, year)


# -- checks and helpers -----------------------------------------------------------------------


def _check_content(
    organisation: Organisation,
    flows: list[DataFlow],
    template: AgreementTemplate | None,
    terms: Terms,
    renews: Agreement | None,
) -> None:
    errors: dict[str, str] = {}
    if not flows:
        errors["flows"] = "Choose at least one approved data flow."
    elif any(flow.organisation_id != organisation.id for flow in flows):
        errors["flows"] = "Every flow must belong to this organisation."
    elif any(flow.status != FlowStatus.APPROVED for flow in flows):
        names = ", ".join(f.system_name for f in flows if f.status != FlowStatus.APPROVED)
        errors["flows"] = f"Only approved flows can be covered; not yet approved: {names}."
    if template is None:
        errors["template"] = "Choose a template."
    elif not template.active:
        errors["template"] = "That template is no longer in use. Choose another."
    elif not template.versions:
        errors["template"] = "That template has no uploaded version yet."
    elif template.kind == TemplateKind.RENEWAL_AMENDMENT and renews is None:
        errors["template"] = "A renewal amendment must name the agreement it renews."
    if renews is not None and renews.organisation_id != organisation.id:
        errors["renews"] = "The agreement renewed must be this organisation's."
    if not terms.title.strip():
        errors["title"] = "Give the agreement a title."
    for name, (low, high) in TERM_BOUNDS.items():
        value = getattr(terms, name)
        if value is None or not low <= value <= high:
            errors[name] = f"Must be between {low} and {high}."
    if errors:
        raise ValidationFailed(errors)


def _check_editable(agreement: Agreement, expected_version: int | None) -> None:
    if agreement.status not in EDITABLE:
        raise Conflict(
            f"Agreement {agreement.number} is {agreement.status.label.lower()}; only a draft or "
            "a generated agreement not yet sent for signature can change."
        )
    if expected_version is not None and expected_version != agreement.version:
        raise Conflict(
            f"Agreement {agreement.number} was changed by someone else since you opened it. "
            "Reload the page to see the current version."
        )


def _check_flows_in_force(flows: Sequence[Any]) -> None:
    stale = [flow for flow in flows if flow.status != FlowStatus.APPROVED]
    if stale:
        names = ", ".join(f"{f.system_name} (revision {f.revision})" for f in stale)
        raise ValidationFailed(
            {"flows": f"These flows are no longer in force: {names}. Edit the agreement's flows."}
        )


# What the rules (sharing/obligations/rules.py) and Exhibit A (context.flow_context) read.
FLOW_FACTS = (
    "id",
    "system_name",
    "status",
    "revision",
    "purposes",
    "retention_days",
    "disposal_method",
    "storage_location",
    "storage_country",
    "subprocessors",
    *FLOW_FIELDS,
)
CATEGORY_FACTS = ("name", "sensitivity", *CATEGORY_FLAGS)


def covered_flows(agreement: Agreement) -> list[SimpleNamespace]:
    """The agreement's flows as read-only records of what the rules and Exhibit A read
    (FLOW_FACTS, `department` with its name, and `categories`: links, each with its
    `category`'s CATEGORY_FACTS).

    Plain rows in two statements, without ORM objects: at a thousand flows, building and
    tracking ORM objects would be most of the cost of a generation.
    """
    covered = agreement_flows.c.agreement_id == agreement.id
    connection = db.session.connection()
    flow_rows = connection.execute(
        select(*(getattr(DataFlow, name) for name in FLOW_FACTS), Department.name)
        .join(agreement_flows, agreement_flows.c.flow_id == DataFlow.id)
        .outerjoin(Department, Department.id == DataFlow.department_id)
        .where(covered)
    )
    flows: dict[int, SimpleNamespace] = {}
    for *values, department in flow_rows:
        flow = SimpleNamespace(**dict(zip(FLOW_FACTS, values, strict=True)))
        flow.department = SimpleNamespace(name=department) if department is not None else None
        flow.categories = []
        flows[flow.id] = flow
    category_rows = connection.execute(
        select(FlowCategory.flow_id, *(getattr(DataCategory, name) for name in CATEGORY_FACTS))
        .join(DataCategory, DataCategory.id == FlowCategory.category_id)
        .join(agreement_flows, agreement_flows.c.flow_id == FlowCategory.flow_id)
        .where(covered)
    )
    for flow_id, *values in category_rows:
        category = SimpleNamespace(**dict(zip(CATEGORY_FACTS, values, strict=True)))
        flows[flow_id].categories.append(SimpleNamespace(category=category))
    return list(flows.values())


def _apply_terms(agreement: Agreement, terms: Terms) -> None:
    agreement.title = terms.title.strip()
    agreement.department_id = terms.department_id
    agreement.effective_date = terms.effective_date
    agreement.term_months = terms.term_months
    agreement.auto_renew = terms.auto_renew
    agreement.renewal_term_months = terms.renewal_term_months
    agreement.notice_days = terms.notice_days
    agreement.expiry_date = (
        term_end(terms.effective_date, terms.term_months) if terms.effective_date else None
    )


def _back_to_draft(agreement: Agreement) -> None:
    """A change after generation makes the stored file stale: the agreement is a draft again."""
    if agreement.status == S.GENERATED:
        agreement.status = S.DRAFT


def _cover(agreement: Agreement, flows: list[DataFlow], *, chosen: dict[str, Any]) -> None:
    """Cover these flows: the obligations whose rule holds for them, and their parameters.
    Values in `chosen` stay while their obligation still applies; the others get defaults."""
    obligations = [o for o, _ in applicable_obligations(agreement.policy_version, flows)]
    agreement.flows = list(flows)
    agreement.obligation_codes = [o.code for o in obligations]
    agreement.parameters = {
        name: chosen.get(name, spec["default"]) for name, spec in declared(obligations).items()
    }


def _audit_values(agreement: Agreement) -> dict[str, Any]:
    values = audit.snapshot(agreement, list(AUDITED_TERMS))
    values["status"] = agreement.status.value
    values["flows"] = sorted(flow.id for flow in agreement.flows)
    values["template_version_id"] = agreement.template_version_id or (
        agreement.template_version.id if agreement.template_version else None
    )
    values["policy_version"] = agreement.policy_version.label if agreement.policy_version else None
    values["obligation_codes"] = list(agreement.obligation_codes or [])
    return values


def _generation_values(agreement: Agreement) -> dict[str, Any]:
    return {
        "status": agreement.status.value,
        "generated_sha256": agreement.generated_sha256,
        "template_version_id": agreement.template_version_id,
        "policy_version_id": agreement.policy_version_id,
        "parameters": dict(agreement.parameters or {}),
        "obligation_codes": list(agreement.obligation_codes or []),
    }


# -- what the pages show and download --------------------------------------------------------


def exhibit_rows(agreement: Agreement) -> list[dict[str, Any]]:
    """Exhibit A as the preview shows it: one row per covered flow, as in the document."""
    return exhibit_a(agreement.flows)


def pdf_cache_dir() -> Path:
    return Path(current_app.config["UPLOAD_DIR"]) / "agreement-pdfs"


def agreement_pdf(agreement: Agreement, *, binary: str, timeout: float) -> bytes:
    """The PDF of the generated .docx, converted once per file content and then kept.

    The cache is keyed by the .docx's SHA-256, so a regenerated agreement with a different
    text is converted afresh and an identical one is not.
    """
    if not agreement.generated_file or not agreement.generated_sha256:
        raise Conflict("This agreement has not been generated yet.")
    cached = pdf_cache_dir() / f"{agreement.generated_sha256}.pdf"
    if cached.is_file():
        return cached.read_bytes()
    data = pdf.docx_to_pdf(files.read(agreement.generated_file), timeout=timeout, binary=binary)
    cached.parent.mkdir(parents=True, exist_ok=True)
    partial = cached.with_name(f".{cached.name}.{secrets.token_hex(4)}.part")
    partial.write_bytes(data)
    os.replace(partial, cached)
    return data

"""Drafting agreements: a draft over approved flows under the policy version in force, its
terms and flows changed while it is a draft, and its obligations' parameters set within their
declared bounds.

The obligations whose rule applies to the flows are the agreement's clauses; their parameters
start at the policy's defaults. A change to a generated agreement makes it a draft again.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from sharing.agreements import template_library
from sharing.agreements.dates import term_end
from sharing.agreements.models import Agreement, AgreementStatus, AgreementTemplate
from sharing.agreements.queries import MAX_NOTICE_DAYS
from sharing.agreements.readiness import template_problem
from sharing.agreements.terms import check_with_terms, fitted, with_frame
from sharing.audit import services as audit
from sharing.core.database import commit_or_conflict
from sharing.core.numbering import next_in_year
from sharing.core.sentences import sentence
from sharing.errors import Conflict, ValidationFailed
from sharing.extensions import db
from sharing.flows.models import DataFlow, FlowCategory, FlowStatus
from sharing.obligations.clauses import declared
from sharing.obligations.rules import applicable_obligations
from sharing.obligations.services import latest_published
from sharing.vendors.models import Organisation

S = AgreementStatus
# Statuses whose content may still change: editing a generated agreement returns it to draft.
EDITABLE = frozenset({S.DRAFT, S.GENERATED})
NUMBER_PREFIX = "DSA"
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
        .where(Agreement.organisation_id == organisation.id, Agreement.status.in_(S.RENEWABLE))
        .order_by(Agreement.expiry_date, Agreement.id)
    )
    return list(db.session.scalars(stmt))


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
    agreement = new_draft(
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
        changes=audit.created(audit_values(agreement)),
        summary=f"Drafted {agreement.number}: {agreement.title}",
    )
    commit_or_conflict()
    return agreement


def new_draft(
    *,
    actor: Any,
    organisation: Organisation,
    flows: list[DataFlow],
    template: AgreementTemplate | None,
    terms: Terms,
    today: date,
    renews: Agreement | None,
) -> Agreement:
    """The draft, added and flushed but not audited or committed (the caller does both)."""
    policy = latest_published()
    if policy is None:
        raise Conflict("No policy version is published yet, so there are no obligations to use.")
    check_content(organisation, flows, template, terms, renews)
    agreement = Agreement(
        number=next_number(today.year),
        organisation=organisation,
        policy_version=policy,
        template_version=template_library.current_version(template),
        status=S.DRAFT,
        created_by_id=actor.id,
        renews=renews,
    )
    apply_terms(agreement, terms)
    # A renewal starts from what the parties agreed last time, where the policy still allows it.
    cover(agreement, flows, chosen=dict(renews.parameters or {}) if renews is not None else {})
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
    check_editable(agreement, expected_version)
    refuse_adoption(agreement)
    check_content(agreement.organisation, flows, template, terms, agreement.renews)
    before = audit_values(agreement)
    apply_terms(agreement, terms)
    agreement.template_version = template_library.current_version(template)
    cover(agreement, flows, chosen=agreement.parameters or {})
    _back_to_draft(agreement)
    after = audit_values(agreement)
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
    """Set the included obligations' parameters and the agreement's frame terms, each within
    its declared bounds."""
    check_editable(agreement, expected_version)
    refuse_adoption(agreement)
    obligations = [o for o, _ in applicable_obligations(agreement.policy_version, agreement.flows)]
    clean, errors = check_with_terms(obligations, values)
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


def next_number(year: int) -> str:
    """The next free agreement number of the year: DSA-2026-0001, DSA-2026-0002, ..."""
    return next_in_year(Agreement.number, NUMBER_PREFIX, year)


# -- checks and helpers (generation reuses them for renewal amendments) -----------------------


def check_content(
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
        errors["flows"] = "Every flow must belong to this organization."
    elif any(flow.status != FlowStatus.APPROVED for flow in flows):
        names = ", ".join(f.system_name for f in flows if f.status != FlowStatus.APPROVED)
        errors["flows"] = sentence(f"Only approved flows can be covered; not yet approved: {names}")
    if template is None:
        errors["template"] = "Choose a template."
    elif not template.active:
        errors["template"] = "That template is no longer in use. Choose another."
    elif not template.versions:
        errors["template"] = "That template has no uploaded version yet."
    elif problem := template_problem(organisation=organisation, kind=template.kind, renews=renews):
        errors["template"] = problem
    if renews is not None and renews.organisation_id != organisation.id:
        errors["renews"] = "The agreement renewed must be this organization's."
    if not terms.title.strip():
        errors["title"] = "Give the agreement a title."
    for name, (low, high) in TERM_BOUNDS.items():
        value = getattr(terms, name)
        if value is None or not low <= value <= high:
            errors[name] = f"Must be between {low} and {high}."
    if errors:
        raise ValidationFailed(errors)


def check_editable(agreement: Agreement, expected_version: int | None) -> None:
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


def refuse_adoption(agreement: Agreement) -> None:
    """An adoption's terms are its base's and its flows passed the offer's fit check, so
    neither changes here: another set of flows is adopted again."""
    if agreement.adopts is not None:
        raise Conflict(
            f"{agreement.number} adopts {agreement.adopts.number} and takes its terms from it. "
            "To cover other flows, adopt the offer again."
        )


def apply_terms(agreement: Agreement, terms: Terms) -> None:
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


def cover(agreement: Agreement, flows: list[DataFlow], *, chosen: dict[str, Any]) -> None:
    """Cover these flows: the obligations whose rule holds for them, their parameters and
    the frame terms. Values in `chosen` stay while their obligation still applies (frame
    terms always do) and fit their bounds; the others get defaults."""
    obligations = [o for o, _ in applicable_obligations(agreement.policy_version, flows)]
    agreement.flows = list(flows)
    agreement.obligation_codes = [o.code for o in obligations]
    agreement.parameters = fitted(with_frame(declared(obligations)), chosen)


def audit_values(agreement: Agreement) -> dict[str, Any]:
    """The terms, flows, versions and obligations an audit event shows before and after."""
    values = audit.snapshot(agreement, list(AUDITED_TERMS))
    values["status"] = agreement.status.value
    values["flows"] = sorted(flow.id for flow in agreement.flows)
    values["template_version_id"] = agreement.template_version_id or (
        agreement.template_version.id if agreement.template_version else None
    )
    values["policy_version"] = agreement.policy_version.label if agreement.policy_version else None
    values["obligation_codes"] = list(agreement.obligation_codes or [])
    return values

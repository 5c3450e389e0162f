"""Coverage-table rows for the agreement pages (list, detail, drafting, generation, downloads),
and the set-ups their tests share: a published policy, a template and approved flows."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from sharing.agreements import drafting, generation, template_library
from sharing.agreements.drafting import Terms
from sharing.agreements.models import Agreement, AgreementStatus, TemplateKind
from sharing.core.clock import today
from sharing.extensions import db
from sharing.flows.models import DataFlow
from sharing.vendors.models import Organisation
from tests.factories import (
    add_category,
    make_approved_flow,
    make_category,
    make_policy,
    make_ready_organisation,
    make_template_version,
    make_user,
)
from tests.web.tables import STAFF, AuditCase, Page

AUTHORS = ("admin", "privacy")


# Shared set-ups ------------------------------------------------------------------------


def ready_organisation(**overrides: Any) -> tuple[Organisation, DataFlow]:
    """A published policy, a vendor template, and an organisation ready for an agreement
    (address and signatory) with one approved flow."""
    make_policy()
    if not template_library.active_templates(TemplateKind.VENDOR_DPA):
        make_template_version(TemplateKind.VENDOR_DPA)
    organisation = make_ready_organisation(**overrides)
    flow = make_approved_flow(organisation, (make_category(),), system_name="Permit portal")
    return organisation, flow


def draft(*, generated: bool = False, **terms: Any) -> Agreement:
    """A draft agreement made through the service (and generated, if asked)."""
    organisation, flow = ready_organisation()
    actor = make_user("privacy")
    values = {
        "title": "Data protection agreement",
        "effective_date": date(2027, 1, 1),
        "department_id": flow.department_id,
    }
    values.update(terms)
    agreement = drafting.draft_agreement(
        actor=actor,
        organisation=organisation,
        flows=[flow],
        template=template_library.active_templates(TemplateKind.VENDOR_DPA)[0],
        terms=Terms(**values),
        today=today(),
    )
    if generated:
        generation.generate_agreement(
            actor=actor, agreement=agreement, today=today(), expected_version=None
        )
    return agreement


def draft_with_conflict(*, retention_days: int | None = 365) -> Agreement:
    """A complete draft whose one flow keeps licence-plate data longer than LPR-1 allows
    (30 days by default): one conflict, and nothing else, stands in its way."""
    agreement = draft()
    flow = agreement.flows[0]
    flow.retention_days = retention_days
    add_category(flow, make_category(is_licence_plate=True))
    agreement = drafting.update_draft(
        actor=make_user("privacy"),
        agreement=agreement,
        flows=[flow],
        template=agreement.template_version.template,
        terms=terms_of(agreement),
        expected_version=None,
    )
    return agreement


def terms_of(agreement: Agreement, **changes: Any) -> Terms:
    """The agreement's terms as the draft form would send them back, with `changes`."""
    values = {
        "title": agreement.title,
        "effective_date": agreement.effective_date,
        "term_months": agreement.term_months,
        "auto_renew": agreement.auto_renew,
        "renewal_term_months": agreement.renewal_term_months,
        "notice_days": agreement.notice_days,
        "department_id": agreement.department_id,
    }
    values.update(changes)
    return Terms(**values)


def active_expiring_in(days: int) -> Agreement:
    """An active agreement whose term ends `days` from today, and a renewal template."""
    agreement = draft(generated=True)
    if not template_library.active_templates(TemplateKind.RENEWAL_AMENDMENT):
        make_template_version(TemplateKind.RENEWAL_AMENDMENT)
    agreement.status = AgreementStatus.ACTIVE
    agreement.effective_date = today() - timedelta(days=400)
    agreement.expiry_date = today() + timedelta(days=days)
    db.session.commit()
    return agreement


def terms_form(agreement_or_flow_ids, **changes: Any) -> dict[str, Any]:
    data = {
        "flows": agreement_or_flow_ids,
        "title": "Data protection agreement",
        "effective_date": "2027-01-01",
        "term_months": "36",
        "renewal_term_months": "12",
        "notice_days": "90",
    }
    data.update(changes)
    return data


# Pages ---------------------------------------------------------------------------------


def _agreement() -> dict:
    return {"agreement": draft().id}


def _generated() -> dict:
    return {"agreement": draft(generated=True).id}


def _organisation() -> dict:
    return {"organisation": ready_organisation()[0].id}


PAGES: tuple[Page, ...] = (
    Page("agreements.agreements", "/agreements/", STAFF),
    Page("agreements.agreement", "/agreements/{agreement}", STAFF, params=_agreement),
    Page("agreements.new_agreement", "/agreements/new?organisation={organisation}", AUTHORS,
         params=_organisation),
    Page("agreements.edit_agreement", "/agreements/{agreement}/edit", AUTHORS, params=_agreement),
    Page("agreements.parameters", "/agreements/{agreement}/parameters", STAFF,
         params=_agreement),
    Page("agreements.preview", "/agreements/{agreement}/preview", STAFF, params=_agreement),
    Page("agreements.download_docx", "/agreements/{agreement}/agreement.docx", STAFF,
         params=_generated),
    Page("agreements.download_pdf", "/agreements/{agreement}/agreement.pdf", STAFF,
         params=_generated),  # converted by LibreOffice
    Page("agreements.bulk_renewals", "/agreements/renewals", AUTHORS),
)  # fmt: skip


# Audited POST routes -------------------------------------------------------------------


def new_agreement(login_as):
    organisation, flow = ready_organisation()
    template = template_library.active_templates(TemplateKind.VENDOR_DPA)[0]
    login_as("privacy")
    return f"/agreements/new?organisation={organisation.id}", terms_form(
        [flow.id], template=str(template.id)
    )


def edit_agreement(login_as):
    agreement = draft()
    login_as("privacy")
    return f"/agreements/{agreement.id}/edit", terms_form(
        [f.id for f in agreement.flows],
        template=str(agreement.template_version.template_id),
        title="Renamed agreement",
        version=str(agreement.version),
    )


def set_parameters(login_as):
    agreement = draft()
    login_as("privacy")
    values = {name: str(value) for name, value in agreement.parameters.items()}
    values["breach_notice_hours"] = "48"
    return f"/agreements/{agreement.id}/parameters", {**values, "version": agreement.version}


def generate(login_as):
    agreement = draft()
    login_as("admin")
    return f"/agreements/{agreement.id}/generate", {"version": agreement.version}


def bulk_renewals(login_as):
    active_expiring_in(30)
    login_as("privacy")
    start, end = today(), today() + timedelta(days=60)
    return "/agreements/renewals", {
        "expiring_from": start.isoformat(),
        "expiring_to": end.isoformat(),
    }


def accept_conflict(login_as):
    from sharing.agreements.conflicts import find_conflicts

    agreement = draft_with_conflict()
    (conflict,) = find_conflicts(agreement)
    login_as("privacy")
    return f"/agreements/{agreement.id}/conflicts/accept", {
        "code": conflict.code,
        "reason": "The plate reads are kept as evidence for open citations only.",
        "version": agreement.version,
    }


AUDIT_CASES: tuple[AuditCase, ...] = (
    AuditCase("agreements.new_agreement", "agreement.drafted", new_agreement),
    AuditCase("agreements.edit_agreement", "agreement.updated", edit_agreement),
    AuditCase("agreements.parameters", "agreement.parameters_set", set_parameters),
    AuditCase("agreements.generate", "agreement.generated", generate),
    AuditCase("agreements.accept_conflict", "agreement.conflict_accepted", accept_conflict),
    AuditCase("agreements.bulk_renewals", "agreement.renewal_generated", bulk_renewals),
)

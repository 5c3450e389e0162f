"""Pages that decide whether an agreement can be generated: the agreement page with its
"before you can generate" checklist, the preview (clauses with their conflicts, the obligations
that did not apply), generation, and accepting a conflict with a reason."""

from __future__ import annotations

import hashlib
from collections import defaultdict
from dataclasses import dataclass, field

from flask import abort, current_app, flash, redirect, render_template, url_for
from flask_login import current_user
from sqlalchemy import select

from sharing.agreements import (
    conflicts,
    drafting,
    files,
    generation,
    lifecycle,
    pdf,
    plans,
    readiness,
)
from sharing.agreements.blueprint import bp
from sharing.agreements.context import exhibit_a
from sharing.agreements.covered import CoveredFlow, covered_flows
from sharing.agreements.forms import AcceptConflictForm, GenerateForm
from sharing.agreements.models import Agreement
from sharing.agreements.terms import parameter_labels
from sharing.audit import reading
from sharing.audit.models import AuditEvent
from sharing.core.access import roles_required
from sharing.core.clock import now, today
from sharing.core.forms import populate_errors, version_of
from sharing.core.roles import Role
from sharing.errors import DomainError, ValidationFailed
from sharing.extensions import db

HISTORY_LIMIT = 50


@dataclass
class Checks:
    """What stands between an agreement and its generation, read once for a page."""

    flows: list[CoveredFlow]
    plan: plans.Plan
    problems: dict[str, str]
    found: list[conflicts.Conflict]
    open: list[conflicts.Conflict]
    # Conflicts by the clause they concern; those whose obligation is not a clause go apart.
    by_clause: dict[str, list[conflicts.Conflict]] = field(default_factory=dict)
    apart: list[conflicts.Conflict] = field(default_factory=list)

    @property
    def blocking(self) -> bool:
        return bool(self.problems or self.open)


def checks_for(agreement: Agreement) -> Checks:
    flows = covered_flows(agreement)
    plan = plans.plan_agreement(agreement, flows=flows)
    found = conflicts.find_conflicts(agreement, flows=flows, plan=plan)
    by_clause: dict[str, list[conflicts.Conflict]] = defaultdict(list)
    apart = []
    for conflict in found:
        if conflict.obligation_code in plan.codes:
            by_clause[conflict.obligation_code].append(conflict)
        else:
            apart.append(conflict)
    return Checks(
        flows=flows,
        plan=plan,
        problems=readiness.problems(agreement, flows),
        found=found,
        open=conflicts.unresolved(agreement, found),
        by_clause=dict(by_clause),
        apart=apart,
    )


def may_author(agreement: Agreement) -> bool:
    """The privacy office drafts and generates agreements while they may still change."""
    return current_user.role in Role.OFFICE and agreement.status in drafting.EDITABLE


def fix_links(agreement: Agreement, problems: dict[str, str]) -> dict[str, tuple[str, str]]:
    """Where each problem is fixed, and the link's words (settings have no page)."""
    editor = current_user.role in Role.REGISTRY_EDITORS
    organisation_id = agreement.organisation_id
    links: dict[str, tuple[str, str]] = {}
    for name in problems:
        if name in readiness.AGREEMENT_FIELDS and may_author(agreement):
            anchor = "flows-list" if name == "flows" else name
            url = url_for("agreements.edit_agreement", agreement_id=agreement.id)
            links[name] = (f"{url}#{anchor}", "Edit flows and terms")
        elif name == "partner_signatory":
            links[name] = (
                (url_for("vendors.new_contact", organisation_id=organisation_id), "Add a contact")
                if editor
                else (
                    url_for("vendors.organisation", organisation_id=organisation_id) + "#contacts",
                    "See the contacts (procurement adds them)",
                )
            )
        elif name == "partner_address":
            links[name] = (
                (
                    url_for("vendors.edit_organisation", organisation_id=organisation_id),
                    "Edit the organization",
                )
                if editor
                else (
                    url_for("vendors.organisation", organisation_id=organisation_id),
                    "See the organization (procurement edits it)",
                )
            )
        elif name == "conflicts":
            url = url_for("agreements.preview", agreement_id=agreement.id)
            links[name] = (f"{url}#conflicts", "Review the conflicts")
    return links


def agreement_page(agreement: Agreement, *, refused: dict[str, str] | None = None):
    """The agreement page; `refused` holds the reasons a generation just gave."""
    current = today()
    history = db.session.scalars(
        select(AuditEvent)
        .where(AuditEvent.object_type == "agreement", AuditEvent.object_id == str(agreement.id))
        .order_by(AuditEvent.at.desc(), AuditEvent.id.desc())
        .limit(HISTORY_LIMIT)
    )
    predecessor = db.session.scalar(select(Agreement).where(Agreement.successor_id == agreement.id))
    checks = checks_for(agreement) if agreement.status in drafting.EDITABLE else None
    problems = refused if refused is not None else (checks.problems if checks else {})
    if refused is None and checks and checks.open:
        problems = {**problems, "conflicts": conflicts.summary(checks.open)}
    return render_template(
        "agreements/agreement.html",
        agreement=agreement,
        today=current,
        lifecycle_actions=lifecycle.available_actions(agreement, current_user, today=current),
        may_author=may_author(agreement),
        pdf_available=pdf.pdf_available(current_app.config["SOFFICE_BINARY"]),
        generated_exists=files.exists(agreement.generated_file),
        predecessor=predecessor,
        history=reading.readable(list(history)),
        generate_form=GenerateForm(version=agreement.version),
        problems=problems,
        refused=refused is not None,
        fixes=fix_links(agreement, problems),
        parameter_labels=parameter_labels(agreement.policy_version),
    )


def preview_page(agreement: Agreement, *, posted: AcceptConflictForm | None = None):
    """The preview; `posted` is an acceptance that failed, shown again beside its conflict."""
    checks = checks_for(agreement)
    forms = {
        conflict.code: posted
        if posted is not None and posted.code.data == conflict.code
        else AcceptConflictForm(formdata=None, code=conflict.code, version=agreement.version)
        for conflict in checks.open
    }
    for code, form in forms.items():
        # One reason box per conflict: each needs an id of its own, which the page's error
        # summary links to. Codes hold free text, so the id is a digest of the code.
        form.reason.id = "reason-" + hashlib.sha256(code.encode()).hexdigest()[:12]
    # Only an agreement that may still be generated has a checklist; a signed one is history.
    problems = dict(checks.problems) if agreement.status in drafting.EDITABLE else {}
    if checks.open and agreement.status in drafting.EDITABLE:
        problems["conflicts"] = conflicts.summary(checks.open)
    return render_template(
        "agreements/preview.html",
        agreement=agreement,
        plan=checks.plan,
        checks=checks,
        problems=problems,
        fixes=fix_links(agreement, problems),
        accept_forms=forms,
        # A refused acceptance, also passed on its own so the page's error summary finds it.
        refused_acceptance=posted,
        not_applied=readiness.not_applied(agreement.policy_version, checks.flows),
        schedule=plans.attestation_schedule(agreement, checks.plan),
        exhibit=exhibit_a(checks.flows),
        may_generate=may_author(agreement),
        generate_form=GenerateForm(version=agreement.version),
    )


@bp.get("/<int:agreement_id>/preview")
@roles_required(*Role.STAFF)
def preview(agreement_id: int):
    return preview_page(db.get_or_404(Agreement, agreement_id))


@bp.post("/<int:agreement_id>/generate")
@roles_required(*Role.OFFICE)
def generate(agreement_id: int):
    agreement = db.get_or_404(Agreement, agreement_id)
    form = GenerateForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        generation.generate_agreement(
            actor=current_user,
            agreement=agreement,
            today=today(),
            expected_version=version_of(form),
        )
    except ValidationFailed as error:
        return agreement_page(agreement, refused=error.errors)
    except DomainError as error:
        flash(error.message, "danger")
        return redirect(url_for("agreements.preview", agreement_id=agreement.id))
    flash(f"{agreement.number} generated. Download it below.", "success")
    return redirect(url_for("agreements.agreement", agreement_id=agreement.id))


@bp.post("/<int:agreement_id>/conflicts/accept")
@roles_required(*Role.OFFICE)
def accept_conflict(agreement_id: int):
    agreement = db.get_or_404(Agreement, agreement_id)
    form = AcceptConflictForm()
    if form.validate_on_submit():
        try:
            conflicts.accept_conflict(
                actor=current_user,
                agreement=agreement,
                code=form.code.data,
                reason=form.reason.data,
                now=now(),
                expected_version=version_of(form),
            )
        except ValidationFailed as error:
            populate_errors(form, error)
        except DomainError as error:
            flash(error.message, "warning")
            return redirect(url_for("agreements.preview", agreement_id=agreement.id))
        else:
            flash("Conflict accepted; the reason is on the agreement's record.", "success")
            return redirect(url_for("agreements.preview", agreement_id=agreement.id))
    return preview_page(agreement, posted=form)

"""Pages of the agreement lifecycle: one-click steps, execution, termination, renewal, the
signed copy. Each route checks the role here and the transition table in lifecycle.py."""

from __future__ import annotations

import re

from flask import abort, flash, redirect, render_template, request, send_file, url_for
from flask_login import current_user

from sharing.agreements import files, lifecycle
from sharing.agreements.blueprint import bp
from sharing.agreements.lifecycle_forms import ExecuteForm, RenewForm, StepForm, TerminateForm
from sharing.agreements.models import Agreement
from sharing.core.access import roles_required
from sharing.core.clock import today
from sharing.core.downloads import attach
from sharing.core.forms import populate_errors, version_of
from sharing.core.roles import Role
from sharing.errors import Conflict, DomainError, ValidationFailed
from sharing.extensions import db
from sharing.files import RejectedUpload

T = lifecycle.TRANSITIONS


def _detail(agreement: Agreement):
    return redirect(url_for("agreements.agreement", agreement_id=agreement.id))


def _blocked(agreement: Agreement, action: str):
    """A redirect with the reason, when the agreement's status does not allow the step."""
    step = T[action]
    if agreement.status in step.sources:
        return None
    flash(
        f"A {agreement.status.label.lower()} agreement cannot be moved to "
        f"{step.target.label.lower()} (“{step.label}”).",
        "warning",
    )
    return _detail(agreement)


@bp.post("/<int:agreement_id>/step/<action>")
@roles_required(*Role.STAFF)
def step(agreement_id: int, action: str):
    agreement = db.get_or_404(Agreement, agreement_id)
    if action not in T:
        abort(404)
    form = StepForm()
    if not form.validate_on_submit():
        flash("The form expired or the comment is too long. Please try again.", "danger")
        return _detail(agreement)
    try:
        lifecycle.transition_agreement(
            actor=current_user,
            agreement=agreement,
            action=action,
            today=today(),
            expected_version=version_of(form),
            comment=form.comment.data or "",
        )
    except ValidationFailed as error:
        for reason in error.errors.values():
            flash(reason, "danger")
    except DomainError as error:
        if error.status_code == 403:
            abort(403)
        flash(error.message, "danger")
    else:
        flash(T[action].done_message(agreement), "success")
    return _detail(agreement)


@bp.route("/<int:agreement_id>/execute", methods=["GET", "POST"])
@roles_required(*T["execute"].roles)
def execute(agreement_id: int):
    agreement = db.get_or_404(Agreement, agreement_id)
    form = ExecuteForm()
    if request.method == "GET":
        form.version.data = agreement.version
    if (blocked := _blocked(agreement, "execute")) is not None:
        return blocked
    if form.validate_on_submit():
        upload = form.signed_pdf.data
        try:
            lifecycle.record_execution(
                actor=current_user,
                agreement=agreement,
                signed_pdf=upload.read(files.max_signed_bytes() + 1),
                original_name=upload.filename or "",
                signed_on=form.signed_on.data,
                today=today(),
                expected_version=version_of(form),
            )
        except RejectedUpload as error:
            form.signed_pdf.errors = [error.message]
        except ValidationFailed as error:
            populate_errors(form, error)
        except Conflict as error:
            flash(error.message, "danger")
            return _execute_page(form, agreement), 409
        else:
            flash(T["execute"].done_message(agreement), "success")
            return _detail(agreement)
    return _execute_page(form, agreement)


def _execute_page(form: ExecuteForm, agreement: Agreement):
    return render_template("agreements/execute_form.html", form=form, agreement=agreement)


@bp.route("/<int:agreement_id>/terminate", methods=["GET", "POST"])
@roles_required(*T["terminate"].roles)
def terminate(agreement_id: int):
    agreement = db.get_or_404(Agreement, agreement_id)
    form = TerminateForm()
    if request.method == "GET":
        form.version.data, form.terminated_on.data = agreement.version, today()
    if (blocked := _blocked(agreement, "terminate")) is not None:
        return blocked
    if form.validate_on_submit():
        try:
            lifecycle.transition_agreement(
                actor=current_user,
                agreement=agreement,
                action="terminate",
                today=today(),
                expected_version=version_of(form),
                reason=form.reason.data,
                terminated_on=form.terminated_on.data,
            )
        except ValidationFailed as error:
            populate_errors(form, error)
        except Conflict as error:
            flash(error.message, "danger")
            return _terminate_page(form, agreement), 409
        else:
            flash(T["terminate"].done_message(agreement), "success")
            return _detail(agreement)
    return _terminate_page(form, agreement)


def _terminate_page(form: TerminateForm, agreement: Agreement):
    return render_template(
        "agreements/terminate_form.html", form=form, agreement=agreement, step=T["terminate"]
    )


@bp.route("/<int:agreement_id>/renew", methods=["GET", "POST"])
@roles_required(*T["renew"].roles)
def renew(agreement_id: int):
    agreement = db.get_or_404(Agreement, agreement_id)
    form = RenewForm()
    if request.method == "GET":
        form.version.data = agreement.version
    if (blocked := _blocked(agreement, "renew")) is not None:
        return blocked
    candidates = {a.id: a for a in lifecycle.eligible_successors(agreement)}
    form.successor.choices = [
        (a.id, f"{a.number} · {a.title or 'Untitled'} ({a.status.label.lower()})")
        for a in candidates.values()
    ]
    if candidates and form.validate_on_submit():
        try:
            lifecycle.transition_agreement(
                actor=current_user,
                agreement=agreement,
                action="renew",
                today=today(),
                expected_version=version_of(form),
                comment=form.comment.data or "",
                successor=candidates.get(form.successor.data),
            )
        except ValidationFailed as error:
            populate_errors(form, error)
        except Conflict as error:
            flash(error.message, "danger")
            return _renew_page(form, agreement, candidates), 409
        else:
            flash(T["renew"].done_message(agreement), "success")
            return _detail(agreement)
    return _renew_page(form, agreement, candidates)


def _renew_page(form: RenewForm, agreement: Agreement, candidates: dict):
    return render_template(
        "agreements/renew_form.html", form=form, agreement=agreement, candidates=candidates
    )


@bp.get("/<int:agreement_id>/signed.pdf")
@roles_required(*Role.STAFF)
def signed_copy(agreement_id: int):
    agreement = db.get_or_404(Agreement, agreement_id)
    if not files.exists(agreement.signed_file):
        abort(404)
    response = send_file(
        files.path_of(agreement.signed_file),
        mimetype="application/pdf",
        as_attachment=True,
        download_name=f"{_safe(agreement.number)}-signed.pdf",
    )
    return attach(response, f"{_safe(agreement.number)}-signed.pdf")


def _safe(number: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]+", "-", number).strip("-.") or "agreement"

"""Pages of the obligations blueprint: versions, obligations, drafts, publishing, impact."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select

from sharing.agreements.policy_impact import by_status, impact_of
from sharing.auth.forms import ConfirmForm
from sharing.core.access import roles_required
from sharing.core.clock import now
from sharing.core.forms import populate_errors, redirect_after
from sharing.core.pagination import page_args, paginate
from sharing.core.roles import Role
from sharing.errors import Conflict, ValidationFailed
from sharing.extensions import db
from sharing.obligations import services
from sharing.obligations.clauses import default_parameters, render_clause_html
from sharing.obligations.forms import DraftForm, ObligationForm, PublishForm
from sharing.obligations.models import Obligation, PolicyStatus, PolicyVersion
from sharing.obligations.rules import describe

bp = Blueprint("obligations", __name__, url_prefix="/obligations")


def _may_edit() -> bool:
    return current_user.role in Role.OFFICE


@bp.get("/")
@roles_required(*Role.STAFF)
def versions():
    stmt = select(PolicyVersion).order_by(PolicyVersion.id.desc())
    return render_template(
        "obligations/versions.html",
        page=paginate(stmt, *page_args()),
        counts=services.count_obligations(),
        draft=services.open_draft(),
        may_edit=_may_edit(),
    )


@bp.get("/<int:version_id>")
@roles_required(*Role.STAFF)
def version(version_id: int):
    version = db.get_or_404(PolicyVersion, version_id)
    return render_template(
        "obligations/version.html",
        version=version,
        describe=describe,
        may_edit=_may_edit() and version.status == PolicyStatus.DRAFT,
        confirm_form=ConfirmForm(),
    )


@bp.get("/obligation/<int:obligation_id>")
@roles_required(*Role.STAFF)
def obligation(obligation_id: int):
    obligation = db.get_or_404(Obligation, obligation_id)
    preview = render_clause_html(obligation, default_parameters(obligation))
    return render_template(
        "obligations/obligation.html",
        obligation=obligation,
        version=obligation.policy_version,
        preview=preview,
        describe=describe,
        may_edit=_may_edit() and obligation.policy_version.status == PolicyStatus.DRAFT,
        confirm_form=ConfirmForm(),
    )


@bp.route("/new-draft", methods=["GET", "POST"])
@roles_required(*Role.OFFICE)
def new_draft():
    form = DraftForm()
    if form.validate_on_submit():
        try:
            draft = services.create_draft(
                actor=current_user, label=form.label.data, notes=form.notes.data or ""
            )
        except ValidationFailed as error:
            populate_errors(form, error)
        except Conflict as error:
            flash(error.message, "warning")
            return redirect(url_for("obligations.versions"))
        else:
            flash(f"Draft {draft.label} started. Edit its obligations, then publish it.", "success")
            return redirect(url_for("obligations.version", version_id=draft.id))
    return render_template("obligations/draft_form.html", form=form)


@bp.route("/obligation/<int:obligation_id>/edit", methods=["GET", "POST"])
@roles_required(*Role.OFFICE)
def edit_obligation(obligation_id: int):
    obligation = db.get_or_404(Obligation, obligation_id)
    if obligation.policy_version.status != PolicyStatus.DRAFT:
        flash("Published versions never change. Start a draft to edit obligations.", "warning")
        return redirect(url_for("obligations.obligation", obligation_id=obligation.id))
    form = ObligationForm(obj=obligation) if request.method == "GET" else ObligationForm()
    del form.code  # agreements cite the code, so it stays
    if form.validate_on_submit():
        done = redirect_after(
            form,
            lambda: services.update_obligation(
                actor=current_user, obligation=obligation, values=form.obligation_values()
            ),
            message=f"{obligation.code} saved.",
            to=url_for("obligations.obligation", obligation_id=obligation.id),
        )
        if done is not None:
            return done
    return render_template(
        "obligations/obligation_form.html",
        form=form,
        version=obligation.policy_version,
        obligation=obligation,
    )


@bp.route("/<int:version_id>/obligations/new", methods=["GET", "POST"])
@roles_required(*Role.OFFICE)
def new_obligation(version_id: int):
    version = db.get_or_404(PolicyVersion, version_id)
    if version.status != PolicyStatus.DRAFT:
        flash("Published versions never change. Start a draft to add obligations.", "warning")
        return redirect(url_for("obligations.version", version_id=version.id))
    form = ObligationForm()
    if request.method == "GET":
        form.parameters.data, form.applicability.data = [], {"rule": "always"}
    if form.validate_on_submit():
        done = redirect_after(
            form,
            lambda: services.add_obligation(
                actor=current_user, version=version, values=form.obligation_values()
            ),
            message=lambda added: f"{added.code} added to draft {version.label}.",
            to=lambda added: url_for("obligations.obligation", obligation_id=added.id),
        )
        if done is not None:
            return done
    return render_template(
        "obligations/obligation_form.html", form=form, version=version, obligation=None
    )


@bp.post("/obligation/<int:obligation_id>/remove")
@roles_required(*Role.OFFICE)
def remove_obligation(obligation_id: int):
    obligation = db.get_or_404(Obligation, obligation_id)
    version_id, code = obligation.policy_version_id, obligation.code
    if not ConfirmForm().validate_on_submit():
        flash("The form expired. Please try again.", "danger")
        return redirect(url_for("obligations.obligation", obligation_id=obligation_id))
    try:
        services.remove_obligation(actor=current_user, obligation=obligation)
    except Conflict as error:
        flash(error.message, "warning")
        return redirect(url_for("obligations.obligation", obligation_id=obligation_id))
    flash(f"{code} removed from the draft.", "success")
    return redirect(url_for("obligations.version", version_id=version_id))


@bp.route("/<int:version_id>/publish", methods=["GET", "POST"])
@roles_required(*Role.OFFICE)
def publish(version_id: int):
    version = db.get_or_404(PolicyVersion, version_id)
    if version.status != PolicyStatus.DRAFT:
        flash(f"Policy {version.label} is already published.", "warning")
        return redirect(url_for("obligations.version", version_id=version.id))
    form = PublishForm()
    if form.validate_on_submit():
        done = redirect_after(
            form,
            lambda: services.publish_policy(
                actor=current_user,
                version=version,
                effective_date=form.effective_date.data,
                now=now(),
            ),
            message=lambda _: f"Policy {version.label} published. It can no longer change.",
            to=url_for("obligations.impact", version_id=version.id),
        )
        if done is not None:
            return done
    return render_template(
        "obligations/publish.html", form=form, version=version, **_impact(version)
    )


@bp.get("/<int:version_id>/impact")
@roles_required(*Role.STAFF)
def impact(version_id: int):
    version = db.get_or_404(PolicyVersion, version_id)
    return render_template("obligations/impact.html", version=version, **_impact(version))


def _impact(version: PolicyVersion) -> dict:
    """The agreements a version concerns, grouped by status, for the publish and impact pages."""
    impacts = impact_of(version)
    return {"impacts": impacts, "groups": by_status(impacts)}

"""Pages of the flows blueprint: the list, a flow and its review, the form, the vocabulary."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from sharing.auth.forms import ConfirmForm
from sharing.auth.services import active_departments
from sharing.core.access import roles_required
from sharing.core.forms import populate_errors, redirect_after, version_of
from sharing.core.pagination import page_args, paginate
from sharing.core.query_args import positive_int
from sharing.core.roles import Role
from sharing.errors import Conflict, DomainError, ValidationFailed
from sharing.extensions import db
from sharing.flows import categories as category_service
from sharing.flows import queries, services, workflow
from sharing.flows.forms import CategoryForm, CommentForm, FlowForm, TransitionForm
from sharing.flows.models import (
    DataCategory,
    DataFlow,
    FlowCategory,
    FlowStatus,
    RiskTier,
    Sensitivity,
)
from sharing.flows.rules import FIELD_LABELS, FLOW_FIELDS, missing_justifications
from sharing.vendors.models import Organisation

bp = Blueprint("flows", __name__, url_prefix="/flows")
UNDER_REVIEW = (FlowStatus.SUBMITTED, FlowStatus.IN_REVIEW)


@bp.get("/")
@roles_required(*Role.STAFF)
def flows():
    filters = queries.FlowFilters.from_args(request.args)
    page = paginate(queries.flows_query(filters, actor=current_user), *page_args())
    return render_template(
        "flows/flows.html",
        page=page,
        filters=filters,
        sort=filters.sort,
        statuses=list(FlowStatus),
        tiers=list(RiskTier),
        choices=queries.filter_choices(organisation_id=filters.organisation_id),
    )


@bp.get("/<int:flow_id>")
@roles_required(*Role.STAFF)
def flow(flow_id: int):
    flow = db.get_or_404(
        DataFlow,
        flow_id,
        options=[selectinload(DataFlow.categories).selectinload(FlowCategory.category)],
    )
    revisions, in_force, pending = services.revisions_around(flow)
    return render_template(
        "flows/flow.html",
        flow=flow,
        labels=FIELD_LABELS,
        revisions=revisions,
        in_force=in_force,
        pending=pending,
        missing=set(missing_justifications(flow)),
        actions=workflow.available_actions(flow, current_user),
        may_edit=_may_edit(flow),
        comment_form=CommentForm(),
        review_changes=_review_changes(flow),
    )


def _review_changes(flow: DataFlow) -> list[queries.ReviewChange] | None:
    """For the privacy office, on a revision back under review: what changed since they
    returned it."""
    if current_user.role not in Role.OFFICE or flow.status not in UNDER_REVIEW:
        return None
    return queries.changes_since_return(flow)


def _may_edit(flow: DataFlow) -> bool:
    if current_user.role not in Role.REGISTRY_EDITORS:
        return False
    return flow.status in services.EDITABLE_IN_PLACE or flow.status == FlowStatus.APPROVED


@bp.route("/new", methods=["GET", "POST"])
@roles_required(*Role.REGISTRY_EDITORS)
def new_flow():
    form = FlowForm()
    if request.method == "GET":
        form.organisation_id.data = positive_int(request.args.get("organisation_id"))
        form.fill_rows(None, _vocabulary(None))
    _set_choices(form, None)
    if form.validate_on_submit():
        done = redirect_after(
            form,
            lambda: services.create_flow(
                actor=current_user,
                values=form.flow_values(),
                categories=form.chosen_categories(),
            ),
            message=lambda created: (
                f"Flow “{created.system_name}” saved as a draft; submit it for review when ready."
            ),
            to=lambda created: url_for("flows.flow", flow_id=created.id),
        )
        if done is not None:
            return done
    return _form_page(form, None)


@bp.route("/<int:flow_id>/edit", methods=["GET", "POST"])
@roles_required(*Role.REGISTRY_EDITORS)
def edit_flow(flow_id: int):
    flow = db.get_or_404(DataFlow, flow_id)
    blocked = _edit_blocked(flow)
    if blocked:
        flash(blocked[0], "warning")
        return redirect(url_for("flows.flow", flow_id=blocked[1]))
    form = FlowForm(data=_initial(flow)) if request.method == "GET" else FlowForm()
    if request.method == "GET":
        form.fill_rows(flow, _vocabulary(flow))
    _set_choices(form, flow)
    if form.validate_on_submit():
        try:
            saved = services.update_flow(
                actor=current_user,
                flow=flow,
                values=form.flow_values(),
                categories=form.chosen_categories(),
                expected_version=version_of(form),
            )
        except ValidationFailed as error:
            populate_errors(form, error)
        except Conflict as error:
            flash(error.message, "danger")
            return _form_page(form, flow), 409
        else:
            started = saved.id != flow.id
            flash(
                f"Revision {saved.revision} started; revision {flow.revision} stays in force."
                if started
                else f"Changes to flow “{saved.system_name}” saved.",
                "success",
            )
            return redirect(url_for("flows.flow", flow_id=saved.id))
    return _form_page(form, flow)


def _edit_blocked(flow: DataFlow) -> tuple[str, int] | None:
    """Why the form cannot open for this revision, and where to go instead."""
    if flow.status == FlowStatus.APPROVED:
        pending = services.open_revision(flow)
        if pending is not None:
            return f"Revision {pending.revision} is already open: edit that one.", pending.id
        return None
    if flow.status not in services.EDITABLE_IN_PLACE:
        return services.locked_message(flow), flow.id
    return None


def _initial(flow: DataFlow) -> dict:
    data = {name: getattr(flow, name) for name in FLOW_FIELDS if name != "subprocessors"}
    for name in ("direction", "frequency", "transfer_method"):
        data[name] = data[name].value
    data["version"] = flow.version
    return data


def _set_choices(form: FlowForm, flow: DataFlow | None) -> None:
    organisations = db.session.scalars(select(Organisation).order_by(Organisation.legal_name))
    departments = active_departments(including=flow.department_id if flow else None)
    form.set_choices(organisations, departments)


def _vocabulary(flow: DataFlow | None) -> list[DataCategory]:
    """Active categories, plus any inactive ones the flow already shares."""
    have = {fc.category_id for fc in flow.categories} if flow else set()
    rows = db.session.scalars(select(DataCategory).order_by(DataCategory.name))
    return [c for c in rows if c.active or c.id in have]


def _form_page(form: FlowForm, flow: DataFlow | None):
    lookup = {c.id: c for c in db.session.scalars(select(DataCategory))}
    return render_template(
        "flows/flow_form.html",
        form=form,
        flow=flow,
        groups=form.category_groups(lookup),
        change_request=workflow.latest_change_request(flow) if flow else None,
    )


@bp.post("/<int:flow_id>/actions/<action>")
@roles_required(*Role.STAFF)
def transition(flow_id: int, action: str):
    flow = db.get_or_404(DataFlow, flow_id)
    if action not in workflow.TRANSITIONS:
        abort(404)
    form = TransitionForm()
    if not form.validate_on_submit():
        flash("The form expired. Please try again.", "danger")
        return redirect(url_for("flows.flow", flow_id=flow.id))
    try:
        workflow.transition_flow(
            actor=current_user,
            flow=flow,
            action=action,
            comment=form.comment.data or "",
            expected_version=version_of(form),
        )
    except ValidationFailed as error:
        for reason in error.errors.values():
            flash(reason, "danger")
        flash(error.message, "danger")
    except DomainError as error:
        if error.status_code == 403:
            abort(403)
        flash(error.message, "danger")
    else:
        flash(workflow.TRANSITIONS[action].done_message(flow), "success")
    return redirect(url_for("flows.flow", flow_id=flow.id))


@bp.post("/<int:flow_id>/comments")
@roles_required(*Role.STAFF)
def comment(flow_id: int):
    flow = db.get_or_404(DataFlow, flow_id)
    form = CommentForm()
    if form.validate_on_submit():
        try:
            workflow.add_comment(actor=current_user, flow=flow, body=form.body.data)
        except ValidationFailed as error:
            flash(" ".join(error.errors.values()) or error.message, "danger")
        else:
            flash(f"Comment added to the review of flow “{flow.system_name}”.", "success")
    else:
        flash("Write a comment of at most 5000 characters.", "danger")
    return redirect(url_for("flows.flow", flow_id=flow.id) + "#comments")


@bp.get("/<int:flow_id>/compare")
@roles_required(*Role.STAFF)
def compare(flow_id: int):
    flow = db.get_or_404(DataFlow, flow_id)
    revisions = services.lineage(flow)
    others = [r for r in revisions if r.id != flow.id]
    other_id = positive_int(request.args.get("other"))
    other = next((r for r in others if r.id == other_id), None)
    if other_id is not None and other is None:
        abort(404)
    if other is None:
        other = services.in_force(flow) if flow.status != FlowStatus.APPROVED else None
        other = other or next((r for r in others if r.revision < flow.revision), None)
    older, newer = sorted((flow, other), key=lambda r: r.revision) if other else (None, flow)
    rows = _comparison(older, newer) if older else []
    return render_template(
        "flows/compare.html", flow=flow, older=older, newer=newer, rows=rows, revisions=revisions
    )


def _comparison(older: DataFlow, newer: DataFlow) -> list[dict]:
    left, right = services.snapshot(older), services.snapshot(newer)
    left["status"], right["status"] = older.status.label, newer.status.label
    left["organisation_id"] = older.organisation.display_name
    right["organisation_id"] = newer.organisation.display_name
    left["department_id"], right["department_id"] = older.department.name, newer.department.name
    keys = ["status", *FLOW_FIELDS, "risk_tier", "categories"]
    return [
        {
            "label": FIELD_LABELS.get(k, k),
            "left": left[k],
            "right": right[k],
            "changed": left[k] != right[k],
        }
        for k in keys
    ]


# Vocabulary -----------------------------------------------------------------------------


@bp.get("/categories")
@roles_required(*Role.STAFF)
def categories():
    rows = db.session.scalars(select(DataCategory).order_by(DataCategory.name)).all()
    may_edit = current_user.role in Role.OFFICE
    return render_template(
        "flows/categories.html",
        categories=rows,
        may_edit=may_edit,
        missing=category_service.missing_standard_categories() if may_edit else [],
        sensitivities=list(Sensitivity),
    )


@bp.route("/categories/new", methods=["GET", "POST"])
@roles_required(*Role.OFFICE)
def new_category():
    form = CategoryForm()
    if form.validate_on_submit():
        done = redirect_after(
            form,
            lambda: category_service.create_category(
                actor=current_user, values=form.category_values()
            ),
            message=lambda created: f"Category “{created.name}” added to the vocabulary.",
            to=url_for("flows.categories"),
        )
        if done is not None:
            return done
    return render_template("flows/category_form.html", form=form, category=None)


@bp.route("/categories/<int:category_id>/edit", methods=["GET", "POST"])
@roles_required(*Role.OFFICE)
def edit_category(category_id: int):
    category = db.get_or_404(DataCategory, category_id)
    form = CategoryForm(obj=category if request.method == "GET" else None)
    if request.method == "GET":
        form.sensitivity.data = category.sensitivity.value
        form.version.data = category_service.category_version(category)
    if form.validate_on_submit():
        try:
            category_service.update_category(
                actor=current_user,
                category=category,
                values=form.category_values(),
                expected_version=form.version.data,
            )
        except ValidationFailed as error:
            populate_errors(form, error)
        except Conflict as error:
            flash(error.message, "danger")
            return render_template("flows/category_form.html", form=form, category=category), 409
        else:
            flash(f"Category “{category.name}” saved.", "success")
            return redirect(url_for("flows.categories"))
    return render_template("flows/category_form.html", form=form, category=category)


@bp.post("/categories/install")
@roles_required(*Role.OFFICE)
def install_vocabulary():
    if not ConfirmForm().validate_on_submit():
        flash("The form expired. Please try again.", "danger")
        return redirect(url_for("flows.categories"))
    try:
        added = category_service.install_vocabulary(actor=current_user)
    except DomainError as error:
        flash(error.message, "info")
    else:
        flash(f"Added {added} standard categories.", "success")
    return redirect(url_for("flows.categories"))

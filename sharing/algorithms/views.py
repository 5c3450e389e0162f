"""Staff pages of the algorithm register: the list, a record and its review, the form."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from sharing.algorithms import queries, services, workflow
from sharing.algorithms.blueprint import bp
from sharing.algorithms.forms import AlgorithmForm, CommentForm, TransitionForm
from sharing.algorithms.models import Algorithm, AlgorithmComment, AlgorithmStatus, ModelKind
from sharing.algorithms.public import TIER_1, TIER_2
from sharing.auth.services import active_departments
from sharing.core.access import roles_required
from sharing.core.clock import today
from sharing.core.forms import populate_errors, version_of
from sharing.core.pagination import page_args, paginate
from sharing.core.query_args import positive_int
from sharing.core.roles import Role
from sharing.errors import Conflict, DomainError, ValidationFailed
from sharing.extensions import db
from sharing.flows.models import DataFlow, RiskTier
from sharing.vendors.models import Organisation

CALLOUT_LIMIT = 10


@bp.get("/")
@roles_required(*Role.STAFF)
def algorithms():
    filters = queries.AlgorithmFilters.from_args(request.args)
    page = paginate(queries.algorithms_query(filters, actor=current_user), *page_args())
    return render_template(
        "algorithms/algorithms.html",
        page=page,
        filters=filters,
        sort=filters.sort,
        statuses=list(AlgorithmStatus),
        tiers=list(RiskTier),
        choices=queries.filter_choices(organisation_id=filters.organisation_id),
        unrecorded=queries.flows_without_record(limit=CALLOUT_LIMIT + 1),
        callout_limit=CALLOUT_LIMIT,
    )


@bp.get("/<int:algorithm_id>")
@roles_required(*Role.STAFF)
def algorithm(algorithm_id: int):
    record = db.get_or_404(
        Algorithm,
        algorithm_id,
        options=[
            selectinload(Algorithm.flows),
            selectinload(Algorithm.comments).selectinload(AlgorithmComment.author),
        ],
    )
    flows = queries.current_flows(services.linked_lineages(record))
    return render_template(
        "algorithms/algorithm.html",
        algorithm=record,
        tier_1=TIER_1,
        tier_2=TIER_2,
        current=queries.public_values(record, approved_on=today()),
        flows=flows,
        agreements=queries.agreements_covering(flows),
        categories=queries.categories_of(flows),
        changes=queries.changes_since_approval(record, today=today()),
        missing=workflow.submission_problems(record),
        actions=workflow.available_actions(record, current_user),
        may_edit=current_user.role in Role.REGISTRY_EDITORS and record.status in services.EDITABLE,
        comment_form=CommentForm(),
        transition_form=TransitionForm(),
    )


@bp.route("/new", methods=["GET", "POST"])
@roles_required(*Role.REGISTRY_EDITORS)
def new():
    form = AlgorithmForm()
    if request.method == "GET":
        _prefill(form, positive_int(request.args.get("flow")))
    _set_choices(form, None)
    if _refreshing():
        return _form_page(form, None)
    if form.validate_on_submit():
        try:
            created = services.create_algorithm(
                actor=current_user,
                values=form.algorithm_values(),
                flows=form.chosen_flows(),
                today=today(),
            )
        except ValidationFailed as error:
            populate_errors(form, error)
        else:
            flash(f"Algorithm record “{created.name}” saved as a draft.", "success")
            return redirect(url_for("algorithms.algorithm", algorithm_id=created.id))
    return _form_page(form, None)


@bp.route("/<int:algorithm_id>/edit", methods=["GET", "POST"])
@roles_required(*Role.REGISTRY_EDITORS)
def edit(algorithm_id: int):
    record = db.get_or_404(Algorithm, algorithm_id)
    if record.status not in services.EDITABLE:
        flash(services.locked_message(record), "warning")
        return redirect(url_for("algorithms.algorithm", algorithm_id=record.id))
    form = AlgorithmForm(obj=record) if request.method == "GET" else AlgorithmForm()
    if request.method == "GET":
        form.model_kind.data = record.model_kind.value
        form.risk_tier.data = record.risk_tier.value if record.risk_tier else ""
        form.flows.data = services.linked_lineages(record)
    _set_choices(form, record)
    if _refreshing():
        return _form_page(form, record)
    if form.validate_on_submit():
        try:
            services.update_algorithm(
                actor=current_user,
                algorithm=record,
                values=form.algorithm_values(),
                flows=form.chosen_flows(),
                expected_version=version_of(form),
                today=today(),
            )
        except ValidationFailed as error:
            populate_errors(form, error)
        except Conflict as error:
            flash(error.message, "danger")
            return _form_page(form, record), 409
        else:
            flash(f"Changes to the algorithm record “{record.name}” saved.", "success")
            return redirect(url_for("algorithms.algorithm", algorithm_id=record.id))
    return _form_page(form, record)


def _refreshing() -> bool:
    """The form's "show the provider's flows" button posts without saving."""
    return request.method == "POST" and "refresh" in request.form


def _prefill(form: AlgorithmForm, lineage_id: int | None) -> None:
    """A new record started from a flow with automated decisions: what the flow already says."""
    form.model_kind.data = ModelKind.OTHER.value
    if lineage_id is None:
        return
    flow = db.session.scalar(
        select(DataFlow)
        .where(DataFlow.lineage_id == lineage_id)
        .order_by(DataFlow.revision.desc())
        .limit(1)
    )
    if flow is None:
        return
    form.name.data = flow.system_name
    form.organisation_id.data = flow.organisation_id
    form.department_id.data = flow.department_id
    form.flows.data = [flow.lineage_id]
    form.decisions.data = flow.automated_decision_description
    form.human_oversight.data = flow.human_oversight


def _set_choices(form: AlgorithmForm, record: Algorithm | None) -> None:
    organisations = db.session.scalars(select(Organisation).order_by(Organisation.legal_name))
    departments = active_departments(including=record.department_id if record else None)
    form.set_choices(organisations, departments, queries.provider_flows(form.organisation_id.data))
    if record is not None and request.method == "GET":
        form.version.data = record.version


def _form_page(form: AlgorithmForm, record: Algorithm | None):
    return render_template("algorithms/algorithm_form.html", form=form, algorithm=record)


@bp.post("/<int:algorithm_id>/actions/<action>")
@roles_required(*Role.STAFF)
def transition(algorithm_id: int, action: str):
    record = db.get_or_404(Algorithm, algorithm_id)
    if action not in workflow.TRANSITIONS:
        abort(404)
    form = TransitionForm()
    back = redirect(url_for("algorithms.algorithm", algorithm_id=record.id))
    if not form.validate_on_submit():
        for errors in form.errors.values():
            flash(" ".join(errors), "danger")
        return back
    try:
        workflow.transition_algorithm(
            actor=current_user,
            algorithm=record,
            action=action,
            comment=form.comment.data or "",
            retired_on=form.retired_on.data,
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
        flash(workflow.TRANSITIONS[action].done_message(record), "success")
    return back


@bp.post("/<int:algorithm_id>/comments")
@roles_required(*Role.STAFF)
def comment(algorithm_id: int):
    record = db.get_or_404(Algorithm, algorithm_id)
    form = CommentForm()
    if form.validate_on_submit():
        try:
            workflow.add_comment(actor=current_user, algorithm=record, body=form.body.data)
        except ValidationFailed as error:
            flash(" ".join(error.errors.values()) or error.message, "danger")
        else:
            flash(f"Comment added to the review of “{record.name}”.", "success")
    else:
        flash("Write a comment of at most 5000 characters.", "danger")
    return redirect(url_for("algorithms.algorithm", algorithm_id=record.id) + "#comments")

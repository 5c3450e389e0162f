"""Pages of the agreements blueprint: the list, an agreement, drafting, parameters, preview,
generation and downloads. Templates (template_views) and lifecycle steps (lifecycle_views) join
the same blueprint from their own modules."""

from __future__ import annotations

from dataclasses import replace

from flask import (
    Response,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    send_file,
    stream_with_context,
    url_for,
)
from flask_login import current_user
from sqlalchemy import select

from sharing.agreements import (
    bulk,
    drafting,
    files,
    lifecycle_views,  # noqa: F401 - its routes join bp
    pdf,
    pdf_cache,
    plans,
    preview_views,  # its routes join bp
    queries,
    readiness,
    template_library,
    template_views,  # noqa: F401 - its routes join bp
)
from sharing.agreements.blueprint import bp
from sharing.agreements.forms import (
    AgreementForm,
    BulkRenewalForm,
    OrganisationChoiceForm,
    parameters_form,
)
from sharing.agreements.models import Agreement, AgreementStatus, AgreementTemplate
from sharing.agreements.terms import terms_in_template
from sharing.auth.models import Department
from sharing.core.access import roles_required
from sharing.core.clock import today
from sharing.core.downloads import attach, content_disposition
from sharing.core.forms import populate_errors, version_of
from sharing.core.pagination import page_args, paginate
from sharing.core.query_args import positive_int
from sharing.core.roles import Role
from sharing.errors import Conflict, ValidationFailed
from sharing.extensions import db
from sharing.flows.models import DataFlow, FlowStatus
from sharing.vendors.models import Organisation

__all__ = ["bp"]

DOCX_MIMETYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _may_author() -> bool:
    """The privacy office drafts and generates agreements; procurement follows them."""
    return current_user.role in Role.OFFICE


@bp.get("/")
@roles_required(*Role.STAFF)
def agreements():
    filters = queries.AgreementFilters.from_args(request.args)
    stmt = queries.agreements_query(filters, today=today())
    return render_template(
        "agreements/agreements.html",
        page=paginate(stmt, *page_args()),
        filters=filters,
        statuses=list(AgreementStatus),
        may_author=_may_author(),
    )


@bp.get("/<int:agreement_id>")
@roles_required(*Role.STAFF)
def agreement(agreement_id: int):
    return preview_views.agreement_page(db.get_or_404(Agreement, agreement_id))


@bp.route("/new", methods=["GET", "POST"])
@roles_required(*Role.OFFICE)
def new_agreement():
    chooser = OrganisationChoiceForm(request.args)
    chooser.organisation.choices = [("", "Choose…")] + [
        (o.id, o.display_name) for o in _organisations_with_approved_flows()
    ]
    organisation = db.session.get(Organisation, chooser.organisation.data or 0)
    if organisation is None:
        return render_template("agreements/choose_organisation.html", chooser=chooser)
    form = AgreementForm()
    _set_choices(form, organisation)
    if request.method == "GET" and not form.title.data:
        form.title.data = _default_title(organisation)
        eligible = drafting.eligible_flows(organisation)
        # An adoption that did not fit opens this page with the flows it was for.
        asked = {positive_int(value) for value in request.args.getlist("flow")}
        chosen = [f for f in eligible if f.id in asked] or eligible
        form.flows.data = [f.id for f in chosen]
        form.department.data = _common_department(chosen)
        # The impact page's "Prepare a renewal amendment" names the agreement to amend.
        form.renews.data = positive_int(request.args.get("renews"))
        form.template.data = _fitting_template(organisation, renews=form.renews.data)
    if form.validate_on_submit():
        try:
            agreement = drafting.draft_agreement(
                actor=current_user,
                organisation=organisation,
                flows=_chosen_flows(form),
                template=db.session.get(AgreementTemplate, form.template.data or 0),
                terms=form.terms(),
                today=today(),
                renews=db.session.get(Agreement, form.renews.data or 0),
            )
        except ValidationFailed as error:
            populate_errors(form, error)
        except Conflict as error:
            flash(error.message, "warning")
        else:
            flash(f"Draft {agreement.number} saved. Check the obligations' parameters.", "success")
            _flash_still_missing(agreement)
            return redirect(url_for("agreements.parameters", agreement_id=agreement.id))
    return render_template(
        "agreements/agreement_form.html", form=form, organisation=organisation, agreement=None
    )


@bp.route("/<int:agreement_id>/edit", methods=["GET", "POST"])
@roles_required(*Role.OFFICE)
def edit_agreement(agreement_id: int):
    agreement = db.get_or_404(Agreement, agreement_id)
    if agreement.status not in drafting.EDITABLE:
        flash("Only a draft or a generated agreement not yet sent can be edited.", "warning")
        return redirect(url_for("agreements.agreement", agreement_id=agreement.id))
    form = AgreementForm(obj=agreement) if request.method == "GET" else AgreementForm()
    _set_choices(form, agreement.organisation, current=agreement)
    if request.method == "GET":
        form.flows.data = [f.id for f in agreement.flows]
        form.template.data = (
            agreement.template_version.template_id if agreement.template_version else None
        )
        form.renews.data = agreement.renews_id
        form.department.data = agreement.department_id
    if form.validate_on_submit():
        try:
            drafting.update_draft(
                actor=current_user,
                agreement=agreement,
                flows=_chosen_flows(form),
                template=db.session.get(AgreementTemplate, form.template.data or 0),
                terms=form.terms(),
                expected_version=version_of(form),
            )
        except ValidationFailed as error:
            populate_errors(form, error)
        except Conflict as error:
            flash(error.message, "warning")
        else:
            flash(f"{agreement.number} saved.", "success")
            _flash_still_missing(agreement)
            return redirect(url_for("agreements.parameters", agreement_id=agreement.id))
    return render_template(
        "agreements/agreement_form.html",
        form=form,
        organisation=agreement.organisation,
        agreement=agreement,
    )


@bp.route("/<int:agreement_id>/parameters", methods=["GET", "POST"])
@roles_required(*Role.STAFF)
def parameters(agreement_id: int):
    agreement = db.get_or_404(Agreement, agreement_id)
    plan = _with_stated_terms(agreement, plans.plan_agreement(agreement))
    editable = _may_author() and agreement.status in drafting.EDITABLE
    form = parameters_form(plan, request.form if request.method == "POST" else None)
    if request.method == "POST" and not editable:
        abort(403)
    if form.validate_on_submit():
        values = {
            name: field.data for name, field in form._fields.items() if name in plan.parameters
        }
        try:
            drafting.set_parameters(
                actor=current_user,
                agreement=agreement,
                values=values,
                expected_version=version_of(form),
            )
        except ValidationFailed as error:
            populate_errors(form, error)
        except Conflict as error:
            flash(error.message, "warning")
        else:
            flash("Parameters saved. Review the clauses, then generate.", "success")
            return redirect(url_for("agreements.preview", agreement_id=agreement.id))
    form.version.data = agreement.version
    return render_template(
        "agreements/parameters.html",
        agreement=agreement,
        plan=plan,
        form=form,
        editable=editable,
    )


@bp.get("/<int:agreement_id>/agreement.docx")
@roles_required(*Role.STAFF)
def download_docx(agreement_id: int):
    agreement = db.get_or_404(Agreement, agreement_id)
    if not files.exists(agreement.generated_file):
        abort(404)
    response = send_file(
        files.path_of(agreement.generated_file),
        mimetype=DOCX_MIMETYPE,
        as_attachment=True,
        download_name=files.file_name(agreement, ".docx"),
    )
    return attach(response, files.file_name(agreement, ".docx"))


@bp.get("/<int:agreement_id>/agreement.pdf")
@roles_required(*Role.STAFF)
def download_pdf(agreement_id: int):
    agreement = db.get_or_404(Agreement, agreement_id)
    if not files.exists(agreement.generated_file):
        abort(404)
    config = current_app.config
    try:
        data = pdf_cache.agreement_pdf(
            agreement,
            binary=config["SOFFICE_BINARY"],
            timeout=config["AGREEMENT_PDF_TIMEOUT_SECONDS"],
        )
    except (pdf.PdfUnavailable, pdf.PdfFailed) as error:
        flash(error.message, "warning")
        return redirect(url_for("agreements.agreement", agreement_id=agreement.id))
    return Response(
        data,
        mimetype="application/pdf",
        headers={"Content-Disposition": content_disposition(files.file_name(agreement, ".pdf"))},
    )


@bp.route("/renewals", methods=["GET", "POST"])
@roles_required(*Role.OFFICE)
def bulk_renewals():
    form = BulkRenewalForm(request.args) if request.method == "GET" else BulkRenewalForm()
    # Validate before the window check: validating resets the errors it would put on fields.
    submitted = request.method == "POST" and form.validate_on_submit()
    due, window_ok = [], bool(form.expiring_from.data and form.expiring_to.data)
    if window_ok:
        try:
            bulk.check_window(start=form.expiring_from.data, end=form.expiring_to.data)
        except ValidationFailed as error:
            populate_errors(form, error)
            window_ok = submitted = False
        else:
            due = bulk.due_for_renewal(form.expiring_from.data, form.expiring_to.data)
    if submitted:
        try:
            job = bulk.plan_renewals(start=form.expiring_from.data, end=form.expiring_to.data)
        except ValidationFailed as error:
            populate_errors(form, error)
        else:
            stream = bulk.renewal_zip(actor=current_user, job=job, today=today())
            return Response(
                stream_with_context(stream),
                mimetype="application/zip",
                headers={
                    "Content-Disposition": content_disposition(job.file_name),
                    "X-Agreement-Count": str(len(job.agreement_ids)),
                    "Cache-Control": "no-store",
                },
            )
    return render_template("agreements/bulk_renewals.html", form=form, due=due, window_ok=window_ok)


# -- helpers ----------------------------------------------------------------------------------


def _organisations_with_approved_flows() -> list[Organisation]:
    has_flow = (
        select(DataFlow.id)
        .where(DataFlow.organisation_id == Organisation.id, DataFlow.status == FlowStatus.APPROVED)
        .exists()
    )
    return list(
        db.session.scalars(select(Organisation).where(has_flow).order_by(Organisation.legal_name))
    )


def _set_choices(form: AgreementForm, organisation: Organisation, current=None) -> None:
    flows = drafting.eligible_flows(organisation)
    if current is not None:  # keep showing flows the draft covers, even if no longer in force
        flows += [f for f in current.flows if f not in flows]
    renewable = [a for a in drafting.renewable_agreements(organisation) if a is not current]
    form.set_choices(
        flows=flows,
        templates=template_library.active_templates(),
        renewable=renewable,
        departments=db.session.scalars(
            select(Department).where(Department.active).order_by(Department.name)
        ),
    )


def _common_department(flows: list[DataFlow]) -> int | None:
    """The lead department to suggest: the one every flow belongs to, if they share one."""
    departments = {flow.department_id for flow in flows}
    return departments.pop() if len(departments) == 1 else None


def _with_stated_terms(agreement: Agreement, plan: plans.Plan) -> plans.Plan:
    """The plan, offering only the frame terms the agreement's template prints."""
    version = agreement.template_version
    if version is None:
        return replace(plan, terms=[])
    stated = terms_in_template(template_library.read_version(version))
    return replace(plan, terms=[term for term in plan.terms if term.name in stated])


def _fitting_template(organisation: Organisation, *, renews: int | None = None) -> int | None:
    """The template to suggest: the first in use of the kind this partner and agreement need."""
    kind = readiness.expected_template_kind(organisation, renews)
    fitting = template_library.active_templates(kind)
    return fitting[0].id if fitting else None


def _flash_still_missing(agreement: Agreement) -> None:
    """A draft may be saved incomplete; say what generation will still need."""
    missing = readiness.draft_notes(agreement)
    if missing:
        flash("Before it can be generated: " + " ".join(missing.values()), "warning")


def _default_title(organisation: Organisation) -> str:
    kind = (
        "Data protection agreement"
        if organisation.kind.value == "vendor"
        else "Data sharing agreement"
    )
    return f"{kind}: {organisation.display_name}"


def _chosen_flows(form: AgreementForm) -> list[DataFlow]:
    ids = set(form.flows.data or [])
    if not ids:
        return []
    return list(db.session.scalars(select(DataFlow).where(DataFlow.id.in_(ids))))

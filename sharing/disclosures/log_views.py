"""The disclosure log pages (staff only: privacy, admin, procurement) and the accounting report
(privacy, admin). The rules an entry follows are described in log.py and accounting.py."""

from __future__ import annotations

import io

from flask import abort, flash, redirect, render_template, request, send_file, url_for
from flask_login import current_user

from sharing.audit import reading
from sharing.core.access import roles_required
from sharing.core.clock import today
from sharing.core.downloads import attach
from sharing.core.error_pages import render_error
from sharing.core.forms import populate_errors
from sharing.core.pagination import page_args, paginate
from sharing.core.query_args import positive_int
from sharing.core.roles import Role
from sharing.core.sentences import sentence
from sharing.disclosures import accounting, accounting_sheets, log, log_queries
from sharing.disclosures.blueprint import bp
from sharing.disclosures.log_forms import DisclosureForm, FlowPickerForm, OccurrenceForm
from sharing.disclosures.models import Disclosure
from sharing.errors import Conflict, ValidationFailed
from sharing.files import RejectedUpload
from sharing.flows.models import DataFlow


@bp.get("/log", endpoint="log")
@roles_required(*Role.STAFF)
def log_list():
    filters = log_queries.DisclosureFilters.from_args(request.args)
    return render_template(
        "disclosures/log.html",
        page=paginate(log_queries.disclosures_query(filters), *page_args()),
        filters=filters,
        sort=filters.sort,
        organisations=log_queries.organisation_choices(filters.organisation_id),
        flows=log_queries.flow_choices(filters.flow_id),
    )


def _entry_or_404(disclosure_id: int) -> Disclosure:
    found = log_queries.disclosure(disclosure_id)
    if found is None:
        abort(404)
    return found


def _form(flow: DataFlow, obj: Disclosure | None = None) -> DisclosureForm:
    form = DisclosureForm(obj=obj)
    categories = [(link.category_id, link.category.name) for link in flow.categories]
    form.set_choices(log.declared_purposes(flow), categories, log_queries.staff_choices())
    if request.method == "GET":
        if obj is None:
            form.legal_authority.data = flow.legal_authority
            form.disclosed_on.data = today()
        else:
            form.categories.data = [category.id for category in obj.categories]
            form.show_purpose(obj.purpose, log.declared_purposes(flow))
    return form


def _entry(form: DisclosureForm, flow_id: int) -> log.DisclosureEntry:
    return log.DisclosureEntry(
        flow_id=flow_id,
        disclosed_on=form.disclosed_on.data,
        categories=list(form.categories.data or []),
        record_count=form.record_count.data,
        purpose=form.purpose,
        legal_authority=form.legal_authority.data or "",
        requested_by=form.requested_by.data or "",
        authorized_by_id=form.authorized_by_id.data,
        method=form.method.data,
        is_recurring=form.is_recurring.data,
        frequency=form.frequency.data or "",
        exempt=form.exempt.data,
        exempt_reason=form.exempt_reason.data or "",
    )


def _upload(form: DisclosureForm) -> log.Upload | None:
    upload = form.request_file.data
    has_file = upload is not None and getattr(upload, "filename", "")
    return log.Upload(upload.read(), upload.filename) if has_file else None


def _call(form: DisclosureForm, service, flow_id: int, **kwargs) -> Disclosure | None:
    """Run the service on the form's entry for `flow_id`; on refusal put the reason beside its
    field and return None."""
    try:
        return service(
            entry=_entry(form, flow_id),
            request_file=_upload(form),
            actor=current_user,
            today=today(),
            **kwargs,
        )
    except RejectedUpload as error:
        form.request_file.errors = [*form.request_file.errors, error.message]
    except ValidationFailed as error:
        if "purpose" in error.errors:
            error.errors["purpose_choice"] = error.errors.pop("purpose")
        populate_errors(form, error)
    return None


@bp.route("/log/new", methods=["GET", "POST"])
@roles_required(*Role.STAFF)
def new_disclosure():
    flow = log_queries.approved_flow(positive_int(request.args.get("flow")))
    if flow is None:
        picker = FlowPickerForm(request.args)
        picker.flow.choices = [(None, "Choose…"), *log_queries.approved_flows()]
        return render_template("disclosures/log_pick_flow.html", picker=picker)
    form = _form(flow)
    if form.validate_on_submit():
        created = _call(form, log.record_disclosure, flow.id)
        if created is not None:
            flash(_saved_message(created, "Disclosure recorded"), _category(created))
            return redirect(url_for("disclosures.disclosure", disclosure_id=created.id))
    return render_template("disclosures/log_form.html", form=form, flow=flow, entry=None)


@bp.route("/log/<int:disclosure_id>/edit", methods=["GET", "POST"])
@roles_required(*Role.STAFF)
def edit_disclosure(disclosure_id: int):
    entry = _entry_or_404(disclosure_id)
    form = _form(entry.flow, entry)
    if form.validate_on_submit():
        saved = _call(form, log.edit_disclosure, entry.flow_id, disclosure=entry)
        if saved is not None:
            flash(_saved_message(saved, "Disclosure updated"), _category(saved))
            return redirect(url_for("disclosures.disclosure", disclosure_id=saved.id))
    return render_template("disclosures/log_form.html", form=form, flow=entry.flow, entry=entry)


def _saved_message(entry: Disclosure, done: str) -> str:
    if entry.flagged:
        return sentence(f"{done}, and flagged for review: {'; '.join(entry.flag_reasons)}")
    return sentence(done)


def _category(entry: Disclosure) -> str:
    return "warning" if entry.flagged else "success"


@bp.get("/log/<int:disclosure_id>")
@roles_required(*Role.STAFF)
def disclosure(disclosure_id: int):
    entry = _entry_or_404(disclosure_id)
    return render_template(
        "disclosures/log_entry.html",
        entry=entry,
        authorized_by=log_queries.user_name(entry.authorized_by_id),
        occurrence_form=OccurrenceForm(formdata=None, on=today()),
        events=reading.readable(log_queries.history(entry)),
    )


@bp.post("/log/<int:disclosure_id>/occurrences")
@roles_required(*Role.STAFF)
def record_occurrence(disclosure_id: int):
    entry = _entry_or_404(disclosure_id)
    form = OccurrenceForm()
    if not form.validate_on_submit():
        flash("Give the date and the number of records of the occurrence.", "danger")
        return redirect(url_for("disclosures.disclosure", disclosure_id=entry.id))
    try:
        log.record_occurrence(
            disclosure=entry,
            on=form.on.data,
            records=form.records.data,
            actor=current_user,
            today=today(),
        )
        flash("Occurrence added to the summary.", "success")
    except ValidationFailed as error:
        flash(" ".join(error.errors.values()), "danger")
    except Conflict as error:
        flash(error.message, "danger")
    return redirect(url_for("disclosures.disclosure", disclosure_id=entry.id))


@bp.get("/log/<int:disclosure_id>/request")
@roles_required(*Role.STAFF)
def download_request(disclosure_id: int):
    entry = _entry_or_404(disclosure_id)
    if not entry.request_file:
        abort(404)
    try:
        data = log.read_request_file(entry)
    except log.RequestFileUnavailable as error:
        return render_error(410, error.message)
    response = send_file(
        io.BytesIO(data),
        as_attachment=True,
        download_name=entry.request_file_name or "request",
        mimetype="application/octet-stream",
    )
    attach(response, entry.request_file_name or "request")
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


# -- accounting --------------------------------------------------------------------------------


@bp.get("/accounting", endpoint="accounting")
@roles_required(*Role.OFFICE)
def accounting_report():
    period = accounting.Period.from_args(request.args, today=today())
    view = accounting.chosen_view(request.args.get("view"))
    totals = accounting.period_totals(period)
    categories = accounting.category_choices()
    page, rows = None, []
    if view in ("organisation", "flow"):
        page = paginate(
            accounting.organisations_query(period),
            *page_args(),
            count=accounting.organisations_count(period),
        )
        grouped = accounting.organisation_rows if view == "organisation" else accounting.flow_rows
        rows = grouped(list(page.items), period)
    elif view == "category":
        rows = accounting.category_rows(period, categories)
    else:
        page = paginate(
            accounting.entries_query(period), *page_args(), count=accounting.entries_count(period)
        )
    return render_template(
        "disclosures/accounting.html",
        period=period,
        view=view,
        views=accounting.VIEWS,
        totals=totals,
        page=page,
        rows=rows,
        categories=categories,
    )


@bp.get("/accounting.<fmt>")
@roles_required(*Role.OFFICE)
def accounting_export(fmt: str):
    if fmt not in accounting_sheets.FORMATS:
        abort(404)
    period = accounting.Period.from_args(request.args, today=today())
    export = accounting_sheets.export(period, fmt)
    response = send_file(
        io.BytesIO(export.body),
        mimetype=export.mimetype,
        as_attachment=True,
        download_name=export.filename,
    )
    return attach(response, export.filename)

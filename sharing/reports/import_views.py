"""Spreadsheet import pages: upload, progress and preview, confirm, cancel, error report."""

from __future__ import annotations

from flask import Response, flash, redirect, render_template, request, stream_with_context, url_for
from flask_login import current_user

from sharing.core.access import roles_required
from sharing.core.clock import now
from sharing.core.csv_safety import csv_lines
from sharing.core.downloads import content_disposition
from sharing.core.forms import populate_errors
from sharing.core.pagination import page_args, paginate
from sharing.core.roles import Role
from sharing.core.sentences import sentence
from sharing.disclosures import log_columns
from sharing.errors import DomainError, ValidationFailed
from sharing.reports import import_choices, import_jobs, import_mapping, importing
from sharing.reports.blueprint import bp
from sharing.reports.forms import (
    ConfirmForm,
    DepartmentForm,
    DisclosureUploadForm,
    UploadForm,
    mapping_form,
)
from sharing.reports.models import ImportStatus, RowAction

ERROR_REPORT_HEADER = ["Sheet", "Row", "Column", "Problem"]


def _imports_page(form: UploadForm, status: int = 200):
    page = paginate(import_jobs.jobs_query(current_user), *page_args())
    return render_template("reports/imports.html", form=form, page=page), status


@bp.get("/imports")
@roles_required(*Role.REGISTRY_EDITORS)
def imports():
    return _imports_page(UploadForm())


@bp.post("/imports")
@roles_required(*Role.REGISTRY_EDITORS)
def upload():
    form = UploadForm()
    if not form.validate_on_submit():
        return _imports_page(form)
    upload = form.file.data
    try:
        job = importing.upload_import(
            actor=current_user, stream=upload.stream, filename=upload.filename or "", now=now()
        )
    except ValidationFailed as error:
        populate_errors(form, error)
        return _imports_page(form)
    return redirect(url_for("reports.import_job", job_id=job.id))


def _job_page(job, mapping=None):
    action = request.args.get("action", "")
    page = None
    if job.status in (ImportStatus.READY, ImportStatus.COMMITTED):
        page = paginate(import_jobs.rows_query(job, action), *page_args())
    sheets = import_mapping.mapping_sheets(job)
    if mapping is None:
        mapping = mapping_form(sheets)
        for sheet in sheets:  # two columns for one field: say so beside both at once
            for column in sheet.columns:
                if column.problem:
                    mapping[column.field].errors = [column.problem]
    return render_template(
        "reports/import_job.html",
        job=job,
        page=page,
        action=action,
        actions=list(RowAction),
        status=import_jobs.status_of(job),
        form=ConfirmForm(),
        sheets=sheets,
        mapping=mapping,
        department_form=DepartmentForm(),
        can_commit=job.can_commit,
        disclosures=import_jobs.holds_disclosures(job),
        expired=job.expires_at is not None and job.expires_at <= now(),
    )


# Any staff member may import disclosures, so any may follow their own import jobs.
@bp.get("/imports/<int:job_id>")
@roles_required(*Role.STAFF)
def import_job(job_id: int):
    return _job_page(import_jobs.get_job(job_id, current_user))


@bp.post("/imports/<int:job_id>/mapping")
@roles_required(*Role.STAFF)
def save_mapping(job_id: int):
    job = import_jobs.get_job(job_id, current_user)
    sheets = import_mapping.mapping_sheets(job)
    form = mapping_form(sheets)
    if not form.validate_on_submit():
        return _job_page(job, form)
    choices = {
        index: [form[column.field].data or "" for column in sheet.columns]
        for index, sheet in enumerate(sheets)
    }
    try:
        import_choices.remap_import(actor=current_user, job=job, choices=choices, now=now())
    except ValidationFailed as error:
        populate_errors(form, error)
        return _job_page(job, form)
    except DomainError as error:
        flash(error.message, "danger")
    else:
        flash("The columns were saved and every row was checked again.", "success")
    return redirect(url_for("reports.import_job", job_id=job_id))


@bp.post("/imports/<int:job_id>/departments")
@roles_required(*Role.STAFF)
def confirm_department(job_id: int):
    job = import_jobs.get_job(job_id, current_user)
    form = DepartmentForm()
    if not form.validate_on_submit():
        flash("Please confirm the department again.", "danger")
        return redirect(url_for("reports.import_job", job_id=job_id))
    try:
        import_choices.confirm_department(actor=current_user, job=job, key=form.key.data, now=now())
    except DomainError as error:
        flash(error.message, "danger")
    else:
        flash("The department was confirmed and the rows were checked again.", "success")
    return redirect(url_for("reports.import_job", job_id=job_id))


@bp.get("/imports/<int:job_id>/status.json")
@roles_required(*Role.STAFF)
def import_status(job_id: int):
    return import_jobs.status_of(import_jobs.get_job(job_id, current_user))


@bp.post("/imports/<int:job_id>/confirm")
@roles_required(*Role.STAFF)
def confirm_import(job_id: int):
    job = import_jobs.get_job(job_id, current_user)
    if not ConfirmForm().validate_on_submit():
        flash("Please confirm the import again.", "danger")
        return redirect(url_for("reports.import_job", job_id=job_id))
    try:
        job = importing.confirm_import(actor=current_user, job=job, now=now())
    except DomainError as error:
        flash(error.message, "danger")
    else:
        _flash_outcome(job)
    return redirect(url_for("reports.import_job", job_id=job_id))


def _flash_outcome(job) -> None:
    if job.status == ImportStatus.COMMITTED:
        flash(sentence(f"Imported {job.filename}"), "success")
    elif job.status == ImportStatus.COMMITTING:
        flash("The import is being written. This page shows its progress.", "info")
    elif job.status == ImportStatus.READY:
        flash(job.message, "warning")
    else:
        flash(job.message or "The import failed; nothing was written.", "danger")


@bp.post("/imports/<int:job_id>/cancel")
@roles_required(*Role.STAFF)
def cancel_import(job_id: int):
    job = import_jobs.get_job(job_id, current_user)
    if not ConfirmForm().validate_on_submit():
        flash("Please confirm the cancellation again.", "danger")
        return redirect(url_for("reports.import_job", job_id=job_id))
    try:
        importing.cancel_import(actor=current_user, job=job)
    except DomainError as error:
        flash(error.message, "danger")
    else:
        flash("The import was cancelled and the uploaded file deleted.", "info")
    if import_jobs.holds_disclosures(job):
        return redirect(url_for("reports.disclosure_imports"))
    return redirect(url_for("reports.imports"))


@bp.get("/imports/<int:job_id>/errors.csv")
@roles_required(*Role.STAFF)
def import_errors(job_id: int):
    job = import_jobs.get_job(job_id, current_user)
    rows = csv_lines(ERROR_REPORT_HEADER, import_jobs.error_report_rows(job))
    return Response(
        stream_with_context(rows),
        mimetype="text/csv",
        headers={
            "Content-Disposition": content_disposition(f"import-{job.id}-errors.csv"),
            "Cache-Control": "no-store",
        },
    )


# Disclosures -------------------------------------------------------------------------------


def _disclosure_page(form: DisclosureUploadForm):
    return render_template(
        "reports/import_disclosures.html",
        form=form,
        columns=log_columns.DISCLOSURE_COLUMNS,
        page=paginate(import_jobs.jobs_query(current_user), *page_args()),
    )


@bp.get("/imports/disclosures")
@roles_required(*Role.STAFF)
def disclosure_imports():
    return _disclosure_page(DisclosureUploadForm())


@bp.post("/imports/disclosures")
@roles_required(*Role.STAFF)
def upload_disclosures():
    form = DisclosureUploadForm()
    if not form.validate_on_submit():
        return _disclosure_page(form)
    upload = form.file.data
    try:
        job = importing.upload_import(
            actor=current_user,
            stream=upload.stream,
            filename=upload.filename or "",
            now=now(),
            disclosures=True,
        )
    except ValidationFailed as error:
        populate_errors(form, error)
        return _disclosure_page(form)
    return redirect(url_for("reports.import_job", job_id=job.id))


@bp.get("/imports/disclosures/template.csv")
@roles_required(*Role.STAFF)
def disclosure_template():
    columns = log_columns.DISCLOSURE_COLUMNS
    rows = csv_lines([c.header for c in columns], [])
    return Response(
        stream_with_context(rows),
        mimetype="text/csv",
        headers={"Content-Disposition": content_disposition("disclosures-template.csv")},
    )

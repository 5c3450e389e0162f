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
from sharing.disclosures import log_columns
from sharing.errors import DomainError, ValidationFailed
from sharing.reports import import_jobs, importing
from sharing.reports.blueprint import bp
from sharing.reports.forms import ConfirmForm, DisclosureUploadForm, UploadForm
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


# Any staff member may import disclosures, so any may follow their own import jobs.
@bp.get("/imports/<int:job_id>")
@roles_required(*Role.STAFF)
def import_job(job_id: int):
    job = import_jobs.get_job(job_id, current_user)
    action = request.args.get("action", "")
    page = None
    if job.status in (ImportStatus.READY, ImportStatus.COMMITTED):
        page = paginate(import_jobs.rows_query(job, action), *page_args())
    return render_template(
        "reports/import_job.html",
        job=job,
        page=page,
        action=action,
        actions=list(RowAction),
        status=import_jobs.status_of(job),
        form=ConfirmForm(),
        can_commit=job.can_commit,
        disclosures=import_jobs.holds_disclosures(job),
        expired=job.expires_at is not None and job.expires_at <= now(),
    )


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
        flash(f"Imported {job.filename}.", "success")
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

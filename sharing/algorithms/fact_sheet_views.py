"""Fact sheet pages: the list, one edition (the vendor fills it in, the privacy office reviews
it), its files, the changes since the previous edition, and the office's request for a new
edition from an algorithm record. A vendor only ever reaches its own organisation's sheets:
the queries are scoped, and anything else is 404."""

from __future__ import annotations

import io

from flask import abort, flash, redirect, render_template, request, send_file, url_for
from flask_login import current_user
from werkzeug.routing import BuildError

from sharing.algorithms import differences, fact_sheet_files, fact_sheet_review, fact_sheets, topics
from sharing.algorithms import fact_sheet_queries as queries
from sharing.algorithms.blueprint import bp
from sharing.algorithms.fact_sheet_forms import (
    ACCEPT,
    ACCEPT_DECISION,
    KIND_LABELS,
    FileForm,
    ReviewForm,
    SubmitForm,
    answers_form,
    saved_answers,
)
from sharing.algorithms.models import Algorithm, FactSheet, FactSheetEvidenceKind, FactSheetStatus
from sharing.attestations.evidence import EvidenceUnavailable
from sharing.auth.forms import ConfirmForm
from sharing.core.access import roles_required
from sharing.core.clock import now, today
from sharing.core.downloads import attach
from sharing.core.error_pages import render_error
from sharing.core.forms import populate_errors, version_of
from sharing.core.pagination import page_args, paginate
from sharing.core.roles import Role
from sharing.errors import Conflict, ValidationFailed
from sharing.extensions import db
from sharing.files import RejectedUpload


def _load(sheet_id: int) -> FactSheet:
    """The sheet if the signed-in user may see it; 404 for anything out of scope."""
    found = queries.visible_sheet(sheet_id, current_user)
    if found is None:
        abort(404)
    return found


def _to(sheet: FactSheet):
    return redirect(url_for("algorithms.fact_sheet", sheet_id=sheet.id))


def _is_vendor() -> bool:
    return fact_sheets.role_of(current_user) == "vendor"


@bp.get("/fact-sheets", endpoint="fact_sheets")
@roles_required(*Role.EVERYONE)
def fact_sheet_list():
    filters = queries.SheetFilters.from_args(request.args)
    stmt = queries.sheets_query(filters, actor=current_user, today=today())
    return render_template(
        "algorithms/fact_sheets.html",
        page=paginate(stmt, *page_args()),
        filters=filters,
        statuses=list(FactSheetStatus),
        is_vendor=_is_vendor(),
        today=today(),
    )


@bp.get("/fact-sheets/<int:sheet_id>", endpoint="fact_sheet")
@roles_required(*Role.EVERYONE)
def show_fact_sheet(sheet_id: int):
    sheet = _load(sheet_id)
    return _page(sheet)


def _page(sheet: FactSheet, status: int = 200, **forms):
    editable = _is_vendor() and sheet.status in fact_sheets.OPEN_FOR_ANSWERS
    reviewable = current_user.role in Role.OFFICE and sheet.status == FactSheetStatus.SUBMITTED
    version = {"version": sheet.version}
    if editable:
        forms.setdefault(
            "answers_form", answers_form(data={**saved_answers(sheet.answers), **version})
        )
        forms.setdefault("submit_form", SubmitForm(data=version))
        forms.setdefault("file_form", FileForm(formdata=None))
    if reviewable:
        forms.setdefault("review_form", ReviewForm(data=version))
    return render_template(
        "algorithms/fact_sheet.html",
        sheet=sheet,
        topics=topics.TOPICS,
        editable=editable,
        reviewable=reviewable,
        changes=differences.differences(sheet) if reviewable else None,
        kinds=KIND_LABELS,
        accept=ACCEPT,
        delete_form=ConfirmForm(),
        today=today(),
        **forms,
    ), status


@bp.post("/fact-sheets/<int:sheet_id>/answers", endpoint="save_fact_sheet")
@roles_required(Role.VENDOR)
def save_fact_sheet(sheet_id: int):
    sheet = _load(sheet_id)
    form = answers_form()
    if not form.validate_on_submit():
        return _page(sheet, answers_form=form)
    try:
        fact_sheets.save_answers(
            actor=current_user,
            sheet=sheet,
            # Only the inputs the page sent: a missing one is left as it was, not emptied.
            answers={k: v for k, v in form.answers().items() if k in request.form},
            expected_version=version_of(form),
            now=now(),
        )
    except ValidationFailed as error:
        populate_errors(form, error)
        return _page(sheet, answers_form=form)
    except Conflict as error:
        flash(error.message, "danger")
        return _page(sheet, 409, answers_form=form)
    flash("Draft saved. Submit the fact sheet when every answer is ready.", "success")
    return _to(sheet)


@bp.post("/fact-sheets/<int:sheet_id>/submit", endpoint="submit_fact_sheet")
@roles_required(Role.VENDOR)
def submit_fact_sheet(sheet_id: int):
    sheet = _load(sheet_id)
    form = SubmitForm()
    if not form.validate_on_submit():
        return _page(sheet, submit_form=form)
    try:
        fact_sheets.submit_fact_sheet(
            actor=current_user,
            sheet=sheet,
            signer_name=form.signer_name.data or "",
            signer_title=form.signer_title.data or "",
            attested=bool(form.attested.data),
            expected_version=version_of(form),
            now=now(),
        )
    except ValidationFailed as error:
        # Missing answers go beside their inputs; the signature's reasons beside its fields.
        answers = answers_form(data={**saved_answers(sheet.answers), "version": sheet.version})
        own = {k: v for k, v in error.errors.items() if k in form}
        populate_errors(form, ValidationFailed(own, error.message))
        populate_errors(
            answers, ValidationFailed({k: v for k, v in error.errors.items() if k not in form})
        )
        return _page(sheet, submit_form=form, answers_form=answers)
    except Conflict as error:
        flash(error.message, "danger")
        return _page(sheet, 409, submit_form=form)
    flash("Fact sheet submitted to the privacy office. Thank you.", "success")
    return _to(sheet)


@bp.post("/fact-sheets/<int:sheet_id>/review", endpoint="review_fact_sheet")
@roles_required(*Role.OFFICE)
def review_fact_sheet(sheet_id: int):
    sheet = _load(sheet_id)
    form = ReviewForm()
    if not form.validate_on_submit():
        return _page(sheet, review_form=form)
    accept = form.decision.data == ACCEPT_DECISION
    step = fact_sheet_review.accept_fact_sheet if accept else fact_sheet_review.return_fact_sheet
    try:
        step(
            actor=current_user,
            sheet=sheet,
            comment=form.comment.data or "",
            expected_version=version_of(form),
            now=now(),
        )
    except ValidationFailed as error:
        populate_errors(form, error)
        return _page(sheet, review_form=form)
    except Conflict as error:
        flash(error.message, "danger")
        return _to(sheet)
    if accept:
        flash(
            "Fact sheet accepted. The algorithm record is back in review with its answers.",
            "success",
        )
    else:
        flash("Fact sheet returned to the vendor.", "success")
    return _to(sheet)


@bp.post("/fact-sheets/<int:sheet_id>/files", endpoint="upload_fact_sheet_file")
@roles_required(Role.VENDOR)
def upload_fact_sheet_file(sheet_id: int):
    sheet = _load(sheet_id)
    form = FileForm()
    if not form.validate_on_submit():
        return _page(sheet, file_form=form)
    upload = form.file.data
    try:
        item = fact_sheet_files.upload_file(
            actor=current_user,
            sheet=sheet,
            data=upload.read(fact_sheet_files.max_bytes() + 1),
            original_name=upload.filename or "",
            kind=FactSheetEvidenceKind(form.kind.data),
            description=form.description.data or "",
        )
    except RejectedUpload as error:
        form.file.errors = [*form.file.errors, error.message]
        return _page(sheet, file_form=form)
    except ValidationFailed as error:
        populate_errors(form, error)
        return _page(sheet, file_form=form)
    except Conflict as error:
        flash(error.message, "danger")
        return _to(sheet)
    flash(f"Uploaded {item.original_name}.", "success")
    return _to(sheet)


def _file_or_404(evidence_id: int):
    item = queries.visible_file(evidence_id, current_user)
    if item is None:
        abort(404)
    return item


@bp.post("/fact-sheets/files/<int:evidence_id>/delete", endpoint="remove_fact_sheet_file")
@roles_required(Role.VENDOR)
def remove_fact_sheet_file(evidence_id: int):
    item = _file_or_404(evidence_id)
    sheet_id, name = item.fact_sheet_id, item.original_name
    if not ConfirmForm().validate_on_submit():
        flash("The form expired. Please try again.", "danger")
        return redirect(url_for("algorithms.fact_sheet", sheet_id=sheet_id))
    try:
        fact_sheet_files.remove_file(actor=current_user, item=item)
    except Conflict as error:
        flash(error.message, "danger")
    else:
        flash(f"Removed {name}.", "success")
    return redirect(url_for("algorithms.fact_sheet", sheet_id=sheet_id))


@bp.get("/fact-sheets/files/<int:evidence_id>/download", endpoint="download_fact_sheet_file")
@roles_required(*Role.EVERYONE)
def download_fact_sheet_file(evidence_id: int):
    item = _file_or_404(evidence_id)
    try:
        data = fact_sheet_files.read_file(item)
    except EvidenceUnavailable as error:
        return render_error(410, error.message)
    response = send_file(
        io.BytesIO(data),
        mimetype=item.content_type,
        as_attachment=True,
        download_name=item.original_name,
        etag=item.sha256,
        max_age=0,
    )
    attach(response, item.original_name)
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.get("/fact-sheets/<int:sheet_id>/changes", endpoint="fact_sheet_changes")
@roles_required(*Role.EVERYONE)
def fact_sheet_changes(sheet_id: int):
    sheet = _load(sheet_id)
    return render_template(
        "algorithms/fact_sheet_changes.html", sheet=sheet, changes=differences.differences(sheet)
    )


@bp.post("/<int:algorithm_id>/fact-sheets/request", endpoint="request_fact_sheet")
@roles_required(*Role.OFFICE)
def request_fact_sheet(algorithm_id: int):
    algorithm = db.get_or_404(Algorithm, algorithm_id)
    if not ConfirmForm().validate_on_submit():
        flash("The form expired. Please try again.", "danger")
        return redirect(_record_page(algorithm))
    try:
        sheet = fact_sheets.request_fact_sheet(
            actor=current_user, algorithm=algorithm, today=today()
        )
    except ValidationFailed as error:
        for reason in error.errors.values():
            flash(reason, "danger")
        return redirect(_record_page(algorithm))
    flash(
        f"Fact sheet edition {sheet.edition} requested from {algorithm.organisation.display_name}.",
        "success",
    )
    return _to(sheet)


def _record_page(algorithm: Algorithm) -> str:
    """Back to the algorithm's record, where the button sits; the list of fact sheets while
    the record pages are not installed."""
    try:
        return url_for("algorithms.algorithm", algorithm_id=algorithm.id)
    except BuildError:
        return url_for("algorithms.fact_sheets")

"""Evidence file pages: the list, upload, download and removal.

A vendor user only ever reaches their own organisation's files: every query below is limited
to `current_user.organisation_id`, and another organisation's id answers 404.
"""

from __future__ import annotations

import io

from flask import abort, flash, jsonify, redirect, render_template, request, send_file, url_for
from flask_login import current_user
from sqlalchemy import func, select

from sharing.attestations import evidence
from sharing.attestations.blueprint import bp
from sharing.attestations.evidence_forms import TYPE_LABELS, EvidenceForm
from sharing.attestations.models import AttestationRequest, EvidenceFile, EvidenceType
from sharing.auth.forms import ConfirmForm
from sharing.core.access import roles_required
from sharing.core.clock import today
from sharing.core.downloads import attach
from sharing.core.error_pages import render_error
from sharing.core.forms import populate_errors
from sharing.core.menus import Menu, capped_menu
from sharing.core.pagination import page_args, paginate
from sharing.core.query_args import positive_int
from sharing.core.roles import Role
from sharing.errors import Conflict, ValidationFailed
from sharing.extensions import db
from sharing.files import RejectedUpload
from sharing.vendors.models import Organisation


def _vendor_org() -> int | None:
    """The organisation a vendor user is limited to; None for staff."""
    return current_user.organisation_id if current_user.role.value == "vendor" else None


def _visible_or_404(evidence_id: int) -> EvidenceFile:
    item = db.get_or_404(EvidenceFile, evidence_id)
    if _is_vendor() and item.organisation_id != current_user.organisation_id:
        abort(404)
    return item


@bp.get("/evidence", endpoint="evidence")
@roles_required(*Role.EVERYONE)
def evidence_list():
    filters = evidence.EvidenceFilters.from_args(request.args, today=today())
    scope = _vendor_org()
    query = evidence.evidence_query(filters, organisation_id=scope)
    return render_template(
        "attestations/evidence.html",
        page=paginate(query, *page_args()),
        filters=filters,
        sort=filters.sort,
        labels=TYPE_LABELS,
        menu=None if _is_vendor() else _organisation_menu(filters.organisation_id),
        today=filters.today,
        delete_form=ConfirmForm(),
        may_upload=current_user.role in Role.EVIDENCE_UPLOADERS,
    )


def _is_vendor() -> bool:
    return current_user.role.value == "vendor"


def _organisation_choices(only: int | None = None) -> list[tuple[int, str]]:
    stmt = select(Organisation.id, Organisation.common_name, Organisation.legal_name)
    if only is not None:
        stmt = stmt.where(Organisation.id == only)
    rows = db.session.execute(stmt.order_by(Organisation.legal_name))
    return [(row.id, row.common_name or row.legal_name) for row in rows]


def _organisation_menu(chosen: int | None) -> Menu:
    label = func.coalesce(func.nullif(Organisation.common_name, ""), Organisation.legal_name)
    stmt = select(Organisation.id, label)
    order = Organisation.legal_name
    return capped_menu(stmt, id_column=Organisation.id, order=order, chosen=chosen)


def _attachment() -> tuple[AttestationRequest | None, str | None]:
    """The request and question named by `?request=&code=`, or 404 if the file may not go there."""
    request_id = positive_int(request.args.get("request"))
    code = (request.args.get("code") or "").strip()
    if request_id is None and not code:
        return None, None
    attestation = evidence.attachable_request(request_id or 0, code, organisation_id=_vendor_org())
    if attestation is None:
        abort(404)
    return attestation, code


@bp.route("/evidence/new", methods=["GET", "POST"])
@roles_required(*Role.EVIDENCE_UPLOADERS)
def upload_evidence():
    attestation, code = _attachment()
    form = EvidenceForm()
    if _is_vendor():
        del form.organisation_id
    else:
        only = attestation.organisation_id if attestation else None
        form.organisation_id.choices = [(None, "Choose…"), *_organisation_choices(only)]
        if request.method == "GET":
            form.organisation_id.data = only or positive_int(request.args.get("organisation"))
    wants_json = request.accept_mimetypes.best == "application/json"
    if form.validate_on_submit() and (created := _save(form, attestation, code)) is not None:
        if wants_json:
            return jsonify(file=_described(created)), 201
        flash(f"Uploaded {created.original_name}.", "success")
        if attestation is not None:
            return redirect(_back_to(attestation))
        return redirect(url_for("attestations.evidence"))
    if wants_json and request.method == "POST":
        # The answer page's upload on a question: the reasons go beside that question.
        return jsonify(errors=form.errors), 422
    return render_template(
        "attestations/evidence_form.html",
        form=form,
        attestation=attestation,
        code=code,
        back=_back_to(attestation) if attestation else url_for("attestations.evidence"),
    )


def _back_to(attestation: AttestationRequest) -> str:
    """Vendors go back to their answers; the privacy office, who may not answer, to the request."""
    endpoint = "attestations.answer" if _is_vendor() else "attestations.request"
    return url_for(endpoint, request_id=attestation.id)


def _described(item: EvidenceFile) -> dict:
    return {
        "name": item.original_name,
        "url": url_for("attestations.download_evidence", evidence_id=item.id),
        "valid_until": item.valid_until.isoformat() if item.valid_until else None,
    }


def _save(form: EvidenceForm, attestation, code) -> EvidenceFile | None:
    """Call the service; on refusal put the reason beside its field and return None."""
    upload = form.file.data
    organisation_id = _vendor_org() if _is_vendor() else form.organisation_id.data
    try:
        return evidence.upload_evidence(
            actor=current_user,
            organisation_id=organisation_id,
            data=upload.read(evidence.max_bytes() + 1),
            original_name=upload.filename or "",
            evidence_type=EvidenceType(form.evidence_type.data),
            valid_until=form.valid_until.data,
            description=form.description.data or "",
            today=today(),
            request=attestation,
            obligation_code=code,
        )
    except RejectedUpload as error:
        form.file.errors = [*form.file.errors, error.message]
    except ValidationFailed as error:
        populate_errors(form, error)
    except Conflict as error:
        flash(error.message, "danger")
    return None


@bp.get("/evidence/<int:evidence_id>/download")
@roles_required(*Role.EVERYONE)
def download_evidence(evidence_id: int):
    item = _visible_or_404(evidence_id)
    try:
        data = evidence.read_evidence(item)
    except evidence.EvidenceUnavailable as error:
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


@bp.post("/evidence/<int:evidence_id>/delete")
@roles_required(*Role.EVIDENCE_UPLOADERS)
def delete_evidence(evidence_id: int):
    item = _visible_or_404(evidence_id)
    name = item.original_name
    if not ConfirmForm().validate_on_submit():
        flash("The form expired. Please try again.", "danger")
        return redirect(url_for("attestations.evidence"))
    try:
        evidence.remove_evidence(actor=current_user, evidence=item, today=today())
    except Conflict as error:
        flash(error.message, "danger")
    else:
        flash(f"Removed {name}.", "success")
    return redirect(url_for("attestations.evidence"))

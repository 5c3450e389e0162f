"""Pages of negotiation: the returned copy's upload (vendor, or staff with a copy received by
mail), the office's review with a decision on each change, the regeneration, the downloads,
and the vendor's page of decisions. A vendor's queries are scoped to their organization: another
organization's agreement or copy is a 404."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, send_file, url_for
from flask_login import current_user

from sharing.agreements import files
from sharing.agreements.models import Agreement
from sharing.core.access import roles_required
from sharing.core.clock import now, today
from sharing.core.downloads import attach
from sharing.core.forms import populate_errors
from sharing.core.roles import Role
from sharing.errors import Conflict, ValidationFailed
from sharing.extensions import db
from sharing.negotiation import (
    decisions,
    exceptions_views,  # noqa: F401 - its routes join bp
    queries,
    upload,
)
from sharing.negotiation.blueprint import bp
from sharing.negotiation.forms import (
    DecisionForm,
    RegenerateForm,
    ReturnedCopyForm,
    decision_form,
)
from sharing.negotiation.models import Decision, ReturnedCopy
from sharing.negotiation.templating import review_cards
from sharing.negotiation.upload import MAX_UPLOAD_BYTES

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _vendor_org() -> int | None:
    return current_user.organisation_id if current_user.role == Role.VENDOR else None


@bp.route("/agreements/<int:agreement_id>/return", methods=["GET", "POST"])
@roles_required(*Role.EVERYONE)
def return_copy(agreement_id: int):
    agreement = db.get_or_404(Agreement, agreement_id)
    if _vendor_org() is not None and agreement.organisation_id != _vendor_org():
        abort(404)
    form = ReturnedCopyForm()
    if form.validate_on_submit():
        received = form.returned_file.data
        try:
            copy = upload.receive_returned_copy(
                actor=current_user,
                agreement=agreement,
                data=received.read(MAX_UPLOAD_BYTES + 1),
                original_name=received.filename or "",
                now=now(),
            )
        except ValidationFailed as error:
            populate_errors(form, error)
        else:
            count = len(copy.deviations)
            found = "one change" if count == 1 else f"{count} changes"
            flash(f"Returned copy {copy.round} received: {found} found.", "success")
            if current_user.role == Role.VENDOR:
                return redirect(url_for("negotiation.vendor_copy", copy_id=copy.id))
            return redirect(url_for("negotiation.review", copy_id=copy.id))
    status = 400 if request.method == "POST" else 200
    allowed = upload.may_upload(current_user, agreement)
    return render_template(
        "negotiation/upload.html", form=form, agreement=agreement, allowed=allowed
    ), status


@bp.get("/copies/<int:copy_id>")
@roles_required(*Role.OFFICE)
def review(copy_id: int):
    return _review_page(queries.copy_with_deviations(copy_id))


def _review_page(copy: ReturnedCopy, failed: tuple[int, DecisionForm] | None = None, status=200):
    forms = {}
    for deviation in copy.deviations:
        form = decision_form(deviation, formdata=None)
        if deviation.decision != Decision.UNDECIDED:
            form.decision.data, form.note.data = deviation.decision.value, deviation.note
        forms[deviation.id] = form
    if failed is not None:
        forms[failed[0]] = failed[1]
    return render_template(
        "negotiation/review.html",
        copy=copy,
        agreement=copy.agreement,
        cards=review_cards(copy),
        forms=forms,
        failed_form=failed[1] if failed else None,
        regenerate_form=RegenerateForm(),
        undecided=sum(d.decision == Decision.UNDECIDED for d in copy.deviations),
    ), status


@bp.post("/copies/<int:copy_id>/deviations/<int:deviation_id>")
@roles_required(*Role.OFFICE)
def decide(copy_id: int, deviation_id: int):
    copy = queries.copy_with_deviations(copy_id)
    deviation = queries.deviation_of(copy, deviation_id)
    form = decision_form(deviation)
    if form.validate_on_submit():
        try:
            decisions.decide_deviation(
                actor=current_user,
                deviation=deviation,
                decision=Decision(form.decision.data),
                note=form.note.data or "",
                now=now(),
            )
        except ValidationFailed as error:
            populate_errors(form, error)
        except Conflict as error:
            flash(error.message, "danger")
            return redirect(url_for("negotiation.review", copy_id=copy.id))
        else:
            flash(f"Decision saved: {deviation.decision.label}.", "success")
            return redirect(url_for("negotiation.review", copy_id=copy.id) + f"#d{deviation.id}")
    return _review_page(copy, failed=(deviation.id, form), status=400)


@bp.post("/copies/<int:copy_id>/regenerate")
@roles_required(*Role.OFFICE)
def regenerate(copy_id: int):
    copy = queries.copy_with_deviations(copy_id)
    form = RegenerateForm()
    if not form.validate_on_submit():
        flash("The form expired. Please try again.", "danger")
        return redirect(url_for("negotiation.review", copy_id=copy.id))
    try:
        agreement = decisions.regenerate_with_decisions(
            actor=current_user, copy=copy, today=today(), now=now()
        )
    except ValidationFailed as error:
        for reason in error.errors.values():
            flash(reason, "danger")
    except Conflict as error:
        flash(error.message, "danger")
    else:
        flash(f"Agreement {agreement.number} regenerated with the decisions.", "success")
        return redirect(url_for("agreements.agreement", agreement_id=agreement.id))
    return redirect(url_for("negotiation.review", copy_id=copy.id))


@bp.get("/copies/<int:copy_id>/returned.docx")
@roles_required(*Role.STAFF)
def returned_file(copy_id: int):
    copy = queries.copy_with_deviations(copy_id)
    name = files.file_name(copy.agreement, f"-returned-{copy.round}.docx")
    return _download(copy.stored_name, name)


@bp.get("/copies/<int:copy_id>/redline.docx")
@roles_required(*Role.STAFF)
def redline_file(copy_id: int):
    copy = queries.copy_with_deviations(copy_id)
    name = files.file_name(copy.agreement, f"-redline-{copy.round}.docx")
    return _download(copy.redline_name, name)


def _download(stored: str | None, name: str):
    if not files.exists(stored):
        abort(404)
    response = send_file(files.path_of(stored), mimetype=DOCX, as_attachment=True)
    return attach(response, name)


@bp.get("/returned/<int:copy_id>")
@roles_required(Role.VENDOR)
def vendor_copy(copy_id: int):
    copy = queries.copy_with_deviations(copy_id, organisation_id=current_user.organisation_id)
    return render_template(
        "negotiation/vendor_copy.html",
        copy=copy,
        agreement=copy.agreement,
        cards=review_cards(copy),
    )

"""Pages of signing: the office sends an agreement for signature and countersigns it; the
vendor's signer signs or declines; both read the PDF that is signed. Vendor users reach only
their organisation's agreements (another organisation's id is a 404)."""

from __future__ import annotations

import io

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)
from flask_login import current_user

from sharing.agreements import pdf, pdf_cache
from sharing.agreements.models import Agreement
from sharing.agreements.steps import TRANSITIONS as T
from sharing.auth import invitations
from sharing.core.access import roles_required
from sharing.core.clock import now, today
from sharing.core.forms import populate_errors, version_of
from sharing.core.roles import Role
from sharing.errors import Conflict, DomainError, ValidationFailed
from sharing.extensions import db
from sharing.signing import countersigning, events, queries, services
from sharing.signing.forms import DeclineForm, SendForm, SignForm
from sharing.signing.models import Party, Signature

bp = Blueprint("signing", __name__, url_prefix="/signing")


def _staff_page(agreement: Agreement):
    return redirect(url_for("agreements.agreement", agreement_id=agreement.id))


def _portal_page(agreement: Agreement):
    return redirect(url_for("portal.agreement", agreement_id=agreement.id))


def _vendor_agreement(agreement_id: int) -> Agreement:
    """The vendor user's own organisation's agreement, or 404."""
    agreement = db.session.get(Agreement, agreement_id)
    if agreement is None or agreement.organisation_id != current_user.organisation_id:
        abort(404)
    return agreement


def _waiting_for_me(agreement: Agreement) -> Signature | None:
    """The vendor signature waiting on this agreement, when the current user is its signer."""
    signature = queries.open_signature(agreement.id, Party.VENDOR)
    if signature is None or not queries.is_signer(current_user, signature):
        return None
    return signature


def _signed_values(form: SignForm) -> dict:
    """What the signature and the countersignature record from their form and request."""
    return {
        "typed_name": form.typed_name.data,
        "typed_title": form.typed_title.data,
        "consent": form.consent.data,
        "password": form.password.data,
        "document_sha256": form.document_sha256.data or "",
        "ip": request.remote_addr or "",
        "user_agent": request.user_agent.string,
    }


def _refused(error: DomainError, agreement: Agreement, back):
    if error.status_code == 403:
        abort(403)
    flash(error.message, "danger")
    return back(agreement)


@bp.route("/<int:agreement_id>/send", methods=["GET", "POST"])
@roles_required(*T["send_for_signature"].roles)
def send(agreement_id: int):
    agreement = db.get_or_404(Agreement, agreement_id)
    if agreement.status not in T["send_for_signature"].sources:
        flash(f"Agreement {agreement.number} cannot be sent for signature now.", "warning")
        return _staff_page(agreement)
    form = SendForm()
    signers = {u.id: u for u in queries.vendor_signers(agreement.organisation_id)}
    form.signer_id.choices = [("", "—")] + [
        (u.id, f"{u.name} ({u.email})") for u in signers.values()
    ]
    if request.method == "GET":
        form.version.data = agreement.version
    holds = events.holds(agreement)
    if not holds and form.validate_on_submit():
        try:
            _send(agreement, form, signers.get(form.signer_id.data))
        except ValidationFailed as error:
            populate_errors(form, error)
        except (pdf.PdfUnavailable, pdf.PdfFailed, Conflict) as error:
            flash(error.message, "danger")
        except DomainError as error:
            return _refused(error, agreement, _staff_page)
        else:
            flash(T["send_for_signature"].done_message(agreement), "success")
            return _staff_page(agreement)
    return render_template(
        "signing/send.html", form=form, agreement=agreement, signers=signers, holds=holds
    )


def _send(agreement: Agreement, form: SendForm, signer) -> None:
    """Make (or reuse) the PDF, invite the signer if asked, then send."""
    email = (form.invite_email.data or "").strip()
    if signer is None and not email:
        raise ValidationFailed({"signer_id": "Choose who signs for the vendor, or invite someone."})
    if signer is not None and email:
        raise ValidationFailed({"invite_email": "Choose a signer or invite one, not both."})
    config = current_app.config
    document = pdf_cache.agreement_pdf(
        agreement,
        binary=config["SOFFICE_BINARY"],
        timeout=config["AGREEMENT_PDF_TIMEOUT_SECONDS"],
    )
    invitation = None
    if signer is None:
        try:
            invitation, _token = invitations.invite(
                actor=current_user,
                email=email,
                name=form.invite_name.data or "",
                role=Role.VENDOR.value,
                organisation_id=agreement.organisation_id,
                department_id=None,
                now=now(),
                may_sign=True,
            )
        except ValidationFailed as error:
            raise ValidationFailed(
                {f"invite_{k}" if k in ("email", "name") else k: v for k, v in error.errors.items()}
            ) from error
    services.send_for_signature(
        actor=current_user,
        agreement=agreement,
        pdf=document,
        signer=signer,
        invited_email=invitation.email if invitation else "",
        invited_name=invitation.name if invitation else "",
        invitation_id=invitation.id if invitation else None,
        now=now(),
        today=today(),
        expected_version=version_of(form),
    )


@bp.route("/<int:agreement_id>/sign", methods=["GET", "POST"])
@roles_required(Role.VENDOR)
def sign(agreement_id: int):
    agreement = _vendor_agreement(agreement_id)
    signature = _waiting_for_me(agreement)
    if signature is None:
        flash("This agreement is not waiting for your signature.", "warning")
        return _portal_page(agreement)
    form = SignForm()
    if request.method == "GET":
        form.document_sha256.data = signature.document_sha256
    if form.validate_on_submit():
        try:
            services.sign(
                actor=current_user,
                agreement=agreement,
                **_signed_values(form),
                now=now(),
            )
        except ValidationFailed as error:
            populate_errors(form, error)
        except DomainError as error:
            return _refused(error, agreement, _portal_page)
        else:
            flash(
                f"You signed agreement {agreement.number}. The City countersigns next.", "success"
            )
            return _portal_page(agreement)
    form.password.data = ""
    return render_template(
        "signing/sign.html", form=form, agreement=agreement, signature=signature, city=False
    )


@bp.route("/<int:agreement_id>/decline", methods=["GET", "POST"])
@roles_required(Role.VENDOR)
def decline(agreement_id: int):
    agreement = _vendor_agreement(agreement_id)
    signature = _waiting_for_me(agreement)
    if signature is None:
        flash("This agreement is not waiting for your signature.", "warning")
        return _portal_page(agreement)
    form = DeclineForm()
    if form.validate_on_submit():
        try:
            services.decline(
                actor=current_user,
                agreement=agreement,
                reason=form.reason.data,
                now=now(),
                today=today(),
            )
        except ValidationFailed as error:
            populate_errors(form, error)
        except DomainError as error:
            return _refused(error, agreement, _portal_page)
        else:
            flash(T["decline_signature"].done_message(agreement), "success")
            return redirect(url_for("portal.home"))
    return render_template("signing/decline.html", form=form, agreement=agreement)


@bp.route("/<int:agreement_id>/countersign", methods=["GET", "POST"])
@roles_required(*T["countersign"].roles)
def countersign(agreement_id: int):
    agreement = db.get_or_404(Agreement, agreement_id)
    vendor = queries.open_signature(agreement.id, Party.VENDOR)
    blockers = countersigning.blockers(agreement)
    form = SignForm()
    form.submit.label.text = "Countersign for the City"
    if request.method == "GET":
        form.version.data = agreement.version
        form.document_sha256.data = vendor.document_sha256 if vendor else ""
    if not blockers and form.validate_on_submit():
        try:
            countersigning.countersign(
                actor=current_user,
                agreement=agreement,
                **_signed_values(form),
                now=now(),
                today=today(),
                expected_version=version_of(form),
            )
        except ValidationFailed as error:
            populate_errors(form, error)
        except DomainError as error:
            if error.status_code == 403:
                abort(403)
            flash(error.message, "danger")
        else:
            flash(T["countersign"].done_message(agreement), "success")
            return _staff_page(agreement)
    form.password.data = ""
    return render_template(
        "signing/sign.html",
        form=form,
        agreement=agreement,
        signature=vendor,
        city=True,
        blockers=blockers,
        may_sign=current_user.may_sign,
    )


@bp.get("/signatures/<int:signature_id>/document.pdf")
@roles_required(*Role.EVERYONE)
def document(signature_id: int):
    """The PDF shown to the signers, inline, exactly as stored when it was sent."""
    signature = db.get_or_404(Signature, signature_id)
    if current_user.role == Role.VENDOR and (
        signature.agreement.organisation_id != current_user.organisation_id
    ):
        abort(404)
    try:
        data = services.stored_document(signature)
    except Conflict:
        abort(404)
    response = send_file(
        io.BytesIO(data),
        mimetype="application/pdf",
        as_attachment=request.args.get("download") == "1",
        download_name=f"{signature.agreement.number}-for-signature.pdf",
    )
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "private, no-store"
    return response

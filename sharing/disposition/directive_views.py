"""Pages of disposition: the list of directives and one directive, which is the office's view
(authorization, element changes, review) and the vendor's certificate form; the vendor's
signature; the directive's document. A vendor user reaches only its organisation's directives
(another organisation's id is a 404)."""

from __future__ import annotations

from flask import (
    Blueprint,
    Response,
    abort,
    flash,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)
from flask_login import current_user

from sharing.agreements import files, pdf
from sharing.agreements.template_library import DOCX_MIMETYPE
from sharing.core.access import roles_required
from sharing.core.clock import now, today
from sharing.core.downloads import attach, content_disposition
from sharing.core.forms import populate_errors, version_of
from sharing.core.pagination import apply_sort, page_args, paginate, parse_sort
from sharing.core.roles import Role
from sharing.disposition import certificates, directives, generation, instructions, queries
from sharing.disposition.directive_forms import (
    AuthorizationForm,
    CertificateForm,
    CertificateSignForm,
    ElementForm,
    ReviewForm,
)
from sharing.disposition.models import DirectiveStatus, DispositionDirective
from sharing.errors import Conflict, DomainError, ValidationFailed

bp = Blueprint("disposition", __name__, url_prefix="/disposition")


def _directive(directive_id: int) -> DispositionDirective:
    directive = queries.directive_for(current_user, directive_id)
    if directive is None:
        abort(404)
    return directive


def _back(directive: DispositionDirective):
    return redirect(url_for("disposition.directive", directive_id=directive.id))


@bp.get("/", endpoint="directives")
@roles_required(*Role.EVERYONE)
def directives_list():
    sort = parse_sort(request.args.get("sort"), queries.SORTS, "due")
    stmt = queries.list_query(
        current_user,
        search=request.args.get("q", ""),
        status=request.args.get("status", ""),
        overdue=request.args.get("overdue") == "1",
        today=today(),
    )
    page = paginate(apply_sort(stmt, sort, queries.SORTS, DispositionDirective.id), *page_args())
    return render_template(
        "disposition/directives.html",
        page=page,
        sort=sort,
        statuses=list(DirectiveStatus),
        today=today(),
        vendor=queries.is_vendor(current_user),
    )


@bp.route("/<int:directive_id>", methods=["GET", "POST"])
@roles_required(*Role.EVERYONE)
def directive(directive_id: int):
    directive = _directive(directive_id)
    vendor = queries.is_vendor(current_user)
    if request.method == "POST" and not vendor:
        abort(403)
    certificate = _certificate_form(directive) if vendor else None
    if certificate is not None and certificate.validate_on_submit():
        try:
            certificates.save_answers(
                actor=current_user,
                directive=directive,
                answers=_answers(certificate),
                today=today(),
                expected_version=version_of(certificate),
            )
        except ValidationFailed as error:
            _row_errors(certificate, error)
        except Conflict as error:
            flash(error.message, "danger")
        else:
            flash("Your answers are saved.", "success")
            return _back(directive)
    return _page(directive, certificate=certificate)


def _page(directive: DispositionDirective, **forms):
    office = str(current_user.role) in Role.OFFICE
    editable = directive.status in directives.EDITABLE
    authorization = forms.pop("authorization", None)
    review = forms.pop("review", None)
    if office and editable and authorization is None:
        authorization = AuthorizationForm(formdata=None, version=directive.version)
    if office and directive.status == DirectiveStatus.SUBMITTED and review is None:
        review = ReviewForm(formdata=None, version=directive.version)
    return render_template(
        "disposition/directive.html",
        directive=directive,
        office=office,
        editable=editable,
        authorization=authorization,
        review=review,
        certificate=forms.get("certificate"),
        today=today(),
        vendor=queries.is_vendor(current_user),
    )


def _certificate_form(directive: DispositionDirective) -> CertificateForm | None:
    if directive.status not in directives.EDITABLE:
        return None
    if request.method == "POST":
        return CertificateForm()
    form = CertificateForm(formdata=None, version=directive.version)
    for element in directive.elements:
        form.elements.append_entry(
            {
                "element_id": element.id,
                "done_action": element.done_action.value if element.done_action else "",
                "done_on": element.done_on,
                "done_method": element.done_method,
                "subprocessors_confirmed": (
                    element.subprocessors_confirmed.value if element.subprocessors_confirmed else ""
                ),
                "backups": element.backups,
                "notes": element.notes,
            }
        )
    return form


def _answers(form: CertificateForm) -> dict[int, certificates.Answer]:
    answers = {}
    for entry in form.elements:
        row = entry.form
        try:
            element_id = int(row.element_id.data)
        except (TypeError, ValueError):
            continue
        answers[element_id] = certificates.Answer(
            done_action=row.done_action.data or "",
            done_on=row.done_on.data,
            done_method=row.done_method.data or "",
            subprocessors_confirmed=row.subprocessors_confirmed.data or "",
            backups=row.backups.data or "",
            notes=row.notes.data or "",
        )
    return answers


def _row_errors(form: CertificateForm, error: ValidationFailed) -> None:
    """Put each "elements-<n>-<field>" reason on that row's field."""
    rows = list(form.elements)
    for key, reason in error.errors.items():
        _, index, name = key.split("-", 2)
        field = getattr(rows[int(index)].form, name, None) if int(index) < len(rows) else None
        if field is not None:
            field.errors = [*list(field.errors or []), reason]
    flash(error.message, "danger")


@bp.route("/<int:directive_id>/sign", methods=["GET", "POST"])
@roles_required(Role.VENDOR)
def sign(directive_id: int):
    directive = _directive(directive_id)
    if directive.status not in directives.EDITABLE:
        flash(f"Directive {directive.number} is not waiting for a certificate.", "warning")
        return _back(directive)
    form = CertificateSignForm()
    if request.method == "GET":
        form.version.data = directive.version
    problems = certificates.certificate_problems(directive, {}, today=today(), complete=True)
    if not problems and form.validate_on_submit():
        try:
            certificates.sign_certificate(
                actor=current_user,
                directive=directive,
                typed_name=form.typed_name.data,
                typed_title=form.typed_title.data,
                consent=form.consent.data,
                password=form.password.data,
                ip=request.remote_addr or "",
                user_agent=request.user_agent.string,
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
            return _back(directive)
        else:
            flash(f"You signed the certificate of disposition {directive.number}.", "success")
            return _back(directive)
    return render_template(
        "disposition/sign.html",
        directive=directive,
        form=form,
        incomplete=bool(problems),
        may_sign=bool(getattr(current_user, "may_sign", False)),
    )


@bp.post("/<int:directive_id>/authorization")
@roles_required(*Role.OFFICE)
def authorize(directive_id: int):
    directive = _directive(directive_id)
    form = AuthorizationForm()
    if form.validate_on_submit():
        done = _office_step(
            form,
            directive,
            lambda: directives.record_authorization(
                actor=current_user,
                directive=directive,
                reference=form.reference.data,
                dated=form.dated.data,
                today=today(),
                expected_version=version_of(form),
            ),
            "The City's written authorization is recorded.",
        )
        if done:
            return done
    return _page(directive, authorization=form), 400


def _office_step(form, directive: DispositionDirective, service, message: str):
    """Take an office step from the directive page: on success, say so and go back to the
    directive; a conflict (changed meanwhile, or no longer open) is flashed and goes back too;
    invalid input returns None, with each reason beside its field, to show the form again."""
    try:
        service()
    except ValidationFailed as error:
        populate_errors(form, error)
        return None
    except Conflict as error:
        flash(error.message, "danger")
        return _back(directive)
    flash(message, "success")
    return _back(directive)


@bp.route("/<int:directive_id>/elements/<int:element_id>", methods=["GET", "POST"])
@roles_required(*Role.OFFICE)
def element(directive_id: int, element_id: int):
    directive = _directive(directive_id)
    chosen = next((e for e in directive.elements if e.id == element_id), None)
    if chosen is None:
        abort(404)
    if directive.status not in directives.EDITABLE:
        flash(f"Directive {directive.number} can no longer be changed.", "warning")
        return _back(directive)
    form = ElementForm()
    if request.method == "GET":
        form.action.data, form.method.data = chosen.action.value, chosen.method
        form.version.data = directive.version
    if form.validate_on_submit():
        try:
            directives.change_element(
                actor=current_user,
                directive=directive,
                element_id=chosen.id,
                action=form.action.data,
                method=form.method.data or "",
                today=today(),
                expected_version=version_of(form),
            )
        except ValidationFailed as error:
            populate_errors(form, error)
        except Conflict as error:
            flash(error.message, "danger")
        else:
            flash(f"Element {chosen.position} changed; the directive was regenerated.", "success")
            return _back(directive)
    allowed = instructions.allowed_actions(
        city_records=chosen.city_records, authorized=bool(directive.destroy_authorization)
    )
    return render_template(
        "disposition/element.html", directive=directive, element=chosen, form=form, allowed=allowed
    )


@bp.post("/<int:directive_id>/review")
@roles_required(*Role.OFFICE)
def review(directive_id: int):
    directive = _directive(directive_id)
    form = ReviewForm()
    if form.validate_on_submit():
        accept = form.decision.data == "accept"
        done = _office_step(
            form,
            directive,
            lambda: certificates.review_certificate(
                actor=current_user,
                directive=directive,
                accept=accept,
                comment=form.comment.data or "",
                now=now(),
                today=today(),
                expected_version=version_of(form),
            ),
            "Certificate accepted." if accept else "Certificate returned with your questions.",
        )
        if done:
            return done
    return _page(directive, review=form), 400


@bp.get("/<int:directive_id>/directive.<any(docx, pdf):fmt>")
@roles_required(*Role.EVERYONE)
def document(directive_id: int, fmt: str):
    directive = _directive(directive_id)
    if not files.exists(directive.generated_file):
        abort(404)
    name = generation.download_name(directive, f".{fmt}")
    if fmt == "docx":
        response = send_file(
            files.path_of(directive.generated_file),
            mimetype=DOCX_MIMETYPE,
            as_attachment=True,
            download_name=name,
        )
        return attach(response, name)
    try:
        data = generation.directive_pdf(directive)
    except (pdf.PdfUnavailable, pdf.PdfFailed, Conflict) as error:
        flash(error.message, "warning")
        return redirect(url_for("disposition.directive", directive_id=directive_id))
    return Response(
        data, mimetype="application/pdf", headers={"Content-Disposition": content_disposition(name)}
    )

"""Pages for agreement templates: the list, versions, upload and download."""

from __future__ import annotations

from flask import abort, current_app, flash, redirect, render_template, send_file, url_for
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from sharing.agreements import shipped
from sharing.agreements import template_library as library
from sharing.agreements.blueprint import bp
from sharing.agreements.models import AgreementTemplate, AgreementTemplateVersion, TemplateKind
from sharing.agreements.template_checks import TemplateRejected
from sharing.agreements.template_forms import KIND_LABELS, ActiveForm, TemplateForm, VersionForm
from sharing.auth.forms import ConfirmForm
from sharing.auth.models import User
from sharing.core.access import roles_required
from sharing.core.downloads import attach
from sharing.core.forms import populate_errors
from sharing.core.pagination import page_args, paginate
from sharing.core.roles import Role
from sharing.errors import Conflict, DomainError, ValidationFailed
from sharing.extensions import db


def _may_edit() -> bool:
    return current_user.role in Role.OFFICE


def _limits() -> dict:
    return {
        "render_seconds": float(current_app.config["AGREEMENT_TEMPLATE_RENDER_SECONDS"]),
        "render_memory_mb": int(current_app.config["AGREEMENT_TEMPLATE_RENDER_MEMORY_MB"]),
    }


def _rejected(form, error: TemplateRejected) -> list[str]:
    """The check's message goes beside the file field; its details are listed below it."""
    form.file.errors = [*list(form.file.errors or []), error.message]
    return error.details


@bp.get("/templates")
@roles_required(*Role.STAFF)
def templates():
    stmt = (
        select(AgreementTemplate)
        .options(selectinload(AgreementTemplate.versions))
        .order_by(AgreementTemplate.active.desc(), AgreementTemplate.name, AgreementTemplate.id)
    )
    return render_template(
        "agreements/templates.html",
        page=paginate(stmt, *page_args()),
        current_version=library.current_version,
        kind_labels=KIND_LABELS,
        may_edit=_may_edit(),
        install_form=ConfirmForm(),
    )


@bp.post("/templates/install-shipped")
@roles_required(*Role.OFFICE)
def install_shipped_templates():
    """The page's way to do what `agreements install-templates` does, so that an empty list
    can be fixed without a shell."""
    if not ConfirmForm().validate_on_submit():
        flash("The form expired. Please try again.", "danger")
        return redirect(url_for("agreements.templates"))
    try:
        installed = shipped.install_from_page(actor=current_user, **_limits())
    except TemplateRejected as error:
        flash(error.message, "danger")
    except DomainError as error:
        flash(error.message, "warning")
    else:
        count = len(installed)
        flash(
            f"Installed {count} template{'' if count == 1 else 's'}."
            if count
            else "The templates that come with the app are already installed.",
            "success",
        )
    return redirect(url_for("agreements.templates"))


@bp.get("/templates/<int:template_id>")
@roles_required(*Role.STAFF)
def template(template_id: int):
    template = db.get_or_404(AgreementTemplate, template_id)
    versions = sorted(template.versions, key=lambda v: v.number, reverse=True)
    uploader_ids = {v.uploaded_by_id for v in versions if v.uploaded_by_id}
    uploaders = {
        user.id: user for user in db.session.scalars(select(User).where(User.id.in_(uploader_ids)))
    }
    return render_template(
        "agreements/template.html",
        template=template,
        versions=versions,
        uploaders=uploaders,
        kind_labels=KIND_LABELS,
        may_edit=_may_edit(),
        version_form=VersionForm(),
        active_form=ActiveForm(active="false" if template.active else "true"),
    )


@bp.route("/templates/new", methods=["GET", "POST"])
@roles_required(*Role.OFFICE)
def new_template():
    form, details = TemplateForm(), []
    if form.validate_on_submit():
        upload = form.file.data
        try:
            created = library.create_template(
                actor=current_user,
                name=form.name.data,
                kind=TemplateKind(form.kind.data),
                description=form.description.data or "",
                data=upload.read(),
                original_name=upload.filename or "",
                notes=form.notes.data or "",
                **_limits(),
            )
        except TemplateRejected as error:
            details = _rejected(form, error)
        except ValidationFailed as error:
            populate_errors(form, error)
        except Conflict as error:
            flash(error.message, "warning")
        else:
            flash(f"Template “{created.name}” created with version 1.", "success")
            return redirect(url_for("agreements.template", template_id=created.id))
    return render_template("agreements/template_form.html", form=form, details=details)


@bp.route("/templates/<int:template_id>/versions/new", methods=["GET", "POST"])
@roles_required(*Role.OFFICE)
def add_template_version(template_id: int):
    template = db.get_or_404(AgreementTemplate, template_id)
    form, details = VersionForm(), []
    if form.validate_on_submit():
        upload = form.file.data
        try:
            version = library.add_version(
                actor=current_user,
                template=template,
                data=upload.read(),
                original_name=upload.filename or "",
                notes=form.notes.data or "",
                **_limits(),
            )
        except TemplateRejected as error:
            details = _rejected(form, error)
        except ValidationFailed as error:
            populate_errors(form, error)
        except Conflict as error:
            flash(error.message, "warning")
        else:
            flash(f"Version {version.number} of “{template.name}” uploaded.", "success")
            return redirect(url_for("agreements.template", template_id=template.id))
    return render_template(
        "agreements/version_form.html", form=form, template=template, details=details
    )


@bp.post("/templates/<int:template_id>/active")
@roles_required(*Role.OFFICE)
def set_template_active(template_id: int):
    template = db.get_or_404(AgreementTemplate, template_id)
    form = ActiveForm()
    if not form.validate_on_submit():
        flash("The form expired. Please try again.", "danger")
        return redirect(url_for("agreements.template", template_id=template.id))
    try:
        library.set_active(actor=current_user, template=template, active=form.wanted)
    except Conflict as error:
        flash(error.message, "warning")
    else:
        state = "offered for new agreements" if form.wanted else "no longer offered"
        flash(f"“{template.name}” is {state}.", "success")
    return redirect(url_for("agreements.template", template_id=template.id))


@bp.get("/templates/versions/<int:version_id>/download")
@roles_required(*Role.STAFF)
def download_template_version(version_id: int):
    version = db.get_or_404(AgreementTemplateVersion, version_id)
    path = library.version_path(version)
    if not path.is_file():
        abort(404)
    response = send_file(
        path,
        mimetype=library.DOCX_MIMETYPE,
        as_attachment=True,
        download_name=library.download_name(version),
        max_age=0,
    )
    return attach(response, library.download_name(version))

"""The settings page (administrators only): read-only in plain words, except the City's
certificate for sealing agreements, which an administrator uploads here."""

from __future__ import annotations

from flask import Blueprint, current_app, render_template, url_for
from flask_login import current_user

from sharing.core.access import roles_required
from sharing.core.clock import now
from sharing.core.forms import redirect_after
from sharing.core.roles import Role
from sharing.core.sentences import sentence
from sharing.seal.forms import SealCertificateForm
from sharing.seal.services import MAX_BYTES, install_certificate
from sharing.settings import queries

bp = Blueprint("settings", __name__, url_prefix="/settings")


def _page(seal_form: SealCertificateForm):
    zone, local_now = queries.time_zone()
    return render_template(
        "settings/settings.html",
        mail=queries.mail_settings(current_app.config),
        jobs=queries.job_traces(),
        pdf=queries.pdf_settings(current_app.config),
        seal=queries.seal_settings(current_app.config),
        seal_form=seal_form,
        zone=zone,
        local_now=local_now,
    )


@bp.get("/")
@roles_required(Role.ADMIN)
def settings():
    return _page(SealCertificateForm())


@bp.post("/seal-certificate")
@roles_required(Role.ADMIN)
def seal_certificate():
    form = SealCertificateForm()
    if form.validate_on_submit():
        done = redirect_after(
            form,
            lambda: install_certificate(
                actor=current_user,
                data=form.file.data.read(MAX_BYTES + 1),
                password=form.password.data or "",
                now=now(),
                name=form.file.data.filename or "",
            ),
            message=lambda row: sentence(
                f"Agreements are now sealed with the certificate {row.subject}"
            ),
            to=url_for("settings.settings", _anchor="settings-seal"),
        )
        if done is not None:
            return done
    return _page(form)

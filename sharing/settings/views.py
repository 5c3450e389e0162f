"""The settings page (administrators only): read-only, in plain words."""

from __future__ import annotations

from flask import Blueprint, current_app, render_template

from sharing.core.access import roles_required
from sharing.core.roles import Role
from sharing.settings import queries

bp = Blueprint("settings", __name__, url_prefix="/settings")


@bp.get("/")
@roles_required(Role.ADMIN)
def settings():
    zone, local_now = queries.time_zone()
    return render_template(
        "settings/settings.html",
        mail=queries.mail_settings(current_app.config),
        jobs=queries.job_traces(),
        pdf=queries.pdf_settings(current_app.config),
        zone=zone,
        local_now=local_now,
    )

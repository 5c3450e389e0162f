"""The home page and the health check."""

from __future__ import annotations

from flask import Blueprint, redirect, render_template, url_for
from flask_login import current_user

from sharing.core.database import database_answers
from sharing.core.summary import home_summary

bp = Blueprint("core", __name__)


@bp.get("/")
def home():
    if not current_user.is_authenticated:
        return render_template("core/welcome.html")
    if current_user.role.value == "vendor":
        # Vendors have their own home: the portal, scoped to their organisation.
        return redirect(url_for("portal.home"))
    return render_template("core/home.html", summary=home_summary(current_user))


@bp.get("/healthz")
def healthz():
    if database_answers():
        return {"status": "ok", "database": "ok"}, 200
    return {"status": "error", "database": "unreachable"}, 503

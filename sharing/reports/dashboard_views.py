"""The home page (each staff role's dashboard, the welcome page for visitors) and the
dashboard's chart images: the dashboard blueprint, at the root of the site."""

from __future__ import annotations

from flask import Blueprint, abort, make_response, redirect, render_template, url_for
from flask_login import current_user

from sharing.core.access import roles_required
from sharing.core.clock import now, today
from sharing.core.roles import Role
from sharing.reports.home import (
    CHART_NAMES,
    PROCUREMENT_PARTIAL,
    chart_svg,
    charts,
    home_dashboard,
    privacy_tiles,
)
from sharing.reports.staff_waiting import waiting_lists

bp = Blueprint("dashboard", __name__)


@bp.get("/")
def home():
    if not current_user.is_authenticated:
        return render_template("dashboard/welcome.html")
    if current_user.role == Role.VENDOR:
        # Vendors have their own home: the portal, scoped to their organisation.
        return redirect(url_for("portal.home"))
    day, moment = today(), now()
    partial, board = home_dashboard(current_user, today=day, now=moment)
    for_you, for_others = waiting_lists(current_user, today=day, now=moment)
    page = {"partial": partial, "board": board, "for_you": for_you, "for_others": for_others}
    if partial == PROCUREMENT_PARTIAL:
        return render_template("dashboard/home.html", today=day, **page)
    return render_template(
        "dashboard/home.html",
        today=day,
        tiles=privacy_tiles(board),
        charts=charts(board.charts),
        **page,
    )


@bp.get("/charts/<name>.svg")
@roles_required(*Role.STAFF)
def chart(name: str):
    if name not in CHART_NAMES:
        abort(404)
    # No cache header here: core/security.py marks every signed-in response no-store.
    response = make_response(chart_svg(name, today=today()))
    response.mimetype = "image/svg+xml"
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response

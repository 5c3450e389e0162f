"""The outbox: every message the app has queued or sent, readable by admins."""

from __future__ import annotations

from flask import Blueprint, current_app, render_template, request

from sharing.core.access import roles_required
from sharing.core.pagination import page_args, paginate
from sharing.core.roles import Role
from sharing.extensions import db
from sharing.mail import services
from sharing.mail.models import Notification

bp = Blueprint("mail", __name__, url_prefix="/mail")


@bp.get("/outbox")
@roles_required(Role.ADMIN)
def outbox():
    stmt = services.outbox_query(
        state=request.args.get("state", ""), search=request.args.get("q", "")
    )
    stmt = stmt.order_by(Notification.created_at.desc(), Notification.id.desc())
    page = paginate(stmt, *page_args())
    return render_template(
        "mail/outbox.html", page=page, configured=bool(current_app.config.get("MAIL_SERVER"))
    )


@bp.get("/outbox/<int:notification_id>")
@roles_required(Role.ADMIN)
def message(notification_id: int):
    notification = db.get_or_404(Notification, notification_id)
    return render_template("mail/message.html", message=notification)

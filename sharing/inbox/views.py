"""The signed-in user's notifications: the list, opening one, and marking all as read."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from sharing.core.access import signed_in_required
from sharing.core.pagination import page_args, paginate
from sharing.inbox import services
from sharing.inbox.forms import InboxActionForm
from sharing.inbox.templating import inbox_unread

bp = Blueprint("inbox", __name__, url_prefix="/inbox")


@bp.get("/")
@signed_in_required
def index():
    unread_only = request.args.get("show") == "unread"
    stmt = services.items_query(user_id=current_user.id, unread_only=unread_only)
    page = paginate(stmt, *page_args())
    return render_template(
        "inbox/index.html",
        page=page,
        unread_only=unread_only,
        unread=inbox_unread(),
        form=InboxActionForm(),
    )


@bp.post("/<int:item_id>/open")
@signed_in_required
def open_item(item_id: int):
    if not InboxActionForm().validate_on_submit():
        abort(400)
    item = services.open_item(actor=current_user, item_id=item_id)  # 404 if not theirs
    return redirect(item.link)


@bp.post("/read-all")
@signed_in_required
def read_all():
    if not InboxActionForm().validate_on_submit():
        abort(400)
    marked = services.mark_all_read(actor=current_user)
    flash(
        f"Marked {marked} notification{'' if marked == 1 else 's'} as read."
        if marked
        else "Every notification was already read.",
        "success",
    )
    return redirect(url_for("inbox.index"))

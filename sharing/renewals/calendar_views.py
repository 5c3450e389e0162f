"""Calendar feed pages: the page that explains the feed and manages its secret URL, and the
feed itself, which calendar apps fetch without signing in (the token in the URL is the key)."""

from __future__ import annotations

from flask import Response, abort, flash, redirect, render_template, session, url_for
from flask_login import current_user

from sharing.auth.forms import ConfirmForm
from sharing.auth.models import User
from sharing.core.access import roles_required
from sharing.core.clock import now, today
from sharing.core.downloads import content_disposition
from sharing.core.roles import Role
from sharing.errors import DomainError
from sharing.renewals import calendar as feeds
from sharing.renewals.blueprint import bp

# The new URL waits in the session for the one page view that shows it, then is gone.
NEW_URL_KEY = "calendar_feed_url"


def _me() -> User:
    """The signed-in user itself, not the proxy: the service changes its columns."""
    return current_user._get_current_object()


@bp.get("/calendar", endpoint="calendar")
@roles_required(*Role.EVERYONE)
def calendar_page():
    new_url = session.pop(NEW_URL_KEY, None)
    start, end = feeds.feed_window(today())
    return render_template(
        "renewals/calendar.html",
        new_url=new_url,
        created_at=current_user.calendar_token_created_at,
        is_vendor=current_user.role.value == "vendor",
        start=start,
        end=end,
        form=ConfirmForm(),
    )


@bp.post("/calendar/rotate")
@roles_required(*Role.EVERYONE)
def rotate_calendar():
    if not ConfirmForm().validate_on_submit():
        flash("Please confirm the change.", "danger")
        return redirect(url_for("renewals.calendar"))
    token = feeds.rotate_calendar_token(user=_me(), actor=_me(), now=now())
    session[NEW_URL_KEY] = url_for("renewals.feed", token=token, _external=True)
    flash("Your new calendar feed URL is below. Copy it now: it is shown only once.", "success")
    return redirect(url_for("renewals.calendar"))


@bp.post("/calendar/revoke")
@roles_required(*Role.EVERYONE)
def revoke_calendar():
    if not ConfirmForm().validate_on_submit():
        flash("Please confirm the change.", "danger")
        return redirect(url_for("renewals.calendar"))
    try:
        feeds.revoke_calendar_token(user=_me(), actor=_me())
    except DomainError as error:
        flash(error.message, "info")
    else:
        session.pop(NEW_URL_KEY, None)
        flash("Your calendar feed is turned off. Its URL no longer works.", "success")
    return redirect(url_for("renewals.calendar"))


@bp.get("/calendar/<token>.ics")
def feed(token: str):
    """Anonymous on purpose: calendar apps cannot sign in. An unknown, rotated or revoked
    token, or an inactive user, is a plain 404 that says nothing about which it was."""
    user = feeds.user_for_token(token)
    if user is None:
        abort(404)
    body = feeds.build_feed(user=user, today=today(), now=now())
    response = Response(body, mimetype="text/calendar")
    response.headers["Content-Disposition"] = content_disposition("sharing.ics", inline=True)
    # The URL is a secret: no shared cache may keep the feed, and no page may leak it onward.
    response.headers["Cache-Control"] = "private, no-store"
    response.headers["Referrer-Policy"] = "no-referrer"
    response.headers["X-Robots-Tag"] = "noindex, nofollow"
    return response

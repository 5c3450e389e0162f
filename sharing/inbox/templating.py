"""The template global inbox gives every page: the signed-in user's unread count."""

from __future__ import annotations

from flask import Flask
from flask_login import current_user

from sharing.inbox.services import unread_count


def inbox_unread() -> int:
    """Unread notifications of the signed-in user, as the user loader read them; 0 for
    visitors."""
    if not current_user.is_authenticated:
        return 0
    known = getattr(current_user, "unread_notifications", None)
    return known if known is not None else unread_count(user_id=current_user.id)


def init_templating(app: Flask) -> None:
    app.jinja_env.globals["inbox_unread"] = inbox_unread

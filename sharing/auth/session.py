"""Flask-Login wiring. A session names the user and their session generation."""

from __future__ import annotations

from flask import Flask
from sqlalchemy import select

from sharing.extensions import db, login_manager


def load_user_from_session(session_id: str):
    from sharing.auth.models import User
    from sharing.inbox.services import unread_count_of

    user_id, _, generation = session_id.partition(":")
    if not (user_id.isdigit() and generation.isdigit()):
        return None
    # The navigation's unread count comes in the same statement as the user, so that showing
    # it on every page costs no query of its own.
    row = db.session.execute(
        select(User, unread_count_of(User.id)).where(User.id == int(user_id))
    ).first()
    user = row[0] if row else None
    # A bumped generation (sign-out, password change, deactivation) kills copied cookies.
    if user is None or not user.active or user.session_generation != int(generation):
        return None
    user.unread_notifications = row[1]
    return user


def init_login(app: Flask) -> None:
    login_manager.init_app(app)
    login_manager.login_view = "auth.sign_in"
    login_manager.login_message = "Please sign in to continue."
    login_manager.login_message_category = "info"
    login_manager.session_protection = "basic"
    login_manager.user_loader(load_user_from_session)

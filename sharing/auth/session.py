"""Flask-Login wiring. A session names the user and their session generation."""

from __future__ import annotations

from flask import Flask

from sharing.extensions import db, login_manager


def load_user_from_session(session_id: str):
    from sharing.auth.models import User

    user_id, _, generation = session_id.partition(":")
    if not (user_id.isdigit() and generation.isdigit()):
        return None
    user = db.session.get(User, int(user_id))
    # A bumped generation (sign-out, password change, deactivation) kills copied cookies.
    if user is None or not user.active or user.session_generation != int(generation):
        return None
    return user


def init_login(app: Flask) -> None:
    login_manager.init_app(app)
    login_manager.login_view = "auth.sign_in"
    login_manager.login_message = "Please sign in to continue."
    login_manager.login_message_category = "info"
    login_manager.session_protection = "basic"
    login_manager.user_loader(load_user_from_session)

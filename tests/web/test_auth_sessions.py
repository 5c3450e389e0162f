"""Sessions end on sign-out, password change and deactivation: copied cookies are refused."""

from __future__ import annotations

import pytest

from sharing.auth.models import User
from tests.conftest import TEST_PASSWORD
from tests.factories import make_user


@pytest.fixture
def login_as(login_through_form):
    """Tests of signing in sign in through the real form."""
    return login_through_form


COOKIE = "sharing_session"
NEW_PASSWORD = "a brand new passphrase"


def copy_session(source, app):
    """A second browser holding a copy of `source`'s session cookie."""
    other = app.test_client()
    other.set_cookie(COOKIE, source.get_cookie(COOKIE).value)
    return other


def signed_in(client) -> bool:
    response = client.get("/auth/account")
    if response.status_code == 302:
        assert response.headers["Location"].startswith("/auth/sign-in")
        return False
    assert response.status_code == 200
    return True


def sign_in(client, user: User, password: str = TEST_PASSWORD):
    return client.post_form("/auth/sign-in", {"email": user.email, "password": password})


def test_copied_cookie_works_while_the_session_lives(app, client, login_as):
    """The copy is a faithful session: it opens signed-in pages as the same user."""
    user = login_as("privacy")
    other = copy_session(client, app)
    response = other.get("/auth/account")
    assert response.status_code == 200
    assert user.email in response.get_data(as_text=True)


def test_a_browser_without_the_cookie_is_not_signed_in(app, client, login_as):
    """Signing in one browser does not sign in another."""
    login_as("admin")
    assert signed_in(client)
    assert not signed_in(app.test_client())


def test_copied_cookie_is_refused_after_sign_out(app, client, login_as, db):
    """Signing out ends every copy of the session, not just this browser's."""
    login_as("procurement")
    other = copy_session(client, app)
    assert signed_in(other)
    response = client.post_form("/auth/sign-out", {}, from_url="/auth/account")
    assert response.status_code == 302
    assert response.headers["Location"] == "/auth/sign-in"
    assert not signed_in(other)
    assert not signed_in(client)


def test_copied_cookie_is_refused_after_password_change(app, client, login_as, db):
    """Changing the password ends other sessions; the browser that changed it stays signed in."""
    user = login_as("vendor")
    other = copy_session(client, app)
    assert signed_in(other)
    response = client.post_form(
        "/auth/account",
        {"current_password": TEST_PASSWORD, "new_password": NEW_PASSWORD, "confirm": NEW_PASSWORD},
    )
    assert response.status_code == 302
    assert not signed_in(other)
    assert signed_in(client)
    # The old password no longer works; the new one does.
    fresh = app.test_client()
    assert sign_in(fresh, user).status_code == 200
    assert sign_in(fresh, user, NEW_PASSWORD).status_code == 302


def test_rejected_password_change_keeps_every_session(app, client, login_as):
    """A wrong current password changes nothing, so copies keep working."""
    login_as("privacy")
    other = copy_session(client, app)
    response = client.post_form(
        "/auth/account",
        {
            "current_password": "not my password",
            "new_password": NEW_PASSWORD,
            "confirm": NEW_PASSWORD,
        },
    )
    assert response.status_code == 200
    assert "This is not your current password." in response.get_data(as_text=True)
    assert signed_in(other)


def test_sessions_are_refused_after_deactivation(app, client, login_as, db):
    """An admin deactivating a user ends all of that user's sessions at once."""
    user = login_as("vendor")
    other = copy_session(client, app)
    admin = make_user("admin", password=TEST_PASSWORD)
    admin_client = app.test_client()
    assert sign_in(admin_client, admin).status_code == 302
    response = admin_client.post_form(
        f"/auth/users/{user.id}/deactivate", {}, from_url=f"/auth/users/{user.id}"
    )
    assert response.status_code == 302
    assert not signed_in(client)
    assert not signed_in(other)
    assert signed_in(admin_client)
    # Nor can the deactivated user sign in again.
    assert sign_in(app.test_client(), user).status_code == 200


def test_reactivated_user_signs_in_afresh_and_old_cookies_stay_dead(app, client, login_as, db):
    """Reactivation does not revive sessions that deactivation ended."""
    user = login_as("privacy")
    stale = copy_session(client, app)
    admin = make_user("admin", password=TEST_PASSWORD)
    admin_client = app.test_client()
    sign_in(admin_client, admin)
    for action in ("deactivate", "activate"):
        admin_client.post_form(
            f"/auth/users/{user.id}/{action}", {}, from_url=f"/auth/users/{user.id}"
        )
    db.session.expire_all()
    assert db.session.get(User, user.id).active is True
    assert not signed_in(stale)
    fresh = app.test_client()
    assert sign_in(fresh, user).status_code == 302
    assert signed_in(fresh)


def test_session_cookie_is_http_only_and_same_site(client, login_as):
    """Scripts cannot read the session cookie and other sites cannot send it on posts."""
    login_as("admin")
    cookie = client.get_cookie(COOKIE)
    assert cookie.http_only
    assert cookie.same_site == "Lax"

"""The user page shows a user's sign-in limit and an administrator can clear it; the
address counted is the proxy's client only when ProxyFix is configured."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from sharing.audit.models import AuditEvent
from sharing.auth.models import SignInFailure
from sharing.extensions import db
from tests.conftest import TEST_PASSWORD
from tests.factories import make_sign_in_failures, make_user

SIGN_IN = "/auth/sign-in"


def slowed_user():
    user = make_user("privacy", password=TEST_PASSWORD)
    make_sign_in_failures(user.email, 12)
    return user


def test_the_user_page_shows_the_sign_in_limit(client, login_as):
    """Failures since the last success and the time the account is slowed down until."""
    user = slowed_user()
    login_as("admin")
    page = client.get(f"/auth/users/{user.id}").get_data(as_text=True)
    assert "12 failed sign-ins since the last successful one." in page
    assert "Slowed down until" in page
    assert "Clear sign-in limit" in page
    quiet = make_user("privacy")
    page = client.get(f"/auth/users/{quiet.id}").get_data(as_text=True)
    assert "No failed sign-ins since the last successful one." in page
    assert "Clear sign-in limit" not in page


def test_an_admin_clears_a_sign_in_limit_and_it_is_audited(client, login_as):
    """POST with CSRF clears the failures; the event names who, what, and before/after."""
    user = slowed_user()
    admin = login_as("admin")
    url = f"/auth/users/{user.id}/sign-in-limit/clear"
    assert client.post(url).status_code == 400  # no CSRF token
    response = client.post_form(url, from_url=f"/auth/users/{user.id}")
    assert response.status_code == 302
    assert response.headers["Location"] == f"/auth/users/{user.id}"
    assert db.session.scalars(select(SignInFailure)).all() == []
    (event,) = db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "user.sign_in_limit_cleared")
    )
    assert (event.actor_id, event.object_id) == (admin.id, str(user.id))
    assert event.changes["sign_in_failures"] == {"before": 12, "after": 0}
    assert event.changes["sign_in_slowed_until"]["before"] is not None
    assert event.changes["sign_in_slowed_until"]["after"] is None
    page = client.get(f"/auth/users/{user.id}").get_data(as_text=True)
    assert "No failed sign-ins since the last successful one." in page


@pytest.mark.parametrize("role", ["privacy", "procurement", "vendor"])
def test_only_admins_clear_a_sign_in_limit(client, login_as, role):
    """Other roles get 403 and the failures stay."""
    user = slowed_user()
    login_as(role)
    response = client.post_form(f"/auth/users/{user.id}/sign-in-limit/clear", from_url="/")
    assert response.status_code == 403
    assert len(db.session.scalars(select(SignInFailure)).all()) == 12


def fail_ten_then_sign_in(client, user, *, attacker: str, owner: str) -> int:
    for _ in range(10):
        client.post_form(
            SIGN_IN,
            {"email": user.email, "password": "wrong password"},
            headers={"X-Forwarded-For": attacker},
        )
    response = client.post_form(
        SIGN_IN,
        {"email": user.email, "password": TEST_PASSWORD},
        headers={"X-Forwarded-For": owner},
    )
    return response.status_code


@pytest.mark.parametrize(
    ("app_config", "counted", "status"),
    [
        ({"PROXY_FIX_X_FOR": 1}, "203.0.113.9", 302),
        ({"PROXY_FIX": True}, "203.0.113.9", 302),
        ({"PROXY_FIX_X_FOR": 0}, "127.0.0.1", 429),
    ],
    ids=["proxy-fix-one-proxy", "proxy-fix-older-switch", "no-proxy-fix"],
)
def test_proxy_fix_decides_which_address_is_counted(client, db, counted, status):
    """With ProxyFix the client address from X-Forwarded-For is counted, so the owner at
    another address still signs in; without it the header is ignored and every request
    counts as the connecting address."""
    user = make_user("admin", password=TEST_PASSWORD)
    assert fail_ten_then_sign_in(client, user, attacker="203.0.113.9", owner="198.51.100.7") == (
        status
    )
    ips = {row.ip for row in db.session.scalars(select(SignInFailure))}
    assert ips == ({counted} if status == 429 else set())
    if status == 302:  # the failures were counted for the attacker's address
        events = db.session.scalars(
            select(AuditEvent).where(AuditEvent.action == "auth.sign_in_failed")
        ).all()
        assert {e.ip for e in events} == {counted}

"""The sign-in page: rate limiting, no user enumeration, auditing, and safe redirects."""

from __future__ import annotations

import re
from datetime import datetime, timedelta

import pytest
from sqlalchemy import func, select

from sharing.audit.models import AuditEvent
from sharing.auth import views as auth_views
from sharing.auth.models import SignInFailure, User
from sharing.core.clock import now
from tests.conftest import TEST_PASSWORD
from tests.factories import make_user


@pytest.fixture
def login_as(login_through_form):
    """Tests of signing in sign in through the real form."""
    return login_through_form


SIGN_IN = "/auth/sign-in"
_ALERT = re.compile(r'<div class="alert alert-(\w+)" role="\w+">([^<]*)</div>')


def sign_in(client, email: str, password: str, **kw):
    return client.post_form(SIGN_IN, {"email": email, "password": password}, **kw)


def alerts(response) -> list[tuple[str, str]]:
    return _ALERT.findall(response.get_data(as_text=True))


def audited(db, action: str) -> list[AuditEvent]:
    return list(db.session.scalars(select(AuditEvent).where(AuditEvent.action == action)))


def test_successful_sign_in_records_last_sign_in_and_audits_it(client, db):
    """A good password redirects home, sets last_sign_in_at and writes auth.signed_in."""
    user = make_user("procurement", password=TEST_PASSWORD)
    response = sign_in(client, user.email, TEST_PASSWORD)
    assert response.status_code == 302
    assert response.headers["Location"] == "/"
    db.session.expire_all()
    assert db.session.get(User, user.id).last_sign_in_at is not None
    (event,) = audited(db, "auth.signed_in")
    assert event.actor_id == user.id
    assert event.ip == "127.0.0.1"


def test_unknown_email_and_wrong_password_get_the_same_answer(client, db):
    """No user enumeration: same status and same message; both audited as sign_in_failed."""
    user = make_user("admin", password=TEST_PASSWORD)
    unknown = sign_in(client, "nobody@example.org", TEST_PASSWORD)
    wrong = sign_in(client, user.email, "not the password")
    assert unknown.status_code == wrong.status_code == 200
    assert alerts(unknown) == alerts(wrong) == [("danger", "Incorrect email or password.")]
    # Apart from the echoed email, the two pages are identical.
    page = re.compile(r'value="[^"]*"')
    assert page.sub("", unknown.get_data(as_text=True)) == page.sub(
        "", wrong.get_data(as_text=True)
    )
    events = audited(db, "auth.sign_in_failed")
    assert len(events) == 2
    assert [e.summary for e in events] == [
        "Failed sign-in for nobody@example.org",
        f"Failed sign-in for {user.email}",
    ]


def test_deactivated_account_gets_the_wrong_password_answer(client, db):
    """An inactive account is not revealed: the right password fails like a wrong one."""
    user = make_user("privacy", password=TEST_PASSWORD, active=False)
    response = sign_in(client, user.email, TEST_PASSWORD)
    assert response.status_code == 200
    assert alerts(response) == [("danger", "Incorrect email or password.")]
    assert client.get("/auth/account").status_code == 302


class Clock:
    """The sign-in page's clock, moved by the test instead of waiting."""

    def __init__(self) -> None:
        self.moment = now()

    def __call__(self) -> datetime:
        return self.moment

    def advance(self, seconds: float) -> None:
        self.moment += timedelta(seconds=seconds)


@pytest.fixture
def clock(monkeypatch) -> Clock:
    fake = Clock()
    monkeypatch.setattr(auth_views, "now", fake)
    return fake


def test_ten_failures_against_one_account_slow_it_with_retry_after(client, db, clock):
    """The eleventh attempt, even with the right password, is refused with 429, a
    Retry-After in seconds and the sign-in page saying when to try again."""
    user = make_user("admin", password=TEST_PASSWORD)
    for _ in range(10):
        assert sign_in(client, user.email, "wrong password").status_code == 200
    response = sign_in(client, user.email, TEST_PASSWORD)
    assert response.status_code == 429
    assert response.headers["Retry-After"] == "5"
    assert alerts(response) == [("warning", "Too many failed sign-ins. Try again in 5 seconds.")]
    assert 'id="sign-in-form"' in response.get_data(as_text=True)
    assert client.get("/auth/account").status_code == 302
    assert audited(db, "auth.signed_in") == []


def test_the_delay_grows_with_each_further_failure(client, db, clock):
    """After the wait, another wrong password doubles it: 5 s, then 10 s, then 20 s; the
    page speaks in minutes once the wait is a minute or more."""
    user = make_user("admin", password=TEST_PASSWORD)
    for _ in range(10):
        sign_in(client, user.email, "wrong password")
    waits = []
    for _ in range(3):
        waits.append(int(sign_in(client, user.email, "wrong password").headers["Retry-After"]))
        clock.advance(waits[-1])
        assert sign_in(client, user.email, "wrong password").status_code == 200
    assert waits == [5, 10, 20]
    for _ in range(3):  # 40, 80, then 160 seconds
        clock.advance(int(sign_in(client, user.email, "x" * 12).headers["Retry-After"]))
        sign_in(client, user.email, "wrong password")
    response = sign_in(client, user.email, TEST_PASSWORD)
    assert response.headers["Retry-After"] == "320"
    assert alerts(response) == [("warning", "Too many failed sign-ins. Try again in 6 minutes.")]


def test_the_delay_ends_with_time_and_a_correct_password_signs_in_and_clears(client, db, clock):
    """Once the wait is over the right password signs in, and the failures are forgotten."""
    user = make_user("admin", password=TEST_PASSWORD)
    for _ in range(10):
        sign_in(client, user.email, "wrong password")
    assert sign_in(client, user.email, TEST_PASSWORD).status_code == 429
    clock.advance(5)
    assert sign_in(client, user.email, TEST_PASSWORD).status_code == 302
    assert db.session.scalar(select(func.count()).select_from(SignInFailure)) == 0


def test_fifty_failures_for_other_accounts_from_one_address_do_not_stop_a_correct_sign_in(
    client, db
):
    """Guesses at other accounts from this address (or from everyone behind one proxy)
    never stop this account's correct password."""
    user = make_user("admin", password=TEST_PASSWORD)
    for n in range(50):
        assert sign_in(client, f"guess{n}@example.org", "wrong password").status_code == 200
    response = sign_in(client, user.email, TEST_PASSWORD)
    assert response.status_code == 302
    assert client.get("/auth/account").status_code == 200


def test_sign_in_form_needs_csrf(client, db):
    """A sign-in post without the CSRF token is refused and not counted as an attempt."""
    user = make_user("admin", password=TEST_PASSWORD)
    response = client.post(SIGN_IN, data={"email": user.email, "password": TEST_PASSWORD})
    assert response.status_code == 400
    assert client.get("/auth/account").status_code == 302


@pytest.mark.parametrize(
    ("next_url", "location"),
    [
        ("/auth/account", "/auth/account"),
        ("https://evil.example/", "/"),
        ("//evil.example/", "/"),
        ("/\\evil.example", "/"),
    ],
)
def test_sign_in_follows_only_same_site_next_links(client, next_url, location):
    """After sign-in only relative paths on this site are followed; others go home."""
    user = make_user("privacy", password=TEST_PASSWORD)
    response = client.post_form(
        f"{SIGN_IN}?next={next_url}", {"email": user.email, "password": TEST_PASSWORD}
    )
    assert response.status_code == 302
    assert response.headers["Location"] == location


def test_anonymous_visit_to_a_page_returns_there_after_sign_in(client):
    """The redirect to sign-in carries the page, and signing in goes back to it."""
    user = make_user("admin", password=TEST_PASSWORD)
    redirect = client.get("/auth/users")
    assert redirect.status_code == 302
    login_page = redirect.headers["Location"]
    assert login_page.startswith(SIGN_IN)
    response = client.post_form(
        login_page, {"email": user.email, "password": TEST_PASSWORD}, from_url=SIGN_IN
    )
    assert response.headers["Location"] == "/auth/users"


def test_signed_in_user_visiting_sign_in_goes_home(client, login_as):
    """The sign-in page is not shown to someone already signed in."""
    login_as("vendor")
    response = client.get(SIGN_IN)
    assert response.status_code == 302
    assert response.headers["Location"] == "/"


def test_sign_out_needs_a_post_with_csrf(client, login_as):
    """A link or a forged post cannot sign someone out."""
    login_as("admin")
    assert client.get("/auth/sign-out").status_code == 405
    assert client.post("/auth/sign-out").status_code == 400
    assert client.get("/auth/account").status_code == 200

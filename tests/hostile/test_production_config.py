"""The production configuration as deployed (SHARING_ENV=production and a secret key): cookies
on a real sign-in over HTTPS, the session lifetime enforced, the upload limit, the headers and
the password-hash cost. tests/web/test_app_security.py covers the rest and is not repeated."""

from __future__ import annotations

import io
import time
from datetime import timedelta

import pytest
from argon2 import Type
from argon2.exceptions import InvalidHashError

from sharing import create_app
from sharing.auth.passwords import hash_password, hasher
from sharing.config import ConfigurationError
from sharing.extensions import db as _db
from tests.conftest import TEST_PASSWORD, CSRFClient, extract_csrf

HTTPS = "https://localhost"
# OWASP Password Storage Cheat Sheet, argon2id: at least 19 MiB of memory and 2 passes.
OWASP_MEMORY_KIB, OWASP_TIME_COST = 19 * 1024, 2


@pytest.fixture
def production_env(monkeypatch):
    """Only the settings this module passes count: no SHARING_* variable may interfere."""
    for name in ("SHARING_SECRET_KEY", "SHARING_TESTING", "SHARING_ENV", "SHARING_SESSION_HOURS"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("SHARING_ENV", "production")


@pytest.fixture
def production(production_env, database_url, tmp_path, monkeypatch):
    """The app as production builds it, with the secret key from the environment."""
    monkeypatch.setenv("SHARING_SECRET_KEY", "s" * 64)
    application = create_app({"DATABASE_URL": database_url, "UPLOAD_DIR": str(tmp_path / "files")})
    # Each request runs in a fresh context (as CSRFClient does), so no `g` is shared.
    application.test_client_class = CSRFClient
    with application.app_context():
        yield application
        _db.session.remove()
        _db.engine.dispose()


@pytest.fixture
def signed_in(production):
    """An HTTPS client signed in as an admin through the real sign-in form; returns
    (client, the sign-in response)."""
    from tests.factories import make_user

    user = make_user(role="admin", password=TEST_PASSWORD)
    _db.session.commit()
    client = production.test_client()
    page = client.get("/auth/sign-in", base_url=HTTPS)
    form = {"email": user.email, "password": TEST_PASSWORD, "csrf_token": extract_csrf(page.text)}
    response = client.post(
        "/auth/sign-in", data=form, base_url=HTTPS, headers={"Referer": f"{HTTPS}/auth/sign-in"}
    )
    assert response.status_code == 302, response.text[:500]
    return client, response


def _account_status(client) -> int:
    return client.get("/auth/account", base_url=HTTPS).status_code


def test_production_is_the_default_and_refuses_a_blank_secret(production_env, database_url):
    """With no SHARING_ENV the app is in production, and an empty secret is no secret."""
    with pytest.raises(ConfigurationError, match="secret key"):
        create_app({"DATABASE_URL": database_url, "SECRET_KEY": ""})


def test_sign_in_sets_a_secure_httponly_lax_session_cookie_and_no_remember_cookie(signed_in):
    """The cookie a real sign-in sets is Secure, HttpOnly and SameSite=Lax, lives only as long
    as the browser session, and no long-lived remember-me cookie is ever issued."""
    client, response = signed_in
    cookies = response.headers.getlist("Set-Cookie")
    session = [c for c in cookies if c.startswith("sharing_session=")]
    assert len(session) == 1
    assert "; Secure" in session[0] and "; HttpOnly" in session[0]
    assert "SameSite=Lax" in session[0]
    assert "Expires=" not in session[0] and "Max-Age" not in session[0]
    assert not any(c.startswith("remember_token=") for c in cookies)
    assert _account_status(client) == 200


def test_remember_cookie_flags_are_secure_should_one_ever_be_set(production):
    """Flask-Login's remember cookie, if a future change issued it, would be Secure and HttpOnly."""
    cfg = production.config
    assert (cfg["REMEMBER_COOKIE_SECURE"], cfg["REMEMBER_COOKIE_HTTPONLY"]) == (True, True)
    assert cfg["REMEMBER_COOKIE_SAMESITE"] == "Lax"


def test_session_lifetime_is_a_working_day_and_is_enforced(signed_in, production, monkeypatch):
    """SESSION_HOURS (8) bounds a session: the server refuses a cookie signed longer ago."""
    lifetime = production.config["PERMANENT_SESSION_LIFETIME"]
    assert lifetime == timedelta(hours=production.config["SESSION_HOURS"])
    assert timedelta(hours=1) <= lifetime <= timedelta(hours=12)
    client, _ = signed_in
    stale = production.test_client()
    stale.set_cookie("sharing_session", client.get_cookie("sharing_session").value)
    real = time.time()

    monkeypatch.setattr(time, "time", lambda: real + lifetime.total_seconds() - 60)
    assert _account_status(client) == 200
    monkeypatch.setattr(time, "time", lambda: real + lifetime.total_seconds() + 60)
    assert _account_status(stale) == 302


def test_upload_limit_covers_every_file_kind_and_answers_413(signed_in, production):
    """The request limit sits above each per-kind file limit (so their own messages can be
    shown), and a larger upload to a real upload page gets 413 with the friendly page."""
    cfg = production.config
    limit = cfg["MAX_CONTENT_LENGTH"]
    assert 0 < limit <= 50 * 1024 * 1024
    for key in ("EVIDENCE_MAX_BYTES", "IMPORT_MAX_BYTES", "AGREEMENT_SIGNED_MAX_BYTES"):
        assert cfg[key] < limit, key
    client, _ = signed_in
    token = extract_csrf(client.get("/reports/imports", base_url=HTTPS).text)
    body = {"csrf_token": token, "file": (io.BytesIO(b"x" * (limit + 1)), "big.csv")}

    response = client.post(
        "/reports/imports",
        data=body,
        base_url=HTTPS,
        headers={"Referer": f"{HTTPS}/reports/imports"},
    )

    assert response.status_code == 413
    assert f"larger than the {limit / (1024 * 1024):.1f} MB limit" in response.text


def test_production_responses_carry_hsts_for_a_year_and_a_strict_csp(signed_in):
    """HSTS lasts at least a year; the CSP blocks plugins, base-tag hijacks and foreign posts."""
    client, _ = signed_in
    for url in ("/", "/auth/account", "/no-such-page"):
        headers = client.get(url, base_url=HTTPS).headers
        assert int(headers["Strict-Transport-Security"].split("max-age=")[1].split(";")[0]) >= (
            365 * 24 * 3600
        )
        csp = dict(
            part.strip().split(" ", 1) for part in headers["Content-Security-Policy"].split(";")
        )
        assert csp["object-src"] == "'none'" and csp["frame-ancestors"] == "'none'"
        assert csp["base-uri"] == "'self'" and csp["form-action"] == "'self'"
        assert "unsafe" not in headers["Content-Security-Policy"]
        assert headers["X-Content-Type-Options"] == "nosniff"
        assert headers["X-Frame-Options"] == "DENY"
        assert headers["Referrer-Policy"] == "strict-origin-when-cross-origin"
        assert headers["Cache-Control"] == "no-store"


def test_password_hashes_use_argon2id_at_or_above_the_owasp_minimum(production):
    """Production hashes with argon2id, at least 19 MiB and 2 passes (OWASP's minimum), and the
    stored hash records those parameters."""
    assert (
        "ARGON2_PARAMETERS" not in production.config or not production.config["ARGON2_PARAMETERS"]
    )
    ph = hasher()
    assert ph.type is Type.ID
    assert ph.memory_cost >= OWASP_MEMORY_KIB
    assert ph.time_cost >= OWASP_TIME_COST
    assert ph.parallelism >= 1

    stored = hash_password("a long enough passphrase")
    assert stored.startswith(
        f"$argon2id$v=19$m={ph.memory_cost},t={ph.time_cost},p={ph.parallelism}$"
    )
    with pytest.raises(InvalidHashError):
        ph.verify("plain-text-password", "a long enough passphrase")

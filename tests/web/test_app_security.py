"""App-wide security settings: secret key, cookies, limits, headers, error pages, health check."""

from __future__ import annotations

import logging
import re
from pathlib import Path

import pytest
from flask import abort

from sharing import create_app
from sharing.config import ConfigurationError
from sharing.errors import Conflict, Gone, TooManyRequests
from sharing.extensions import db as _db
from tests.conftest import base_config

TEMPLATES = Path(__file__).resolve().parents[2] / "templates"


@pytest.fixture
def production_env(monkeypatch):
    """No SHARING_* variable may supply the secret key or switch testing on behind our back."""
    for name in ("SHARING_SECRET_KEY", "SHARING_TESTING", "SHARING_ENV"):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
def production_app(production_env, database_url):
    application = create_app(
        {"ENV": "production", "SECRET_KEY": "k" * 64, "DATABASE_URL": database_url}
    )
    yield application
    with application.app_context():
        _db.engine.dispose()


def assert_friendly_page(response, status: int, title: str) -> str:
    html = response.get_data(as_text=True)
    assert response.status_code == status
    assert response.mimetype == "text/html"
    assert f"<title>{title} · City Privacy Office</title>" in html
    assert f"Error {status}" in html
    assert "Traceback" not in html
    assert 'id="main"' in html  # the page extends base.html
    return html


# -- Configuration ------------------------------------------------------------------------


def test_production_refuses_to_start_without_a_secret_key(production_env, database_url):
    """create_app in production with no SECRET_KEY raises ConfigurationError."""
    with pytest.raises(ConfigurationError, match="secret key"):
        create_app({"ENV": "production", "DATABASE_URL": database_url})


def test_production_cookies_are_secure_httponly_and_samesite_lax(production_app):
    """Session and remember-me cookies are Secure, HttpOnly and SameSite=Lax in production."""
    cfg = production_app.config
    assert cfg["SESSION_COOKIE_SECURE"] is True
    assert cfg["SESSION_COOKIE_HTTPONLY"] is True
    assert cfg["SESSION_COOKIE_SAMESITE"] == "Lax"
    assert cfg["REMEMBER_COOKIE_SECURE"] is True
    assert cfg["REMEMBER_COOKIE_HTTPONLY"] is True
    assert cfg["REMEMBER_COOKIE_SAMESITE"] == "Lax"

    response = production_app.test_client().get("/auth/sign-in")

    cookie = response.headers["Set-Cookie"]
    assert cookie.startswith("sharing_session=")
    assert "; Secure" in cookie
    assert "; HttpOnly" in cookie
    assert "SameSite=Lax" in cookie
    assert response.headers["Strict-Transport-Security"].startswith("max-age=")


def test_request_size_is_limited(app):
    """MAX_CONTENT_LENGTH is set to a finite limit by default."""
    assert app.config["MAX_CONTENT_LENGTH"] == 25 * 1024 * 1024


def test_too_large_post_gives_413_with_the_friendly_page_naming_the_limit(app, client):
    """A body over MAX_CONTENT_LENGTH is refused with 413 and the friendly page, which says
    how large an upload may be."""
    body = b"x" * (app.config["MAX_CONTENT_LENGTH"] + 1)

    response = client.post(
        "/auth/sign-in", data=body, content_type="application/x-www-form-urlencoded"
    )

    html = assert_friendly_page(response, 413, "Too large")
    assert "larger than the 25.0 MB limit" in html


# -- Headers ------------------------------------------------------------------------------


def test_security_headers_are_on_every_response(client):
    """CSP forbids framing and inline script; nosniff and a referrer policy are set."""
    for url in ("/auth/sign-in", "/healthz", "/no-such-page"):
        headers = client.get(url).headers
        csp = headers["Content-Security-Policy"]
        assert "frame-ancestors 'none'" in csp
        assert "default-src 'self'" in csp
        assert "unsafe-inline" not in csp
        assert headers["X-Content-Type-Options"] == "nosniff"
        assert headers["Referrer-Policy"] == "strict-origin-when-cross-origin"
        assert headers["X-Frame-Options"] == "DENY"


def test_signed_in_pages_are_never_cached(client, login_as):
    """Pages for a signed-in user carry Cache-Control: no-store."""
    login_as("privacy")

    for url in ("/", "/auth/account", "/audit/"):
        assert client.get(url).headers["Cache-Control"] == "no-store"


def test_request_id_is_echoed_only_when_well_formed(client):
    """A sane X-Request-ID is echoed; anything else is replaced by a generated id."""
    good = client.get("/healthz", headers={"X-Request-ID": "abc-12345678"})
    bad = client.get("/healthz", headers={"X-Request-ID": "<script>alert(1)</script>"})

    assert good.headers["X-Request-ID"] == "abc-12345678"
    assert re.fullmatch(r"[0-9a-f]{16}", bad.headers["X-Request-ID"])


# -- Error pages --------------------------------------------------------------------------


@pytest.fixture
def error_routes(app):
    """Test-only routes that fail in each way; added before the app's first request."""

    def raise_domain(status: int):
        raise {409: Conflict, 410: Gone, 429: TooManyRequests}[status]()

    def abort_with(status: int):
        abort(status)

    def explode():
        raise RuntimeError("secret detail")

    app.add_url_rule("/_test/domain/<int:status>", "test_domain", raise_domain)
    app.add_url_rule("/_test/abort/<int:status>", "test_abort", abort_with)
    app.add_url_rule("/_test/explode", "test_explode", explode)
    app.config["PROPAGATE_EXCEPTIONS"] = False
    return app


def test_csrf_failure_gives_the_friendly_400_page(client):
    """A form posted without its CSRF token gets 400 and a plain explanation."""
    response = client.post("/auth/sign-in", data={"email": "a@example.org", "password": "x"})

    html = assert_friendly_page(response, 400, "Bad request")
    assert "The form expired" in html


def test_forbidden_gives_the_friendly_403_page(client, login_as):
    """A role without access sees the 403 page."""
    login_as("vendor")

    assert_friendly_page(client.get("/audit/"), 403, "Not allowed")


def test_unknown_address_gives_the_friendly_404_page(client):
    """An unknown URL gives the 404 page."""
    assert_friendly_page(client.get("/no-such-page"), 404, "Not found")


@pytest.mark.parametrize(
    ("status", "title"),
    [(409, "Conflict"), (410, "No longer available"), (429, "Too many attempts")],
)
@pytest.mark.own_app
def test_domain_errors_and_aborts_give_friendly_pages(error_routes, client, status, title):
    """409, 410 and 429 render the friendly template, from a DomainError or from abort()."""
    assert_friendly_page(client.get(f"/_test/domain/{status}"), status, title)
    assert_friendly_page(client.get(f"/_test/abort/{status}"), status, title)


@pytest.mark.own_app
def test_unhandled_exception_gives_500_without_any_detail(error_routes, client, caplog):
    """A crash shows the friendly 500 page with no traceback or message, and is logged."""
    with caplog.at_level(logging.ERROR):
        response = client.get("/_test/explode")

    html = assert_friendly_page(response, 500, "Something went wrong")
    assert "secret detail" not in html
    assert "RuntimeError" not in html
    assert any("secret detail" in (r.exc_text or "") for r in caplog.records)


@pytest.mark.own_app
def test_errors_are_json_for_clients_that_ask_for_json(error_routes, client):
    """A client that prefers JSON gets a JSON error body without details."""
    response = client.get("/_test/explode", headers={"Accept": "application/json"})

    assert response.status_code == 500
    assert response.json == {
        "error": "Something went wrong",
        "message": "An unexpected error occurred. It has been logged.",
    }


# -- Health check -------------------------------------------------------------------------


def test_healthz_is_200_json_when_the_database_answers(client):
    """The health check reports ok when SELECT 1 succeeds."""
    response = client.get("/healthz")

    assert response.status_code == 200
    assert response.json == {"status": "ok", "database": "ok"}


@pytest.mark.parametrize(
    "url",
    ["postgresql://x:y@127.0.0.1:1/none", "sqlite:////nonexistent-directory-for-tests/x.db"],
    ids=["postgresql", "sqlite"],
)
def test_healthz_is_503_when_the_database_does_not_answer(tmp_path, url):
    """An unreachable database makes the health check answer 503 with JSON, not crash."""
    unhealthy = create_app(base_config(url, tmp_path))

    response = unhealthy.test_client().get("/healthz")

    assert response.status_code == 503
    assert response.json == {"status": "error", "database": "unreachable"}
    with unhealthy.app_context():
        _db.engine.dispose()


# -- Assets -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "path",
    ["/bootstrap/static/css/bootstrap.min.css", "/bootstrap/static/js/bootstrap.min.js"],
)
def test_bootstrap_is_served_by_the_app_itself(client, path):
    """Bootstrap's CSS and JS come from the app, so the CSP needs no outside host."""
    response = client.get(path)

    assert response.status_code == 200
    assert len(response.data) > 10_000


def test_base_template_references_no_external_host(client, login_as):
    """Neither base.html nor a rendered page loads anything from another host."""
    source = (TEMPLATES / "base.html").read_text()
    assert not re.search(r"""(?:src|href)\s*=\s*["']?(?:https?:)?//""", source)

    login_as("admin")
    html = client.get("/").get_data(as_text=True)
    references = re.findall(r"""(?:src|href)="([^"]*)\"""", html)
    assert references
    assert all(ref.startswith(("/", "#")) and not ref.startswith("//") for ref in references)

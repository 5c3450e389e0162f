"""Fixtures: a migrated database per test, a CSRF-aware client, login_as(role), an SMTP server.

SQLite (the default): the schema is migrated once into a template file, which each test copies.
PostgreSQL (SHARING_DATABASE_URL set): migrated once; every table is truncated after each test.
"""

from __future__ import annotations

import contextvars
import os
import re
import shutil
import socket
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask, has_app_context
from flask.testing import FlaskClient
from sqlalchemy import text

from sharing import create_app
from sharing.extensions import db as _db

POSTGRES_URL = os.environ.get("SHARING_DATABASE_URL", "")
USING_POSTGRES = POSTGRES_URL.startswith(("postgres://", "postgresql"))
TEST_PASSWORD = "correct horse battery staple"
pytest_plugins = ["tests.ci_guard"]
FAST_ARGON2 = {"time_cost": 1, "memory_cost": 1024, "parallelism": 1}

_CSRF = re.compile(
    r'name="csrf_token" type="hidden" value="([^"]+)"|name="csrf_token" value="([^"]+)"'
)


# -- Configuration and database ----------------------------------------------------------


def base_config(database_url: str, tmp_path: Path, **overrides) -> dict:
    config = {
        "TESTING": True,
        "ENV": "production",  # production rules, with TESTING relaxing only the secret and cookies
        "SECRET_KEY": "test-secret-key-not-for-production",
        "DATABASE_URL": database_url,
        "UPLOAD_DIR": str(tmp_path / "files"),
        "ARGON2_PARAMETERS": FAST_ARGON2,
        "BASE_URL": "http://localhost",
        "SERVER_NAME": None,
        "WTF_CSRF_ENABLED": True,
        "IMPORT_BACKGROUND": False,  # imports run in the request; one test opts into the thread
    }
    config.update(overrides)
    return config


def _migrate(url: str, tmp_path: Path) -> None:
    from flask_migrate import upgrade

    app = create_app(base_config(url, tmp_path))
    with app.app_context():
        if USING_POSTGRES:
            _reset_postgres()
        upgrade()
        _db.engine.dispose()


def _reset_postgres() -> None:
    with _db.engine.begin() as conn:
        conn.execute(text("DROP SCHEMA public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))


@pytest.fixture(scope="session")
def database_template(tmp_path_factory) -> str:
    """A migrated database: a template file for SQLite, the live database for PostgreSQL."""
    base = tmp_path_factory.mktemp("template")
    if USING_POSTGRES:
        _migrate(POSTGRES_URL, base)
        return POSTGRES_URL
    path = base / "template.db"
    _migrate(f"sqlite:///{path}", base)
    return str(path)


@pytest.fixture
def database_url(database_template: str, tmp_path: Path) -> str:
    if USING_POSTGRES:
        return database_template
    path = tmp_path / "test.db"
    shutil.copyfile(database_template, path)
    return f"sqlite:///{path}"


def _truncate_all(app: Flask) -> None:
    with app.app_context():
        _db.session.remove()
        tables = ", ".join(f'"{t.name}"' for t in _db.metadata.sorted_tables)
        with _db.engine.begin() as conn:
            conn.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))


@pytest.fixture
def app_config() -> dict:
    """Override in a test module (or parametrize) to change configuration."""
    return {}


@pytest.fixture
def app(database_url: str, tmp_path: Path, app_config: dict) -> Iterator[Flask]:
    application = create_app(base_config(database_url, tmp_path, **app_config))
    ctx = application.app_context()
    ctx.push()
    try:
        yield application
    finally:
        _db.session.remove()
        ctx.pop()
        if USING_POSTGRES:
            _truncate_all(application)
        with application.app_context():
            _db.engine.dispose()


@pytest.fixture
def db(app: Flask):
    return _db


# -- Web client -------------------------------------------------------------------------


class CSRFClient(FlaskClient):
    """The test client with CSRF on: form posts carry the token from the page they came from.

    Each request runs as it would on a server: in a fresh context, so it gets its own app
    context, `g`, CSRF token cache, signed-in user and database session. The test's own
    session is committed first, so that its transaction (and SQLite's write lock) is closed
    and the objects it holds reload with whatever the request changed.
    """

    def open(self, *args, **kwargs):
        if has_app_context():
            _db.session.commit()
        # Buffered, so a streamed body is read (and its context popped) inside that context.
        kwargs.setdefault("buffered", True)
        return contextvars.Context().run(super().open, *args, **kwargs)

    def csrf_token(self, from_url: str = "/auth/sign-in") -> str:
        page = self.get(from_url)
        token = extract_csrf(page.get_data(as_text=True))
        if token is None:
            # Signed-in pages always carry the sign-out form's token.
            token = extract_csrf(self.get("/auth/account").get_data(as_text=True))
        assert token, f"no CSRF token found on {from_url}"
        return token

    def post_form(self, url: str, data: dict | None = None, *, from_url: str | None = None, **kw):
        payload = dict(data or {})
        payload.setdefault("csrf_token", self.csrf_token(from_url or url))
        return self.post(url, data=payload, **kw)


def extract_csrf(html: str) -> str | None:
    match = _CSRF.search(html)
    return (match.group(1) or match.group(2)) if match else None


@pytest.fixture
def client(app: Flask) -> CSRFClient:
    app.test_client_class = CSRFClient
    return app.test_client()  # type: ignore[return-value]


@pytest.fixture
def login_as(client: CSRFClient, app: Flask):
    """Create a user of the given role and sign the client in as them."""
    from tests.factories import make_user

    def _login(role: str = "admin", **overrides):
        user = make_user(role=role, password=TEST_PASSWORD, **overrides)
        response = client.post_form(
            "/auth/sign-in", {"email": user.email, "password": TEST_PASSWORD}
        )
        assert response.status_code == 302, response.get_data(as_text=True)[:500]
        return user

    return _login


# -- SMTP ---------------------------------------------------------------------------------


class _Collector:
    def __init__(self) -> None:
        self.messages: list = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd protocol
        from email import message_from_bytes
        from email.policy import default

        self.messages.append(
            {
                "from": envelope.mail_from,
                "to": list(envelope.rcpt_tos),
                "message": message_from_bytes(envelope.content, policy=default),
            }
        )
        return "250 OK"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def smtp_server():
    """A real SMTP server on loopback; `.messages` holds what it received."""
    from aiosmtpd.controller import Controller

    collector = _Collector()
    # aiosmtpd probes its own port at start-up, so it needs a real one, not 0.
    controller = Controller(collector, hostname="127.0.0.1", port=free_port())
    controller.start()
    collector.host, collector.port = "127.0.0.1", controller.port  # type: ignore[attr-defined]
    try:
        yield collector
    finally:
        controller.stop()

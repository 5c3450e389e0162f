"""Fixtures: one migrated database and one app per test process, a CSRF-aware client,
login_as(role), an SMTP server.

The suite runs under pytest-xdist; each worker process has a database of its own and builds
the app once. Between tests the database goes back to its just-migrated state:
- SQLite: the worker's database file is replaced by a copy of the migrated template;
- PostgreSQL: a database per worker (`<name>_<worker>`), emptied with one round trip of
  DELETE statements in foreign-key order (TRUNCATE of every table costs ten times more).
The shared app's configuration is put back before each test and the test's `app_config`
applied on top, so a test that changes `app.config` changes nothing for the next one. A test
that changes the app itself (adds routes) is marked `own_app` and gets an app of its own.
"""

from __future__ import annotations

import contextvars
import os
import re
import shutil
import socket
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask, has_app_context
from flask.testing import FlaskClient
from sqlalchemy import create_engine, make_url, text
from sqlalchemy.exc import OperationalError
from sqlalchemy.pool import NullPool

from sharing import create_app
from sharing.config import load_config
from sharing.core.database import normalise_database_url
from sharing.extensions import db as _db

POSTGRES_URL = os.environ.get("SHARING_DATABASE_URL", "")
USING_POSTGRES = POSTGRES_URL.startswith(("postgres://", "postgresql"))
WORKER = os.environ.get("PYTEST_XDIST_WORKER", "main")
TEST_PASSWORD = "correct horse battery staple"
pytest_plugins = ["tests.ci_guard", "tests.engines", "tests.folder_times"]
FAST_ARGON2 = {"time_cost": 1, "memory_cost": 1024, "parallelism": 1}
# Settings read only while the app is built: a test that overrides one gets an app of its own.
BUILD_TIME_SETTINGS = frozenset(
    {"DATABASE_URL", "SQLITE_BUSY_TIMEOUT_MS", "SQLALCHEMY_ENGINE_OPTIONS", "PROXY_FIX"}
    | {f"PROXY_FIX_X_{header}" for header in ("FOR", "PROTO", "HOST", "PORT", "PREFIX")}
)
# The audit trail refuses DELETE in the database itself; the cleanup lifts that for its
# own statement only, inside its transaction.
APPEND_ONLY_TABLES = ("audit_events",)

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
        upgrade()
        _db.engine.dispose()


def _postgres_admin():
    return create_engine(
        normalise_database_url(POSTGRES_URL), isolation_level="AUTOCOMMIT", poolclass=NullPool
    )


def create_postgres_database(name: str) -> str:
    """A new empty PostgreSQL database beside the configured one; returns its URL."""
    drop_postgres_database(name)
    admin = _postgres_admin()
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    url = make_url(normalise_database_url(POSTGRES_URL)).set(database=name)
    return url.render_as_string(hide_password=False)


def drop_postgres_database(name: str, *, attempts: int = 50) -> None:
    """Drop the database once its connections have gone.

    Not WITH (FORCE) first: that must be allowed to end every backend on the database, and
    the test role may not end an autovacuum worker, so it fails now and then. A plain DROP
    waits for autovacuum itself; a connection still closing gets a few more tries, and only
    the last try forces (for a connection a test leaked).
    """
    admin = _postgres_admin()
    try:
        for attempt in range(attempts):
            last = attempt == attempts - 1
            force = " WITH (FORCE)" if last else ""
            try:
                with admin.connect() as connection:
                    connection.execute(text(f'DROP DATABASE IF EXISTS "{name}"{force}'))
                return
            except OperationalError:  # "is being accessed by other users"
                if last:
                    raise
                time.sleep(0.2)
    finally:
        admin.dispose()


def postgres_database_name(suffix: str) -> str:
    return f"{make_url(POSTGRES_URL).database}_{suffix}"


@pytest.fixture
def empty_database_url(tmp_path: Path) -> Iterator[str]:
    """A brand-new database with no tables: a new SQLite file, or a new PostgreSQL database."""
    if not USING_POSTGRES:
        yield f"sqlite:///{tmp_path / 'empty.db'}"
        return
    name = postgres_database_name(f"{WORKER}_{os.urandom(4).hex()}")
    url = create_postgres_database(name)
    try:
        yield url
    finally:
        drop_postgres_database(name)


class WorkerDatabase:
    """This process's database and how to put it back to its just-migrated state."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        if USING_POSTGRES:
            self.name = postgres_database_name(WORKER)
            self.url = create_postgres_database(self.name)
            _migrate(self.url, folder)
        else:
            self.template = folder / "template.db"
            self.path = folder / "test.db"
            self.url = f"sqlite:///{self.path}"
            _migrate(f"sqlite:///{self.template}", folder)
        self.used = False

    def reset(self, app: Flask) -> None:
        """Empty every table (the first test gets the database as migrated)."""
        with app.app_context():
            _db.session.remove()
            if USING_POSTGRES:
                if self.used:
                    self._delete_every_row()
            else:
                _db.engine.dispose()
                self._copy_template()
        self.used = True

    def _copy_template(self) -> None:
        # A new file, not one written over: a connection a test leaked keeps the old one.
        for suffix in ("-wal", "-shm"):
            Path(f"{self.path}{suffix}").unlink(missing_ok=True)
        fresh = self.path.with_suffix(".new")
        shutil.copyfile(self.template, fresh)
        os.replace(fresh, self.path)

    def _delete_every_row(self) -> None:
        statements = []
        for table in APPEND_ONLY_TABLES:
            statements.append(f'ALTER TABLE "{table}" DISABLE TRIGGER USER')
        tables = reversed(_db.metadata.sorted_tables)  # names from the models, not from input
        statements += [f'DELETE FROM "{t.name}"' for t in tables]  # noqa: S608
        for table in APPEND_ONLY_TABLES:
            statements.append(f'ALTER TABLE "{table}" ENABLE TRIGGER USER')
        with _db.engine.begin() as conn:
            conn.exec_driver_sql("; ".join(statements))

    def close(self) -> None:
        if USING_POSTGRES:
            drop_postgres_database(self.name)


@pytest.fixture(scope="session")
def worker_database(tmp_path_factory) -> Iterator[WorkerDatabase]:
    database = WorkerDatabase(tmp_path_factory.mktemp("database"))
    yield database
    database.close()


@pytest.fixture(scope="session")
def shared_app(worker_database: WorkerDatabase, tmp_path_factory) -> Iterator[Flask]:
    """The app every test of this process uses, built once."""
    application = create_app(
        base_config(worker_database.url, tmp_path_factory.mktemp("shared-app"))
    )
    application.test_client_class = CSRFClient
    application.config_at_start = dict(application.config)  # type: ignore[attr-defined]
    yield application
    with application.app_context():
        _db.session.remove()
        _db.engine.dispose()


@pytest.fixture
def database_url(worker_database: WorkerDatabase, shared_app: Flask) -> str:
    """This process's database, emptied for the test."""
    worker_database.reset(shared_app)
    return worker_database.url


@pytest.fixture
def app_config() -> dict:
    """Override in a test module (or parametrize) to change configuration."""
    return {}


def _reconfigure(application: Flask, config: dict) -> None:
    application.config.clear()
    application.config.update(application.config_at_start)  # type: ignore[attr-defined]
    load_config(application, config)


@pytest.fixture
def app(
    request, shared_app: Flask, database_url: str, tmp_path: Path, app_config: dict
) -> Iterator[Flask]:
    config = base_config(database_url, tmp_path, **app_config)
    own = request.node.get_closest_marker("own_app") or BUILD_TIME_SETTINGS & set(app_config)
    if own:
        application = create_app(config)
        application.test_client_class = CSRFClient
    else:
        application = shared_app
        _reconfigure(application, config)
    ctx = application.app_context()
    ctx.push()
    try:
        yield application
    finally:
        _db.session.remove()
        ctx.pop()
        if own:
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
    return app.test_client()  # type: ignore[return-value]


def sign_in_by_session(client: FlaskClient, user) -> None:
    """Put the user in the client's session as Flask-Login's sign-in would, without the form.

    Tests about signing in use `login_through_form`; this one is for everything else.
    """
    from sharing.extensions import login_manager

    # Flask-Login's "basic" protection ties the session to the browser's address and agent.
    with client.application.test_request_context(environ_base=client.environ_base):
        identifier = login_manager._session_identifier_generator()
    with client.session_transaction() as session:
        session["_user_id"] = user.get_id()
        session["_fresh"] = True
        session["_id"] = identifier


def sign_in_through_form(client: CSRFClient, user) -> None:
    response = client.post_form("/auth/sign-in", {"email": user.email, "password": TEST_PASSWORD})
    assert response.status_code == 302, response.get_data(as_text=True)[:500]


@pytest.fixture
def login_as(client: CSRFClient, app: Flask):
    """Create a user of the given role and sign the client in as them."""
    from tests.factories import make_user

    def _login(role: str = "admin", **overrides):
        user = make_user(role=role, password=TEST_PASSWORD, **overrides)
        _db.session.commit()
        sign_in_by_session(client, user)
        return user

    return _login


@pytest.fixture
def login_through_form(client: CSRFClient, app: Flask):
    """Like `login_as`, but through the real sign-in form (for the tests of signing in)."""
    from tests.factories import make_user

    def _login(role: str = "admin", **overrides):
        user = make_user(role=role, password=TEST_PASSWORD, **overrides)
        sign_in_through_form(client, user)
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

"""Engine set-up: SQLite in WAL mode with IMMEDIATE write transactions, PostgreSQL via psycopg 3;
the commit that turns a lost optimistic-lock race into a Conflict; and adding an ORM listener
once however many apps a process creates."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Flask, has_request_context, request
from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.orm.exc import StaleDataError

from sharing.errors import Conflict
from sharing.extensions import db

READ_ONLY_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def normalise_database_url(url: str) -> str:
    """Accept the usual `postgres://` spellings and pin the psycopg 3 driver."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def _begin_statement() -> str:
    # A deferred transaction that later writes can fail with SQLITE_BUSY without waiting,
    # and pysqlite's own handling loses updates under concurrent writers. Anything that may
    # write (POST requests, CLI commands, services called from tests) takes the write lock
    # up front; read-only page views keep WAL's concurrent readers.
    if has_request_context() and request.method in READ_ONLY_METHODS:
        return "BEGIN"
    return "BEGIN IMMEDIATE"


def configure_sqlite(engine: Engine, busy_timeout_ms: int) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record):
        # Hand transaction control to SQLAlchemy's "begin" event below.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute(f"PRAGMA busy_timeout = {int(busy_timeout_ms)}")
        cursor.execute("PRAGMA journal_mode = WAL")
        cursor.execute("PRAGMA synchronous = NORMAL")
        cursor.execute("PRAGMA foreign_keys = ON")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection):
        connection.exec_driver_sql(_begin_statement())


def init_database(app: Flask) -> None:
    db.init_app(app)
    with app.app_context():
        engine = db.engine
        if engine.dialect.name == "sqlite":
            configure_sqlite(engine, app.config["SQLITE_BUSY_TIMEOUT_MS"])


def database_answers() -> bool:
    try:
        db.session.execute(db.text("SELECT 1"))
        return True
    except Exception:  # noqa: BLE001 - any failure means "not healthy"
        db.session.rollback()
        return False


STALE_MESSAGE = "Someone else changed this at the same time. Reload the page and try again."


def commit_or_conflict(message: str = STALE_MESSAGE) -> None:
    """How every service commits its transaction, once: when a version column shows that
    someone else changed a row meanwhile, roll back and raise Conflict(message) (the page
    shows it) instead of a server error."""
    try:
        db.session.commit()
    except StaleDataError:
        db.session.rollback()
        raise Conflict(message) from None


def listen_once(target: Any, identifier: str, fn: Callable) -> None:
    """Add an ORM listener unless it is there already. Listeners on the Session class or a
    mapped class are global to the process, while create_app may run many times in it (once
    per test module): a second registration would run the listener twice per flush."""
    if not event.contains(target, identifier, fn):
        event.listen(target, identifier, fn)

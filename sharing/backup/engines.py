"""The database half of a backup: SQLite through its online backup API, PostgreSQL through
pg_dump/pg_restore, and the row counts and Alembic revision read from the same snapshot.

PostgreSQL credentials reach the tools through libpq's environment (PGPASSWORD and friends),
never on a command line that `ps` would show, and never in the manifest.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Connection, create_engine, func, inspect, select, table, text
from sqlalchemy.engine import URL
from sqlalchemy.pool import NullPool

from sharing.errors import DomainError
from sharing.extensions import db

# URL query parameters that libpq also reads from the environment.
_LIBPQ_QUERY_ENV = {
    "sslmode": "PGSSLMODE",
    "sslrootcert": "PGSSLROOTCERT",
    "sslcert": "PGSSLCERT",
    "sslkey": "PGSSLKEY",
    "connect_timeout": "PGCONNECT_TIMEOUT",
}


class DatabaseToolFailed(DomainError):
    """pg_dump, pg_restore or SQLite's backup reported an error."""


@dataclass(frozen=True)
class DatabaseState:
    revision: str | None
    row_counts: dict[str, int]


def kind() -> str:
    name = db.engine.dialect.name
    if name not in ("sqlite", "postgresql"):
        raise DomainError(f"Backups support SQLite and PostgreSQL, not {name}.")
    return name


def read_state(connection: Connection) -> DatabaseState:
    """Every table's row count and the Alembic revision, as this connection sees them."""
    names = sorted(inspect(connection).get_table_names())
    counts = {
        name: int(connection.scalar(select(func.count()).select_from(table(name))) or 0)
        for name in names
    }
    revision = None
    if "alembic_version" in names:
        revision = connection.scalar(text("SELECT version_num FROM alembic_version"))
    return DatabaseState(revision=revision, row_counts=counts)


# -- SQLite ----------------------------------------------------------------------------------


def sqlite_path() -> Path:
    database = db.engine.url.database
    if not database or database == ":memory:":
        raise DomainError("An in-memory SQLite database cannot be backed up.")
    return Path(database)


def dump_sqlite(target: Path) -> DatabaseState:
    """Copy the live database with the online backup API: one step, so the copy is the
    database as of a single moment, while the app keeps writing (WAL lets it)."""
    with (
        closing(sqlite3.connect(sqlite_path(), timeout=30)) as source,
        closing(sqlite3.connect(target)) as copy,
    ):
        source.backup(copy)
        # A self-contained file: no -wal or -shm beside it.
        copy.execute("PRAGMA journal_mode = DELETE")
    return sqlite_file_state(target, check=True)


def sqlite_file_state(path: Path, *, check: bool) -> DatabaseState:
    engine = create_engine(f"sqlite:///{path}", poolclass=NullPool)
    try:
        with engine.connect() as connection:
            if check:
                verdict = connection.scalar(text("PRAGMA integrity_check"))
                if verdict != "ok":
                    raise DatabaseToolFailed(f"SQLite integrity check of {path}: {verdict}")
            return read_state(connection)
    finally:
        engine.dispose()


def restore_sqlite(source: Path) -> None:
    """Write the backup over the configured database in one transaction of the backup API."""
    target = sqlite_path()
    target.parent.mkdir(parents=True, exist_ok=True)
    db.engine.dispose()
    uri = f"{source.resolve().as_uri()}?mode=ro"
    with (
        closing(sqlite3.connect(uri, uri=True)) as backup,
        closing(sqlite3.connect(target, timeout=30)) as live,
    ):
        backup.backup(live)


# -- PostgreSQL ------------------------------------------------------------------------------


def libpq_environment(url: URL) -> dict[str, str]:
    """The tools' connection settings as libpq environment variables."""
    env = dict(os.environ)
    settings = {
        "PGHOST": url.host,
        "PGPORT": str(url.port) if url.port else None,
        "PGUSER": url.username,
        "PGPASSWORD": url.password,
        "PGDATABASE": url.database,
    }
    for key, variable in _LIBPQ_QUERY_ENV.items():
        value = url.query.get(key)
        settings[variable] = value if isinstance(value, str) else None
    env.update({name: value for name, value in settings.items() if value})
    return env


def _run(command: list[str], url: URL) -> None:
    if shutil.which(command[0]) is None:
        raise DatabaseToolFailed(f"{command[0]} is not installed (PostgreSQL client tools).")
    result = subprocess.run(  # noqa: S603 - fixed tool, arguments without credentials
        command, env=libpq_environment(url), capture_output=True, text=True, check=False
    )
    if result.returncode != 0:
        detail = (result.stderr or result.stdout).strip().splitlines()
        raise DatabaseToolFailed(
            f"{command[0]} failed: {detail[-1] if detail else result.returncode}"
        )


def dump_postgres(target: Path) -> DatabaseState:
    """pg_dump in the custom format, sharing one exported snapshot with the row counts, so
    the manifest describes exactly what the dump holds."""
    url = db.engine.url
    with db.engine.connect() as connection:
        connection = connection.execution_options(
            isolation_level="REPEATABLE READ", postgresql_readonly=True
        )
        with connection.begin():
            snapshot_id = connection.scalar(text("SELECT pg_export_snapshot()"))
            state = read_state(connection)
            command = ["pg_dump", "--format=custom", f"--snapshot={snapshot_id}"]
            _run([*command, f"--file={target}"], url)
    return state


def restore_postgres(source: Path) -> None:
    """pg_restore into the configured database, in a single transaction: all or nothing."""
    db.engine.dispose()
    command = ["pg_restore", "--clean", "--if-exists", "--no-owner", "--no-privileges"]
    target = f"--dbname={db.engine.url.database}"
    _run([*command, "--single-transaction", target, str(source)], db.engine.url)


def has_data() -> bool:
    """Whether the configured database holds any row outside Alembic's own table."""
    with db.engine.connect() as connection:
        state = read_state(connection)
    return any(count for name, count in state.row_counts.items() if name != "alembic_version")


def check_restored() -> DatabaseState:
    """SQLite's integrity check, or a query on PostgreSQL, then the counts and revision."""
    db.session.remove()
    db.engine.dispose()
    with db.engine.connect() as connection:
        if kind() == "sqlite":
            verdict = connection.scalar(text("PRAGMA integrity_check"))
            if verdict != "ok":
                raise DatabaseToolFailed(f"SQLite integrity check after restore: {verdict}")
        else:
            connection.scalar(text("SELECT 1"))
        return read_state(connection)

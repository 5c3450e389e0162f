"""A pytest plugin: on PostgreSQL, run only the tests whose result can depend on the engine.

A test that uses no database fixture cannot touch SQL (LibreOffice conversions, file-content
checks, pure functions), and the browser journeys and benchmark smoke runs check what the
engine does not change; these run once, on SQLite, and are deselected, not skipped, on
PostgreSQL. Everything else runs on both engines.
"""

from __future__ import annotations

import os
from datetime import date

import pytest

DATABASE_FIXTURES = frozenset(
    {"database_url", "worker_database", "shared_app", "app", "db", "empty_database_url"}
)
ENGINE_INDEPENDENT_FOLDERS = ("tests/e2e/", "tests/bench/")
# How many tests a PostgreSQL run left to SQLite, for its closing summary.
_ONCE = pytest.StashKey[int]()


def _using_postgres() -> bool:
    return os.environ.get("SHARING_DATABASE_URL", "").startswith(("postgres://", "postgresql"))


def runs_on_one_engine(item: pytest.Item) -> bool:
    nodeid = item.nodeid.replace("\\", "/")
    if nodeid.startswith(ENGINE_INDEPENDENT_FOLDERS):
        return True
    return not DATABASE_FIXTURES & set(getattr(item, "fixturenames", ()))


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if not _using_postgres():
        return
    kept, once = [], []
    for item in items:
        (once if runs_on_one_engine(item) else kept).append(item)
    if once:
        config.hook.pytest_deselected(items=once)
        items[:] = kept
        config.stash[_ONCE] = len(once)


def pytest_report_header(config: pytest.Config) -> str:
    engine = "PostgreSQL" if _using_postgres() else "SQLite"
    # The day matters: tests must pass on any of them, and a failure is replayed on its day.
    return f"database engine: {engine}; today is {date.today().isoformat()}"


def pytest_terminal_summary(terminalreporter, exitstatus, config) -> None:
    once = config.stash.get(_ONCE, 0)
    if once:
        terminalreporter.write_line(
            f"{once} engine-independent tests were deselected here: they run on SQLite."
        )

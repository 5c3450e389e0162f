"""Which tests run on PostgreSQL as well as SQLite (tests/engines.py)."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from tests.engines import runs_on_one_engine


def item(nodeid: str, *fixtures: str) -> SimpleNamespace:
    return SimpleNamespace(nodeid=nodeid, fixturenames=list(fixtures))


@pytest.mark.parametrize("fixture", ["db", "app", "database_url", "empty_database_url"])
def test_a_test_that_uses_the_database_runs_on_both_engines(fixture):
    """A test with any database fixture can depend on the engine."""
    assert not runs_on_one_engine(item("tests/web/test_x.py::test_y", "client", fixture))


def test_a_test_without_a_database_fixture_runs_once():
    """A test that cannot reach SQL runs on SQLite only."""
    assert runs_on_one_engine(item("tests/unit/test_x.py::test_y", "tmp_path"))


@pytest.mark.parametrize("folder", ["tests/e2e", "tests/bench"])
def test_browser_journeys_and_benchmark_smoke_runs_run_once(folder):
    """The journeys and benchmark runs use the database but check what no engine changes."""
    assert runs_on_one_engine(item(f"{folder}/test_x.py::test_y", "app", "db"))

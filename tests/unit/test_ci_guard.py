"""The CI guard: a skipped test fails the run when CI=true, and only then."""

from __future__ import annotations

from pathlib import Path

import pytest

pytest_plugins = ["pytester"]

REPO_ROOT = Path(__file__).resolve().parents[2]
SUITE = """
import pytest

def test_runs():
    assert True

@pytest.mark.skip(reason="not here")
def test_skipped():
    pass
"""


def _run(pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch, ci: str):
    monkeypatch.setenv("CI", ci)
    monkeypatch.setenv("PYTHONPATH", str(REPO_ROOT))
    pytester.makepyfile(test_sample=SUITE)
    return pytester.runpytest_subprocess("-p", "tests.ci_guard", "-p", "no:cacheprovider")


def test_a_skipped_test_fails_the_run_under_ci(pytester, monkeypatch):
    """With CI=true, one skip turns a green run red and names the skipped test."""
    result = _run(pytester, monkeypatch, "true")
    assert result.ret == pytest.ExitCode.TESTS_FAILED
    result.stdout.fnmatch_lines(
        ["*CI=true forbids skipped tests; 1 were skipped*", "*test_sample.py::test_skipped*"]
    )


def test_a_skipped_test_is_allowed_outside_ci(pytester, monkeypatch):
    """On a developer's machine a skip (for example, no Chromium) is reported but allowed."""
    result = _run(pytester, monkeypatch, "")
    assert result.ret == pytest.ExitCode.OK
    result.assert_outcomes(passed=1, skipped=1)

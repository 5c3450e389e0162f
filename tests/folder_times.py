"""A pytest plugin: at the end of a run, the test time each folder of tests/ took, summed over
set-up, call and tear-down of its tests (with xdist, summed over the workers too, so the
whole run's wall time is about this total divided by the number of workers).

The per-folder figures in docs/TESTING.md come from this summary; `--durations=30` names the
slowest single tests."""

from __future__ import annotations

from collections import defaultdict

import pytest

_seconds: dict[str, float] = defaultdict(float)
_tests: dict[str, set[str]] = defaultdict(set)


def folder_of(nodeid: str) -> str:
    parts = nodeid.replace("\\", "/").split("/")
    return "/".join(parts[:2]) if len(parts) > 2 else parts[0].split("::")[0]


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    folder = folder_of(report.nodeid)
    _seconds[folder] += report.duration
    _tests[folder].add(report.nodeid)


def pytest_terminal_summary(terminalreporter, exitstatus, config) -> None:
    if not _seconds:
        return
    workers = getattr(config.option, "numprocesses", None) or 1
    terminalreporter.section("test time per folder")
    for folder in sorted(_seconds, key=_seconds.get, reverse=True):
        terminalreporter.write_line(
            f"{folder:<16} {len(_tests[folder]):>5} tests {_seconds[folder]:>8.1f} s"
        )
    total = sum(_seconds.values())
    terminalreporter.write_line(
        f"{'all':<16} {sum(map(len, _tests.values())):>5} tests {total:>8.1f} s"
        f" (over {workers} worker(s))"
    )

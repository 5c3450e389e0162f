"""Comments say why, not when: no source names the work item or sitting that produced it, and
every migration's docstring is one line saying what it does (docs/MIGRATIONS.md says why)."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SCANNED = ("sharing", "tests", "bench")
HISTORY = re.compile(r"(?i)\(issue \d+\)|\bissue \d+\b|\bsession \d+\b")
MIGRATIONS = sorted((ROOT / "sharing" / "migrations" / "versions").glob("*.py"))


def _sources() -> list[Path]:
    this = Path(__file__).resolve()
    return [
        path
        for folder in SCANNED
        for path in sorted((ROOT / folder).rglob("*.py"))
        if path.resolve() != this
    ]


def test_no_source_tells_the_history_of_the_work():
    """A .py file that says "(issue 8)", "issue 3" or "session 9" fails, naming each place."""
    found = [
        f"{path.relative_to(ROOT)}:{number}: {line.strip()}"
        for path in _sources()
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if HISTORY.search(line)
    ]
    assert not found, "History in comments or docstrings:\n" + "\n".join(found)


def test_the_scan_sees_the_migrations():
    assert MIGRATIONS, "no migration modules found"


@pytest.mark.parametrize("path", MIGRATIONS, ids=lambda path: path.stem)
def test_each_migration_docstring_is_one_line(path):
    """The module docstring says in one line what the migration does."""
    docstring = ast.get_docstring(ast.parse(path.read_text(encoding="utf-8")), clean=False)
    assert docstring, f"{path.name} has no module docstring"
    assert "\n" not in docstring.strip(), f"{path.name}: {docstring!r}"

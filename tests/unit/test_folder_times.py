"""The per-folder time summary (tests/folder_times.py) files each test under its folder."""

from __future__ import annotations

import pytest

from tests.folder_times import folder_of


@pytest.mark.parametrize(
    ("nodeid", "folder"),
    [
        ("tests/web/test_flows_pages.py::test_x[a/b]", "tests/web"),
        ("tests/e2e/test_main_journey.py::test_y", "tests/e2e"),
        ("tests\\unit\\test_risk.py::test_z", "tests/unit"),
        ("test_top.py::test_w", "test_top.py"),
    ],
)
def test_each_test_counts_towards_its_folder(nodeid, folder):
    """A test id is filed under tests/<folder>, whatever its parameters hold."""
    assert folder_of(nodeid) == folder

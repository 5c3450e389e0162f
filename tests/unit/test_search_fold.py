"""Folding text for stored search and sort keys: no case, no accents, on any database."""

from __future__ import annotations

import pytest

from sharing.core.search import fold


@pytest.mark.parametrize(
    ("typed", "folded"),
    [
        ("Sài Gòn", "sai gon"),
        ("SÀI GÒN", "sai gon"),
        ("Đà Nẵng", "da nang"),
        ("Ørsted Łódź", "orsted lodz"),
        ("Straße", "strasse"),
        ("Ｆｕｌｌ width", "full width"),
        ("100% _exact_", "100% _exact_"),
        ("", ""),
        (None, ""),
    ],
)
def test_fold_removes_case_and_accents(typed, folded):
    """Accented, capital and compatibility forms fold to the plain letters a reader types."""
    assert fold(typed) == folded

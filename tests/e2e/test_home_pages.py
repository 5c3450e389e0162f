"""Each role's home page over the demo data set, at a desktop and a phone width: axe finds no
serious or critical violation, and nothing is wider than the window (the waiting lists wrap
instead of scrolling sideways). The screenshots are saved for a person to look at."""

from __future__ import annotations

import pytest

from sharing.core.clock import now, today
from sharing.demo.seed import demo_sign_ins, seed_demo
from tests.e2e.conftest import end_transaction, serious_violations, sign_in_with

WIDTHS = (1280, 390)
HOMES = {"procurement": "/", "privacy": "/", "admin": "/", "vendor": "/portal/"}


@pytest.fixture
def sign_ins(app) -> dict:
    seed_demo(today=today(), now=now())
    found = {s.role: s for s in demo_sign_ins()}
    end_transaction()
    return found


def _overflow(tab) -> int:
    """How many pixels the page is wider than the window."""
    return tab.evaluate("document.documentElement.scrollWidth - window.innerWidth")


def test_home_pages_are_accessible_and_fit_a_phone(sign_ins, new_page, screenshot):
    """Every home page passes axe and has no sideways scroll, at 1280 and 390 px wide."""
    found = []
    for role, path in HOMES.items():
        for width in WIDTHS:
            tab = new_page(viewport={"width": width, "height": 900})
            sign_in_with(tab, sign_ins[role].email, sign_ins[role].password)
            assert tab.goto(path).status == 200
            assert tab.locator("#waiting-for-you").count() == 1, role
            assert tab.locator("#waiting-for-others").count() == 1, role
            found += serious_violations(tab)
            if (extra := _overflow(tab)) > 0:
                found.append(f"{role} home at {width} px is {extra} px too wide")
            screenshot(tab, f"{role}-{width}")
    if found:
        pytest.fail("\n".join(found))

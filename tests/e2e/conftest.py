"""Browser journeys: the test's app served on loopback, driven by Debian's Chromium.

Each test gets the usual per-test database (tests/conftest.py `app`), served by a threaded
Werkzeug server with CSRF on, and a fresh browser context. The browser is started once per
session. The server's requests run in their own app contexts, so they read what the test
committed.

On SQLite, a transaction begun outside a request takes the write lock up front (BEGIN
IMMEDIATE, see sharing/core/database.py), and even reading an expired attribute begins one.
So a test reads what it needs, then calls `end_transaction()` before the browser acts;
otherwise the server's next write waits for the busy timeout.
"""

from __future__ import annotations

import os
import re
import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from flask import Flask
from werkzeug.serving import make_server

from sharing.extensions import db as _db
from tests.conftest import TEST_PASSWORD, free_port

CHROMIUM = Path(os.environ.get("SHARING_E2E_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-dev-shm-usage",
]
TIMEOUT_MS = 15_000  # an upper bound on waiting for the page, not a performance assertion


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "tests/e2e/" in item.nodeid.replace("\\", "/"):
            item.add_marker(pytest.mark.e2e)


def end_transaction() -> None:
    """Commit the test's session so the server may write (and later reads see its writes)."""
    _db.session.commit()
    _db.session.expire_all()


@pytest.fixture
def live_server(app: Flask) -> Iterator[str]:
    """The test's app on a free loopback port; yields its base URL."""
    end_transaction()
    server = make_server("127.0.0.1", free_port(), app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="e2e-server", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(timeout=10)
        server.server_close()
        _db.session.remove()


@pytest.fixture(scope="session")
def browser():
    if not CHROMIUM.exists():
        # Under CI=true the guard in tests.ci_guard turns any skip into a failure.
        pytest.skip(f"Chromium not found at {CHROMIUM}")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture
def page(browser, live_server: str):
    """A fresh browser context (its own cookies and downloads) and one page in it."""
    context = browser.new_context(base_url=live_server, accept_downloads=True)
    context.set_default_timeout(TIMEOUT_MS)
    tab = context.new_page()
    try:
        yield tab
    finally:
        context.close()


@pytest.fixture
def sign_in(page) -> Callable:
    """Create a user of the given role and sign in through the real sign-in page."""
    from tests.factories import make_user

    def _sign_in(role: str = "admin", **overrides):
        user = make_user(role=role, password=TEST_PASSWORD, **overrides)
        email = user.email
        end_transaction()
        page.goto("/auth/sign-in")
        page.fill("#email", email)
        page.fill("#password", TEST_PASSWORD)
        with page.expect_navigation():
            page.click("#sign-in-form [type=submit]")
        assert "/auth/sign-in" not in page.url, page.content()[:500]
        return user

    return _sign_in


# -- Screenshots, extra users, accessibility ----------------------------------------------

REPO_ROOT = Path(__file__).resolve().parents[2]
SERIOUS = ("serious", "critical")


def artifacts_dir() -> Path:
    """Where screenshots go: SHARING_ARTIFACTS_DIR, else test-artifacts/screenshots/."""
    configured = os.environ.get("SHARING_ARTIFACTS_DIR")
    path = Path(configured) if configured else REPO_ROOT / "test-artifacts" / "screenshots"
    path.mkdir(parents=True, exist_ok=True)
    return path


@pytest.fixture
def screenshot(request: pytest.FixtureRequest) -> Callable:
    """`screenshot(page, step)` saves a full-page PNG named `<test>-<step>.png`."""
    test_name = re.sub(r"[^A-Za-z0-9_.-]+", "-", request.node.name).strip("-")

    def _save(tab, step: str) -> Path:
        path = artifacts_dir() / f"{test_name}-{step}.png"
        tab.screenshot(path=str(path), full_page=True)
        return path

    return _save


@pytest.fixture
def new_page(browser, live_server: str) -> Iterator[Callable]:
    """`new_page(**context_options)` opens a page in a context of its own (one per person)."""
    contexts = []

    def _open(**options):
        context = browser.new_context(base_url=live_server, accept_downloads=True, **options)
        context.set_default_timeout(TIMEOUT_MS)
        contexts.append(context)
        return context.new_page()

    try:
        yield _open
    finally:
        for context in contexts:
            context.close()


def sign_in_with(tab, email: str, password: str = TEST_PASSWORD) -> None:
    """Sign in through the sign-in form of the given page."""
    tab.goto("/auth/sign-in")
    tab.fill("#email", email)
    tab.fill("#password", password)
    with tab.expect_navigation():
        tab.click("#sign-in-form [type=submit]")
    assert "/auth/sign-in" not in tab.url, tab.content()[:500]


def serious_violations(tab) -> list[str]:
    """axe-core's serious and critical violations on the page, one line per rule and node."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(tab)
    found = []
    for violation in results.response["violations"]:
        if violation.get("impact") not in SERIOUS:
            continue
        for node in violation["nodes"]:
            target = " ".join(str(part) for part in node["target"])
            found.append(f"{tab.url} {violation['id']} ({violation['impact']}): {target}")
    return found

"""Which role sees which navigation link, and the page table lists every signed-in page.

Which principal may open which route is walked once, by tests/authz/test_matrix.py."""

from __future__ import annotations

import re

import pytest
from flask import url_for

from sharing.core.navigation import NAV_ITEMS
from sharing.core.roles import Role
from tests.web.tables import ROLES
from tests.web.tables.pages import PAGES

_NAV_LINK = re.compile(r'<a class="(?:nav-link|dropdown-item) (?:active)?" href="([^"]+)"')


CHECKED_BLUEPRINTS = (
    "auth",
    "audit",
    "mail",
    "core",
    "dashboard",
    "vendors",
    "flows",
    "reports",
    "obligations",
    "agreements",
    "attestations",
    "portal",
    "renewals",
    "disclosures",
    "register",
    "inbox",
    "adoptions",
)

# Pages open to anyone, which the table does not list.
PUBLIC = {"auth.sign_in", "auth.accept_invitation", "core.healthz", "static"}


def test_the_role_table_lists_every_signed_in_page(app):
    """A new GET page in a checked blueprint must be added to its table."""
    listed = {page.endpoint for page in PAGES}
    pages = {
        rule.endpoint
        for rule in app.url_map.iter_rules()
        if "GET" in rule.methods and rule.endpoint.split(".")[0] in CHECKED_BLUEPRINTS
    }
    assert pages - listed - PUBLIC == set()


@pytest.mark.parametrize("role", ROLES)
def test_navigation_shows_each_role_only_pages_it_may_open(app, client, login_as, role):
    """A role sees exactly the navigation links it may open, and each of them opens."""
    login_as(role)
    shown = set(_NAV_LINK.findall(client.get("/", follow_redirects=True).get_data(as_text=True)))
    with app.test_request_context():
        urls = {item.endpoint: url_for(item.endpoint) for item in NAV_ITEMS}
    assert shown == {urls[item.endpoint] for item in NAV_ITEMS if role in item.roles}
    pages = {page.endpoint: page for page in PAGES}
    for item in NAV_ITEMS:
        status = client.get(urls[item.endpoint]).status_code
        if role in item.roles or role in item.elsewhere:
            assert status == 200, item.endpoint
        elif item.endpoint in pages and role in pages[item.endpoint].redirected:
            assert status == 302, item.endpoint  # e.g. a vendor's "/" leads to the portal
        else:
            assert status == 403, item.endpoint


def test_vendor_links_are_flat_and_staff_links_sit_in_menus(client, login_as):
    """Few links show flat; a role with many gets them grouped in drop-down menus."""
    login_as("vendor")
    vendor_page = client.get("/portal/").get_data(as_text=True)
    assert 'class="dropdown-item' not in vendor_page
    client.post_form("/auth/sign-out", {}, from_url="/portal/")
    login_as("privacy")
    staff_page = client.get("/").get_data(as_text=True)
    for group in ("Register", "Oversight", "Administration"):
        assert f'id="nav-{group.lower()}">{group}</button>' in staff_page
    assert staff_page.count('class="dropdown-item') >= 10


def test_a_vendor_reaches_each_page_kept_off_its_navigation_from_the_portal_home(
    app, client, login_as
):
    """A page a vendor may open without a navigation link (to keep the bar on one line) is
    linked from the portal's home page instead."""
    login_as("vendor")
    home = client.get("/portal/").get_data(as_text=True)
    with app.test_request_context():
        kept_off = [url_for(i.endpoint) for i in NAV_ITEMS if Role.VENDOR in i.elsewhere]
    assert kept_off
    for url in kept_off:
        assert f'href="{url}"' in home, url

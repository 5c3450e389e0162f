"""Which role reaches which page: one table, checked for every role and for anonymous visitors."""

from __future__ import annotations

import re

import pytest
from flask import url_for

from sharing.core.navigation import NAV_ITEMS
from sharing.extensions import db
from sharing.mail import services as mail
from tests.factories import make_department, make_user
from tests.web.tables import (
    ROLES,
    STAFF,
    Page,
    accountability,
    agreement_lifecycle,
    agreement_templates,
    agreements,
    attestations,
    calendar,
    dashboards,
    disclosure_log,
    evidence,
    flows,
    incidents,
    obligations,
    portal,
    register,
    reminders,
    reports,
    vendors,
)

_NAV_LINK = re.compile(r'<a class="(?:nav-link|dropdown-item) (?:active)?" href="([^"]+)"')


def _user() -> dict:
    return {"user": make_user("privacy").id}


def _department() -> dict:
    return {"department": make_department().id}


def _notification() -> dict:
    notification = mail.queue(
        recipient="someone@example.org",
        subject="Hello",
        body="Body",
        kind="test",
        dedupe_key="roles-test",
    )
    db.session.commit()
    return {"notification": notification.id}


CORE_PAGES = (
    Page("auth.users", "/auth/users", ("admin",)),
    Page("auth.edit_user", "/auth/users/{user}", ("admin",), params=_user),
    Page("auth.departments", "/auth/departments", ("admin",)),
    Page("auth.new_department", "/auth/departments/new", ("admin",)),
    Page("auth.edit_department", "/auth/departments/{department}", ("admin",), params=_department),
    Page("auth.invitations", "/auth/invitations", STAFF),
    Page("auth.new_invitation", "/auth/invitations/new", STAFF),
    Page("audit.events", "/audit/", ("admin", "privacy")),
    Page("audit.export_csv", "/audit/export.csv", ("admin", "privacy")),
    Page("mail.outbox", "/mail/outbox", ("admin",)),
    Page("mail.message", "/mail/outbox/{notification}", ("admin",), params=_notification),
    # Anonymous visitors see the welcome page; vendor users go to their portal.
    Page("dashboard.home", "/", STAFF, anonymous=200, redirected=("vendor",)),
    Page("auth.account", "/auth/account", ROLES),
)

# Each package keeps its pages in tests/web/tables/<package>.py.
PAGES = (
    CORE_PAGES
    + vendors.PAGES
    + flows.PAGES
    + reports.PAGES
    + obligations.PAGES
    + agreements.PAGES
    + agreement_templates.PAGES
    + agreement_lifecycle.PAGES
    + attestations.PAGES
    + evidence.PAGES
    + portal.PAGES
    + reminders.PAGES
    + calendar.PAGES
    + incidents.PAGES
    + dashboards.PAGES
    + accountability.PAGES
    + disclosure_log.PAGES
    + register.PAGES
)
CHECKED_BLUEPRINTS = (
    "auth",
    "audit",
    "mail",
    "core",
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
)

# Pages open to anyone, which the table does not list.
PUBLIC = {"auth.sign_in", "auth.accept_invitation", "core.healthz", "static"}


CASES = [
    pytest.param(page, role, id=f"{page.endpoint}-{role}")
    for page in PAGES
    for role in (*ROLES, "anonymous")
]


@pytest.mark.parametrize(("page", "role"), CASES)
def test_each_role_reaches_its_pages_and_no_others(client, login_as, page, role):
    """Allowed roles get 200, other roles 403, anonymous visitors go to sign-in."""
    user = login_as(role) if role != "anonymous" else None
    response = client.get(page.url(user))
    if role == "anonymous":
        assert response.status_code == page.anonymous
        if page.anonymous == 302:
            assert response.headers["Location"].startswith("/auth/sign-in")
    elif role in page.roles:
        assert response.status_code == 200
    elif role in page.redirected:
        assert response.status_code == 302
    else:
        assert response.status_code == 403


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
        if role in item.roles:
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

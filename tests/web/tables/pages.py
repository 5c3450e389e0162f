"""Every signed-in GET page, gathered from the package tables: the authorization matrix
(tests/authz) builds each page's URL from here, and the navigation test reads its roles."""

from __future__ import annotations

from sharing.extensions import db
from sharing.mail import services as mail
from tests.factories import make_department, make_user
from tests.web.tables import (
    ROLES,
    STAFF,
    Page,
    accountability,
    adoptions,
    agreement_lifecycle,
    agreement_templates,
    agreements,
    algorithms,
    attestations,
    calendar,
    concerns,
    dashboards,
    disclosure_log,
    disposition,
    evidence,
    fact_sheets,
    flows,
    inbox,
    incidents,
    negotiation,
    obligations,
    open_register,
    portal,
    register,
    reminders,
    reports,
    signing,
    vendors,
)


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
    Page("settings.settings", "/settings/", ("admin",)),
    # Anonymous visitors see the welcome page; vendor users go to their portal.
    Page("dashboard.home", "/", STAFF, anonymous=200, redirected=("vendor",)),
    Page("auth.account", "/auth/account", ROLES),
)

# Each package keeps its pages in tests/web/tables/<package>.py.
PAGES = (
    CORE_PAGES
    + vendors.PAGES
    + flows.PAGES
    + algorithms.PAGES
    + reports.PAGES
    + obligations.PAGES
    + agreements.PAGES
    + agreement_templates.PAGES
    + agreement_lifecycle.PAGES
    + attestations.PAGES
    + evidence.PAGES
    + fact_sheets.PAGES
    + portal.PAGES
    + reminders.PAGES
    + calendar.PAGES
    + incidents.PAGES
    + dashboards.PAGES
    + accountability.PAGES
    + disclosure_log.PAGES
    + register.PAGES
    + open_register.PAGES
    + concerns.PAGES
    + inbox.PAGES
    + negotiation.PAGES
    + signing.PAGES
    + adoptions.PAGES
    + disposition.PAGES
)

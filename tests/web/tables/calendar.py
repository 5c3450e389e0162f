"""Coverage rows for the calendar feed and its secret URL:
roles (PAGES), audit events (AUDIT_CASES) and vendor isolation (ISOLATION_CASES)."""

from __future__ import annotations

from sharing.core.clock import now
from sharing.renewals.calendar import rotate_calendar_token
from tests.factories import make_user
from tests.web.tables import ROLES, AuditCase, IsolationCase, Page


def give_feed(user) -> str:
    """A feed token for `user`, made by the service (as the rotate button does)."""
    return rotate_calendar_token(user=user, actor=user, now=now())


def _token() -> dict:
    return {"token": give_feed(make_user("privacy"))}


PAGES: tuple[Page, ...] = (
    Page("renewals.calendar", "/renewals/calendar", ROLES),
    # The feed is opened by calendar apps without signing in: the token is the key, so every
    # role and anonymous visitors alike get it.
    Page("renewals.feed", "/renewals/calendar/{token}.ics", ROLES, anonymous=200, params=_token),
)


def rotate(login_as):
    login_as("vendor")
    return "/renewals/calendar/rotate", {}


def rotate_again(login_as):
    give_feed(login_as("procurement"))
    return "/renewals/calendar/rotate", {}


def revoke(login_as):
    give_feed(login_as("privacy"))
    return "/renewals/calendar/revoke", {}


AUDIT_CASES: tuple[AuditCase, ...] = (
    AuditCase("renewals.rotate_calendar", "calendar.rotated", rotate, name="create"),
    AuditCase("renewals.rotate_calendar", "calendar.rotated", rotate_again, name="rotate"),
    AuditCase("renewals.revoke_calendar", "calendar.revoked", revoke),
)
# No calendar route names an object by id: a user only ever manages their own feed.
ISOLATION_CASES: tuple[IsolationCase, ...] = ()

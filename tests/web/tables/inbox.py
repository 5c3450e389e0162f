"""Inbox: its page (PAGES), its posts and the one audit event each writes (AUDIT_CASES), and
vendor isolation (ISOLATION_CASES), with the set-up the inbox tests share."""

from __future__ import annotations

from typing import Any

from sharing.extensions import db
from sharing.inbox import services as inbox
from sharing.inbox.models import InboxItem
from tests.factories import make_user
from tests.web.tables import ROLES, AuditCase, IsolationCase, Page


def give(user: Any, key: str = "test:1", **overrides: Any) -> InboxItem:
    """One inbox item for `user` (its mail goes to the outbox, as the user's choice says)."""
    values = {
        "people": [user],
        "kind": "flow.submit",
        "key": key,
        "title": "Data flow submitted for review: Payroll",
        "text": "A data flow was submitted to the privacy office for review.",
        "link": "/flows/1",
    }
    values.update(overrides)
    inbox.notify(**values)
    db.session.commit()
    return db.session.query(InboxItem).filter_by(user_id=user.id, dedupe_key=key).one()


def open_item(login_as):
    user = login_as("vendor")
    return f"/inbox/{give(user).id}/open", {}


def read_all(login_as):
    user = login_as("vendor")
    give(user, "test:1")
    give(user, "test:2")
    return "/inbox/read-all", {}


def choose_digest(login_as):
    login_as("procurement")
    return "/auth/account/mail", {"choice": "digest"}


PAGES = (Page("inbox.index", "/inbox/", ROLES),)

AUDIT_CASES = (
    AuditCase("inbox.open_item", "notification.read", open_item),
    AuditCase("inbox.read_all", "notification.read_all", read_all),
    AuditCase("auth.mail_preference", "user.mail_preference", choose_digest),
)


def _iso_item(organisation) -> dict:
    owner = make_user("vendor", organisation_id=organisation.id)
    return {"item_id": give(owner).id}


ISOLATION_CASES = (IsolationCase("inbox.open_item", "POST", _iso_item),)

"""Notifying people at each handoff, reading and marking their list, and mailing it to them
immediately or as one daily digest. Callers name the people (anything with an id and an
email), because users live in auth, above this package."""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Iterable
from datetime import UTC, date, datetime, time, timedelta
from typing import Any, Protocol

from flask import current_app
from sqlalchemy import Select, func, select, update

from sharing.audit import services as audit
from sharing.core.clock import city_timezone
from sharing.core.clock import now as clock_now
from sharing.core.database import commit_or_conflict
from sharing.errors import NotFound, ValidationFailed
from sharing.extensions import db
from sharing.inbox.models import InboxItem, MailChoice, MailPreference
from sharing.mail import services as mail
from sharing.mail.models import Notification

MAX_TITLE = 200
MAX_TEXT = 1000
DIGEST_KIND = "inbox.digest"
FOOTER = (
    "\n--\nYou can choose one email a day instead of one per notification on your account "
    "page: {account}\n"
)


class Person(Protocol):
    id: int
    email: str


def absolute_url(link: str) -> str:
    """A path inside the app as the full address a mail links to."""
    return f"{current_app.config['BASE_URL'].rstrip('/')}{link}"


def mail_key(prefix: str, address: str) -> str:
    """One message per address; a very long address is hashed so that the key fits."""
    key = f"{prefix}:{address}"
    return key if len(key) <= 255 else f"{prefix}:{hashlib.sha256(address.encode()).hexdigest()}"


def preferences(user_ids: Iterable[int]) -> dict[int, MailChoice]:
    """Each user's mail choice, immediate for anyone who never chose."""
    ids = sorted(set(user_ids))
    chosen = dict(
        db.session.execute(
            select(MailPreference.user_id, MailPreference.choice).where(
                MailPreference.user_id.in_(ids)
            )
        ).all()
    )
    return {user_id: chosen.get(user_id, MailChoice.IMMEDIATE) for user_id in ids}


def notify(
    *,
    people: Iterable[Person],
    kind: str,
    key: str,
    title: str,
    text: str,
    link: str,
    body: str = "",
    object_type: str | None = None,
    object_id: Any = None,
    actor_id: int | None = None,
) -> list[Notification]:
    """Add one inbox item per person (never twice for the same `key`, never to the actor)
    to the caller's transaction, and queue the mail of those who want it at once. The mail
    says `body` (by default the text and a link) and is keyed `<key>:<address>`, so it is sent
    once. Returns the messages queued, for callers that deliver right after their commit."""
    if not link.startswith("/") or link.startswith("//"):
        raise ValueError("link must be a path inside the app")
    chosen = {p.id: p for p in people if p.id is not None and p.id != actor_id and p.email}
    if not chosen:
        return []
    already = set(
        db.session.scalars(
            select(InboxItem.user_id).where(
                InboxItem.dedupe_key == key, InboxItem.user_id.in_(chosen)
            )
        )
    )
    choices = preferences(chosen)
    moment = clock_now()
    queued: list[Notification] = []
    for user_id in sorted(set(chosen) - already):
        address = chosen[user_id].email.strip().lower()
        item = InboxItem(
            user_id=user_id,
            email=address,
            kind=kind,
            title=title[:MAX_TITLE],
            text=text[:MAX_TEXT],
            link=link,
            dedupe_key=key,
            object_type=object_type,
            object_id=None if object_id is None else str(object_id),
            created_at=moment,
        )
        db.session.add(item)
        if choices[user_id] != MailChoice.IMMEDIATE:
            continue
        item.mailed_at = moment
        message = mail.queue(
            recipient=address,
            subject=title,
            body=(body or f"{text}\n\nOpen it: {absolute_url(link)}\n") + _footer(),
            kind=kind,
            dedupe_key=mail_key(key, address),
            object_type=object_type,
            object_id=object_id,
        )
        if message is not None:
            queued.append(message)
    return queued


def _footer() -> str:
    return FOOTER.format(account=absolute_url("/auth/account"))


# Reading ----------------------------------------------------------------------------------


def unread_count_of(user_id: Any):
    """A user's unread items, as a scalar subquery over the (user_id, read_at) index; the
    user loader selects it with the user, so the navigation's count needs no query."""
    return (
        select(func.count())
        .select_from(InboxItem)
        .where(InboxItem.user_id == user_id, InboxItem.read_at.is_(None))
        .scalar_subquery()
    )


def unread_count(*, user_id: int) -> int:
    return db.session.scalar(select(unread_count_of(user_id)))


def items_query(*, user_id: int, unread_only: bool = False):
    stmt = select(InboxItem).where(InboxItem.user_id == user_id)
    if unread_only:
        stmt = stmt.where(InboxItem.read_at.is_(None))
    return stmt.order_by(InboxItem.created_at.desc(), InboxItem.id.desc())


def open_item(*, actor: Any, item_id: int) -> InboxItem:
    """The actor's own item, marked read; anyone else's is not found."""
    item = db.session.get(InboxItem, item_id)
    if item is None or item.user_id != actor.id:
        raise NotFound("That notification does not exist.")
    if item.read_at is None:
        item.read_at = clock_now()
        audit.record(
            actor=actor,
            action="notification.read",
            object_type="notification",
            object_id=item.id,
            changes={"read_at": {"before": None, "after": item.read_at}},
            summary=f"Opened the notification “{item.title}”",
        )
        commit_or_conflict()
    return item


def mark_all_read(*, actor: Any) -> int:
    """Mark every unread item of the actor's as read; one audit event for them all."""
    unread = select(InboxItem.id).where(InboxItem.user_id == actor.id, InboxItem.read_at.is_(None))
    marked = list(db.session.scalars(unread))
    if marked:
        db.session.execute(
            update(InboxItem)
            .where(InboxItem.id.in_(marked))
            .values(read_at=clock_now())
            .execution_options(synchronize_session=False)
        )
        audit.record(
            actor=actor,
            action="notification.read_all",
            object_type="user",
            object_id=actor.id,
            changes={"marked_read": {"before": None, "after": len(marked)}},
            summary=f"Marked {len(marked)} notifications as read",
        )
    commit_or_conflict()
    return len(marked)


# Mail preference ------------------------------------------------------------------------


def mail_choice(*, user_id: int) -> MailChoice:
    return preferences([user_id])[user_id]


def set_mail_choice(*, actor: Any, choice: str) -> MailChoice:
    """Record how the signed-in user wants to hear of new notifications."""
    try:
        wanted = MailChoice(choice)
    except ValueError:
        raise ValidationFailed({"choice": "Choose immediately or a daily digest."}) from None
    row = db.session.get(MailPreference, actor.id)
    before = row.choice if row else MailChoice.IMMEDIATE
    if row is None:
        row = MailPreference(user_id=actor.id)
        db.session.add(row)
    row.choice = wanted
    if before != wanted:
        audit.record(
            actor=actor,
            action="user.mail_preference",
            object_type="user",
            object_id=actor.id,
            changes={"mail": {"before": before.value, "after": wanted.value}},
            summary=f"Mail: {wanted.label.lower()}",
        )
    commit_or_conflict()
    return wanted


# Daily digest ---------------------------------------------------------------------------


def _end_of(day: date) -> datetime:
    """Midnight after `day` in the city, as a UTC instant."""
    return datetime.combine(day + timedelta(days=1), time(), tzinfo=city_timezone()).astimezone(UTC)


def send_digests(*, day: date) -> int:
    """Queue, for each user with unmailed notifications from `day` or before, one message
    listing them, keyed digest:<user>:<day>, so a second run that day queues nothing. Items
    that arrive after their user's digest wait for the next one. Returns the messages queued."""
    rows = db.session.scalars(
        select(InboxItem)
        .where(
            InboxItem.mailed_at.is_(None),
            InboxItem.created_at < _end_of(day),
            InboxItem.user_id.in_(_active_user_ids()),
        )
        .order_by(InboxItem.user_id, InboxItem.created_at, InboxItem.id)
    ).all()
    by_user: dict[int, list[InboxItem]] = defaultdict(list)
    for item in rows:
        by_user[item.user_id].append(item)
    moment, queued = clock_now(), 0
    for user_id, items in by_user.items():
        message = mail.queue(
            recipient=items[-1].email,
            subject=f"Your notifications for {day.isoformat()} ({len(items)})",
            body=_digest_body(items) + _footer(),
            kind=DIGEST_KIND,
            dedupe_key=f"digest:{user_id}:{day.isoformat()}",
            object_type="user",
            object_id=user_id,
        )
        if message is None:
            continue  # this day's digest went out already; these wait for the next one
        queued += 1
        for item in items:
            item.mailed_at = moment
    commit_or_conflict()
    return queued


def _active_user_ids() -> Select:
    """Ids of the users still active: someone deactivated after a notification was made gets
    no digest of it. The inbox imports no user model (auth sits above it), so it reads the
    users table by name from the shared metadata, as its foreign keys name it."""
    users = db.metadata.tables["users"]
    return select(users.c.id).where(users.c.active.is_(True))


def _digest_body(items: list[InboxItem]) -> str:
    lines = [f"You have {len(items)} new notification{'s' if len(items) != 1 else ''}:", ""]
    for item in items:
        lines += [f"- {item.title}", f"  {item.text}", f"  {absolute_url(item.link)}", ""]
    lines.append(f"All your notifications: {absolute_url('/inbox/')}")
    return "\n".join(lines) + "\n"

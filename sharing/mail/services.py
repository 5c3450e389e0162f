"""Queueing mail in the outbox and delivering it over SMTP, once per dedupe key."""

from __future__ import annotations

import smtplib
import ssl
from datetime import timedelta
from email.message import EmailMessage
from email.utils import make_msgid

from flask import current_app
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from sharing.core.clock import local
from sharing.core.clock import now as clock_now
from sharing.core.database import commit_or_conflict
from sharing.extensions import db
from sharing.mail.models import Notification

CLAIM_TIMEOUT = timedelta(minutes=10)


def queue(
    *,
    recipient: str,
    subject: str,
    body: str,
    kind: str,
    dedupe_key: str,
    object_type: str | None = None,
    object_id: object = None,
) -> Notification | None:
    """Add a message to the caller's transaction, unless this dedupe key was ever queued."""
    if "\r" in recipient or "\n" in recipient:
        # A line break in an address header would let the rest of it become new headers.
        raise ValueError("recipient must be one address without line breaks")
    existing = db.session.scalar(select(Notification).where(Notification.dedupe_key == dedupe_key))
    if existing is not None:
        return None
    notification = Notification(
        recipient=recipient.strip().lower(),
        subject=subject.replace("\r", " ").replace("\n", " ")[:255],
        body=body,
        kind=kind,
        dedupe_key=dedupe_key,
        object_type=object_type,
        object_id=None if object_id is None else str(object_id),
    )
    try:
        with db.session.begin_nested():
            db.session.add(notification)
    except IntegrityError:
        # Another transaction queued the same key first: that one is the message.
        # Any other integrity failure is a bug in the caller and must not vanish silently.
        if db.session.scalar(select(Notification.id).where(Notification.dedupe_key == dedupe_key)):
            return None
        raise
    return notification


def mail_configured() -> bool:
    return bool(current_app.config.get("MAIL_SERVER"))


def delivery_text(message: Notification | None) -> str:
    """Where a message stands, honestly: queued is not sent."""
    if message is None:
        return "No email was queued"
    if message.state == "sent":
        return f"Sent {local(message.sent_at):%Y-%m-%d %H:%M}"
    if message.state == "failed":
        return f"Not sent: {message.reason}; it is tried again automatically"
    if not mail_configured():
        return "Queued, not sent: no mail server is set up"
    return "Queued, not yet delivered"


def deliver_pending(*, limit: int = 500, ids: list[int] | None = None) -> dict[str, int]:
    """Send queued messages. Each is claimed first, so concurrent runs never send one twice."""
    result = {"sent": 0, "failed": 0}
    if not mail_configured():
        return result
    stmt = select(Notification.id).where(Notification.sent_at.is_(None))
    if ids is not None:
        stmt = stmt.where(Notification.id.in_(ids))
    candidates = list(db.session.scalars(stmt.order_by(Notification.id).limit(limit)))
    commit_or_conflict()
    for notification_id in candidates:
        if not _claim(notification_id):
            continue
        ok = _send_one(notification_id)
        result["sent" if ok else "failed"] += 1
    return result


def _claim(notification_id: int) -> bool:
    moment = clock_now()
    claimed = db.session.execute(
        update(Notification)
        .where(
            Notification.id == notification_id,
            Notification.sent_at.is_(None),
            (Notification.claimed_at.is_(None))
            | (Notification.claimed_at < moment - CLAIM_TIMEOUT),
        )
        .values(claimed_at=moment)
        .execution_options(synchronize_session=False)
    )
    commit_or_conflict()
    return claimed.rowcount == 1


def _send_one(notification_id: int) -> bool:
    notification = db.session.get(Notification, notification_id)
    notification.attempts += 1
    try:
        _smtp_send(notification)
    except Exception as error:  # noqa: BLE001 - one bad message must not stop the whole run
        notification.failed_at = clock_now()
        notification.claimed_at = None
        notification.last_error = f"{type(error).__name__}: {error}"[:2000]
        commit_or_conflict()
        current_app.logger.warning("mail to %s failed: %s", notification.recipient, error)
        return False
    notification.sent_at = clock_now()
    notification.failed_at = None
    notification.last_error = ""
    commit_or_conflict()
    return True


def build_message(notification: Notification) -> EmailMessage:
    cfg = current_app.config
    message = EmailMessage()
    message["From"] = cfg["MAIL_SENDER"]
    message["To"] = notification.recipient
    message["Subject"] = notification.subject
    message["Message-ID"] = make_msgid(domain="sharing.invalid")
    message["X-Sharing-Dedupe-Key"] = notification.dedupe_key
    message.set_content(notification.body)
    return message


def _smtp_send(notification: Notification) -> None:
    cfg = current_app.config
    host, port, timeout = cfg["MAIL_SERVER"], int(cfg["MAIL_PORT"]), cfg["MAIL_TIMEOUT"]
    if cfg.get("MAIL_USE_SSL"):
        client: smtplib.SMTP = smtplib.SMTP_SSL(
            host, port, timeout=timeout, context=ssl.create_default_context()
        )
    else:
        client = smtplib.SMTP(host, port, timeout=timeout)
    with client:
        if cfg.get("MAIL_USE_STARTTLS"):
            client.starttls(context=ssl.create_default_context())
        if cfg.get("MAIL_USERNAME"):
            client.login(cfg["MAIL_USERNAME"], cfg.get("MAIL_PASSWORD") or "")
        client.send_message(build_message(notification))


def outbox_query(*, state: str = "", search: str = ""):
    stmt = select(Notification)
    if state == "sent":
        stmt = stmt.where(Notification.sent_at.is_not(None))
    elif state == "failed":
        stmt = stmt.where(Notification.sent_at.is_(None), Notification.failed_at.is_not(None))
    elif state == "queued":
        stmt = stmt.where(Notification.sent_at.is_(None), Notification.failed_at.is_(None))
    search = search.strip().lower()
    if search:
        # autoescape: "_" and "%" are common in addresses and must match literally.
        stmt = stmt.where(
            Notification.recipient.contains(search, autoescape=True)
            | Notification.subject.icontains(search, autoescape=True)
        )
    return stmt

"""Queueing and delivering mail through a real SMTP server, once per dedupe key."""

from __future__ import annotations

import socket
from datetime import timedelta

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from sharing.core.clock import now
from sharing.mail import services
from sharing.mail.models import Notification


@pytest.fixture
def app_config(smtp_server) -> dict:
    return {"MAIL_SERVER": smtp_server.host, "MAIL_PORT": smtp_server.port}


def queue_message(db, **overrides) -> Notification | None:
    values = {
        "recipient": "Vendor.Contact@Example.org",
        "subject": "Your attestation is due",
        "body": "Please complete the annual attestation by 15 January.",
        "kind": "attestation.due",
        "dedupe_key": "attestation:1:due",
        "object_type": "attestation",
        "object_id": 1,
    }
    values.update(overrides)
    notification = services.queue(**values)
    db.session.commit()
    return notification


def closed_port() -> int:
    """A loopback port nothing listens on: connecting to it is refused."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def count_notifications(db) -> int:
    return db.session.scalar(select(func.count()).select_from(Notification))


def test_queued_message_is_delivered_over_smtp_with_its_headers_and_body(db, smtp_server):
    """deliver_pending sends the queued message to the SMTP server and marks it sent."""
    notification = queue_message(db)

    result = services.deliver_pending()

    assert result == {"sent": 1, "failed": 0}
    assert len(smtp_server.messages) == 1
    received = smtp_server.messages[0]
    assert received["to"] == ["vendor.contact@example.org"]
    message = received["message"]
    assert message["To"] == "vendor.contact@example.org"
    assert message["Subject"] == "Your attestation is due"
    assert message["From"] == "privacy-office@sharing.invalid"
    assert message["X-Sharing-Dedupe-Key"] == "attestation:1:due"
    assert "Please complete the annual attestation" in message.get_content()
    db.session.refresh(notification)
    assert notification.sent_at is not None
    assert notification.attempts == 1
    assert notification.state == "sent"


def test_same_dedupe_key_is_queued_once_and_sent_once(db, smtp_server):
    """Queueing a key twice keeps one row; delivering twice sends one message."""
    first = queue_message(db)
    second = queue_message(db, subject="A second copy")

    assert first is not None
    assert second is None
    assert count_notifications(db) == 1

    assert services.deliver_pending() == {"sent": 1, "failed": 0}
    assert services.deliver_pending() == {"sent": 0, "failed": 0}
    assert len(smtp_server.messages) == 1
    assert smtp_server.messages[0]["message"]["Subject"] == "Your attestation is due"


def test_dedupe_key_stays_used_after_the_message_was_sent(db, smtp_server):
    """A key that was already sent is never queued or sent again."""
    queue_message(db)
    services.deliver_pending()

    assert queue_message(db, body="Reminder again") is None
    services.deliver_pending()

    assert count_notifications(db) == 1
    assert len(smtp_server.messages) == 1


def test_smtp_failure_is_recorded_and_the_next_run_sends_exactly_once(app, db, smtp_server):
    """A refused connection records failed_at, attempts and the error; a later run sends it."""
    notification = queue_message(db)
    app.config["MAIL_PORT"] = closed_port()

    assert services.deliver_pending() == {"sent": 0, "failed": 1}

    db.session.refresh(notification)
    assert notification.sent_at is None
    assert notification.failed_at is not None
    assert notification.attempts == 1
    assert "ConnectionRefusedError" in notification.last_error
    assert notification.state == "failed"
    assert smtp_server.messages == []

    app.config["MAIL_PORT"] = smtp_server.port
    assert services.deliver_pending() == {"sent": 1, "failed": 0}
    assert services.deliver_pending() == {"sent": 0, "failed": 0}

    db.session.refresh(notification)
    assert len(smtp_server.messages) == 1
    assert notification.sent_at is not None
    assert notification.failed_at is None
    assert notification.last_error == ""
    assert notification.attempts == 2


def test_a_message_that_cannot_be_built_fails_alone(db, smtp_server):
    """One broken outbox row is recorded as failed; the messages after it are still sent."""
    db.session.add(
        Notification(
            recipient="victim@example.org\nbcc: other@example.org",
            subject="Broken",
            body="x",
            kind="test",
            dedupe_key="broken:1",
        )
    )
    db.session.commit()
    queue_message(db)

    result = services.deliver_pending()

    assert result == {"sent": 1, "failed": 1}
    assert [m["to"] for m in smtp_server.messages] == [["vendor.contact@example.org"]]
    broken = db.session.scalar(select(Notification).where(Notification.dedupe_key == "broken:1"))
    assert broken.sent_at is None
    assert broken.failed_at is not None
    assert broken.last_error


def test_queue_refuses_a_recipient_with_a_line_break(db):
    """A recipient carrying CR or LF (header injection) is refused before it reaches the outbox."""
    with pytest.raises(ValueError, match="recipient"):
        services.queue(
            recipient="a@example.org\r\nBcc: b@example.org",
            subject="Hello",
            body="x",
            kind="test",
            dedupe_key="inject:1",
        )
    db.session.rollback()
    assert count_notifications(db) == 0


def test_queue_strips_line_breaks_from_the_subject(db, smtp_server):
    """A subject with line breaks becomes one header line, so no header can be injected."""
    queue_message(db, subject="Hello\r\nBcc: someone@example.org")
    services.deliver_pending()

    message = smtp_server.messages[0]["message"]
    assert message["Subject"] == "Hello  Bcc: someone@example.org"
    assert message["Bcc"] is None


def test_queue_does_not_hide_integrity_errors_other_than_a_duplicate_key(db):
    """Only a duplicate dedupe key is swallowed; a broken row still raises."""
    with pytest.raises(IntegrityError):
        services.queue(
            recipient="a@example.org", subject="Hi", body=None, kind="test", dedupe_key="k:1"
        )
    db.session.rollback()
    assert count_notifications(db) == 0


def test_a_message_claimed_by_another_run_is_not_sent_twice(db, smtp_server):
    """A fresh claim keeps other runs away; a claim older than the timeout is taken over."""
    notification = queue_message(db)
    notification.claimed_at = now()
    db.session.commit()

    assert services.deliver_pending() == {"sent": 0, "failed": 0}
    assert smtp_server.messages == []

    notification.claimed_at = now() - services.CLAIM_TIMEOUT - timedelta(seconds=1)
    db.session.commit()

    assert services.deliver_pending() == {"sent": 1, "failed": 0}
    assert len(smtp_server.messages) == 1


def test_mail_send_command_delivers_the_outbox(app, db, smtp_server):
    """`flask mail send` sends what is queued and reports the counts."""
    queue_message(db)
    queue_message(db, dedupe_key="attestation:2:due", recipient="second@example.org")

    result = app.test_cli_runner().invoke(args=["mail", "send"])

    assert result.exit_code == 0, result.output
    assert "sent 2, failed 0" in result.output
    assert sorted(m["to"][0] for m in smtp_server.messages) == [
        "second@example.org",
        "vendor.contact@example.org",
    ]
    pending = select(func.count()).where(Notification.sent_at.is_(None))
    assert db.session.scalar(pending) == 0


def test_mail_send_command_without_a_server_leaves_messages_queued(app, db, smtp_server):
    """Without SHARING_MAIL_SERVER the command says so and sends nothing."""
    app.config["MAIL_SERVER"] = None
    queue_message(db)

    result = app.test_cli_runner().invoke(args=["mail", "send"])

    assert result.exit_code == 0
    assert "SHARING_MAIL_SERVER is not set" in result.output
    assert smtp_server.messages == []
    assert db.session.scalar(select(Notification.sent_at)) is None

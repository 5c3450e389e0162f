"""The outbox pages: without a mail server messages wait there, readable by admins only."""

from __future__ import annotations

import pytest

from sharing.mail import services
from sharing.mail.models import Notification


@pytest.fixture
def app_config() -> dict:
    return {"MAIL_SERVER": None}


def queue_message(db, n: int = 1, **overrides) -> Notification:
    values = {
        "recipient": f"contact{n}@example.org",
        "subject": f"Renewal notice {n}",
        "body": f"Agreement {n} expires in 30 days.\nPlease review it.",
        "kind": "renewal.notice",
        "dedupe_key": f"renewal:{n}:notice-30",
    }
    values.update(overrides)
    notification = services.queue(**values)
    db.session.commit()
    return notification


def test_without_a_mail_server_messages_stay_in_the_outbox(db):
    """deliver_pending sends nothing and leaves sent_at empty when no server is configured."""
    notification = queue_message(db)

    assert services.deliver_pending() == {"sent": 0, "failed": 0}

    db.session.refresh(notification)
    assert notification.sent_at is None
    assert notification.attempts == 0
    assert notification.state == "queued"


def test_admin_reads_the_outbox_list(client, login_as, db):
    """The outbox lists queued messages and warns that no mail server is configured."""
    queue_message(db, 1)
    queue_message(db, 2)
    login_as("admin")

    response = client.get("/mail/outbox")

    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Renewal notice 1" in html
    assert "Renewal notice 2" in html
    assert "contact2@example.org" in html
    assert "No mail server is configured" in html


def test_admin_reads_one_message_with_its_body(client, login_as, db):
    """The message page shows recipient, state and the full body."""
    notification = queue_message(db)
    login_as("admin")

    response = client.get(f"/mail/outbox/{notification.id}")

    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "contact1@example.org" in html
    assert "Agreement 1 expires in 30 days." in html
    assert "Queued" in html


def test_outbox_filters_by_state_and_search(client, login_as, db):
    """The state filter and the recipient/subject search narrow the list."""
    queue_message(db, 1)
    sent = queue_message(db, 2, recipient="someone_else@example.org")
    sent.sent_at = sent.created_at
    db.session.commit()
    login_as("admin")

    queued_html = client.get("/mail/outbox?state=queued").get_data(as_text=True)
    sent_html = client.get("/mail/outbox?state=sent").get_data(as_text=True)
    search_html = client.get("/mail/outbox?q=contact1").get_data(as_text=True)

    assert "Renewal notice 1" in queued_html and "Renewal notice 2" not in queued_html
    assert "Renewal notice 2" in sent_html and "Renewal notice 1" not in sent_html
    assert "Renewal notice 1" in search_html and "Renewal notice 2" not in search_html


def test_outbox_search_treats_wildcards_literally(client, login_as, db):
    """An underscore in the search matches an underscore, not any character."""
    queue_message(db, 1, recipient="ann_lee@example.org")
    queue_message(db, 2, recipient="annxlee@example.org")
    login_as("admin")

    html = client.get("/mail/outbox?q=ann_lee").get_data(as_text=True)

    assert "ann_lee@example.org" in html
    assert "annxlee@example.org" not in html


def test_unknown_message_is_404(client, login_as):
    """A message id that does not exist gives the friendly 404 page."""
    login_as("admin")

    response = client.get("/mail/outbox/999999")

    assert response.status_code == 404
    assert "Not found" in response.get_data(as_text=True)


@pytest.mark.parametrize("role", ["privacy", "procurement", "vendor"])
def test_only_admins_may_read_the_outbox(client, login_as, db, role):
    """Every other role gets 403 on the outbox list and on a message."""
    notification = queue_message(db)
    login_as(role)

    assert client.get("/mail/outbox").status_code == 403
    response = client.get(f"/mail/outbox/{notification.id}")
    assert response.status_code == 403
    assert "Agreement 1 expires" not in response.get_data(as_text=True)


def test_anonymous_visitors_are_sent_to_sign_in(client, db):
    """Signed-out visitors are redirected to the sign-in page, not shown the outbox."""
    queue_message(db)

    response = client.get("/mail/outbox")

    assert response.status_code == 302
    assert "/auth/sign-in" in response.headers["Location"]

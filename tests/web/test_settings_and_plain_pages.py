"""User pages name no shell command or setting; administrators read the installation's
set-up on the Settings page instead, and empty lists point to what fills them."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest

from sharing.audit.services import SYSTEM, record
from sharing.mail.models import Notification

SHELL_WORDS = re.compile(r"flask |--app|SHARING_")


@pytest.fixture
def app_config() -> dict:
    return {
        "TIMEZONE": "America/Los_Angeles",
        "MAIL_SERVER": "smtp.city.example",
        "MAIL_PORT": 587,
        "MAIL_USE_STARTTLS": True,
        "MAIL_USERNAME": "sharing-app",
        "MAIL_PASSWORD": "hunter2-very-secret",
        "MAIL_SENDER": "privacy-office@city.example",
        "PDF_UNOSERVER": "127.0.0.1:2003",
    }


def _html(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200
    return response.get_data(as_text=True)


def test_settings_page_shows_mail_time_zone_and_pdf_in_plain_words(client, login_as, db):
    """Mail server and sender, the time zone and the PDF converter, but never the password."""
    login_as("admin")

    html = _html(client, "/settings/")

    assert "smtp.city.example:587" in html
    assert "privacy-office@city.example" in html
    assert "STARTTLS" in html
    assert "hunter2-very-secret" not in html
    assert "America/Los_Angeles" in html
    assert "127.0.0.1:2003" in html
    assert "“Mail” in the operations guide" in html
    assert "“PDF conversion” in the operations guide" in html
    assert not SHELL_WORDS.search(html)


def test_settings_page_shows_when_the_jobs_last_left_a_trace(client, login_as, db):
    """The roll's last change is shown in local time; a job with no trace says so."""
    record(
        actor=SYSTEM, action="agreement.expired", object_type="agreement", object_id=1
    ).at = datetime(2026, 12, 1, 13, 30, tzinfo=UTC)
    db.session.commit()
    login_as("admin")

    html = _html(client, "/settings/")

    roll = html[html.index("Daily agreement roll") :]
    assert roll.index("2026-12-01 05:30") < roll.index("Daily attestation schedule")
    assert "Reminders (hourly)</strong>: no trace yet" in html


def test_settings_page_counts_the_waiting_and_failed_mail(client, login_as, db):
    """Messages waiting and failed are counted from the outbox."""
    for n, failed in enumerate([None, None, datetime(2026, 12, 1, tzinfo=UTC)]):
        db.session.add(
            Notification(
                recipient=f"r{n}@example.org",
                subject="Notice",
                body="Body",
                kind="renewal",
                dedupe_key=f"settings-{n}",
                failed_at=failed,
            )
        )
    db.session.commit()
    login_as("admin")

    html = _html(client, "/settings/")

    assert re.search(r"Messages waiting</dt><dd[^>]*>2<", html)
    assert re.search(r"Messages that failed</dt><dd[^>]*>1 ", html)


@pytest.mark.parametrize(("role", "shown"), [("admin", True), ("privacy", False)])
def test_settings_is_in_the_admin_menu_only(client, login_as, db, role, shown):
    """Administrators see the Settings link; the privacy office does not."""
    login_as(role)
    assert ('href="/settings/"' in _html(client, "/audit/")) is shown


@pytest.mark.parametrize("role", ["privacy", "procurement", "vendor"])
def test_only_administrators_may_read_the_settings(client, login_as, db, role):
    """Everyone else gets 403 on the settings page."""
    login_as(role)
    assert client.get("/settings/").status_code == 403


def test_outbox_warning_names_no_setting(client, login_as, app, db):
    """Without a mail server the outbox says so in words and links to Settings."""
    app.config["MAIL_SERVER"] = None
    login_as("admin")

    html = _html(client, "/mail/outbox")

    assert "No mail server is configured" in html
    assert 'href="/settings/#settings-mail"' in html
    assert not SHELL_WORDS.search(html)


@pytest.mark.parametrize(
    ("role", "advice"),
    [("admin", 'href="/settings/#settings-jobs"'), ("privacy", "ask an administrator")],
)
def test_reminders_page_names_no_command(client, login_as, db, role, advice):
    """The reminders page explains the hourly job in words; its empty state points admins
    to Settings and tells the privacy office whom to ask."""
    login_as(role)

    html = _html(client, "/renewals/reminders")

    assert "No reminders have been queued yet" in html
    assert advice in html
    assert not SHELL_WORDS.search(html)


@pytest.mark.parametrize(
    ("role", "advice"),
    [
        ("admin", "“Deploying” section of the operations guide"),
        ("procurement", "Ask an administrator"),
    ],
)
def test_empty_policy_list_says_who_loads_it(client, login_as, db, role, advice):
    """With no policy, the list says how the library gets loaded, in words and no command."""
    login_as(role)

    html = _html(client, "/obligations/")

    assert "No policy is loaded yet" in html
    assert advice in html
    assert not SHELL_WORDS.search(html)

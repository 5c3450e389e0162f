"""The notifications page, the unread count in the navigation, the mail choice on the account
page, and invitations that say honestly whether their email went out."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from sharing.extensions import db
from sharing.inbox.models import InboxItem, MailChoice, MailPreference
from sharing.mail.models import Notification
from tests.conftest import free_port
from tests.factories import make_organisation, make_user
from tests.web.tables.inbox import give

# Tests that run against a mail server nobody listens on.
UNREACHABLE = {"test_a_failed_invitation_email_says_why_in_plain_words"}


@pytest.fixture
def app_config(request):
    if "smtp_server" in request.fixturenames:
        server = request.getfixturevalue("smtp_server")
        return {"MAIL_SERVER": server.host, "MAIL_PORT": server.port}
    if request.node.originalname in UNREACHABLE:
        return {"MAIL_SERVER": "127.0.0.1", "MAIL_PORT": free_port(), "MAIL_TIMEOUT": 2}
    return {}


def _nav(html: str) -> str:
    return re.search(r'<a [^>]*id="nav-inbox"[^>]*>(.*?)</a>', html, re.S).group(1)


def _text(fragment: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", fragment)).strip()


def _heard(fragment: str) -> str:
    """The link's text as a screen reader reads it: what is hidden from it left out."""
    return _text(re.sub(r'<(\w+)[^>]*aria-hidden="true"[^>]*>.*?</\1>', "", fragment, flags=re.S))


def test_the_navigation_reads_the_unread_count_aloud(client, login_as):
    """Screen readers hear "Notifications, 3 unread"; only the user's own items count."""
    user = login_as("procurement")
    for n in range(3):
        give(user, f"k{n}")
    give(make_user("procurement"), "someone-else")
    nav = _nav(client.get("/auth/account").get_data(as_text=True))
    assert _heard(nav) == "Notifications, 3 unread"
    assert '<span class="badge' in nav


def test_the_folded_menu_button_carries_the_unread_count_on_a_phone(client, login_as):
    """On a phone the bell is folded away, so the menu button shows and says the count."""
    user = login_as("vendor")
    page = client.get("/portal/").get_data(as_text=True)
    assert 'aria-label="Toggle navigation"' in page
    for n in range(2):
        give(user, f"k{n}")
    page = client.get("/portal/").get_data(as_text=True)
    button = re.search(r'<button[^>]*id="nav-toggle".*?</button>', page, flags=re.S).group(0)
    assert 'aria-label="Toggle navigation, 2 unread notifications"' in button
    assert re.search(r'<span class="badge[^>]*aria-hidden="true">2</span>', button)


def test_without_unread_items_the_navigation_says_none(client, login_as):
    """With nothing unread there is no badge, and the link says so."""
    login_as("vendor")
    nav = _nav(client.get("/portal/").get_data(as_text=True))
    assert _heard(nav) == "Notifications, none unread" and "badge" not in nav


def test_the_list_shows_the_users_items_newest_first(client, login_as):
    """The page lists the user's own items, newest first, with the unread count."""
    user = login_as("vendor")
    give(user, "older", title="Attestation requested for DSA-1")
    give(user, "newer", title="Incident INC-1 is now investigating")
    give(make_user("vendor"), "other", title="Somebody else's news")
    html = client.get("/inbox/").get_data(as_text=True)
    assert html.index("INC-1") < html.index("DSA-1")
    assert "Somebody else" not in html
    assert "2 unread" in html


def test_opening_an_item_marks_it_read_and_goes_to_its_page(client, login_as):
    """Opening redirects to the item's page and lowers the count."""
    user = login_as("procurement")
    item = give(user, link="/flows/42")
    response = client.post_form(f"/inbox/{item.id}/open", from_url="/inbox/")
    assert response.status_code == 302 and response.headers["Location"] == "/flows/42"
    db.session.expire_all()
    assert db.session.get(InboxItem, item.id).read_at is not None
    assert _heard(_nav(client.get("/inbox/").get_data(as_text=True))).endswith("none unread")


def test_a_vendor_cannot_open_another_users_notification(client, login_as):
    """Another user's item answers 404 and stays unread, even within the same organisation."""
    vendor = login_as("vendor")
    colleague = make_user("vendor", organisation_id=vendor.organisation_id)
    item = give(colleague)
    response = client.post_form(f"/inbox/{item.id}/open", from_url="/inbox/")
    assert response.status_code == 404
    db.session.expire_all()
    assert db.session.get(InboxItem, item.id).read_at is None


def test_opening_needs_the_csrf_token(client, login_as):
    """Opening is a POST and refuses a request without the CSRF token."""
    item = give(login_as("vendor"))
    assert client.post(f"/inbox/{item.id}/open").status_code == 400


def test_mark_all_as_read(client, login_as):
    """Mark all as read clears the count and says how many it marked."""
    user = login_as("privacy")
    give(user, "a")
    give(user, "b")
    response = client.post_form("/inbox/read-all", from_url="/inbox/")
    assert response.status_code == 302
    page = client.get("/inbox/").get_data(as_text=True)
    assert "Marked 2 notifications as read." in page
    assert _heard(_nav(page)).endswith("none unread")


def test_the_account_page_sets_a_daily_digest(client, login_as):
    """The choice is saved, shown as chosen, and the next notification is not mailed at once."""
    user = login_as("procurement")
    page = client.get("/auth/account").get_data(as_text=True)
    assert 'id="mail-preference-form"' in page and '<option selected value="immediate">' in page
    response = client.post_form(
        "/auth/account/mail", {"choice": "digest"}, from_url="/auth/account"
    )
    assert response.status_code == 302
    page = client.get("/auth/account").get_data(as_text=True)
    assert "once a day, as one list" in page and '<option selected value="digest">' in page
    assert db.session.get(MailPreference, user.id).choice == MailChoice.DIGEST
    give(user)
    assert db.session.scalars(select(Notification)).all() == []


def test_an_unknown_mail_choice_is_refused_beside_the_field(client, login_as):
    """A choice outside the two options is refused on its field."""
    user = login_as("procurement")
    response = client.post_form(
        "/auth/account/mail", {"choice": "hourly"}, from_url="/auth/account"
    )
    assert response.status_code == 200
    assert 'id="choice-error"' in response.get_data(as_text=True)
    assert db.session.get(MailPreference, user.id) is None


# Invitations ---------------------------------------------------------------------------


def _invite(client):
    organisation = make_organisation()
    return client.post_form(
        "/auth/invitations/new",
        {"email": "vera@example.org", "role": "vendor", "organisation_id": organisation.id},
        follow_redirects=True,
    )


def test_without_a_mail_server_an_invitation_says_its_email_is_only_queued(client, login_as):
    """No mail server: the flash and the list say queued, never sent."""
    login_as("procurement")
    page = _text(_invite(client).get_data(as_text=True))
    assert "its email is only queued: no mail server is set up" in page
    assert "Invitation sent" not in page
    assert "Queued, not sent: no mail server is set up" in page  # the list's Email delivery column


def test_with_a_mail_server_an_invitation_says_sent(client, login_as, smtp_server):
    """Delivered: the flash says sent and the list shows when."""
    login_as("procurement")
    page = _text(_invite(client).get_data(as_text=True))
    assert "Invitation sent to vera@example.org." in page
    assert re.search(r"Sent \d{4}-\d\d-\d\d \d\d:\d\d", page)
    assert [m["to"] for m in smtp_server.messages] == [["vera@example.org"]]


def test_a_failed_invitation_email_says_why_in_plain_words(client, login_as):
    """A failed send is reported with a plain reason, not the exception."""
    login_as("procurement")
    page = _text(_invite(client).get_data(as_text=True))
    assert "its email was not sent: the mail server could not be reached" in page
    assert "Not sent: the mail server could not be reached" in page
    assert "ConnectionRefusedError" not in page

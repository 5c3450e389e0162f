"""The concern form's protection without a CAPTCHA: the rate limit per address, the hidden
field only robots fill, the size limits and plain text only."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from sharing.concerns import abuse
from sharing.concerns.models import Concern, ConcernAttempt
from sharing.core.clock import now
from sharing.extensions import db
from tests.factories import make_concern, make_user

TEXT = "Why does the library share my borrowing history?"


def _count(model, *where) -> int:
    return db.session.scalar(select(func.count()).select_from(model).where(*where))


def _raise(client, data=None, *, address: str = "203.0.113.7", **kw):
    payload = {"kind": "concern", "body": TEXT, "email": "", "language": "en", "website": ""}
    payload.update(data or {})
    return client.post_form("/concerns/new", payload, environ_base={"REMOTE_ADDR": address}, **kw)


def test_the_sixth_post_in_an_hour_from_one_address_is_refused_with_retry_after(client):
    """Five are accepted; the sixth answers 429 with Retry-After, stores nothing, and keeps the
    typed text on a friendly page; another address is still accepted."""
    for _ in range(5):
        assert _raise(client).status_code == 302
    refused = _raise(client, {"body": "A sixth message that should be kept on the page."})
    page = refused.get_data(as_text=True)
    assert refused.status_code == 429
    assert 0 < int(refused.headers["Retry-After"]) <= 3600
    assert "A sixth message that should be kept on the page." in page
    assert "try again in" in page
    assert _count(Concern) == 5
    assert _count(ConcernAttempt) == 5
    assert _raise(client, address="198.51.100.9").status_code == 302
    assert _count(Concern) == 6


def test_the_daily_limit_counts_attempts_over_the_whole_day(client, app):
    """Twenty submissions spread over the day exhaust it even though no hour holds five."""
    key = abuse.address_key("203.0.113.8")
    moment = now()
    for hour in range(20):
        abuse.count_attempt(key=key, now=moment - timedelta(hours=2 + hour * 0.5))
    db.session.commit()
    assert abuse.retry_after(key=key, now=moment) > 0
    assert _raise(client, address="203.0.113.8").status_code == 429


def test_the_limits_come_from_settings(client, app):
    app.config["CONCERN_LIMIT_HOUR"] = 1
    assert _raise(client).status_code == 302
    assert _raise(client).status_code == 429


def test_addresses_are_kept_only_as_keyed_hashes(client):
    _raise(client, address="203.0.113.99")
    attempt = db.session.scalars(select(ConcernAttempt)).one()
    assert "203.0.113.99" not in attempt.address_key
    assert attempt.address_key == abuse.address_key("203.0.113.99")
    assert len(attempt.address_key) == 64


def test_filling_the_hidden_field_stores_nothing_but_looks_accepted(client):
    """A robot's post gets the same receipt as a person's; no concern, no mail, one trapped
    attempt counted."""
    make_user("privacy")
    db.session.commit()
    real = _raise(client, follow_redirects=True).get_data(as_text=True)
    trapped = _raise(client, {"website": "http://spam.example"}, follow_redirects=True)
    assert trapped.status_code == 200
    page = trapped.get_data(as_text=True)
    assert "Your reference is" in page and "Your reference is" in real
    assert _count(Concern) == 1
    assert _count(ConcernAttempt, ConcernAttempt.trapped.is_(True)) == 1
    assert abuse.trapped_since(now() - timedelta(hours=1)) == 1


def test_the_hidden_field_is_hidden_from_people_and_screen_readers(client):
    page = client.get("/concerns/new").get_data(as_text=True)
    assert 'name="website"' in page
    field = page[page.find('name="website"') - 300 : page.find('name="website"') + 200]
    assert 'aria-hidden="true"' in field
    assert 'autocomplete="off"' in field
    assert 'tabindex="-1"' in field
    assert "Leave this field empty" in page


def test_text_over_4000_characters_is_refused_beside_the_field_and_kept(client):
    long_text = "x" * 4001
    response = _raise(client, {"body": long_text})
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert 'id="body-error"' in page
    assert "4,000 characters" in page
    assert long_text in page
    assert _count(Concern) == 0


def test_a_full_text_in_vietnamese_fits_under_the_request_cap(client):
    """4,000 characters of Vietnamese are about 36 KB once encoded and are still accepted."""
    text = ("Tôi lo ngại về dữ liệu của tôi. " * 130)[:4000]
    assert _raise(client, {"body": text, "language": "vi"}).status_code == 302
    assert db.session.scalars(select(Concern)).one().body == text.strip()


def test_a_request_body_over_the_cap_is_refused_413(client, app):
    cap = app.config["CONCERN_MAX_REQUEST_BYTES"]
    response = _raise(client, {"padding": "y" * (cap + 1)})
    assert response.status_code == 413
    assert "larger than the form takes" in response.get_data(as_text=True)
    assert _count(Concern) == 0


def test_markup_is_refused_with_a_plain_message(client):
    for body in (
        "<script>alert('x')</script> is what I found",
        "Look at <img src=x onerror=alert(1)> here",
        "A comment <!-- hidden --> inside my text",
    ):
        response = _raise(client, {"body": body})
        page = response.get_data(as_text=True)
        assert response.status_code == 200
        assert "Write plain text only" in page
        assert "<script>alert" not in page and "<img src=x" not in page
    assert _count(Concern) == 0


def test_lone_angle_brackets_are_plain_text(client):
    assert _raise(client, {"body": "Fines went from < 10 to > 100 dollars."}).status_code == 302


def test_markup_stored_anyway_is_always_shown_escaped_to_staff(client, login_as):
    """A text written before the rule, or through another path, never reaches a page as HTML."""
    concern = make_concern(body="<script>alert('case')</script>", email="x@example.org")
    login_as("privacy")
    page = client.get(f"/concerns/cases/{concern.id}").get_data(as_text=True)
    assert "<script>alert('case')</script>" not in page
    assert "&lt;script&gt;" in page

"""The inbox: one item per person per event, mail now or in one daily digest, read marks."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import func, select

from sharing.audit.models import AuditEvent
from sharing.core.clock import now
from sharing.errors import NotFound, ValidationFailed
from sharing.extensions import db
from sharing.inbox import services as inbox
from sharing.inbox.models import InboxItem, MailChoice
from sharing.mail.models import Notification
from tests.factories import make_user

DAY = date(2026, 11, 20)


def _notify(people, key="flow:1:submit:v1", **overrides):
    values = {
        "people": people,
        "kind": "flow.submit",
        "key": key,
        "title": "Data flow submitted for review: Payroll",
        "text": "A data flow was submitted to the privacy office for review.",
        "link": "/flows/1",
    }
    values.update(overrides)
    queued = inbox.notify(**values)
    db.session.commit()
    return queued


def _items(user) -> list[InboxItem]:
    # In the order they were raised: PostgreSQL returns rows in no promised order without one.
    return list(
        db.session.scalars(
            select(InboxItem).where(InboxItem.user_id == user.id).order_by(InboxItem.id)
        )
    )


def _mail(recipient: str) -> list[Notification]:
    return list(db.session.scalars(select(Notification).where(Notification.recipient == recipient)))


def _at(item_id: int, moment: datetime) -> None:
    db.session.get(InboxItem, item_id).created_at = moment
    db.session.commit()


def test_each_person_gets_one_item_and_one_mail_per_event_however_often_it_is_raised(db):
    """The same key twice adds nothing: no second item, no second mail."""
    alice, bob = make_user("privacy"), make_user("privacy")
    _notify([alice, bob])
    _notify([alice, bob])
    assert [len(_items(alice)), len(_items(bob))] == [1, 1]
    (message,) = _mail(alice.email)
    assert message.dedupe_key == f"flow:1:submit:v1:{alice.email}"
    assert message.subject == "Data flow submitted for review: Payroll"
    assert "http://localhost/flows/1" in message.body and "/auth/account" in message.body
    assert _items(alice)[0].mailed_at is not None


def test_the_person_who_took_the_step_is_not_told_of_it(db):
    """The actor gets neither an item nor a mail about their own step."""
    actor, other = make_user("privacy"), make_user("privacy")
    _notify([actor, other], actor_id=actor.id)
    assert _items(actor) == [] and _mail(actor.email) == []
    assert len(_items(other)) == 1


def test_a_link_outside_the_app_is_refused(db):
    """An item links only to a path of this site, so opening it cannot leave it."""
    with pytest.raises(ValueError):
        inbox.notify(
            people=[make_user("privacy")], kind="x", key="x", title="t", text="", link="//evil"
        )


def test_a_digest_reader_gets_no_mail_at_the_event(db):
    """Choosing the digest stops the immediate mail; the item waits unmailed."""
    reader = make_user("procurement")
    inbox.set_mail_choice(actor=reader, choice="digest")
    _notify([reader])
    assert len(_items(reader)) == 1 and _items(reader)[0].mailed_at is None
    assert _mail(reader.email) == []


def test_the_digest_lists_the_days_items_in_one_mail_sent_once(db):
    """One message keyed digest:<user>:<day>; a second run queues nothing."""
    reader, immediate = make_user("procurement"), make_user("procurement")
    inbox.set_mail_choice(actor=reader, choice="digest")
    _notify([reader, immediate], key="flow:1:approve:v3", title="Data flow approved: Payroll")
    _notify([reader], key="flow:2:approve:v3", title="Data flow approved: Parking", link="/flows/2")
    for item in _items(reader):
        _at(item.id, datetime(2026, 11, 20, 18, tzinfo=UTC))

    assert inbox.send_digests(day=DAY) == 1
    assert inbox.send_digests(day=DAY) == 0
    (digest,) = _mail(reader.email)
    assert digest.dedupe_key == f"digest:{reader.id}:2026-11-20"
    assert "Payroll" in digest.body and "Parking" in digest.body
    assert "http://localhost/flows/2" in digest.body
    assert all(item.mailed_at is not None for item in _items(reader))
    # The reader who chose immediate mail had it already, and is not in any digest.
    assert [m.kind for m in _mail(immediate.email)] == ["flow.submit"]


def test_a_user_deactivated_since_gets_no_digest(db):
    """Someone whose account was deactivated after the notification was made is not mailed."""
    leaver, stayer = make_user("vendor"), make_user("vendor")
    for person in (leaver, stayer):
        inbox.set_mail_choice(actor=person, choice="digest")
    _notify([leaver, stayer], key="attestation:9:requested")
    for item in _items(leaver) + _items(stayer):
        _at(item.id, datetime(2026, 11, 20, 18, tzinfo=UTC))
    leaver.active = False
    db.session.commit()

    assert inbox.send_digests(day=DAY) == 1
    assert _mail(leaver.email) == [] and len(_mail(stayer.email)) == 1


def test_an_item_after_the_days_digest_waits_for_the_next_one(db):
    """A later item is not lost: the next day's digest carries it."""
    reader = make_user("vendor")
    inbox.set_mail_choice(actor=reader, choice="digest")
    _notify([reader], key="first")
    _at(_items(reader)[0].id, datetime(2026, 11, 20, 18, tzinfo=UTC))
    assert inbox.send_digests(day=DAY) == 1
    _notify([reader], key="second")
    late = next(i for i in _items(reader) if i.dedupe_key == "second")
    _at(late.id, datetime(2026, 11, 21, 18, tzinfo=UTC))  # the next day in the city

    assert inbox.send_digests(day=DAY) == 0
    assert db.session.get(InboxItem, late.id).mailed_at is None
    assert inbox.send_digests(day=date(2026, 11, 21)) == 1
    assert len(_mail(reader.email)) == 2


def test_the_digest_of_a_day_leaves_later_items_for_their_own_day(db):
    """An item made after midnight in the city is not in the digest of the day before."""
    reader = make_user("vendor")
    inbox.set_mail_choice(actor=reader, choice="digest")
    _notify([reader])
    _at(_items(reader)[0].id, datetime(2026, 11, 21, 8, 30, tzinfo=UTC))  # 00:30 in the city
    assert inbox.send_digests(day=DAY) == 0


def test_unread_count_and_marks(db):
    """Opening marks one read, mark-all the rest; another user's count is untouched."""
    reader, other = make_user("vendor"), make_user("vendor")
    for n in range(3):
        _notify([reader, other], key=f"k{n}")
    assert inbox.unread_count(user_id=reader.id) == 3
    first = _items(reader)[0]
    opened = inbox.open_item(actor=reader, item_id=first.id)
    assert opened.read_at is not None and inbox.unread_count(user_id=reader.id) == 2
    assert inbox.mark_all_read(actor=reader) == 2
    assert inbox.unread_count(user_id=reader.id) == 0
    assert inbox.unread_count(user_id=other.id) == 3


def test_nobody_opens_another_persons_item(db):
    """Another user's item is not found, and stays unread."""
    owner, stranger = make_user("vendor"), make_user("vendor")
    _notify([owner])
    with pytest.raises(NotFound):
        inbox.open_item(actor=stranger, item_id=_items(owner)[0].id)
    assert _items(owner)[0].read_at is None


def test_the_mail_choice_is_kept_and_audited_when_it_changes(db):
    """The choice is stored, audited once per change, and limited to the two options."""
    user = make_user("procurement")
    assert inbox.mail_choice(user_id=user.id) == MailChoice.IMMEDIATE
    inbox.set_mail_choice(actor=user, choice="digest")
    inbox.set_mail_choice(actor=user, choice="digest")
    assert inbox.mail_choice(user_id=user.id) == MailChoice.DIGEST
    events = db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "user.mail_preference")
    ).all()
    assert len(events) == 1
    assert events[0].changes == {"mail": {"before": "immediate", "after": "digest"}}
    with pytest.raises(ValidationFailed):
        inbox.set_mail_choice(actor=user, choice="weekly")


def test_items_list_newest_first_for_their_owner_only(db):
    """The list query holds the owner's items only, newest first."""
    reader, other = make_user("vendor"), make_user("vendor")
    _notify([reader], key="old")
    _notify([reader, other], key="new")
    _at(_items(reader)[0].id, now() - timedelta(days=30))  # before "new", whatever the day
    keys = [i.dedupe_key for i in db.session.scalars(inbox.items_query(user_id=reader.id))]
    assert keys == ["new", "old"]
    count = db.session.scalar(select(func.count()).select_from(InboxItem))
    assert count == 3


def test_the_digest_command_queues_the_days_digests_once(app, db):
    """`flask inbox digest --day D` queues each digest of D, and a second run none."""
    reader = make_user("vendor")
    inbox.set_mail_choice(actor=reader, choice="digest")
    _notify([reader])
    _at(_items(reader)[0].id, datetime(2026, 11, 20, 18, tzinfo=UTC))
    runner = app.test_cli_runner()

    first = runner.invoke(args=["inbox", "digest", "--day", "2026-11-20"])
    second = runner.invoke(args=["inbox", "digest", "--day", "2026-11-20"])

    assert first.exit_code == 0, first.output
    assert "Queued 1 digest for 2026-11-20." in first.output
    assert "Queued 0 digests for 2026-11-20." in second.output
    assert len(_mail(reader.email)) == 1


def test_the_hourly_reminder_job_sends_yesterdays_digests(app, db):
    """`reminders send` is the digest's clock: its run on D+1 mails the digest of D."""
    reader = make_user("procurement")
    inbox.set_mail_choice(actor=reader, choice="digest")
    _notify([reader])
    _at(_items(reader)[0].id, datetime(2026, 11, 20, 18, tzinfo=UTC))

    result = app.test_cli_runner().invoke(args=["reminders", "send", "--today", "2026-11-21"])

    assert result.exit_code == 0, result.output
    assert "Queued 1 daily digest of notifications." in result.output
    (digest,) = _mail(reader.email)
    assert digest.dedupe_key == f"digest:{reader.id}:2026-11-20"

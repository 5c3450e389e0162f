"""Disposition reminders: a directive whose certificate is not submitted or accepted is
reminded DISPOSITION_REMINDER_DAYS before its due date and once the day after, each once,
to the vendor's privacy contact and users, the department's buyers and the privacy office."""

from __future__ import annotations

from collections import Counter
from datetime import timedelta

import pytest
from sqlalchemy import select

from sharing.disposition.models import DirectiveStatus
from sharing.extensions import db
from sharing.mail.models import Notification
from sharing.renewals.models import Reminder
from sharing.renewals.reminders import plan_reminders, send_reminders
from tests.services.reminder_setup import NOW, TODAY, directive_due, make_world
from tests.services.test_reminder_concurrency import _expected, _received, _run_at_once


def _windows(directive) -> list[str]:
    return list(
        db.session.scalars(
            select(Reminder.window)
            .where(Reminder.object_type == "directive", Reminder.object_id == directive.id)
            .order_by(Reminder.id)
        )
    )


def test_a_directive_due_soon_reminds_the_vendor_the_department_and_the_privacy_office(db):
    world = make_world()
    directive = directive_due(world, days_left=7)
    (due,) = plan_reminders(today=TODAY, now=NOW)
    assert (due.object_type, due.kind, due.window) == ("directive", "disposition", "7")
    assert set(due.recipients.vendor) == {world.privacy_contact, world.vendor_user}
    assert set(due.recipients.staff) == {world.procurement, world.privacy_officer}
    assert directive.number in due.label


def test_the_reminder_links_staff_and_vendor_to_the_directive_page(db):
    world = make_world()
    directive = directive_due(world)
    send_reminders(today=TODAY, now=NOW)
    bodies = dict(db.session.execute(select(Notification.recipient, Notification.body)).all())
    assert f"http://localhost/disposition/{directive.id}" in bodies[world.vendor_user]
    assert f"http://localhost/disposition/{directive.id}" in bodies[world.privacy_officer]
    assert "certificate of disposition" in bodies[world.vendor_user]


def test_daily_runs_send_the_before_and_the_overdue_reminder_once_each(db):
    """Hourly runs over twenty days: the reminder a week ahead, then one the day after."""
    world = make_world()
    directive = directive_due(world, days_left=10)
    for day in range(20):
        for hour in (0, 1):
            moment = NOW + timedelta(days=day, hours=hour)
            send_reminders(today=TODAY + timedelta(days=day), now=moment)
    assert _windows(directive) == ["7", "overdue-1"]
    sent_on = list(
        db.session.scalars(
            select(Reminder.created_at)
            .where(Reminder.object_type == "directive")
            .order_by(Reminder.id)
        )
    )
    assert [moment.date() for moment in sent_on] == [
        (NOW + timedelta(days=3)).date(),
        (NOW + timedelta(days=11)).date(),
    ]


@pytest.mark.parametrize(
    ("status", "reminded"),
    [
        (DirectiveStatus.ISSUED, True),
        (DirectiveStatus.RETURNED, True),
        (DirectiveStatus.SUBMITTED, False),
        (DirectiveStatus.ACCEPTED, False),
    ],
)
def test_only_a_certificate_not_submitted_or_returned_is_reminded(db, status, reminded):
    directive_due(make_world(), days_left=-1, status=status)
    assert bool(plan_reminders(today=TODAY, now=NOW)) is reminded


def test_the_days_before_come_from_the_configuration(app, db):
    app.config["DISPOSITION_REMINDER_DAYS"] = 14
    directive_due(make_world(), days_left=12)
    (due,) = plan_reminders(today=TODAY, now=NOW)
    assert due.window == "14"


def test_four_concurrent_runs_send_each_disposition_message_exactly_once(
    db, database_url, tmp_path, smtp_server
):
    world = make_world()
    directive_due(world, days_left=3)
    directive_due(world, days_left=-2)
    due_count, keys = _expected(TODAY, NOW)
    assert due_count == 2
    db.session.rollback()
    outcomes = _run_at_once(database_url, tmp_path, smtp_server, TODAY, NOW)
    assert sum(queued for queued, _, _ in outcomes) == 2
    assert _received(smtp_server) == Counter(keys)

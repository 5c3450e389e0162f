"""Exactly once under pressure: 4 processes send reminders at once, three times over, and an SMTP
server that fails mid-run. Every expected message reaches the SMTP server exactly once.

The processes share the test's database (a SQLite file, or PostgreSQL when the suite runs there)
and the test's SMTP server on loopback, as cron jobs on two hosts would.
"""

from __future__ import annotations

import multiprocessing
import traceback
from collections import Counter
from datetime import timedelta

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import func, select

from sharing.mail.models import Notification
from sharing.renewals.models import Reminder
from sharing.renewals.reminders import message_key, plan_reminders, send_reminders
from tests.conftest import _Collector, base_config, free_port
from tests.services.reminder_setup import NOW, TODAY, make_world, one_of_each, renewal_due

PROCESSES = 4
ROUNDS = 3


def run_reminders(database_url, tmp_dir, host, port, day, moment, start, results) -> None:
    """Child process: its own app on the shared database, one `send_reminders` run."""
    from pathlib import Path

    from sharing import create_app
    from sharing.extensions import db

    try:
        config = base_config(database_url, Path(tmp_dir), MAIL_SERVER=host, MAIL_PORT=port)
        app = create_app(config)
        with app.app_context():
            start.wait(timeout=60)
            summary = send_reminders(today=day, now=moment)
            db.session.remove()
            db.engine.dispose()
        results.put(("ok", (summary.reminders, summary.skipped, summary.sent)))
    except BaseException:  # noqa: BLE001 - every failure must reach the parent
        results.put(("error", traceback.format_exc()))


def _expected(day, moment) -> tuple[int, list[str]]:
    """How many reminders are due, and the outbox key of every message they should send."""
    dues = plan_reminders(today=day, now=moment)
    keys = [message_key(d.dedupe_key, address) for d in dues for address in d.recipients.all]
    return len(dues), keys


def _run_at_once(database_url, tmp_path, smtp, day, moment) -> list:
    context = multiprocessing.get_context("spawn")
    start = context.Barrier(PROCESSES)
    results = context.Queue()
    args = (database_url, str(tmp_path), smtp.host, smtp.port, day, moment, start, results)
    workers = [context.Process(target=run_reminders, args=args) for _ in range(PROCESSES)]
    try:
        for worker in workers:
            worker.start()
        outcomes = [results.get(timeout=180) for _ in workers]
        for worker in workers:
            worker.join(timeout=30)
    finally:
        for worker in workers:
            if worker.is_alive():
                worker.terminate()
    errors = [detail for status, detail in outcomes if status != "ok"]
    assert errors == []
    return [detail for _, detail in outcomes]


def _received(smtp) -> Counter:
    return Counter(str(m["message"]["X-Sharing-Dedupe-Key"]).strip() for m in smtp.messages)


def test_four_concurrent_runs_three_times_over_send_each_message_exactly_once(
    db, database_url, tmp_path, smtp_server
):
    """Each round adds new due objects; 4 processes run at once; every expected message
    arrives once, every reminder row exists once, and the runs split the work between them."""
    expected: list[str] = []
    reminders = 0
    for round_number in range(ROUNDS):
        day = TODAY + timedelta(days=round_number)
        moment = NOW + timedelta(days=round_number)
        world = make_world()
        one_of_each(world)
        renewal_due(world, days_left=7)
        due_count, keys = _expected(day, moment)
        assert due_count >= 5 and len(keys) >= 10
        reminders += due_count
        expected.extend(keys)
        db.session.rollback()  # no open transaction (or SQLite write lock) while children run

        outcomes = _run_at_once(database_url, tmp_path, smtp_server, day, moment)

        assert sum(queued for queued, _, _ in outcomes) == due_count
        assert _received(smtp_server) == Counter(expected)
        assert max(_received(smtp_server).values()) == 1
    reminder_keys = list(db.session.scalars(select(Reminder.dedupe_key)))
    assert len(reminder_keys) == len(set(reminder_keys)) == reminders
    unsent = db.session.scalar(
        select(func.count()).select_from(Notification).where(Notification.sent_at.is_(None))
    )
    assert unsent == 0


class FlakyCollector(_Collector):
    """Accepts `accept` messages, then answers 451 (try later) until `healthy` is set."""

    def __init__(self, accept: int) -> None:
        super().__init__()
        self.accept = accept
        self.healthy = False
        self.refused = 0

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd protocol
        if not self.healthy and len(self.messages) >= self.accept:
            self.refused += 1
            return "451 4.3.0 Mailbox busy, try again later"
        return await super().handle_DATA(server, session, envelope)


@pytest.fixture
def flaky_smtp():
    collector = FlakyCollector(accept=4)
    controller = Controller(collector, hostname="127.0.0.1", port=free_port())
    controller.start()
    collector.host, collector.port = "127.0.0.1", controller.port
    try:
        yield collector
    finally:
        controller.stop()


def test_after_an_smtp_failure_mid_run_the_next_run_sends_only_what_failed(app, db, flaky_smtp):
    """Run 1 sends 4 messages and fails the rest; run 2 (server healthy) sends exactly the
    failed ones, queues no reminder again, and nothing arrives twice."""
    app.config.update(MAIL_SERVER=flaky_smtp.host, MAIL_PORT=flaky_smtp.port)
    one_of_each(make_world())
    _, expected = _expected(TODAY, NOW)
    assert len(expected) > 4

    first = send_reminders(today=TODAY, now=NOW)

    assert (first.reminders, first.sent, first.failed) == (4, 4, len(expected) - 4)
    sent_first = set(_received(flaky_smtp))
    failed = set(
        db.session.scalars(
            select(Notification.dedupe_key).where(Notification.failed_at.is_not(None))
        )
    )
    assert len(sent_first) == 4 and len(failed) == len(expected) - 4
    assert sent_first.isdisjoint(failed)

    flaky_smtp.healthy = True
    second = send_reminders(today=TODAY, now=NOW + timedelta(hours=1))

    assert (second.reminders, second.sent, second.failed) == (0, len(failed), 0)
    assert set(_received(flaky_smtp)) - sent_first == failed
    assert _received(flaky_smtp) == Counter(expected)
    third = send_reminders(today=TODAY, now=NOW + timedelta(hours=2))
    assert (third.reminders, third.sent) == (0, 0)
    assert len(flaky_smtp.messages) == len(expected)

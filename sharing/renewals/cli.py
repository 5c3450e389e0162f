"""`flask --app app reminders send`: queue the reminders due today and yesterday's daily
digests of notifications, and deliver the outbox."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

import click
from flask.cli import AppGroup

from sharing.core.clock import city_timezone
from sharing.core.clock import now as clock_now
from sharing.core.clock import today as city_today
from sharing.inbox.services import send_digests
from sharing.renewals.reminders import send_reminders

reminders_cli = AppGroup("reminders", help="Renewal, attestation, evidence and incident reminders.")


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


@reminders_cli.command("send")
@click.option(
    "--today",
    "on",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    default=None,
    help="Run as if today were this date (YYYY-MM-DD), at noon in the city.",
)
def send_command(on: datetime | None) -> None:
    """Queue each reminder due today exactly once, and each person's digest of yesterday's
    notifications, then send the outbox. Safe to run again, and concurrently: a reminder or
    digest already queued is never queued or sent twice."""
    if on is None:
        day, moment = city_today(), clock_now()
    else:
        day = on.date()
        moment = datetime.combine(day, time(12), tzinfo=city_timezone()).astimezone(UTC)
    # The hourly job is the daily digest's clock: its first run of a day mails the day before.
    digests = send_digests(day=day - timedelta(days=1))
    summary = send_reminders(today=day, now=moment)
    if digests:
        click.echo(f"Queued {_plural(digests, 'daily digest')} of notifications.")
    click.echo(
        f"Queued {_plural(summary.reminders, 'reminder')} ({_plural(summary.messages, 'message')})."
    )
    if summary.skipped:
        click.echo(f"{_plural(summary.skipped, 'reminder')} already queued by another run.")
    if summary.without_recipients:
        click.echo(
            f"{_plural(summary.without_recipients, 'reminder')} due with nobody to send to: "
            "add contacts or users; the next run tries again."
        )
    if summary.mail_configured:
        click.echo(f"Sent {summary.sent}, failed {summary.failed}.")
    else:
        click.echo("SHARING_MAIL_SERVER is not set: messages wait in the outbox.")

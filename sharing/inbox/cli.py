"""`flask --app app inbox digest`: mail each person one list of the notifications not yet
mailed to them."""

from __future__ import annotations

from datetime import datetime, timedelta

import click
from flask.cli import AppGroup

from sharing.core.clock import today as city_today
from sharing.inbox.services import send_digests

inbox_cli = AppGroup("inbox", help="In-app notifications and their daily digest.")


@inbox_cli.command("digest")
@click.option(
    "--day",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    default=None,
    help="The day to send the digest of (YYYY-MM-DD); yesterday in the city by default.",
)
def digest_command(day: datetime | None) -> None:
    """Queue one digest per person for the day (and any earlier notification not yet mailed).
    Safe to run again: a person's digest for a day is queued once. `mail send` delivers it."""
    covered = day.date() if day else city_today() - timedelta(days=1)
    queued = send_digests(day=covered)
    click.echo(f"Queued {queued} digest{'' if queued == 1 else 's'} for {covered.isoformat()}.")

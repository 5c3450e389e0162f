"""`flask --app app attestations schedule`: create the attestation requests that are due."""

from __future__ import annotations

from datetime import datetime

import click
from flask.cli import with_appcontext

from sharing.attestations.services import schedule_attestations
from sharing.core.clock import today as city_today


@click.command("schedule")
@click.option(
    "--today",
    "on",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    default=None,
    help="Schedule as if today were this date (YYYY-MM-DD).",
)
@click.option(
    "--lead-days",
    type=click.IntRange(0, 365),
    default=30,
    show_default=True,
    help="Create requests this many days before they are due.",
)
@with_appcontext
def schedule_command(on: datetime | None, lead_days: int) -> None:
    """Create the attestation requests due for agreements in force; safe to run again."""
    day = on.date() if on else city_today()
    created = schedule_attestations(today=day, lead_days=lead_days)
    for request in created:
        click.echo(
            f"Requested attestation for {request.agreement.number} "
            f"({request.organisation.display_name}), due {request.due_date.isoformat()}."
        )
    click.echo(f"Created {len(created)} attestation request{'' if len(created) == 1 else 's'}.")

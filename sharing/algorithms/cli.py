"""`flask --app app algorithms ...`: the daily request of AI fact sheets that have fallen due."""

from __future__ import annotations

from datetime import datetime

import click
from flask.cli import AppGroup

from sharing.algorithms.fact_sheets import request_due_fact_sheets
from sharing.core.clock import today as city_today

algorithms_cli = AppGroup("algorithms", help="The algorithm register and its AI fact sheets.")


@algorithms_cli.command("request-fact-sheets")
@click.option(
    "--today",
    "on",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    default=None,
    help="Request as if today were this date (YYYY-MM-DD).",
)
def request_fact_sheets_command(on: datetime | None) -> None:
    """Request the first fact sheet of each approved system whose provider's flows make
    automated decisions, and the next one when the last accepted is older than the interval;
    safe to run again."""
    day = on.date() if on else city_today()
    created = request_due_fact_sheets(today=day)
    for sheet in created:
        click.echo(
            f"Requested fact sheet edition {sheet.edition} for {sheet.algorithm.name} "
            f"({sheet.organisation.display_name}), due {sheet.due_date.isoformat()}."
        )
    click.echo(f"Requested {len(created)} fact sheet{'' if len(created) == 1 else 's'}.")

"""`flask --app app concerns prune`: forget the concern form's counted submissions that no
limit reads any more; run daily."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from sharing.concerns.abuse import prune_attempts
from sharing.core.clock import now

concerns_cli = AppGroup("concerns", help="The public's concerns and error reports.")


@concerns_cli.command("prune")
def prune_command() -> None:
    """Delete counted submissions of the concern form older than a day."""
    removed = prune_attempts(now=now())
    click.echo(f"Removed {removed} counted submission{'' if removed == 1 else 's'}.")

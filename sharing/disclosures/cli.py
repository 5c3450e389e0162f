"""`flask --app app disclosures ...`: upkeep of the disclosure log."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from sharing.audit.recount import recount
from sharing.disclosures import tallies
from sharing.disclosures.models import DisclosureDayTally

disclosures_cli = AppGroup("disclosures", help="The disclosure log and its accounting.")


@disclosures_cli.command("retally")
def retally() -> None:
    """Count the accounting report's day tallies again from the log (after a bulk load or a
    repair made outside the app); the report's figures do not change when they were right."""
    before, written = recount(
        DisclosureDayTally,
        tallies.rebuild,
        action="disclosure.tallies_recounted",
        summary="Accounting tallies counted again from the log",
    )
    click.echo(f"Counted the accounting tallies again: {written} rows (there were {before}).")

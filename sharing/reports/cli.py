"""`flask --app app reports ...`: upkeep of the dashboard's running counts."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from sharing.audit.recount import recount
from sharing.reports import tallies
from sharing.reports.models import StatusTally

reports_cli = AppGroup("reports", help="The dashboards' running counts.")


@reports_cli.command("retally")
def retally() -> None:
    """Count the dashboard's status tallies again from the agreements, attestation requests
    and flows (after a bulk load or a repair made outside the app); the dashboard's figures
    do not change when they were right."""
    before, written = recount(
        StatusTally,
        tallies.rebuild,
        action="report.tallies_recounted",
        summary="Dashboard tallies counted again",
    )
    click.echo(f"Counted the dashboard tallies again: {written} rows (there were {before}).")

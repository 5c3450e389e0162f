"""`flask --app app reports ...`: upkeep of the dashboard's running counts."""

from __future__ import annotations

import click
from flask.cli import AppGroup
from sqlalchemy import func, select

from sharing.audit import services as audit
from sharing.extensions import db
from sharing.reports import tallies
from sharing.reports.models import StatusTally

reports_cli = AppGroup("reports", help="The dashboards' running counts.")


@reports_cli.command("retally")
def retally() -> None:
    """Count the dashboard's status tallies again from the agreements, attestation requests
    and flows (after a bulk load or a repair made outside the app); the dashboard's figures
    do not change when they were right."""
    before = db.session.scalar(select(func.count()).select_from(StatusTally))
    written = tallies.rebuild(db.session.connection())
    audit.record(
        actor=audit.SYSTEM,
        action="report.tallies_recounted",
        object_type="status_tallies",
        changes={"rows": {"before": before, "after": written}},
        summary=f"Dashboard tallies counted again: {written} rows",
    )
    db.session.commit()
    click.echo(f"Counted the dashboard tallies again: {written} rows (there were {before}).")

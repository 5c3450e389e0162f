"""`flask --app app disclosures ...`: upkeep of the disclosure log."""

from __future__ import annotations

import click
from flask.cli import AppGroup
from sqlalchemy import func, select

from sharing.audit import services as audit
from sharing.disclosures import tallies
from sharing.disclosures.models import DisclosureDayTally
from sharing.extensions import db

disclosures_cli = AppGroup("disclosures", help="The disclosure log and its accounting.")


@disclosures_cli.command("retally")
def retally() -> None:
    """Count the accounting report's day tallies again from the log (after a bulk load or a
    repair made outside the app); the report's figures do not change when they were right."""
    before = db.session.scalar(select(func.count()).select_from(DisclosureDayTally))
    written = tallies.rebuild(db.session.connection())
    audit.record(
        actor=audit.SYSTEM,
        action="disclosure.tallies_recounted",
        object_type="disclosure_day_tallies",
        changes={"rows": {"before": before, "after": written}},
        summary=f"Accounting tallies counted again from the log: {written} rows",
    )
    db.session.commit()
    click.echo(f"Counted the accounting tallies again: {written} rows (there were {before}).")

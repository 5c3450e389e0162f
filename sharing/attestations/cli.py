"""`flask --app app attestations ...`: the daily schedule of requests and the evidence check."""

from __future__ import annotations

from datetime import datetime

import click
from flask.cli import AppGroup

from sharing.attestations.evidence import consistency_report, evidence_dir
from sharing.attestations.services import schedule_attestations
from sharing.core.clock import today as city_today

attestations_cli = AppGroup("attestations", help="Attestation requests and evidence files.")


@attestations_cli.command("schedule")
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


@attestations_cli.command("check-files")
def check_files_command() -> None:
    """Report orphan evidence files, rows whose file is missing, and files that fail their
    SHA-256. Exits 1 when anything is wrong, so it can run from cron or monitoring."""
    report = consistency_report()
    click.echo(f"Evidence folder: {evidence_dir()}")
    for name in report.orphan_files:
        note = " (left by an interrupted write)" if name.endswith(".part") else ""
        click.echo(f"orphan file: {name}{note}")
    for row in report.missing_files:
        click.echo(f"missing file: row {row.id} {row.stored_name} ({row.original_name})")
    for row in report.mismatched:
        click.echo(f"checksum mismatch: row {row.id} {row.stored_name} ({row.original_name})")
    if report.clean:
        click.echo("All evidence files match their rows.")
        return
    click.echo(
        f"{len(report.orphan_files)} orphan file(s), {len(report.missing_files)} missing, "
        f"{len(report.mismatched)} mismatched."
    )
    raise SystemExit(1)

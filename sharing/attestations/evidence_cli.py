"""`flask --app app attestations check-files`: evidence files and rows that disagree."""

from __future__ import annotations

import click
from flask.cli import with_appcontext

from sharing.attestations.evidence import consistency_report, evidence_dir


@click.command("check-files")
@with_appcontext
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

"""`flask --app app backup` and `flask --app app restore BACKUP_DIR [--yes]`."""

from __future__ import annotations

from pathlib import Path

import click
from flask.cli import with_appcontext

from sharing.backup.restore import restore_backup
from sharing.backup.snapshot import default_output, take_backup
from sharing.core.clock import now
from sharing.errors import DomainError


@click.command("backup")
@click.option(
    "--output",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Folder to put the backup in (default: instance/backups). A new "
    "sharing-backup-<UTC time> folder is created inside it.",
)
@with_appcontext
def backup_command(output: Path | None) -> None:
    """Back up the database and the file store, with a manifest of SHA-256 hashes."""
    try:
        result = take_backup(output=output or default_output(), now=now())
    except DomainError as error:
        raise click.ClickException(error.message) from None
    click.echo(
        f"Backup written to {result.folder}: {len(result.manifest.files)} files, "
        f"{result.total_bytes:,} bytes, schema revision {result.manifest.alembic_revision}."
    )


@click.command("restore")
@click.argument("backup_dir", type=click.Path(file_okay=False, path_type=Path))
@click.option("--yes", is_flag=True, help="Replace a database or file store that holds data.")
@with_appcontext
def restore_command(backup_dir: Path, yes: bool) -> None:
    """Check a backup against its manifest, then restore the database and the file store.
    Stop the web workers and timers first."""
    try:
        result = restore_backup(folder=backup_dir, confirmed=yes, now=now())
    except DomainError as error:
        raise click.ClickException(error.message) from None
    click.echo(
        f"Restored the backup taken {result.manifest.created_at}; "
        "integrity check ok, row counts match."
    )
    if result.needs_upgrade:
        click.echo(
            f"Its schema revision {result.manifest.alembic_revision} is older than this "
            f"version's {result.head_revision}: run `flask --app app db upgrade`."
        )

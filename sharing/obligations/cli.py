"""`flask --app app obligations ...`: loading the obligation library's data files."""

from __future__ import annotations

from pathlib import Path

import click
from flask.cli import AppGroup

from sharing.audit.services import SYSTEM
from sharing.core.clock import now
from sharing.errors import DomainError
from sharing.obligations import services
from sharing.obligations.library import DATA_DIR, LibraryError

obligations_cli = AppGroup("obligations", help="The obligation library and its policy versions.")


@obligations_cli.command("load")
@click.option(
    "--file",
    "path",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    default=None,
    help="Load only this library data file. Without it, every shipped file is loaded.",
)
def load(path: Path | None) -> None:
    """Publish library data files as policy versions; safe to run again.

    Without --file, every shipped file in sharing/obligations/data that is not loaded yet is
    published in label order (2026.1, then 2026.2, ...), each based on the one before it.
    """
    try:
        if path is None:
            versions = services.load_shipped_libraries(actor=SYSTEM, now=now())
        else:
            versions = [services.load_library(actor=SYSTEM, path=path, now=now())]
    except LibraryError as error:
        raise click.ClickException(
            "The library file is invalid:\n" + "\n".join(error.problems)
        ) from None
    except DomainError as error:
        raise click.ClickException(error.message) from None
    versions = [version for version in versions if version is not None]
    if not versions:
        where = path.name if path else f"Every library file in {DATA_DIR.name}/"
        click.echo(f"{where}: already loaded, nothing to do.")
        return
    for version in versions:
        based_on = f", based on {version.based_on.label}" if version.based_on else ""
        click.echo(
            f"Published policy {version.label} with {len(version.obligations)} obligations, "
            f"effective {version.effective_date.isoformat()}{based_on}."
        )

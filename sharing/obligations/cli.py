"""`flask --app app obligations ...`: loading the obligation library's data file."""

from __future__ import annotations

from pathlib import Path

import click
from flask.cli import AppGroup

from sharing.audit.services import SYSTEM
from sharing.core.clock import now
from sharing.errors import DomainError
from sharing.obligations import services
from sharing.obligations.library import DEFAULT_FILE, LibraryError

obligations_cli = AppGroup("obligations", help="The obligation library and its policy versions.")


@obligations_cli.command("load")
@click.option(
    "--file",
    "path",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    default=DEFAULT_FILE,
    show_default=True,
    help="The library data file.",
)
def load(path: Path) -> None:
    """Publish the library data file as a policy version; safe to run again."""
    try:
        version = services.load_library(actor=SYSTEM, path=path, now=now())
    except LibraryError as error:
        raise click.ClickException(
            "The library file is invalid:\n" + "\n".join(error.problems)
        ) from None
    except DomainError as error:
        raise click.ClickException(error.message) from None
    if version is None:
        click.echo(f"{path.name}: already loaded, nothing to do.")
        return
    click.echo(
        f"Published policy {version.label} with {len(version.obligations)} obligations, "
        f"effective {version.effective_date.isoformat()}."
    )

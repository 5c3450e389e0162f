"""`flask --app app flows ...`: installing the standard data-category vocabulary."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from sharing.audit.services import SYSTEM
from sharing.errors import DomainError
from sharing.flows import categories

flows_cli = AppGroup("flows", help="Data flows and the data-category vocabulary.")


@flows_cli.command("seed-vocabulary")
def seed_vocabulary() -> None:
    """Add the standard data categories that are missing; safe to run again."""
    try:
        added = categories.install_vocabulary(actor=SYSTEM)
    except DomainError as error:
        click.echo(error.message)
        return
    click.echo(f"Added {added} standard data categories.")

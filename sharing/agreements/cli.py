"""`flask --app app agreements ...`: installing the shipped templates and the daily roll."""

from __future__ import annotations

from datetime import datetime

import click
from flask import current_app
from flask.cli import AppGroup

from sharing.agreements import template_library
from sharing.agreements.template_checks import TemplateRejected
from sharing.audit.services import SYSTEM
from sharing.errors import DomainError

agreements_cli = AppGroup("agreements", help="Agreement templates and agreements.")


@agreements_cli.command("install-templates")
def install_templates() -> None:
    """Add the shipped .docx templates as template versions; safe to run again."""
    try:
        installed = template_library.install_shipped_templates(
            actor=SYSTEM,
            render_seconds=current_app.config["AGREEMENT_TEMPLATE_RENDER_SECONDS"],
            render_memory_mb=current_app.config["AGREEMENT_TEMPLATE_RENDER_MEMORY_MB"],
        )
    except TemplateRejected as error:
        raise click.ClickException("\n".join([error.message, *error.details])) from None
    except DomainError as error:
        raise click.ClickException(error.message) from None
    if not installed:
        click.echo("The shipped templates are already installed, nothing to do.")
        return
    for version in installed:
        click.echo(
            f"Installed {version.original_name} as version {version.number} of "
            f"“{version.template.name}” ({len(version.variables)} variables, "
            f"trial render {version.render_seconds:.2f} s)."
        )


@agreements_cli.command("roll")
@click.option(
    "--today",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    default=None,
    help="Run as of this date (default: today in the city).",
)
def roll_command(today: datetime | None) -> None:
    """Activate, mark expiring, expire and tacitly renew agreements as of today; run daily."""
    from sharing.agreements import roll
    from sharing.core.clock import today as city_today

    click.echo(roll.roll(today.date() if today else city_today()))

"""`flask --app app users ...`: account commands for a real deployment."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from sharing.auth import limits, services
from sharing.core.clock import now
from sharing.errors import ValidationFailed

users_cli = AppGroup("users", help="Manage user accounts.")


@users_cli.command("create-admin")
@click.option("--email", prompt=True)
@click.option("--name", prompt=True)
@click.password_option(help="At least 12 characters; prompted for when omitted.")
def create_admin(email: str, name: str, password: str) -> None:
    """Create the first administrator."""
    try:
        user = services.create_admin(email=email, name=name, password=password)
    except ValidationFailed as error:
        for field, reason in error.errors.items():
            click.echo(f"{field}: {reason}", err=True)
        raise SystemExit(1) from None
    click.echo(f"Created administrator {user.email}.")


@users_cli.command("clear-sign-in-limit")
@click.option("--email", prompt=True)
def clear_sign_in_limit(email: str) -> None:
    """Lift the sign-in delay or lock of an account, for when no administrator can sign in."""
    user = services.find_user_by_email(email)
    if user is None:
        click.echo(f"No user has the email {email}.", err=True)
        raise SystemExit(1)
    limits.clear_sign_in_limit(actor=None, user_id=user.id, now=now())
    click.echo(f"The sign-in limit of {user.email} was cleared.")

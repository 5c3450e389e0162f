"""`flask --app app mail send`: deliver what the outbox holds."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from sharing.mail import services

mail_cli = AppGroup("mail", help="Outgoing mail.")


@mail_cli.command("send")
@click.option("--limit", default=500, show_default=True, help="Most messages to send in one run.")
def send(limit: int) -> None:
    """Send queued and previously failed messages (safe to run concurrently)."""
    if not services.mail_configured():
        click.echo("SHARING_MAIL_SERVER is not set: messages stay in the outbox.")
        return
    result = services.deliver_pending(limit=limit)
    click.echo(f"sent {result['sent']}, failed {result['failed']}")

"""`flask --app app demo seed`."""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import AppGroup

from sharing.core.clock import now, today
from sharing.demo.seed import NotADemoDatabase, SeedResult, demo_sign_ins, seed_demo

demo_cli = AppGroup("demo", help="Demo data.")


@demo_cli.command("seed")
def seed() -> None:
    """Load the demo data set into an empty database (does nothing if it is already there)."""
    if current_app.config["PRODUCTION"]:
        # The demo accounts have published passwords: never on a production deployment.
        click.echo("Error: the demo seed runs only with SHARING_ENV=development.", err=True)
        raise SystemExit(1)
    try:
        result = seed_demo(today=today(), now=now())
    except NotADemoDatabase as error:
        click.echo(f"Error: {error.message}", err=True)
        raise SystemExit(1) from None
    _report(result)


def _report(result: SeedResult) -> None:
    if result.created:
        click.echo("Demo data seeded:")
        for name, number in result.counts.items():
            click.echo(f"  {number:>4} {name.replace('_', ' ')}")
    else:
        click.echo(f"Demo data is already seeded (since {result.seeded_at}); nothing added.")
    click.echo("\nDemo sign-ins (for demonstrations only):")
    for sign_in in demo_sign_ins():
        click.echo(f"  {sign_in.role:<12} {sign_in.email:<32} {sign_in.password}")

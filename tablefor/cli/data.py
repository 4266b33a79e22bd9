"""Commands that work on the database: migrate, creators."""

from __future__ import annotations

import click
import msgspec

from tablefor.cli.common import run
from tablefor.services import resolved_settings


@click.command()
def migrate() -> None:
    """Apply the SQL migrations that have not run yet (safe to run twice, or at once)."""
    from core.db.migrate import migrate as apply

    with resolved_settings() as settings:
        applied = run(apply(settings.database.url))
    if applied:
        for name in applied:
            click.echo(f"applied {name}")
    else:
        click.echo("database is up to date")


@click.group()
def creators() -> None:
    """Manage creators and their API tokens."""


@creators.command("add")
@click.argument("email")
@click.option("--name", "display_name", help="The name guests see as the host.")
def creators_add(email: str, display_name: str | None) -> None:
    """Create a creator (or find the existing one) and print a new API token once."""
    from core.creators import add_creator

    with resolved_settings() as settings:
        creator, created, token = run(add_creator(settings.database.url, email, display_name))
    verb = "created" if created else "exists; issued another token for"
    click.echo(f"creator {creator.email} {verb} (id {creator.id})", err=True)
    click.echo("API token (shown once; keep it secret):", err=True)
    click.echo(token)


def print_json(value: object) -> None:
    click.echo(msgspec.json.format(msgspec.json.encode(value), indent=2).decode())

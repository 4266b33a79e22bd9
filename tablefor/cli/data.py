"""Commands that work on the database: migrate, creators, status, dead letters."""

from __future__ import annotations

import click
import msgspec

from tablefor.cli.common import load_settings, run, services


@click.command()
def migrate() -> None:
    """Apply the SQL migrations that have not run yet (safe to run twice, or at once)."""
    from tablefor.db.migrate import migrate as apply

    settings = load_settings()
    with services(settings, redis=False) as urls:
        applied = run(apply(urls.database))
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
    from tablefor.creators import add_creator

    settings = load_settings()
    with services(settings, redis=False) as urls:
        creator, created, token = run(add_creator(urls.database, email, display_name))
    verb = "created" if created else "exists; issued another token for"
    click.echo(f"creator {creator.email} {verb} (id {creator.id})", err=True)
    click.echo("API token (shown once; keep it secret):", err=True)
    click.echo(token)


def print_json(value: object) -> None:
    click.echo(msgspec.json.format(msgspec.json.encode(value), indent=2).decode())

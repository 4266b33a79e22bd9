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
    """Manage creators, their API tokens and sign-in links."""


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


@creators.command("link")
@click.argument("email")
@click.option("--next", "next_path", help="A path on the site to open after signing in.")
def creators_link(email: str, next_path: str | None) -> None:
    """Print a one-time sign-in URL for EMAIL (valid 15 minutes; makes the creator if new)."""
    from cdn import layout
    from core.creators import SIGN_IN_LINK_MINUTES, hand_out_link

    with resolved_settings() as settings:
        creator, created, token = run(
            hand_out_link(settings.database.url, email, next_path=next_path)
        )
        url = layout.sign_in_link_url(settings.api.public_url, token, next_path)
    verb = "created" if created else "exists"
    click.echo(f"creator {creator.email} {verb} (id {creator.id})", err=True)
    click.echo(f"sign-in link (once, within {SIGN_IN_LINK_MINUTES} minutes):", err=True)
    click.echo(url)


@creators.command("tokens")
@click.argument("email")
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
def creators_tokens(email: str, as_json: bool) -> None:
    """List EMAIL's live API tokens (never their secrets)."""
    from core.creators import tokens_of

    with resolved_settings() as settings:
        tokens = run(tokens_of(settings.database.url, email))
    if as_json:
        print_json(tokens)
        return
    if not tokens:
        click.echo("no live tokens")
    for token in tokens:
        used = f"{token.last_used_at:%Y-%m-%d %H:%M}" if token.last_used_at else "never"
        expires = f"{token.expires_at:%Y-%m-%d}" if token.expires_at else "never"
        click.echo(
            f"{token.id:>6}  {token.name:<30}  made {token.created_at:%Y-%m-%d}  "
            f"last used {used}  expires {expires}"
        )


@creators.command("revoke")
@click.argument("target", metavar="EMAIL|TOKEN-ID")
def creators_revoke(target: str) -> None:
    """Revoke one API token (by id), or every token and session of a creator (by e-mail).
    Every API process stops accepting them within a second."""
    from core import revocation
    from core.creators import revoke

    with resolved_settings() as settings:
        revoked = run(revoke(settings.database.url, target))
        told = run(revocation.announce_to(settings.redis.url, settings.redis.key_prefix))
    click.echo(
        f"revoked {revoked.tokens} token(s) and {revoked.sessions} session(s) "
        f"of creator {revoked.creator_id}"
    )
    if not told:
        click.echo(
            "warning: Redis could not be told; API processes may accept them for up to 30 s",
            err=True,
        )


def print_json(value: object) -> None:
    click.echo(msgspec.json.format(msgspec.json.encode(value), indent=2).decode())

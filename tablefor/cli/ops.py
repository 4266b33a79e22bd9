"""Commands for the person on call: status, dead letters, purge, render, deleting invites.

Exit codes: 0 done; 1 failed (a service or the CDN said no); 2 bad usage or configuration;
3 `status --max-age` found work waiting longer than allowed.
"""

from __future__ import annotations

import click

from tablefor.cli.common import run
from tablefor.cli.data import print_json
from tablefor.services import resolved_settings

EXIT_STUCK = 3


@click.command()
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
@click.option(
    "--max-age",
    type=click.IntRange(min=1),
    help="Exit 3 if an invite has waited longer than this many seconds to publish.",
)
def status(as_json: bool, max_age: int | None) -> None:
    """Queue depth, dead letters, and invites waiting to publish or enrich."""
    from tablefor.cli.reports import read_status

    with resolved_settings() as settings:
        report = run(read_status(settings))
    if as_json:
        print_json(report)
    else:
        click.echo(report.describe())
    if max_age is not None and (report.oldest_unpublished_age_s or 0) > max_age:
        raise click.exceptions.Exit(EXIT_STUCK)


@click.group()
def dlq() -> None:
    """The dead-letter queue: jobs that failed for good."""


@dlq.command("list")
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
@click.option("--limit", default=100, show_default=True, type=click.IntRange(1, 10_000))
def dlq_list(as_json: bool, limit: int) -> None:
    """Open dead letters, oldest first."""
    from tablefor.cli.reports import list_dead_letters

    with resolved_settings() as settings:
        letters = run(list_dead_letters(settings, limit=limit))
    if as_json:
        print_json(letters)
        return
    if not letters:
        click.echo("no dead letters")
    for letter in letters:
        error = letter.error.strip().splitlines()[-1] if letter.error.strip() else ""
        click.echo(
            f"{letter.id:>6}  {letter.failed_at:%Y-%m-%d %H:%M:%S}  {letter.task:<8} "
            f"invite={letter.invite_id}  attempts={letter.attempts}  {error[:100]}"
        )


@dlq.command("replay")
@click.argument("letter_id", type=int)
def dlq_replay(letter_id: int) -> None:
    """Run a dead letter's job again (and mark the letter replayed)."""
    from tablefor.cli.reports import replay_dead_letter

    with resolved_settings() as settings:
        message = run(replay_dead_letter(settings, letter_id))
    click.echo(message)


@dlq.command("drop")
@click.argument("letter_id", type=int)
def dlq_drop(letter_id: int) -> None:
    """Delete a dead letter without running it."""
    from tablefor.cli.reports import drop_dead_letter

    with resolved_settings() as settings:
        message = run(drop_dead_letter(settings, letter_id))
    click.echo(message)


@click.command()
@click.argument("slugs", nargs=-1)
@click.option("--all", "everything", is_flag=True, help="Purge everything the edge holds.")
@click.option(
    "--restaurant",
    "swiggy_id",
    help=(
        "Every invite carrying this Swiggy restaurant id, and every invite at a restaurant "
        "one of them is at."
    ),
)
@click.option(
    "--soft", is_flag=True, help="Mark stale (served while refetched) instead of removing."
)
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
def purge(
    slugs: tuple[str, ...], everything: bool, swiggy_id: str | None, soft: bool, as_json: bool
) -> None:
    """Purge the edge for SLUG... (or --all, or --restaurant SWIGGY_ID)."""
    from tablefor.cli.edge_purge import purge_edge

    chosen = sum([bool(slugs), everything, swiggy_id is not None])
    if chosen != 1:
        raise click.UsageError("give SLUG..., or --all, or --restaurant SWIGGY_ID (one of them)")
    with resolved_settings() as settings:
        report = run(
            purge_edge(settings, slugs=slugs, everything=everything, swiggy_id=swiggy_id, soft=soft)
        )
    if as_json:
        print_json(report)
    else:
        click.echo(report.describe())
    if report.missing:
        raise click.exceptions.Exit(1)


@click.command()
@click.argument("slugs", nargs=-1)
@click.option("--all", "everything", is_flag=True, help="Every invite.")
@click.option("--since", type=click.DateTime(), help="With --all: invites created on or after.")
@click.option("--jobs", default=4, show_default=True, type=click.IntRange(1, 64))
@click.option("--restart", is_flag=True, help="Ignore the checkpoint of an interrupted run.")
@click.option("--json", "as_json", is_flag=True, help="Machine-readable summary at the end.")
def render(
    slugs: tuple[str, ...],
    everything: bool,
    since: object,
    jobs: int,
    restart: bool,
    as_json: bool,
) -> None:
    """Re-render and re-publish SLUG... or --all; unchanged objects are not rewritten."""
    from datetime import datetime

    from tablefor.cli.rerender import render_invites

    if bool(slugs) == everything:
        raise click.UsageError("give SLUG... or --all (one of them)")
    if since is not None and not everything:
        raise click.UsageError("--since goes with --all")
    with resolved_settings() as settings:
        report = run(
            render_invites(
                settings,
                slugs=slugs,
                since=since if isinstance(since, datetime) else None,
                jobs=jobs,
                restart=restart,
                progress=not as_json,
            )
        )
    if as_json:
        print_json(report)
    else:
        click.echo(report.describe())
    if report.failed or report.missing:
        raise click.exceptions.Exit(1)


@click.group()
def invites() -> None:
    """Invites, as an operator sees them (any creator's)."""


@invites.command("delete")
@click.argument("slugs", nargs=-1, required=True)
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
def invites_delete(slugs: tuple[str, ...], as_json: bool) -> None:
    """Delete SLUG... with its answers and every object it ever published, then purge the
    edge: the link then answers the same 404 as one that never existed."""
    from tablefor.cli.deletion import delete_invites

    with resolved_settings() as settings:
        report = run(delete_invites(settings, slugs=slugs))
    if as_json:
        print_json(report)
    else:
        click.echo(report.describe())
    if report.missing or report.failed:
        raise click.exceptions.Exit(1)

"""The `tablefor` command. Each subcommand imports what it needs when it runs, so `parse` and
`--help` stay fast and a broken optional part cannot stop the others."""

from __future__ import annotations

import logging
import sys

import click

from tablefor.cli.common import run_cli
from tablefor.cli.data import creators, migrate
from tablefor.cli.ops import dlq, invites, purge, render, status
from tablefor.cli.parse import parse
from tablefor.cli.processes import api, dev, edge, worker
from tablefor.cli.stats import stats_command


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="tablefor")
def cli() -> None:
    """Tablefor: restaurant bookings in, invite pages out."""


for command in (
    dev,
    api,
    worker,
    edge,
    migrate,
    parse,
    purge,
    render,
    dlq,
    status,
    creators,
    invites,
):
    cli.add_command(command)
cli.add_command(stats_command)


def main() -> None:
    # One-line errors, not the connection pool's retries: the long-running parts configure
    # their own JSON logs, where these warnings do appear.
    logging.getLogger("psycopg.pool").setLevel(logging.CRITICAL)
    sys.exit(run_cli(cli))

"""What every subcommand shares: its settings, errors printed as one line, exit codes."""

from __future__ import annotations

import asyncio
from collections.abc import Coroutine
from typing import Any, TypeVar

import click

from core.errors import SettingsError, TableforError

T = TypeVar("T")

EXIT_USAGE = 2  # also click's code for bad usage
EXIT_FAILURE = 1


def run_cli(group: click.Group) -> int:
    try:
        # Without standalone mode, click returns (not raises) the code of a command's Exit.
        returned = group.main(standalone_mode=False)
    except click.exceptions.Abort:
        click.echo("aborted", err=True)
        return 130
    except click.ClickException as error:
        error.show()
        return error.exit_code
    except click.exceptions.Exit as done:
        return done.exit_code
    except SettingsError as error:
        click.echo(f"tablefor: configuration error: {error.detail}", err=True)
        return EXIT_USAGE
    except TableforError as error:
        click.echo(f"tablefor: {error.detail}", err=True)
        return EXIT_FAILURE
    except KeyboardInterrupt:
        return 130
    return returned if isinstance(returned, int) else 0


def run(coro: Coroutine[Any, Any, T]) -> T:
    return asyncio.run(coro)

"""`tablefor stats`: how one invite is doing, or the operator's totals over a window."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import click
import msgspec

from core.errors import NotFound
from core.settings import Settings
from tablefor.cli.common import run
from tablefor.cli.data import print_json
from tablefor.services import resolved_settings

DEFAULT_WINDOW = timedelta(days=7)


class Answers(msgspec.Struct):
    IN: int
    MAYBE: int
    OUT: int


class InviteReport(msgspec.Struct, kw_only=True):
    slug: str
    title: str | None
    opens: int
    unique_opens: int
    answers: Answers
    conversion: float  # people who answered / unique opens

    def describe(self) -> str:
        answered = self.answers.IN + self.answers.MAYBE + self.answers.OUT
        return "\n".join(
            [
                f"invite {self.slug}" + (f" ({self.title})" if self.title else ""),
                f"opens: {self.opens} ({self.unique_opens} unique)",
                _answers_line(self.answers),
                f"conversion: {self.conversion:.1%} ({answered} answered / "
                f"{self.unique_opens} unique opens)",
            ]
        )


class TotalsReport(msgspec.Struct, kw_only=True):
    since: datetime
    creates: int
    parse: dict[str, int]  # complete, warnings, incomplete, typed_in (nothing pasted)
    enrich: dict[str, int]  # done, failed, pending, skipped
    opens: int
    unique_opens: int
    answers: Answers
    conversion: float

    def describe(self) -> str:
        parse, enrich = self.parse, self.enrich
        return "\n".join(
            [
                f"since {self.since:%Y-%m-%d %H:%M} UTC",
                f"creates: {self.creates}",
                f"parse: {parse['complete']} complete, {parse['warnings']} with warnings, "
                f"{parse['incomplete']} incomplete, {parse['typed_in']} typed in",
                f"enrichment: {enrich['done']} done, {enrich['failed']} failed, "
                f"{enrich['pending']} pending, {enrich['skipped']} skipped",
                f"opens: {self.opens} ({self.unique_opens} unique)",
                _answers_line(self.answers),
                f"conversion: {self.conversion:.1%}",
            ]
        )


@click.command("stats")
@click.argument("slug", required=False)
@click.option(
    "--since",
    type=click.DateTime(),
    help="Totals from this date or time, UTC (default: 7 days ago). Not with SLUG.",
)
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
def stats_command(slug: str | None, since: datetime | None, as_json: bool) -> None:
    """Opens, unique opens, answers and conversion of one invite (SLUG), or operators' totals:
    creates, parse and enrichment success, opens, answers and conversion."""
    if slug is not None and since is not None:
        raise click.UsageError("--since goes with the totals, not with one SLUG")
    report: InviteReport | TotalsReport
    with resolved_settings() as settings:
        if slug is not None:
            report = run(invite_report(settings, slug))
        else:
            start = since.replace(tzinfo=UTC) if since else datetime.now(UTC) - DEFAULT_WINDOW
            report = run(totals_report(settings, start))
    if as_json:
        print_json(report)
    else:
        click.echo(report.describe())


async def invite_report(settings: Settings, slug: str) -> InviteReport:
    from core.db import invites, stats
    from core.db.pool import single_connection

    async with single_connection(settings.database.url) as conn:
        row = await invites.get_by_slug(conn, slug=slug)
        if row is None:
            raise NotFound(f"no invite {slug}")
        counts = (await stats.for_invites(conn, invite_ids=[row.id]))[row.id]
    return InviteReport(
        slug=row.slug,
        title=row.title,
        opens=counts.opens,
        unique_opens=counts.unique_opens,
        answers=Answers(counts.answers_in, counts.answers_maybe, counts.answers_out),
        conversion=counts.conversion,
    )


async def totals_report(settings: Settings, since: datetime) -> TotalsReport:
    from core.db import stats
    from core.db.pool import single_connection

    async with single_connection(settings.database.url) as conn:
        totals = await stats.totals(conn, since=since)
    return TotalsReport(
        since=since,
        creates=totals.creates,
        parse={
            "complete": totals.parse_complete,
            "warnings": totals.parse_warnings,
            "incomplete": totals.parse_incomplete,
            "typed_in": totals.typed_in,
        },
        enrich={
            "done": totals.enrich_done,
            "failed": totals.enrich_failed,
            "pending": totals.enrich_pending,
            "skipped": totals.enrich_skipped,
        },
        opens=totals.opens,
        unique_opens=totals.unique_opens,
        answers=Answers(totals.answers_in, totals.answers_maybe, totals.answers_out),
        conversion=totals.conversion,
    )


def _answers_line(answers: Answers) -> str:
    return f"answers: {answers.IN} in, {answers.MAYBE} maybe, {answers.OUT} out"

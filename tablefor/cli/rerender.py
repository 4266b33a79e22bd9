"""What `tablefor render` does: re-render invites in parallel, resumably, with a progress bar.

A run over --all walks invites by id in batches and records the last finished batch in the
data dir; an interrupted run started again with the same --since continues after it. Publishing
skips objects whose bytes did not change, so a run after a no-op template change writes little.
"""

from __future__ import annotations

import asyncio
import json
from datetime import datetime
from pathlib import Path
from typing import Any

import msgspec

from core.db import invite_work, invites
from core.db.pool import connection
from core.settings import Settings
from tablefor.cli.edge_purge import purger_for
from workers.deps import Publisher, opened_publisher
from workers.publishing import publish

BATCH = 200
CHECKPOINT = "render-checkpoint.json"


class RenderReport(msgspec.Struct, kw_only=True):
    total: int = 0
    written: int = 0  # invites with at least one changed object
    unchanged: int = 0
    failed: list[str] = msgspec.field(default_factory=list)
    missing: list[str] = msgspec.field(default_factory=list)
    resumed_after_id: int | None = None

    def describe(self) -> str:
        lines = [
            f"rendered {self.total} invite(s): {self.written} changed, {self.unchanged} unchanged"
        ]
        if self.resumed_after_id:
            lines.append(f"(resumed after invite id {self.resumed_after_id})")
        lines += [f"failed: {failure}" for failure in self.failed]
        lines += [f"not found: {slug}" for slug in self.missing]
        return "\n".join(lines)


async def render_invites(
    settings: Settings,
    *,
    slugs: tuple[str, ...],
    since: datetime | None,
    jobs: int,
    restart: bool,
    progress: bool,
) -> RenderReport:
    report = RenderReport()
    # Only what publishing needs, and the dev edge's purger when run beside `tablefor dev`.
    async with (
        opened_publisher(settings, purger=purger_for(settings), wait=True) as deps,
        _Progress(progress) as bar,
    ):
        if slugs:
            async with connection(deps.pool) as conn:
                found = await invites.ids_of_slugs(conn, slugs=list(slugs))
            report.missing = [slug for slug in slugs if slug not in found]
            bar.total(len(found))
            await _render_batch(deps, list(found.values()), jobs, report, bar)
            return report
        checkpoint = _Checkpoint(settings.data_dir / CHECKPOINT, since)
        after = 0 if restart else checkpoint.read()
        report.resumed_after_id = after or None
        async with connection(deps.pool) as conn:
            bar.total(await invite_work.count_for_render(conn, after=after, since=since))
        while ids := await _next_batch(deps, after, since):
            await _render_batch(deps, ids, jobs, report, bar)
            after = ids[-1]
            checkpoint.write(after)
        checkpoint.clear()
    return report


async def _next_batch(deps: Publisher, after: int, since: datetime | None) -> list[int]:
    async with connection(deps.pool) as conn:
        return await invite_work.ids_for_render(conn, after=after, since=since, limit=BATCH)


async def _render_batch(
    deps: Publisher, ids: list[int], jobs: int, report: RenderReport, bar: _Progress
) -> None:
    gate = asyncio.Semaphore(jobs)

    async def one(invite_id: int) -> None:
        async with gate:
            try:
                result = await publish(deps, invite_id, force=True)
            except Exception as error:  # reported, and the run goes on
                report.failed.append(f"invite {invite_id}: {error}")
            else:
                report.total += 1
                if result.written:
                    report.written += 1
                else:
                    report.unchanged += 1
            bar.advance()

    await asyncio.gather(*(one(invite_id) for invite_id in ids))


class _Checkpoint:
    """The last id of the last finished batch, for the same --since only."""

    def __init__(self, path: Path, since: datetime | None) -> None:
        self._path = path
        self._since = since.isoformat() if since else None

    def read(self) -> int:
        try:
            saved = json.loads(self._path.read_text())
        except (FileNotFoundError, ValueError):
            return 0
        return int(saved.get("after_id", 0)) if saved.get("since") == self._since else 0

    def write(self, after_id: int) -> None:
        self._path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self._path.with_suffix(".tmp")
        tmp.write_text(json.dumps({"since": self._since, "after_id": after_id}))
        tmp.replace(self._path)

    def clear(self) -> None:
        self._path.unlink(missing_ok=True)


class _Progress:
    """A rich progress bar on the terminal, or nothing (for --json and scripts)."""

    def __init__(self, enabled: bool) -> None:
        self._enabled = enabled
        self._bar: Any = None
        self._task: Any = None

    async def __aenter__(self) -> _Progress:
        if self._enabled:
            from rich.progress import Progress

            self._bar = Progress(transient=False)
            self._bar.start()
            self._task = self._bar.add_task("rendering", total=None)
        return self

    async def __aexit__(self, *exc: object) -> None:
        if self._bar is not None:
            self._bar.stop()

    def total(self, count: int) -> None:
        if self._bar is not None:
            self._bar.update(self._task, total=count)

    def advance(self) -> None:
        if self._bar is not None:
            self._bar.advance(self._task)

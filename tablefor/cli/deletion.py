"""What `tablefor invites delete` does: delete invites and every object they ever published,
then purge the edge, through the same data layer and removal code as the API and the workers."""

from __future__ import annotations

import msgspec

from cdn import layout
from core.db import invites
from core.db.pool import connection
from core.settings import Settings
from tablefor.cli.edge_purge import purger_for
from workers import removals
from workers.deps import Publisher, opened_publisher


class DeleteReport(msgspec.Struct, kw_only=True):
    adapter: str  # the purge adapter told
    deleted: dict[str, int] = msgspec.field(default_factory=dict)  # slug: objects removed
    missing: list[str] = msgspec.field(default_factory=list)
    failed: list[str] = msgspec.field(default_factory=list)  # the removal is owed still

    def describe(self) -> str:
        lines = [
            f"deleted {slug}: {count} object(s) removed, edge purged ({self.adapter})"
            for slug, count in self.deleted.items()
        ]
        lines += [f"not found: {slug}" for slug in self.missing]
        lines += [f"failed: {failure}" for failure in self.failed]
        return "\n".join(lines)


async def delete_invites(settings: Settings, *, slugs: tuple[str, ...]) -> DeleteReport:
    async with opened_publisher(settings, purger=purger_for(settings), wait=True) as deps:
        report = DeleteReport(adapter=deps.purger.name)
        for slug in dict.fromkeys(slugs):
            await _delete_one(deps, slug, report)
    return report


async def _delete_one(deps: Publisher, slug: str, report: DeleteReport) -> None:
    async with connection(deps.pool) as conn:
        removal_id = await invites.delete_any(conn, slug=slug, prefix=layout.invite_prefix(slug))
    if removal_id is None:
        report.missing.append(slug)
        return
    removal = await removals.start(deps, removal_id)  # due now
    try:
        removed = await removals.run(deps, removal) if removal else None
    except Exception as error:  # recorded: a worker's sweep tries again
        report.failed.append(f"{slug}: deleted, but its objects are not removed yet ({error})")
        return
    report.deleted[slug] = len(removed.keys) if removed else 0

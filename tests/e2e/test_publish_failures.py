"""A publish that can never succeed, in a real worker process: it ends once (one dead letter,
one Sentry event), stays failed while sweeps go by, and an operator's replay starts it again."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from functools import partial
from pathlib import Path

import psycopg
import pytest

from core.settings import Settings
from tests.conftest import api_client
from tests.support.fake_sentry import FakeSentry
from tests.support.processes import TableforProcess, wait_for
from tests.support.rows import (
    NEVER_RENDERS,
    SOON,
    insert_invite,
    invite_row,
    is_published,
    open_letters,
)

pytestmark = pytest.mark.e2e

ATTEMPTS = 3
FAST_FAILURES = {
    "TABLEFOR_PUBLISH_ATTEMPTS": str(ATTEMPTS),
    "TABLEFOR_PUBLISH_RETRY_DELAY": "0.1",
    "TABLEFOR_PUBLISH_RETRY_CAP": "0.2",
    "TABLEFOR_SWEEP_INTERVAL": "1",
}


async def test_a_publish_that_always_fails_ends_once_and_waits_for_a_replay(
    worker_env: dict[str, str], database_url: str, auth: dict[str, str], tmp_path: Path
) -> None:
    broken = insert_invite(database_url, starts_at=NEVER_RENDERS)  # the API refuses this date
    with FakeSentry() as sentry:
        env = {**worker_env, **FAST_FAILURES, "SENTRY_DSN": sentry.dsn}
        with TableforProcess(["worker"], env, tmp_path / "worker.log") as worker:
            # Only the sweep can find these rows: nothing enqueued them.
            wait_for(lambda: invite_row(database_url, broken.id)["publish_failed_at"], timeout=30)
            wait_for(lambda: sentry.events, timeout=10, what="the Sentry event")
            runs = invite_row(database_url, broken.id)["publish_starts"]  # runs that tried
            for _ in range(2):  # two later sweeps, each proven by an invite only a sweep finds
                witness = insert_invite(database_url)
                wait_for(partial(is_published, database_url, witness.id), timeout=20)

            assert runs == ATTEMPTS
            assert invite_row(database_url, broken.id)["publish_starts"] == ATTEMPTS
            assert _publishes_tried(worker, broken.id) == ATTEMPTS
            letters = open_letters(database_url)
            assert [(x["task"], x["invite_id"], x["attempts"]) for x in letters] == [
                ("publish", broken.id, ATTEMPTS)
            ]
            assert "year" in letters[0]["error"]
            assert _dead_letter_events(sentry) == 1
            status = json.loads(_cli(env, "status", "--json").stdout)
            assert (status["failed_to_publish"], status["waiting_to_publish"]) == (1, 0)
            async with api_client(Settings.from_env(env)) as api:
                shown = (await api.get(f"/api/invites/{broken.slug}", headers=auth)).json()
            assert shown["publish_state"] == "failed"

            # An operator mends the data, then replays: the mark is cleared and it publishes.
            with psycopg.connect(database_url, autocommit=True) as conn:
                conn.execute("UPDATE invites SET starts_at = %s WHERE id = %s", (SOON, broken.id))
            replay = _cli(env, "dlq", "replay", str(letters[0]["id"]))
            assert replay.returncode == 0, replay.stderr
            wait_for(lambda: is_published(database_url, broken.id), timeout=20, what="a publish")

    assert invite_row(database_url, broken.id)["publish_failed_at"] is None
    assert open_letters(database_url) == []
    public = Settings.from_env(env).storage.local_dir
    assert (public / f"i/{broken.slug}/index.html").exists()
    assert _dead_letter_events(sentry) == 1


def _publishes_tried(worker: TableforProcess, invite_id: int) -> int:
    """Runs of the invite's publish jobs that ended in an error: retried, or failed for good."""
    return sum(
        1
        for event in worker.log_events()
        if event.get("message") == "job finished"
        and event.get("job") == f"publish:{invite_id}"
        and event.get("status") in ("Status.QUEUED", "Status.FAILED")  # retried, or the last
    )


def _dead_letter_events(sentry: FakeSentry) -> int:
    messages = [e.get("message") or e.get("logentry", {}).get("message") for e in sentry.events]
    return messages.count("dead letter: publish")


def _cli(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "tablefor", *args],
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )

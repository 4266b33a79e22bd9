"""The id of the request that created or changed an invite travels with the jobs it caused."""

from __future__ import annotations

import json
import logging
from datetime import UTC, datetime, timedelta

import httpx

from core import jobs, logs
from core.observability import with_request_id
from core.settings import Settings

WHEN = (datetime.now(UTC) + timedelta(days=3)).isoformat()


async def test_a_create_passes_its_request_id_to_the_jobs_it_enqueues(
    api: httpx.AsyncClient, auth: dict[str, str], settings: Settings
) -> None:
    created = await api.post(
        "/api/invites",
        json={"restaurant_name": "Toit", "starts_at": WHEN},
        headers={**auth, "X-Request-ID": "req-create-1"},
    )
    invite_id = await _invite_id(settings, created.json()["slug"])
    queues = jobs.create_queues(settings.redis, settings.worker)
    try:
        publish = await queues.publish.job(jobs.publish_key(invite_id))
        enrich = await queues.enrich.job(jobs.enrich_key(invite_id))
    finally:
        await queues.disconnect()

    assert created.headers["x-request-id"] == "req-create-1"
    assert publish is not None and publish.kwargs["request_id"] == "req-create-1"
    assert enrich is not None and enrich.kwargs["request_id"] == "req-create-1"


async def test_every_log_line_and_sentry_event_of_a_bound_request_names_it() -> None:
    record = logging.makeLogRecord({"msg": "published", "name": "tablefor.worker"})
    token = logs.bind_request_id("req-77")
    try:
        line = json.loads(logs.JsonFormatter().format(record))
        event = with_request_id({"message": "dead letter: enrich"}, {})
    finally:
        logs.unbind_request_id(token)
    unbound = json.loads(logs.JsonFormatter().format(record))

    assert line["request_id"] == "req-77"
    assert event["tags"] == {"request_id": "req-77"}
    assert "request_id" not in unbound


async def _invite_id(settings: Settings, slug: str) -> int:
    from core.db import invites
    from core.db.pool import single_connection

    async with single_connection(settings.database.url) as conn:
        row = await invites.get_by_slug(conn, slug=slug)
    assert row is not None
    return row.id

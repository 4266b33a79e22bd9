"""The GCRA limiter against real Redis: exact budgets, Retry-After, and all-or-nothing charges."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator

import pytest
import redis.asyncio as aioredis

from core.errors import RateLimited
from core.ratelimit import RateLimiter, SharedLimitUnavailable
from core.settings import RateLimit
from tests.conftest import ServiceUrls


@pytest.fixture
async def limiter(urls: ServiceUrls) -> AsyncIterator[RateLimiter]:
    client = aioredis.Redis.from_url(urls.redis)
    yield RateLimiter(client, prefix=f"test-rl-{uuid.uuid4().hex[:8]}")
    await client.aclose()


async def test_a_budget_allows_exactly_its_limit_then_says_when_to_retry(
    limiter: RateLimiter,
) -> None:
    rule = RateLimit(limit=3, window=60)
    decisions = [await limiter.check("create:ip", "1.2.3.4", rule) for _ in range(4)]
    assert [d.allowed for d in decisions] == [True, True, True, False]
    assert [d.remaining for d in decisions[:3]] == [2, 1, 0]
    assert 1 <= decisions[3].retry_after <= 20  # one slot frees every 60/3 s


async def test_several_budgets_are_charged_together_or_not_at_all(limiter: RateLimiter) -> None:
    ip, tight = RateLimit(limit=10, window=60), RateLimit(limit=1, window=60)
    checks = [("create:ip", "9.9.9.9", ip), ("create:creator", "7", tight)]

    await limiter.enforce_all(checks)
    with pytest.raises(RateLimited):
        await limiter.enforce_all(checks)

    # The refused request charged nothing: the IP's budget still has 9 of 10.
    assert (await limiter.check("create:ip", "9.9.9.9", ip)).remaining == 8


async def test_without_redis_a_budget_counts_per_process_but_a_shared_one_lets_nobody_go() -> None:
    """Invite creation must survive a Redis outage; Nominatim's one request a second for the
    whole application must not become one a second per process."""
    unreachable = aioredis.Redis.from_url("redis://127.0.0.1:1/0", socket_connect_timeout=0.5)
    limiter = RateLimiter(unreachable, prefix="test-rl-down")
    rule = RateLimit(limit=1, window=1)
    try:
        local = await limiter.check("create:ip", "1.2.3.4", rule)
        with pytest.raises(SharedLimitUnavailable) as paused:
            await limiter.wait_turn("provider", "nominatim", rule, shared_only=True)
    finally:
        await unreachable.aclose()

    assert local.allowed
    assert paused.value.retry_after > 0

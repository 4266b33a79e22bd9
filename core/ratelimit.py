"""Rate limits kept in Redis: GCRA in one Lua script, exact across processes and hosts.

The API refuses over-limit requests (429); workers wait their turn before calling a provider.

Litestar's RateLimitMiddleware is read-then-write per process (not atomic across workers) and
sends no Retry-After, so it is not used. When Redis is unreachable the limiter falls back to a
per-process GCRA with the same numbers: an outage of the limiter must not become an outage of
invite creation (the invite's work is recorded in PostgreSQL and survives a Redis outage).
A limit that binds the whole application (Nominatim's one request a second) cannot be kept per
process, since N processes would send N a second: `shared_only` callers are told the limiter
is unavailable instead, and pause.
"""

from __future__ import annotations

import asyncio
import ipaddress
import logging
import math
import time
from dataclasses import dataclass

import redis.asyncio as aioredis
from redis.exceptions import RedisError

from core.errors import RateLimited, Unavailable
from core.settings import RateLimit

log = logging.getLogger("core.ratelimit")

# Generic cell rate algorithm over several keys at once (an IP's and a creator's budget, say):
# all are checked, and only if every one allows is any of them charged. The stored value is
# the theoretical arrival time (TAT) in ms; Redis's own clock is used so API hosts agree.
# ARGV holds (limit, period in ms) per key; the answer holds (allowed, remaining, retry ms,
# reset ms) per key.
_GCRA = """
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local answers, updates, refused = {}, {}, false
for i, key in ipairs(KEYS) do
    local limit = tonumber(ARGV[2 * i - 1])
    local period = tonumber(ARGV[2 * i])
    local interval = period / limit
    local tat = tonumber(redis.call('GET', key) or '0')
    if tat < now then tat = now end
    local new_tat = tat + interval
    if new_tat - period > now then
        refused = true
        table.insert(answers, {0, 0, math.ceil(new_tat - period - now), math.ceil(tat - now)})
    else
        updates[key] = new_tat
        local left = math.floor((period - (new_tat - now)) / interval)
        table.insert(answers, {1, left, 0, math.ceil(new_tat - now)})
    end
end
if not refused then
    for key, new_tat in pairs(updates) do
        redis.call('SET', key, tostring(new_tat), 'PX', math.ceil(new_tat - now))
    end
end
local flat = {}
for _, answer in ipairs(answers) do
    for _, value in ipairs(answer) do table.insert(flat, value) end
end
return flat
"""

Check = tuple[str, str, RateLimit]  # (name as "<limit>:<scope>", identity, rule)

_SCOPES = {"ip": "from your network", "creator": "for your account", "invite": "for this invite"}
# An IPv6 client is given a whole /64 (a home, a phone): any of its addresses is the same client.
IPV6_CLIENT_PREFIX = 64
REDIS_RETRY_S = 5  # when a shared-only caller should ask again, Redis being unreachable


def client_key(address: str) -> str:
    """Whom a per-IP budget counts: an IPv4 address, or the /64 network of an IPv6 one (an
    IPv4-mapped IPv6 address counts as its IPv4 address). Anything unparsable as it is."""
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return address
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.ipv4_mapped is not None:
            return str(ip.ipv4_mapped)
        return str(ipaddress.IPv6Network((ip, IPV6_CLIENT_PREFIX), strict=False))
    return str(ip)


class SharedLimitUnavailable(Unavailable):
    """Redis is unreachable and the limit must hold across processes: nobody may go."""


@dataclass(frozen=True, slots=True)
class Decision:
    allowed: bool
    limit: int
    window: int
    remaining: int
    retry_after: int  # whole seconds, when refused (for Retry-After)
    reset: int  # seconds until the bucket is full again
    retry_after_ms: int = 0


class RateLimiter:
    def __init__(self, client: aioredis.Redis, *, prefix: str) -> None:
        self._client = client
        self._script = client.register_script(_GCRA)
        self._prefix = prefix
        self._local: dict[str, float] = {}
        self._redis_down_until = 0.0

    async def check(
        self, name: str, identity: str, rule: RateLimit, *, shared_only: bool = False
    ) -> Decision:
        return (await self.check_all([(name, identity, rule)], shared_only=shared_only))[0]

    async def check_all(self, checks: list[Check], *, shared_only: bool = False) -> list[Decision]:
        """One round trip for several budgets; none is charged unless all allow.

        While Redis is unreachable the budgets are counted in this process, unless
        `shared_only`: then SharedLimitUnavailable is raised and nothing is allowed."""
        keys = [f"{self._prefix}:{name}:{identity}" for name, identity, _ in checks]
        rules = [rule for _, _, rule in checks]
        now = time.monotonic()
        if now >= self._redis_down_until:
            args = [v for rule in rules for v in (rule.limit, rule.window * 1000)]
            try:
                raw = [int(v) for v in await self._script(keys=keys, args=args)]
                return [_decision(rule, raw[4 * i : 4 * i + 4]) for i, rule in enumerate(rules)]
            except (RedisError, OSError):
                # Try Redis again in a second; meanwhile count in this process.
                self._redis_down_until = now + 1.0
                log.warning("rate limiter: Redis unreachable, limiting per process")
        if shared_only:
            raise SharedLimitUnavailable(
                "the shared rate limiter (Redis) is unreachable", retry_after=REDIS_RETRY_S
            )
        return [
            self._check_local(key, rule, now * 1000) for key, rule in zip(keys, rules, strict=True)
        ]

    async def wait_turn(
        self, name: str, identity: str, rule: RateLimit, *, shared_only: bool = False
    ) -> None:
        """Sleep until a request is allowed (used before calling a rate-limited provider).

        `shared_only`: the limit binds every process together; while Redis is unreachable
        this raises SharedLimitUnavailable rather than let each process count alone."""
        while not (  # noqa: ASYNC110
            decision := await self.check(name, identity, rule, shared_only=shared_only)
        ).allowed:
            await asyncio.sleep(max(decision.retry_after_ms, 5) / 1000)

    async def enforce_all(self, checks: list[Check]) -> list[Decision]:
        decisions = await self.check_all(checks)
        for (name, _, rule), decision in zip(checks, decisions, strict=True):
            if not decision.allowed:
                kind, _, scope = name.partition(":")
                raise RateLimited(
                    f"Too many {kind} requests {_SCOPES.get(scope, 'just now')}; try again in "
                    f"{decision.retry_after} s.",
                    retry_after=decision.retry_after,
                    limit=rule.limit,
                    window=rule.window,
                )
        return decisions

    def _check_local(self, key: str, rule: RateLimit, now_ms: float) -> Decision:
        period = rule.window * 1000
        interval = period / rule.limit
        tat = max(self._local.get(key, 0.0), now_ms)
        new_tat = tat + interval
        if new_tat - period > now_ms:
            return _decision(rule, [0, 0, math.ceil(new_tat - period - now_ms), 0])
        self._local[key] = new_tat
        if len(self._local) > 100_000:  # bounded: forget the oldest half
            for stale in list(self._local)[:50_000]:
                del self._local[stale]
        remaining = math.floor((period - (new_tat - now_ms)) / interval)
        return _decision(rule, [1, remaining, 0, math.ceil(new_tat - now_ms)])


def _decision(rule: RateLimit, raw: list[int]) -> Decision:
    allowed, remaining, retry_ms, reset_ms = raw
    return Decision(
        allowed=bool(allowed),
        limit=rule.limit,
        window=rule.window,
        remaining=max(0, remaining),
        retry_after=max(1, math.ceil(retry_ms / 1000)) if not allowed else 0,
        reset=math.ceil(reset_ms / 1000),
        retry_after_ms=retry_ms,
    )

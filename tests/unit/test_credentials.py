"""The API's in-process memory of credentials, and when it may be trusted."""

from __future__ import annotations

from api.credentials import TRUST_WINDOW, CredentialCache, Principal

ASHA = Principal(creator_id=7, via="token")


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def trusted_cache(clock: Clock, **options: float) -> CredentialCache:
    cache = CredentialCache(clock=clock, wall_clock=clock, **options)
    cache.vouch(b"1")
    return cache


def test_remembers_a_credential_until_its_time_is_up() -> None:
    clock = Clock()
    cache = trusted_cache(clock, ttl=30)
    cache.put(b"a", ASHA, generation=cache.generation)
    for step in (0.0, 0.5, 0.5):  # the watcher keeps vouching
        clock.now += step
        cache.vouch(b"1")
        assert cache.get(b"a") == ASHA
    clock.now += 29.5
    cache.vouch(b"1")
    assert cache.get(b"a") is None
    assert cache.get(b"unknown") is None


def test_nothing_is_used_once_the_watcher_stops_vouching() -> None:
    clock = Clock()
    cache = trusted_cache(clock)
    cache.put(b"a", ASHA, generation=cache.generation)
    clock.now += TRUST_WINDOW - 0.01
    assert cache.get(b"a") == ASHA
    clock.now += 0.02
    assert cache.get(b"a") is None  # stale trust: ask the database
    cache.vouch(b"1")
    assert cache.get(b"a") == ASHA  # the same epoch again: nothing was revoked meanwhile


def test_a_new_epoch_forgets_everything() -> None:
    clock = Clock()
    cache = trusted_cache(clock)
    cache.put(b"a", ASHA, generation=cache.generation)
    cache.vouch(b"2")
    assert cache.get(b"a") is None


def test_an_unreadable_epoch_forgets_and_distrusts() -> None:
    clock = Clock()
    cache = trusted_cache(clock)
    cache.put(b"a", ASHA, generation=cache.generation)
    cache.distrust()
    assert cache.get(b"a") is None
    assert not cache.trusted
    cache.vouch(b"1")  # back, with the epoch it had: still forgotten, as it may have moved
    assert cache.get(b"a") is None


def test_an_answer_read_across_a_revocation_is_not_kept() -> None:
    clock = Clock()
    cache = trusted_cache(clock)
    before = cache.generation  # a lookup starts
    cache.vouch(b"2")  # a revocation is seen while it reads
    cache.put(b"a", ASHA, generation=before)
    assert cache.get(b"a") is None


def test_a_credential_that_expires_is_not_remembered_past_its_expiry() -> None:
    clock = Clock()
    cache = trusted_cache(clock, ttl=30)
    short = Principal(creator_id=7, via="oidc", valid_until=clock.now + 0.3)
    cache.put(b"jwt", short, generation=cache.generation)
    assert cache.get(b"jwt") == short
    clock.now += 0.31
    assert cache.get(b"jwt") is None


def test_a_full_cache_forgets_its_oldest_tenth_not_everything() -> None:
    clock = Clock()
    cache = trusted_cache(clock, max_entries=10)
    for number in range(10):
        cache.put(
            f"k{number}".encode(),
            Principal(creator_id=number, via="token"),
            generation=cache.generation,
        )
    cache.put(b"new", ASHA, generation=cache.generation)
    assert cache.get(b"k0") is None
    assert all(cache.get(f"k{n}".encode()) is not None for n in range(1, 10))
    assert cache.get(b"new") == ASHA

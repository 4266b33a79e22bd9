"""The API's in-process memory of which token belongs to which creator."""

from __future__ import annotations

from api.token_cache import TokenCache


def test_remembers_a_token_until_its_time_is_up() -> None:
    clock = [100.0]
    cache = TokenCache(ttl=30, clock=lambda: clock[0])
    cache.put(b"hash-a", 7)
    assert cache.get(b"hash-a") == 7
    clock[0] += 29.9
    assert cache.get(b"hash-a") == 7
    clock[0] += 0.2
    assert cache.get(b"hash-a") is None
    assert cache.get(b"unknown") is None


def test_a_full_cache_forgets_its_oldest_tenth_not_everything() -> None:
    cache = TokenCache(ttl=30, max_entries=10, clock=lambda: 0.0)
    for number in range(10):
        cache.put(f"hash-{number}".encode(), number)
    cache.put(b"hash-new", 99)
    assert cache.get(b"hash-0") is None  # the oldest went
    assert all(cache.get(f"hash-{n}".encode()) == n for n in range(1, 10))
    assert cache.get(b"hash-new") == 99

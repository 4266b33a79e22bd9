"""The expiry job's timing: Google content is out of view, browsers included, by its deadline."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from croniter import croniter

from cdn import layout
from core.settings import Settings
from workers import expiry

SERVICES = {"DATABASE_URL": "postgresql://db/tablefor", "REDIS_URL": "redis://cache:6379/0"}


def test_content_is_stripped_early_enough_to_be_out_of_view_by_its_deadline() -> None:
    ticks = croniter(expiry.CRON, datetime(2026, 12, 1, 0, 3, tzinfo=UTC))
    period = ticks.get_next(datetime) - ticks.get_prev(datetime)  # between two runs
    grace = timedelta(seconds=Settings.from_env(SERVICES).worker.removal_delay)
    browsers = timedelta(seconds=layout.PHOTO_BROWSER_TTL)
    publish = timedelta(minutes=5)  # a generous bound for the republish and the purge

    assert period == timedelta(minutes=10)
    assert period + grace + browsers + publish < expiry.STRIP_EARLY
    assert expiry.REFRESH_AHEAD > expiry.STRIP_EARLY  # refreshes come before any strip


def test_photos_are_kept_by_browsers_an_hour_and_og_images_for_good() -> None:
    photo = layout.stored("r/1/0123456789abcdef-960.jpg", b"x", layout.Kind.PHOTO)
    og = layout.stored("i/AbCdEfGhIjKlMn/og-0123456789abcdef.jpg", b"x", layout.Kind.IMMUTABLE)

    assert photo.cache_control == "public, max-age=3600, s-maxage=86400"
    assert "immutable" not in photo.cache_control and "stale" not in photo.cache_control
    assert og.cache_control == "public, max-age=31536000, immutable"

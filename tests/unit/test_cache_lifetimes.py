"""Each CDN gets the strategy it rewards: long lifetimes and a purge per change where purges
are free and fast, short lifetimes and invalidation only when urgent on CloudFront."""

from __future__ import annotations

import pytest

from cdn import layout
from cdn.purge.base import PurgeReason, PurgeRequest
from cdn.purge.cloudfront import CloudFrontPurger
from core.errors import SettingsError
from core.settings import Settings

SERVICES = {"DATABASE_URL": "postgresql://db/tablefor", "REDIS_URL": "redis://cache:6379/0"}


@pytest.mark.parametrize(
    ("adapter", "freshness"),
    [
        ("none", layout.Freshness.PURGED),
        ("varnish", layout.Freshness.PURGED),
        ("fastly", layout.Freshness.PURGED),
        ("cloudflare", layout.Freshness.PURGED),
        ("cloudfront", layout.Freshness.EXPIRING),
    ],
)
def test_each_adapter_has_its_freshness(adapter: str, freshness: layout.Freshness) -> None:
    assert layout.freshness_for(adapter) is freshness


def test_expiring_objects_live_seconds_and_revalidate_in_the_background() -> None:
    for kind in (layout.Kind.PAGE, layout.Kind.RSVPS, layout.Kind.CALENDAR):
        purged = layout.cache_control(kind)
        expiring = layout.cache_control(kind, layout.Freshness.EXPIRING)
        assert f"s-maxage={layout.EDGE_TTL}," in purged
        assert "stale-while-revalidate=" in expiring and "stale-if-error=" in expiring
        assert _s_maxage(expiring) <= 60 < _s_maxage(purged)
    assert _s_maxage(layout.cache_control(layout.Kind.RSVPS, layout.Freshness.EXPIRING)) == 5


def test_content_hashed_files_leave_an_expiring_edge_within_an_hour() -> None:
    """Never purged there for a replacement, so a removed OG image must age out."""
    expiring = layout.cache_control(layout.Kind.IMMUTABLE, layout.Freshness.EXPIRING)
    assert layout.cache_control(layout.Kind.IMMUTABLE) == "public, max-age=31536000, immutable"
    assert _s_maxage(expiring) == layout.IMMUTABLE_EDGE_TTL == 3_600
    assert "max-age=31536000" in expiring  # browsers keep it: its name changes with it


def test_only_cancels_deletes_rotations_and_explicit_purges_are_urgent() -> None:
    urgent = {reason for reason in PurgeReason if reason.urgent}
    assert urgent == {
        PurgeReason.CANCEL,
        PurgeReason.DELETE,
        PurgeReason.LINK_ROTATION,
        PurgeReason.REQUESTED,
    }
    assert PurgeRequest(paths=("/i/a",)).reason.urgent  # no reason given: never skipped


def test_cloudfront_lists_tags_with_a_hash_or_else_paths() -> None:
    request = PurgeRequest(keys=("slug-a", "images-a"), paths=("/i/a", "/i/a/"))
    tagged = CloudFrontPurger(distribution_id="E1", client=object(), cache_tags=True)
    plain = CloudFrontPurger(distribution_id="E1", client=object())

    assert tagged.items(request) == ("#slug-a", "#images-a")
    assert plain.items(request) == ("/i/a", "/i/a/")
    assert tagged.items(PurgeRequest(paths=("/i/a",))) == ("/i/a",)


def test_the_cache_tag_header_decides_the_s3_metadata_key() -> None:
    def settings(**environ: str) -> Settings:
        return Settings.from_env({**SERVICES, "TABLEFOR_PURGE": "cloudfront", **environ})

    assert settings().purge.s3_tag_metadata is None
    s3 = settings(CLOUDFRONT_CACHE_TAG_HEADER="x-amz-meta-cache-tag").purge
    assert (s3.cloudfront_cache_tag_header, s3.s3_tag_metadata) == (
        "x-amz-meta-cache-tag",
        "cache-tag",
    )
    assert settings(CLOUDFRONT_CACHE_TAG_HEADER="Cache-Tag").purge.s3_tag_metadata is None
    with pytest.raises(SettingsError, match="CLOUDFRONT_CACHE_TAG_HEADER: not an HTTP header"):
        settings(CLOUDFRONT_CACHE_TAG_HEADER="cache tag")


def _s_maxage(cache_control: str) -> int:
    [value] = [
        part.split("=")[1] for part in cache_control.split(", ") if part.startswith("s-maxage=")
    ]
    return int(value)

"""The purge adapter TABLEFOR_PURGE names, its settings checked to be all there."""

from __future__ import annotations

from cdn.purge.base import NoopPurger, Purger
from core.errors import SettingsError
from core.settings import PurgeSettings


def create_purger(settings: PurgeSettings, *, public_url: str) -> Purger:
    if settings.adapter == "none":
        return NoopPurger()
    if settings.adapter == "varnish":
        from cdn.purge.varnish import VarnishPurger

        if not settings.varnish_url:
            raise SettingsError("TABLEFOR_VARNISH_URL: required when TABLEFOR_PURGE=varnish")
        return VarnishPurger(settings.varnish_url.split(","), secret=settings.secret)
    if settings.adapter == "fastly":
        from cdn.purge.fastly import FastlyPurger

        service, token = _required(
            ("FASTLY_SERVICE_ID", settings.fastly_service_id),
            ("FASTLY_API_TOKEN", settings.fastly_api_token),
        )
        return FastlyPurger(
            service_id=service,
            token=token,
            base_url=settings.fastly_base_url,
            public_url=public_url,
        )
    if settings.adapter == "cloudflare":
        from cdn.purge.cloudflare import CloudflarePurger

        zone, token = _required(
            ("CLOUDFLARE_ZONE_ID", settings.cloudflare_zone_id),
            ("CLOUDFLARE_API_TOKEN", settings.cloudflare_api_token),
        )
        return CloudflarePurger(
            zone_id=zone,
            token=token,
            base_url=settings.cloudflare_base_url,
            public_url=public_url,
            requests_per_minute=settings.cloudflare_requests_per_minute,
            by_url=settings.cloudflare_purge_by == "urls",
            urls_per_second=settings.cloudflare_urls_per_second,
            urls_per_request=settings.cloudflare_urls_per_request,
        )
    if settings.adapter == "cloudfront":
        from cdn.purge.cloudfront import CloudFrontPurger

        (distribution,) = _required(
            ("CLOUDFRONT_DISTRIBUTION_ID", settings.cloudfront_distribution_id)
        )
        return CloudFrontPurger(
            distribution_id=distribution,
            endpoint_url=settings.cloudfront_endpoint_url,
            cache_tags=settings.cloudfront_cache_tag_header is not None,
        )
    raise SettingsError(f"TABLEFOR_PURGE: unknown adapter {settings.adapter!r}")


def _required(*pairs: tuple[str, str | None]) -> tuple[str, ...]:
    for name, value in pairs:
        if not value:
            raise SettingsError(f"{name}: required by the configured purge adapter")
    return tuple(value for _, value in pairs if value)

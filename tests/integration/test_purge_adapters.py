"""The Fastly and Cloudflare purgers against a local fake of their APIs, and the CloudFront
purger against moto's server: request shapes, auth, chunking, coalescing, rate and in-progress
limits, retries and failures."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Iterator
from typing import Any

import httpx
import pytest
from botocore.exceptions import ClientError

from cdn.purge.base import PurgeFailed, PurgeReason, PurgeRequest
from cdn.purge.cloudflare import CloudflarePurger
from cdn.purge.cloudfront import CloudFrontPurger
from cdn.purge.fastly import FastlyPurger
from tests.support.fake_cdns import (
    FAKE_AWS_ENV,
    FakeCdns,
    RecordingCloudFront,
    cloudfront_client,
    create_distribution,
    invalidated_paths,
    moto_cloudfront,
)
from tests.support.processes import let_tasks_run

PUBLIC_URL = "https://invites.tablefor.test"
FAST = 0.001  # retry delay: the tests prove retries happen, not how long they wait


def invite_request(slug: str, reason: PurgeReason = PurgeReason.REQUESTED) -> PurgeRequest:
    """What the publisher sends for one invite."""
    base = f"/i/{slug}"
    return PurgeRequest(
        keys=(f"slug-{slug}",),
        paths=(base, f"{base}/", f"{base}/rsvps.json", f"{base}/invite.ics"),
        reason=reason,
    )


@pytest.fixture
def cdns() -> Iterator[FakeCdns]:
    with FakeCdns() as fake:
        yield fake


# Fastly -------------------------------------------------------------------------------------


@pytest.fixture
async def fastly(cdns: FakeCdns) -> AsyncIterator[FastlyPurger]:
    purger = FastlyPurger(
        service_id=cdns.fastly_service,
        token=cdns.fastly_token,
        base_url=cdns.fastly_url,
        public_url=PUBLIC_URL,
        retry_delay=FAST,
    )
    yield purger
    await purger.aclose()


async def test_fastly_purges_keys_in_one_call_with_token(
    cdns: FakeCdns, fastly: FastlyPurger
) -> None:
    await fastly.purge(PurgeRequest(keys=("slug-a", "slug-b"), paths=("/i/a/",)))

    (call,) = cdns.requests
    assert (call.method, call.path) == ("POST", f"/service/{cdns.fastly_service}/purge")
    assert call.headers["fastly-key"] == cdns.fastly_token
    assert call.headers["accept"] == "application/json"
    assert "fastly-soft-purge" not in call.headers
    assert call.body == {"surrogate_keys": ["slug-a", "slug-b"]}
    assert call.status == 200


async def test_fastly_soft_purge_sends_the_soft_header(
    cdns: FakeCdns, fastly: FastlyPurger
) -> None:
    await fastly.purge(PurgeRequest(keys=("slug-a",)), soft=True)

    (call,) = cdns.requests
    assert call.headers["fastly-soft-purge"] == "1"


async def test_fastly_sends_257_keys_as_256_and_1(cdns: FakeCdns, fastly: FastlyPurger) -> None:
    keys = tuple(f"slug-{n}" for n in range(257))

    await fastly.purge(PurgeRequest(keys=keys))

    sent = [call.body["surrogate_keys"] for call in cdns.requests]
    assert [len(chunk) for chunk in sent] == [256, 1]
    assert tuple(sent[0] + sent[1]) == keys


async def test_fastly_purges_each_url_when_there_are_no_keys(
    cdns: FakeCdns, fastly: FastlyPurger
) -> None:
    await fastly.purge(PurgeRequest(paths=("/i/a/", "/i/a/rsvps.json")))

    assert [(c.method, c.path) for c in cdns.requests] == [
        ("POST", "/purge/invites.tablefor.test/i/a/"),
        ("POST", "/purge/invites.tablefor.test/i/a/rsvps.json"),
    ]
    assert all(c.headers["fastly-key"] == cdns.fastly_token for c in cdns.requests)


async def test_fastly_paths_without_a_public_url_fail(cdns: FakeCdns) -> None:
    purger = FastlyPurger(
        service_id=cdns.fastly_service, token=cdns.fastly_token, base_url=cdns.fastly_url
    )
    with pytest.raises(PurgeFailed, match="public URL"):
        await purger.purge(PurgeRequest(paths=("/i/a/",)))
    await purger.aclose()
    assert cdns.requests == []


async def test_fastly_purge_all(cdns: FakeCdns, fastly: FastlyPurger) -> None:
    await fastly.purge_all()

    (call,) = cdns.requests
    assert call.path == f"/service/{cdns.fastly_service}/purge_all"
    assert call.headers["fastly-key"] == cdns.fastly_token


async def test_fastly_retries_server_errors_then_succeeds(
    cdns: FakeCdns, fastly: FastlyPurger
) -> None:
    cdns.inject(2, 500)

    await fastly.purge(PurgeRequest(keys=("slug-a",)))

    assert [call.status for call in cdns.requests] == [500, 500, 200]


async def test_fastly_gives_up_after_persistent_server_errors(
    cdns: FakeCdns, fastly: FastlyPurger
) -> None:
    cdns.inject(50, 503)

    with pytest.raises(PurgeFailed, match="HTTP 503"):
        await fastly.purge(PurgeRequest(keys=("slug-a",)))
    assert len(cdns.requests) == 5  # retry.ATTEMPTS


async def test_fastly_bad_token_fails_without_retry(cdns: FakeCdns) -> None:
    purger = FastlyPurger(
        service_id=cdns.fastly_service, token="wrong", base_url=cdns.fastly_url, retry_delay=FAST
    )
    with pytest.raises(PurgeFailed, match="HTTP 401"):
        await purger.purge(PurgeRequest(keys=("slug-a",)))
    await purger.aclose()
    assert [call.status for call in cdns.requests] == [401]


async def test_fastly_fake_rejects_more_than_256_keys(cdns: FakeCdns) -> None:
    """The limit the chunking test relies on is really enforced."""
    async with httpx.AsyncClient() as client:
        response = await client.post(
            f"{cdns.fastly_url}/service/{cdns.fastly_service}/purge",
            headers={"Fastly-Key": cdns.fastly_token},
            json={"surrogate_keys": [f"k{n}" for n in range(257)]},
        )
    assert response.status_code == 400


# Cloudflare ---------------------------------------------------------------------------------


def cloudflare_purger(cdns: FakeCdns, **options: Any) -> CloudflarePurger:
    settings: dict[str, Any] = {
        "zone_id": cdns.cloudflare_zone,
        "token": cdns.cloudflare_token,
        "base_url": cdns.cloudflare_url,
        "public_url": PUBLIC_URL,
        "requests_per_minute": 1_000,
        "linger": 0.02,
        "retry_delay": FAST,
    }
    return CloudflarePurger(**(settings | options))


@pytest.fixture
async def cloudflare(cdns: FakeCdns) -> AsyncIterator[CloudflarePurger]:
    purger = cloudflare_purger(cdns)
    yield purger
    await purger.aclose()


def cloudflare_items(cdns: FakeCdns, kind: str = "tags") -> list[list[str]]:
    return [call.body[kind] for call in cdns.requests if call.status == 200 and kind in call.body]


async def test_cloudflare_purges_tags_with_bearer_token(
    cdns: FakeCdns, cloudflare: CloudflarePurger
) -> None:
    await cloudflare.purge(invite_request("AbC123"), soft=True)  # soft: the same purge

    (call,) = cdns.requests
    assert (call.method, call.path) == (
        "POST",
        f"/client/v4/zones/{cdns.cloudflare_zone}/purge_cache",
    )
    assert call.headers["authorization"] == f"Bearer {cdns.cloudflare_token}"
    assert call.body == {"tags": ["slug-AbC123"]}
    assert call.status == 200


async def test_cloudflare_purges_absolute_urls_when_there_are_no_keys(
    cdns: FakeCdns, cloudflare: CloudflarePurger
) -> None:
    await cloudflare.purge(PurgeRequest(paths=("/i/AbC123/", "/i/AbC123/rsvps.json")))

    (call,) = cdns.requests
    assert call.body == {
        "files": [f"{PUBLIC_URL}/i/AbC123/", f"{PUBLIC_URL}/i/AbC123/rsvps.json"],
    }


async def test_cloudflare_sends_250_tags_as_100_100_50(
    cdns: FakeCdns, cloudflare: CloudflarePurger
) -> None:
    tags = tuple(f"slug-{n}" for n in range(250))

    await cloudflare.purge(PurgeRequest(keys=tags))

    sent = cloudflare_items(cdns)
    assert [len(batch) for batch in sent] == [100, 100, 50]
    assert tuple(tag for batch in sent for tag in batch) == tags


async def test_cloudflare_coalesces_concurrent_purges(
    cdns: FakeCdns, cloudflare: CloudflarePurger
) -> None:
    requests = [invite_request(f"s{n}") for n in range(300)]
    requests += requests[:50]  # the same invite published twice shares its slot

    await asyncio.gather(*(cloudflare.purge(request) for request in requests))

    sent = cloudflare_items(cdns)
    assert [len(batch) for batch in sent] == [100, 100, 100]
    assert sorted(tag for batch in sent for tag in batch) == sorted(
        f"slug-s{n}" for n in range(300)
    )


async def test_cloudflare_stays_within_its_requests_per_minute(cdns: FakeCdns) -> None:
    """Five batches at two requests a (half-second) minute: never one too many, no 429."""
    cdns.cloudflare_requests_per_minute, cdns.cloudflare_window = 2, 0.5
    purger = cloudflare_purger(cdns, requests_per_minute=2, window=0.5)
    started = time.monotonic()

    await asyncio.gather(*(purger.purge(invite_request(f"s{n}")) for n in range(450)))
    await purger.aclose()

    calls = cdns.requests
    assert [call.status for call in calls] == [200] * 5
    assert all(calls[n + 2].at - calls[n].at >= 0.5 for n in range(len(calls) - 2))
    assert time.monotonic() - started >= 1.0  # the third pair had to wait for a window


async def test_cloudflare_fake_answers_429_beyond_its_rate(cdns: FakeCdns) -> None:
    """The limit the previous test respects is really enforced."""
    cdns.cloudflare_requests_per_minute = 2
    url = f"{cdns.cloudflare_url}/zones/{cdns.cloudflare_zone}/purge_cache"
    headers = {"Authorization": f"Bearer {cdns.cloudflare_token}"}
    async with httpx.AsyncClient() as client:
        statuses = [
            (await client.post(url, headers=headers, json={"tags": ["a"]})) for _ in range(3)
        ]
    assert [response.status_code for response in statuses] == [200, 200, 429]
    assert int(statuses[2].headers["retry-after"]) > 0


async def test_cloudflare_success_false_is_a_failure_with_its_messages(
    cdns: FakeCdns, cloudflare: CloudflarePurger
) -> None:
    rejection = {
        "success": False,
        "errors": [{"code": 1134, "message": "Purge by tag is not enabled for this zone"}],
        "messages": [],
        "result": None,
    }
    cdns.inject(1, 200, body=rejection)

    with pytest.raises(PurgeFailed, match="Purge by tag is not enabled"):
        await cloudflare.purge(invite_request("a"))
    assert len(cdns.requests) == 1


async def test_cloudflare_bad_token_fails_without_retry(cdns: FakeCdns) -> None:
    purger = cloudflare_purger(cdns, token="wrong")

    with pytest.raises(PurgeFailed, match="Authentication error"):
        await purger.purge(invite_request("a"))
    await purger.aclose()
    assert [call.status for call in cdns.requests] == [403]


async def test_cloudflare_retries_then_succeeds(
    cdns: FakeCdns, cloudflare: CloudflarePurger
) -> None:
    cdns.inject(1, 500)
    cdns.inject(1, 429, retry_after=0)

    await cloudflare.purge(invite_request("a"))

    assert [call.status for call in cdns.requests] == [500, 429, 200]


async def test_cloudflare_batch_failure_reaches_every_caller(
    cdns: FakeCdns, cloudflare: CloudflarePurger
) -> None:
    cdns.inject(50, 502)

    results = await asyncio.gather(
        *(cloudflare.purge(invite_request(f"s{n}")) for n in range(3)), return_exceptions=True
    )

    assert all(isinstance(result, PurgeFailed) for result in results)
    assert all("HTTP 502" in str(result) for result in results)
    assert len(cdns.requests) == 5  # one batch, retry.ATTEMPTS tries


async def test_cloudflare_cancelled_caller_leaves_the_batch_to_the_others(
    cdns: FakeCdns,
) -> None:
    purger = cloudflare_purger(cdns, linger=0.1)
    impatient = asyncio.create_task(purger.purge(invite_request("shared")))
    patient = asyncio.create_task(purger.purge(invite_request("shared")))
    await let_tasks_run()

    impatient.cancel()

    await patient
    await purger.aclose()
    assert impatient.cancelled()
    assert cloudflare_items(cdns) == [["slug-shared"]]


async def test_cloudflare_purge_all(cdns: FakeCdns, cloudflare: CloudflarePurger) -> None:
    await cloudflare.purge_all()

    (call,) = cdns.requests
    assert call.body == {"purge_everything": True}


async def test_cloudflare_close_sends_what_is_pending(cdns: FakeCdns) -> None:
    purger = cloudflare_purger(cdns, linger=30.0)
    callers = [asyncio.create_task(purger.purge(invite_request(f"s{n}"))) for n in range(3)]
    await let_tasks_run()  # the callers have queued their tags

    await purger.aclose()

    await asyncio.gather(*callers)
    assert cloudflare_items(cdns) == [["slug-s0", "slug-s1", "slug-s2"]]


async def test_cloudflare_close_fails_what_it_cannot_send(cdns: FakeCdns) -> None:
    purger = cloudflare_purger(cdns, requests_per_minute=1, close_timeout=0.1)
    await purger.purge(invite_request("first"))  # the minute's only request
    waiting = asyncio.create_task(purger.purge(invite_request("second")))
    await let_tasks_run()

    await purger.aclose()

    with pytest.raises(PurgeFailed, match="closed"):
        await waiting
    with pytest.raises(PurgeFailed, match="closed"):
        await purger.purge(invite_request("third"))
    assert cloudflare_items(cdns) == [["slug-first"]]


async def test_cloudflare_purges_by_url_when_the_origin_cannot_tag(cdns: FakeCdns) -> None:
    """S3 as the origin sends no Cache-Tag: the invite's URLs, absolute, instead of its tag."""
    purger = cloudflare_purger(cdns, by_url=True)

    await purger.purge(invite_request("AbC123"))
    await purger.aclose()

    (call,) = cdns.requests
    assert call.body == {
        "files": [
            f"{PUBLIC_URL}/i/AbC123",
            f"{PUBLIC_URL}/i/AbC123/",
            f"{PUBLIC_URL}/i/AbC123/rsvps.json",
            f"{PUBLIC_URL}/i/AbC123/invite.ics",
        ]
    }


async def test_cloudflare_by_url_refuses_a_request_with_keys_only(cdns: FakeCdns) -> None:
    purger = cloudflare_purger(cdns, by_url=True)

    with pytest.raises(PurgeFailed, match="by URL"):
        await purger.purge(PurgeRequest(keys=("slug-a",)))
    await purger.aclose()
    assert cdns.requests == []


async def test_cloudflare_url_purges_do_not_wait_for_the_tag_rate(cdns: FakeCdns) -> None:
    """One tag request a (long) minute: the second tag purge waits, a URL purge does not."""
    cdns.cloudflare_requests_per_minute, cdns.cloudflare_window = 1, 30.0
    purger = cloudflare_purger(cdns, requests_per_minute=1, window=30.0, close_timeout=0.1)
    await purger.purge(invite_request("first"))  # the minute's only tag request
    waiting = asyncio.create_task(purger.purge(invite_request("second")))
    await let_tasks_run()

    async with asyncio.timeout(5):
        await purger.purge(PurgeRequest(paths=("/i/third/rsvps.json",)))

    assert not waiting.done()
    await purger.aclose()
    with pytest.raises(PurgeFailed, match="closed"):
        await waiting
    assert cloudflare_items(cdns) == [["slug-first"]]
    assert cloudflare_items(cdns, "files") == [[f"{PUBLIC_URL}/i/third/rsvps.json"]]
    assert all(call.status == 200 for call in cdns.requests)


async def test_cloudflare_stays_within_its_urls_per_second(cdns: FakeCdns) -> None:
    """30 invites' 120 URLs at 40 URLs a second, 20 a request: six requests over two seconds
    or more, never 40 URLs too many in any second, no 429."""
    cdns.cloudflare_urls_per_second, cdns.cloudflare_urls_per_request = 40, 20
    purger = cloudflare_purger(cdns, by_url=True, urls_per_second=40, urls_per_request=20)
    started = time.monotonic()

    await asyncio.gather(*(purger.purge(invite_request(f"s{n}")) for n in range(30)))
    await purger.aclose()

    calls = cdns.requests
    assert [len(call.body["files"]) for call in calls] == [20] * 6
    assert [call.status for call in calls] == [200] * 6
    for call in calls:
        second = [c for c in calls if call.at - 1.0 < c.at <= call.at]
        assert sum(len(c.body["files"]) for c in second) <= 40
    assert time.monotonic() - started >= 2.0


async def test_cloudflare_fake_counts_urls_apart_from_tag_requests(cdns: FakeCdns) -> None:
    """The documented split the two tests above rely on: URLs have a rate (and a size) of their
    own, and spending the tag rate leaves them alone."""
    cdns.cloudflare_requests_per_minute, cdns.cloudflare_urls_per_second = 1, 150
    url = f"{cdns.cloudflare_url}/zones/{cdns.cloudflare_zone}/purge_cache"
    headers = {"Authorization": f"Bearer {cdns.cloudflare_token}"}
    files = [f"{PUBLIC_URL}/i/{n}" for n in range(100)]
    async with httpx.AsyncClient() as client:

        async def post(body: dict[str, Any]) -> int:
            return (await client.post(url, headers=headers, json=body)).status_code

        statuses = [
            await post({"tags": ["a"]}),
            await post({"tags": ["b"]}),
            await post({"files": files}),
            await post({"files": files}),
            await post({"files": [*files, f"{PUBLIC_URL}/i/one-too-many"]}),
        ]
    assert statuses == [200, 429, 200, 429, 400]


# CloudFront (moto) --------------------------------------------------------------------------


@pytest.fixture(scope="module")
def moto_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """moto's server with fake credentials; never a real AWS profile or key."""
    nowhere = tmp_path_factory.mktemp("aws") / "none"
    with pytest.MonkeyPatch.context() as patch:
        for name, value in FAKE_AWS_ENV.items():
            patch.setenv(name, value)
        patch.setenv("AWS_CONFIG_FILE", str(nowhere))
        patch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(nowhere))
        patch.delenv("AWS_PROFILE", raising=False)
        with moto_cloudfront() as url:
            yield url


@pytest.fixture
def moto(moto_url: str) -> Iterator[Any]:
    client = cloudfront_client(moto_url)
    yield client
    client.close()


@pytest.fixture
def distribution(moto: Any) -> str:
    return create_distribution(moto)


def cloudfront_purger(client: Any, distribution: str, **options: Any) -> CloudFrontPurger:
    settings: dict[str, Any] = {"linger": 0.05, "poll_delay": 0.01, "retry_delay": FAST}
    return CloudFrontPurger(distribution_id=distribution, client=client, **(settings | options))


async def test_cloudfront_batches_concurrent_purges_into_one_invalidation(
    moto_url: str, moto: Any, distribution: str
) -> None:
    purger = CloudFrontPurger(distribution_id=distribution, endpoint_url=moto_url, linger=0.05)
    requests = [invite_request(f"s{n}") for n in range(20)]

    await asyncio.gather(*(purger.purge(request) for request in requests))
    await purger.aclose()

    (paths,) = invalidated_paths(moto, distribution)
    assert sorted(paths) == sorted(path for request in requests for path in request.paths)


async def test_cloudfront_ignores_keys_and_needs_paths(moto: Any, distribution: str) -> None:
    recording = RecordingCloudFront(moto)
    purger = cloudfront_purger(recording, distribution)

    await purger.purge(PurgeRequest(keys=("slug-a",)))
    await purger.aclose()

    assert recording.calls == []


async def test_cloudfront_batches_within_the_limit_when_invalidations_complete_at_once(
    moto: Any, distribution: str
) -> None:
    """moto completes invalidations as it creates them: no polling, batches cut to the limit."""
    recording = RecordingCloudFront(moto)
    purger = cloudfront_purger(recording, distribution, max_in_progress=10)

    await asyncio.gather(*(purger.purge(invite_request(f"s{n}")) for n in range(6)))
    await purger.aclose()

    assert [len(paths) for paths in recording.created] == [10, 10, 4]
    assert "get_invalidation" not in recording.calls
    assert [len(paths) for paths in invalidated_paths(moto, distribution)] == [10, 10, 4]


async def test_cloudfront_never_exceeds_the_paths_in_progress(moto: Any, distribution: str) -> None:
    """Invalidations stay InProgress for two checks each: the purger waits for them."""
    recording = RecordingCloudFront(moto, in_progress_polls=2)
    purger = cloudfront_purger(recording, distribution, max_in_progress=10)

    await asyncio.gather(*(purger.purge(invite_request(f"s{n}")) for n in range(6)))
    await purger.aclose()

    assert [len(paths) for paths in recording.created] == [10, 10, 4]
    assert max(recording.in_progress_after_create) <= 10
    # Each full batch had to be seen completed (after two InProgress answers) first.
    assert recording.calls.count("get_invalidation") == 6
    sent = sorted(path for paths in invalidated_paths(moto, distribution) for path in paths)
    assert len(sent) == 24 == len(set(sent))


async def test_cloudfront_uses_the_budget_left_by_invalidations_in_progress(
    moto: Any, distribution: str
) -> None:
    recording = RecordingCloudFront(moto, in_progress_polls=1)
    purger = cloudfront_purger(recording, distribution, max_in_progress=10)

    await purger.purge(PurgeRequest(paths=tuple(f"/i/{n}/" for n in range(6))))
    await purger.purge(PurgeRequest(paths=tuple(f"/i/x{n}/" for n in range(6))))
    await purger.aclose()

    # 6 in progress leave room for 4 at once; the other 2 wait for the first to complete.
    assert [len(paths) for paths in recording.created] == [6, 4, 2]
    assert max(recording.in_progress_after_create) <= 10


async def test_cloudfront_purge_all_invalidates_everything(
    moto_url: str, moto: Any, distribution: str
) -> None:
    purger = CloudFrontPurger(distribution_id=distribution, endpoint_url=moto_url)

    await purger.purge_all()
    await purger.aclose()

    assert invalidated_paths(moto, distribution) == [["/*"]]


async def test_cloudfront_retries_throttling(moto: Any, distribution: str) -> None:
    recording = RecordingCloudFront(moto, throttle=2)
    purger = cloudfront_purger(recording, distribution)

    await purger.purge(invite_request("a"))
    await purger.aclose()

    assert recording.calls == ["create_invalidation"] * 3
    assert len(invalidated_paths(moto, distribution)) == 1


async def test_cloudfront_other_errors_fail_without_retry(moto: Any) -> None:
    recording = RecordingCloudFront(moto)
    purger = cloudfront_purger(recording, "ENOSUCHDISTRIBUTION")

    with pytest.raises(PurgeFailed, match="NoSuchDistribution"):
        await purger.purge(invite_request("a"))
    await purger.aclose()

    assert recording.calls == ["create_invalidation"]


async def test_cloudfront_invalidates_only_what_is_urgent(moto: Any, distribution: str) -> None:
    """Changes reach readers by the objects' short lifetimes: no invalidation, no cost. A
    cancel, a delete and a link rotation must show at once."""
    recording = RecordingCloudFront(moto)
    purger = cloudfront_purger(recording, distribution)

    for reason in (PurgeReason.CHANGE, PurgeReason.REPLACED):
        await purger.purge(invite_request("changed", reason))
    assert recording.calls == []
    for reason in (PurgeReason.CANCEL, PurgeReason.DELETE, PurgeReason.LINK_ROTATION):
        await purger.purge(invite_request(reason.value, reason))
    await purger.aclose()

    invalidated = sorted(path for paths in recording.created for path in paths)
    assert invalidated == sorted(
        path for reason in ("cancel", "delete", "link_rotation")
        for path in invite_request(reason).paths
    )  # fmt: skip


async def test_cloudfront_invalidates_cache_tags_where_the_distribution_has_them(
    moto: Any, distribution: str
) -> None:
    """One `#tag` item per key, instead of the paths: a delete is two paths' price."""
    recording = RecordingCloudFront(moto, cache_tag_header="x-amz-meta-cache-tag")
    purger = cloudfront_purger(recording, distribution, cache_tags=True)
    delete = PurgeRequest(
        keys=("slug-AbC", "images-AbC"),
        paths=("/i/AbC", "/i/AbC/", "/i/AbC/rsvps.json", "/i/AbC/og-1.jpg"),
        reason=PurgeReason.DELETE,
    )

    await purger.purge(delete)
    await purger.aclose()

    assert recording.created == [["#slug-AbC", "#images-AbC"]]
    assert invalidated_paths(moto, distribution) == [["#slug-AbC", "#images-AbC"]]


async def test_cloudfront_tags_on_a_distribution_without_them_fail(
    moto: Any, distribution: str
) -> None:
    """CLOUDFRONT_CACHE_TAG_HEADER set, but the distribution has no CacheTagConfig."""
    recording = RecordingCloudFront(moto)
    purger = cloudfront_purger(recording, distribution, cache_tags=True)

    with pytest.raises(PurgeFailed, match="InvalidArgument"):
        await purger.purge(invite_request("a", PurgeReason.CANCEL))
    await purger.aclose()
    assert recording.created == []


async def test_cloudfront_keys_that_cannot_be_tags_fail_before_any_call(
    moto: Any, distribution: str
) -> None:
    recording = RecordingCloudFront(moto, cache_tag_header="x-amz-meta-cache-tag")
    purger = cloudfront_purger(recording, distribution, cache_tags=True)

    for key in ("a,b", "x" * 257, "slug-*", "café"):
        with pytest.raises(PurgeFailed, match="cannot be a cache tag"):
            await purger.purge(PurgeRequest(keys=(key,), reason=PurgeReason.DELETE))
    await purger.aclose()
    assert recording.calls == []


def test_cloudfront_fake_checks_tag_items_as_documented(moto: Any, distribution: str) -> None:
    """The rules the tests above rely on are enforced by the recording wrapper."""
    tagged = RecordingCloudFront(moto, cache_tag_header="x-amz-meta-cache-tag")
    untagged = RecordingCloudFront(moto)

    def invalidate(client: RecordingCloudFront, *items: str) -> Any:
        batch = {
            "Paths": {"Quantity": len(items), "Items": list(items)},
            "CallerReference": items[0],
        }
        return client.create_invalidation(DistributionId=distribution, InvalidationBatch=batch)

    invalidate(tagged, "#slug-ok", "/i/ok")
    for client, item in ((untagged, "#slug-a"), (tagged, "#a,b"), (tagged, "#slug-*"),
                         (tagged, "#" + "x" * 257), (tagged, "#")):  # fmt: skip
        with pytest.raises(ClientError, match="InvalidArgument"):
            invalidate(client, item)
    assert tagged.created == [["#slug-ok", "/i/ok"]]

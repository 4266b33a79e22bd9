"""Local stand-ins for the CDNs' purge APIs, for tests.

`FakeCdns` is a real HTTP server speaking Fastly's and Cloudflare's purge requests at their real
paths: it checks credentials and limits as those services document them, answers with their
success and error shapes, records every request, and fails on demand. CloudFront is moto's real
server (`moto_cloudfront`), wrapped by `RecordingCloudFront` to count calls, to keep
invalidations in progress for a while (moto completes them at once) and to hold the
distribution's cache-tag configuration and check tag items, which moto does not.
"""

from __future__ import annotations

import contextlib
import itertools
import json
import math
import re
import threading
import time
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import boto3
from botocore.exceptions import ClientError
from moto.server import ThreadedMotoServer

# Fastly's purge API (www.fastly.com/documentation/reference/api/, as generated into
# github.com/fastly/fastly-js/blob/main/docs/PurgeApi.md): POST /service/{id}/purge takes up to
# 256 keys as JSON `surrogate_keys` (or a Surrogate-Key request header) and answers a map of key
# to purge id; POST /service/{id}/purge/{key}, /service/{id}/purge_all and /purge/{url} answer
# {"status": "ok", "id": …}; `Fastly-Soft-Purge: 1` marks objects stale instead (purge_all
# cannot be soft); the token travels in `Fastly-Key`.
FASTLY_MAX_KEYS = 256
# developers.cloudflare.com/cache/how-to/purge-cache: at most 100 tags, hosts or prefixes a
# request, and 100 URLs (500 on Enterprise); tag, host, prefix and purge-everything requests
# count against one rate per plan (Free 5 a minute), URLs against another, counted by URL
# (Free 800 a second). Cloudflare counts with token buckets (Free: a bucket of 25 requests) and
# a moving average of URLs; the fake counts plain windows, which is stricter: a client that
# never meets a 429 here stays within Cloudflare's limits.
CLOUDFLARE_MAX_ITEMS = 100
CLOUDFLARE_KINDS = ("files", "tags", "hosts", "prefixes")
FASTLY_UNAUTHORIZED = {"msg": "Provided credentials are missing or invalid"}
CLOUDFLARE_UNAUTHORIZED = {
    "success": False,
    "errors": [{"code": 10000, "message": "Authentication error"}],
    "messages": [],
    "result": None,
}

Answer = tuple[int, Any, dict[str, str]]  # status, JSON body, extra headers


@dataclass(frozen=True)
class Recorded:
    method: str
    path: str
    headers: dict[str, str]  # names in lower case
    body: Any  # the parsed JSON body, or None
    status: int  # what the fake answered
    at: float  # time.monotonic() on arrival


@dataclass
class _Fault:
    status: int
    body: Any
    retry_after: float | None


@dataclass
class _State:
    requests: list[Recorded] = field(default_factory=list)
    faults: deque[_Fault] = field(default_factory=deque)
    cloudflare_accepted: deque[float] = field(default_factory=deque)  # tags, hosts, …
    cloudflare_urls: deque[tuple[float, int]] = field(default_factory=deque)  # (at, URLs)
    lock: threading.Lock = field(default_factory=threading.Lock)
    ids: Iterator[int] = field(default_factory=lambda: itertools.count(1))


class FakeCdns:
    """Fastly at `fastly_url`, Cloudflare at `cloudflare_url` (the `/client/v4` base)."""

    def __init__(
        self,
        *,
        fastly_service: str = "svc-test",
        fastly_token: str = "fastly-token",
        cloudflare_zone: str = "zone-test",
        cloudflare_token: str = "cloudflare-token",
        cloudflare_requests_per_minute: int = 1_000,
        cloudflare_window: float = 60.0,
        cloudflare_urls_per_second: int = 100_000,
        cloudflare_urls_per_request: int = CLOUDFLARE_MAX_ITEMS,
    ) -> None:
        """`cloudflare_window` is the length of Cloudflare's "minute", shortened in tests."""
        self.fastly_service, self.fastly_token = fastly_service, fastly_token
        self.cloudflare_zone, self.cloudflare_token = cloudflare_zone, cloudflare_token
        self.cloudflare_requests_per_minute = cloudflare_requests_per_minute
        self.cloudflare_window = cloudflare_window
        self.cloudflare_urls_per_second = cloudflare_urls_per_second
        self.cloudflare_urls_per_request = cloudflare_urls_per_request
        self._state = _State()
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        assert self._server is not None, "start() first"
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    @property
    def fastly_url(self) -> str:
        return self.url

    @property
    def cloudflare_url(self) -> str:
        return f"{self.url}/client/v4"

    @property
    def requests(self) -> list[Recorded]:
        with self._state.lock:
            return list(self._state.requests)

    def inject(
        self, count: int, status: int = 500, *, body: Any = None, retry_after: float | None = None
    ) -> None:
        """Answer the next `count` requests with `status` (and `body`, else a generic error)."""
        with self._state.lock:
            self._state.faults.extend(_Fault(status, body, retry_after) for _ in range(count))

    def start(self) -> None:
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
        self._server.daemon_threads = True
        self._server.fake = self  # type: ignore[attr-defined]
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self._thread.start()

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)
        self._server = self._thread = None

    def __enter__(self) -> FakeCdns:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def answer(self, method: str, path: str, headers: dict[str, str], body: Any) -> Answer:
        """Runs in the server's threads: one request at a time through the shared state."""
        with self._state.lock:
            answer = self._answer(path, headers, body)
            status = answer[0]
            self._state.requests.append(
                Recorded(method, path, headers, body, status, time.monotonic())
            )
            return answer

    def _answer(self, path: str, headers: dict[str, str], body: Any) -> Answer:
        if self._state.faults:
            return _fault(self._state.faults.popleft())
        if path.startswith("/client/v4/"):
            return self._cloudflare(path.removeprefix("/client/v4"), headers, body)
        return self._fastly(path, headers, body)

    def _fastly(self, path: str, headers: dict[str, str], body: Any) -> Answer:
        if headers.get("fastly-key") != self.fastly_token:
            return 401, FASTLY_UNAUTHORIZED, {}
        if path.startswith("/purge/"):  # a single URL: /purge/{host}{path}
            return 200, {"status": "ok", "id": self._purge_id()}, {}
        service = re.fullmatch(r"/service/([^/]+)/(purge_all|purge)(?:/(.+))?", path)
        if service is None:
            return 404, {"msg": "Not found"}, {}
        if service[1] != self.fastly_service:
            detail = f"Cannot find service '{service[1]}'"
            return 404, {"msg": "Record not found", "detail": detail}, {}
        if service[2] == "purge_all" or service[3]:
            return 200, {"status": "ok", "id": self._purge_id()}, {}
        return self._fastly_keys(headers, body)

    def _fastly_keys(self, headers: dict[str, str], body: Any) -> Answer:
        keys = body.get("surrogate_keys") if isinstance(body, dict) else None
        if keys is None:
            keys = headers.get("surrogate-key", "").split()
        if not keys or not all(isinstance(key, str) for key in keys):
            return 400, {"msg": "Bad request", "detail": "surrogate_keys is required"}, {}
        if len(keys) > FASTLY_MAX_KEYS:
            return 400, {"msg": "Bad request", "detail": "Too many surrogate keys (max 256)"}, {}
        return 200, {key: self._purge_id() for key in keys}, {}

    def _cloudflare(self, path: str, headers: dict[str, str], body: Any) -> Answer:
        if headers.get("authorization") != f"Bearer {self.cloudflare_token}":
            return 403, CLOUDFLARE_UNAUTHORIZED, {}
        if path != f"/zones/{self.cloudflare_zone}/purge_cache":
            message = f"Could not route to {path}, perhaps your object identifier is invalid?"
            return 404, _cloudflare_error(7003, message), {}
        if (invalid := self._cloudflare_invalid(body)) is not None:
            return invalid
        urls = body.get("files")
        wait = self._cloudflare_url_wait(len(urls)) if urls else self._cloudflare_wait()
        if wait is not None:
            retry_after = {"Retry-After": str(math.ceil(wait))}
            return 429, _cloudflare_error(971, "Please wait and consider throttling"), retry_after
        if urls:
            self._state.cloudflare_urls.append((time.monotonic(), len(urls)))
        else:
            self._state.cloudflare_accepted.append(time.monotonic())
        result = {"id": self.cloudflare_zone}
        return 200, {"success": True, "errors": [], "messages": [], "result": result}, {}

    def _cloudflare_wait(self) -> float | None:
        """Seconds until another tag (host, prefix, everything) request is allowed, or None if
        it is allowed now."""
        accepted, now = self._state.cloudflare_accepted, time.monotonic()
        while accepted and accepted[0] <= now - self.cloudflare_window:
            accepted.popleft()
        if len(accepted) < self.cloudflare_requests_per_minute:
            return None
        return accepted[0] + self.cloudflare_window - now

    def _cloudflare_url_wait(self, count: int) -> float | None:
        """The same for `count` more URLs, counted over the last second."""
        sent, now = self._state.cloudflare_urls, time.monotonic()
        while sent and sent[0][0] <= now - 1.0:
            sent.popleft()
        if sum(n for _, n in sent) + count <= self.cloudflare_urls_per_second:
            return None
        return max(sent[0][0] + 1.0 - now, 0.001) if sent else 1.0

    def _cloudflare_invalid(self, body: Any) -> Answer | None:
        kinds = [kind for kind in CLOUDFLARE_KINDS if isinstance(body, dict) and kind in body]
        everything = isinstance(body, dict) and body.get("purge_everything") is True
        if everything == bool(kinds) or any(not body[kind] for kind in kinds):
            return 400, _cloudflare_error(1012, "Request must contain one purge type"), {}
        for kind in kinds:
            limit = self.cloudflare_urls_per_request if kind == "files" else CLOUDFLARE_MAX_ITEMS
            if len(body[kind]) > limit:
                message = f"Too many items in purge request: at most {limit}"
                return 400, _cloudflare_error(1122, message), {}
        return None

    def _purge_id(self) -> str:
        return f"purge-id-{next(self._state.ids)}"


def _fault(fault: _Fault) -> Answer:
    body = fault.body if fault.body is not None else _cloudflare_error(0, "injected failure")
    headers = {} if fault.retry_after is None else {"Retry-After": str(fault.retry_after)}
    return fault.status, body, headers


def _cloudflare_error(code: int, message: str) -> dict[str, Any]:
    errors = [{"code": code, "message": message}]
    return {"success": False, "errors": errors, "messages": [], "result": None}


class _Handler(BaseHTTPRequestHandler):
    server: ThreadingHTTPServer

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        try:
            body = json.loads(raw) if raw else None
        except ValueError:
            body = raw.decode("utf-8", "replace")
        headers = {name.lower(): value for name, value in self.headers.items()}
        fake: FakeCdns = self.server.fake  # type: ignore[attr-defined]
        status, answer, extra = fake.answer(self.command, self.path, headers, body)
        self._reply(status, answer, extra)

    def _reply(self, status: int, body: Any, headers: dict[str, str]) -> None:
        payload = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        for name, value in headers.items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(payload)

    def log_message(self, format: str, *args: Any) -> None:
        return None  # quiet: tests assert on `FakeCdns.requests` instead


# CloudFront ---------------------------------------------------------------------------------

FAKE_AWS_ENV = {
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_SESSION_TOKEN": "testing",
    "AWS_DEFAULT_REGION": "us-east-1",
}


@contextlib.contextmanager
def moto_cloudfront() -> Iterator[str]:
    """moto's server on a free local port; yields its endpoint URL. Needs FAKE_AWS_ENV set."""
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    try:
        host, port = server.get_host_and_port()
        yield f"http://{host}:{port}"
    finally:
        server.stop()


def cloudfront_client(endpoint_url: str) -> Any:
    return boto3.client("cloudfront", region_name="us-east-1", endpoint_url=endpoint_url)


def create_distribution(client: Any) -> str:
    """A minimal distribution (moto checks that S3 origins exist, so a custom origin)."""
    origin = {
        "Id": "origin",
        "DomainName": "origin.tablefor.test",
        "CustomOriginConfig": {
            "HTTPPort": 80,
            "HTTPSPort": 443,
            "OriginProtocolPolicy": "https-only",
        },
    }
    config = {
        "CallerReference": f"tablefor-test-{time.monotonic_ns()}",
        "Comment": "tablefor purge tests",
        "Enabled": True,
        "Origins": {"Quantity": 1, "Items": [origin]},
        "DefaultCacheBehavior": {
            "TargetOriginId": "origin",
            "ViewerProtocolPolicy": "redirect-to-https",
            "CachePolicyId": "658327ea-f89d-4fab-a63d-7e88639e58f6",  # AWS's CachingOptimized
        },
    }
    distribution_id: str = client.create_distribution(DistributionConfig=config)["Distribution"][
        "Id"
    ]
    return distribution_id


def invalidated_paths(client: Any, distribution_id: str) -> list[list[str]]:
    """The paths of each invalidation moto holds for the distribution, oldest first."""
    listing = client.list_invalidations(DistributionId=distribution_id)["InvalidationList"]
    batches = []
    for summary in listing.get("Items") or []:
        answer = client.get_invalidation(DistributionId=distribution_id, Id=summary["Id"])
        batches.append(answer["Invalidation"]["InvalidationBatch"]["Paths"].get("Items", []))
    return batches


class RecordingCloudFront:
    """A boto3 CloudFront client that counts calls, can throttle the first creations, and can
    keep each invalidation InProgress for its first `in_progress_polls` status checks.

    It also tracks what the real service would: the paths in progress when each invalidation
    was created (an invalidation is in progress until a check has reported it Completed).

    moto accepts any `#tag` item and keeps no CacheTagConfig, so tag invalidation is checked
    here, as docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/
    invalidation-specifying-tags.html documents it: opt-in per distribution (`cache_tag_header`
    stands for its CacheTagConfig.HeaderName), each item `#` then visible ASCII without commas,
    at most 256 characters, no `*` wildcard. What the service answers to a tag item it cannot
    take is not documented; this answers InvalidArgument, CreateInvalidation's error for a bad
    argument."""

    def __init__(
        self,
        client: Any,
        *,
        in_progress_polls: int = 0,
        throttle: int = 0,
        cache_tag_header: str | None = None,
    ) -> None:
        self._client = client
        self._polls = in_progress_polls
        self._throttle = throttle
        self.cache_tag_header = cache_tag_header
        self._lock = threading.Lock()
        self.calls: list[str] = []
        self.created: list[list[str]] = []  # the paths of each invalidation made
        self.in_progress_after_create: list[int] = []
        self._unfinished: dict[str, tuple[int, int]] = {}  # id -> (paths, InProgress answers left)

    def create_invalidation(self, **params: Any) -> Any:
        with self._lock:
            self.calls.append("create_invalidation")
            if self._throttle > 0:
                self._throttle -= 1
                raise _throttling("CreateInvalidation")
        for item in params["InvalidationBatch"]["Paths"]["Items"]:
            self._check_item(item)
        answer = self._client.create_invalidation(**params)
        paths = list(params["InvalidationBatch"]["Paths"]["Items"])
        with self._lock:
            self.created.append(paths)
            invalidation = answer["Invalidation"]
            if self._polls:
                self._unfinished[invalidation["Id"]] = (len(paths), self._polls)
                invalidation["Status"] = "InProgress"
            self.in_progress_after_create.append(sum(n for n, _ in self._unfinished.values()))
        return answer

    def _check_item(self, item: str) -> None:
        if not item.startswith("#"):
            return
        tag = item[1:]
        if self.cache_tag_header is None:
            raise _invalid_argument("Tag invalidation needs a CacheTagConfig on the distribution")
        visible = all(33 <= ord(c) <= 126 and c not in ",*" for c in tag)
        if not tag or len(tag) > 256 or not visible:
            raise _invalid_argument(f"Invalid cache tag: {tag!r}")

    def get_invalidation(self, **params: Any) -> Any:
        answer = self._client.get_invalidation(**params)
        with self._lock:
            self.calls.append("get_invalidation")
            invalidation = answer["Invalidation"]
            if invalidation["Id"] in self._unfinished:
                paths, left = self._unfinished.pop(invalidation["Id"])
                if left > 0:
                    self._unfinished[invalidation["Id"]] = (paths, left - 1)
                    invalidation["Status"] = "InProgress"
                else:
                    invalidation["Status"] = "Completed"
        return answer

    def close(self) -> None:
        self._client.close()


def _invalid_argument(message: str) -> ClientError:
    error = {"Code": "InvalidArgument", "Message": message}
    return ClientError(
        {"Error": error, "ResponseMetadata": {"HTTPStatusCode": 400}}, "CreateInvalidation"
    )


def _throttling(operation: str) -> ClientError:
    error = {"Code": "Throttling", "Message": "Rate exceeded"}
    return ClientError({"Error": error, "ResponseMetadata": {"HTTPStatusCode": 400}}, operation)

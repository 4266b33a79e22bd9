"""The Fastly VCL snippets for an S3 origin (deploy/fastly/), compiled and run in our own Varnish.

Fastly's VCL grew out of Varnish's, and the snippets keep to what the two share, so Varnish can
check their syntax (`varnishd -C`) and run them. The harness stands in for a Fastly service in
front of S3: the recv snippet in vcl_recv, the fetch snippet in vcl_backend_response (Fastly's
vcl_fetch), the bucket's own host name on every fetch (Fastly's "Override host" for S3,
docs.fastly.com/guides/integrations/amazon-s3), and what Fastly does with the Surrogate-Key a
fetch leaves: it indexes the object by those keys for purging (xkey here) and keeps the header
from readers. The origin is a local S3-compatible server (moto), written to by our S3 backend.
"""

from __future__ import annotations

import subprocess
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from cdn import layout
from cdn.edge import free_port
from cdn.storage.s3 import S3Storage
from tests.integration.test_s3_storage import BUCKET, s3_endpoint  # noqa: F401 - a fixture
from tests.support.processes import wait_for

SNIPPETS = Path(__file__).resolve().parents[2] / "deploy" / "fastly"
SLUG, LATER = "AbCdEfGhIjKlMn", "ZyXwVuTsRqPoNm"

HARNESS = """vcl 4.1;
import xkey;

backend s3 {
    .host = "127.0.0.1";
    .port = "%(port)s";
}

sub vcl_recv {
    if (req.method == "PURGE") {
        # Fastly's key purge, as xkey does it.
        set req.http.n-gone = xkey.purge(req.http.Surrogate-Key);
        return (synth(200, "Purged " + req.http.n-gone));
    }
    # ---- deploy/fastly/s3-recv.vcl ----
%(recv)s
    return (hash);
}

sub vcl_hash {
    hash_data(req.url);
    return (lookup);
}

sub vcl_backend_fetch {
    set bereq.http.Host = "%(bucket)s.s3.amazonaws.com";
}

sub vcl_backend_response {
    # ---- deploy/fastly/s3-fetch.vcl ----
%(fetch)s
    # Fastly indexes the object by its Surrogate-Key and does not deliver the header.
    set beresp.http.xkey = beresp.http.Surrogate-Key;
    set beresp.http.X-Harness-Keys = beresp.http.Surrogate-Key;
    set beresp.http.X-Harness-TTL = beresp.ttl;
    unset beresp.http.Surrogate-Key;
    return (deliver);
}

sub vcl_synth {
    synthetic(resp.reason);
    return (deliver);
}

sub vcl_deliver {
    unset resp.http.xkey;
    set resp.http.X-Harness-Hits = obj.hits;
}
"""


def harness(run_dir: Path, s3_port: int, *, fetch: str | None = None) -> Path:
    def indented(name: str) -> str:
        text = (
            fetch if fetch is not None and name == "s3-fetch.vcl" else (SNIPPETS / name).read_text()
        )
        return "\n".join(f"    {line}" if line else "" for line in text.splitlines())

    vcl = run_dir / "fastly-harness.vcl"
    vcl.write_text(
        HARNESS
        % {
            "port": s3_port,
            "bucket": BUCKET,
            "recv": indented("s3-recv.vcl"),
            "fetch": indented("s3-fetch.vcl"),
        }
    )
    return vcl


@pytest.fixture
def edge(s3_endpoint: str, tmp_path: Path) -> Iterator[str]:  # noqa: F811 - the fixture
    vcl = harness(tmp_path, int(s3_endpoint.rsplit(":", 1)[1]))
    port = free_port()
    log = (tmp_path / "varnish.log").open("wb")
    varnish = subprocess.Popen(
        ["varnishd", "-F", "-j", "none", "-n", str(tmp_path / "varnish"),
         "-a", f"127.0.0.1:{port}", "-T", f"127.0.0.1:{free_port()}", "-S", "none",
         "-f", str(vcl), "-s", "malloc,32m", "-p", "default_grace=0"],
        stdout=log, stderr=subprocess.STDOUT,
    )  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    try:
        wait_for(lambda: _answers(url), timeout=20, what="varnish with the Fastly snippets")
        yield url
    finally:
        varnish.terminate()
        varnish.wait(timeout=10)
        log.close()


def _answers(url: str) -> bool:
    try:
        httpx.get(f"{url}/assets/none", timeout=1)
    except httpx.HTTPError:
        return False
    return True


def storage(endpoint: str) -> S3Storage:
    return S3Storage(bucket=BUCKET, endpoint_url=endpoint, region="us-east-1")


async def publish(endpoint: str, slug: str, body: str) -> None:
    keys = layout.invite_keys(slug=slug, invite_id=7, restaurant_id=None)
    page = layout.stored(layout.page_key(slug), body.encode(), layout.Kind.PAGE, keys)
    await storage(endpoint).put(page)


def purge(edge: str, key: str) -> httpx.Response:
    return httpx.request("PURGE", f"{edge}/", headers={"Surrogate-Key": key})


def compile_vcl(vcl: Path, run_dir: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["varnishd", "-C", "-j", "none", "-n", str(run_dir), "-f", str(vcl)],
        capture_output=True,
        text=True,
        check=False,
    )


def test_the_snippets_compile_in_varnish(tmp_path: Path) -> None:
    (tmp_path / "good").mkdir()
    (tmp_path / "bad").mkdir()
    good = compile_vcl(harness(tmp_path / "good", 9), tmp_path / "good" / "n")
    broken = "set beresp.http.Surrogate-Key = beresp.http.x-amz-meta-surrogate-key"  # no ';'
    bad = compile_vcl(harness(tmp_path / "bad", 9, fetch=broken), tmp_path / "bad" / "n")

    assert good.returncode == 0, good.stderr[-2000:]
    assert bad.returncode != 0  # the check can fail


async def test_keys_stored_in_s3_become_surrogate_keys_and_purge_the_page(
    s3_endpoint: str,  # noqa: F811 - the fixture
    edge: str,
) -> None:
    await publish(s3_endpoint, SLUG, "<html>v1</html>")

    first = httpx.get(f"{edge}/i/{SLUG}?utm_source=whatsapp")
    cached = httpx.get(f"{edge}/i/{SLUG}/")
    await publish(s3_endpoint, SLUG, "<html>v2</html>")
    stale = httpx.get(f"{edge}/i/{SLUG}")
    purged = purge(edge, f"slug-{SLUG}")
    fresh = httpx.get(f"{edge}/i/{SLUG}")

    assert first.text == "<html>v1</html>"
    assert first.headers["x-harness-keys"] == f"slug-{SLUG} invite-7"
    assert not any(name.startswith("x-amz-meta-") for name in first.headers)
    assert (cached.headers["x-harness-hits"], stale.text) == ("1", "<html>v1</html>")
    assert purged.text == "Purged 1"
    assert fresh.text == "<html>v2</html>"


async def test_a_404_before_the_first_publish_is_keyed_by_its_slug_and_brief(
    s3_endpoint: str,  # noqa: F811 - the fixture
    edge: str,
) -> None:
    """S3's 404 has no metadata: without the slug's key the publish's purge would miss it."""
    early = httpx.get(f"{edge}/i/{LATER}")
    again = httpx.get(f"{edge}/i/{LATER}")
    await publish(s3_endpoint, LATER, "<html>published</html>")
    purged = purge(edge, f"slug-{LATER}")
    after = httpx.get(f"{edge}/i/{LATER}")

    assert (early.status_code, again.status_code) == (404, 404)
    assert early.headers["x-harness-keys"] == f"slug-{LATER}"
    assert early.headers["x-harness-ttl"].startswith("10.")
    assert again.headers["x-harness-hits"] == "1"
    assert purged.text == "Purged 1"
    assert (after.status_code, after.text) == (200, "<html>published</html>")

# Tablefor on Fastly with S3 as the origin: a VCL snippet of type "recv" (vcl_recv).
#
# An invite's page is shared as /i/{slug} and stored as i/{slug}/index.html (cdn/layout.py);
# S3 has no index documents on its REST endpoint, so the edge asks for the stored key. Query
# strings (utm_…, fbclid) are dropped: every object is static, and one cache key per object
# lets one purge clear it. Our own edge does the same (cdn/edge.vcl.j2).
#
# Written in the VCL that Fastly and Varnish share, so that it compiles in both: the tests
# compile and run it in our Varnish, in a harness that fetches from S3 as Fastly does
# (tests/integration/test_fastly_snippets.py).
if (req.url ~ "^/i/[A-Za-z0-9_-]+/?(\?.*)?$") {
  set req.url = regsub(req.url, "^(/i/[A-Za-z0-9_-]+)/?(\?.*)?$", "\1/index.html");
}
if (req.url ~ "\?") {
  set req.url = regsub(req.url, "\?.*$", "");
}

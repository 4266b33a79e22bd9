# Tablefor on Fastly with S3 as the origin: a VCL snippet of type "fetch" (vcl_fetch).
#
# Fastly indexes a response by the keys of its Surrogate-Key header, and a key purge clears
# every object carrying the key (www.fastly.com/documentation/reference/http/http-headers/
# Surrogate-Key: keys may be set in vcl_fetch). S3 can only return what we stored as object
# metadata `surrogate-key` (cdn/storage/s3.py), as the header x-amz-meta-surrogate-key: copy it
# across, as Fastly's guide for S3 origins does with a header rule
# (docs.fastly.com/en/guides/setting-surrogate-key-headers-for-amazon-s3-origins).
if (beresp.http.x-amz-meta-surrogate-key) {
  set beresp.http.Surrogate-Key = beresp.http.x-amz-meta-surrogate-key;
}

# A page asked for before its first publish is a 404 from S3, with no metadata. Key it by the
# slug in its URL, as our nginx origin does, so that the publish's purge clears it, and keep it
# only briefly (cdn/layout.py: s-maxage=10), whatever Fastly's default TTL. S3 answers 404 for
# a missing key only to a reader who may list the bucket (s3:ListBucket), else 403
# (docs.aws.amazon.com/AmazonS3/latest/API/API_GetObject.html): grant Fastly's reader that.
if (beresp.status == 404) {
  if (bereq.url ~ "^/i/[A-Za-z0-9_-]+/") {
    set beresp.http.Surrogate-Key = regsub(bereq.url, "^/i/([A-Za-z0-9_-]+)/.*$", "slug-\1");
  }
  set beresp.ttl = 10s;
}

# Ours, not the reader's: the keys (Fastly strips Surrogate-Key itself), our change digest
# and CloudFront's tag copy.
unset beresp.http.x-amz-meta-surrogate-key;
unset beresp.http.x-amz-meta-digest;
unset beresp.http.x-amz-meta-cache-tag;

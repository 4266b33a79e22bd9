"""Links in the text: where they are, their hosts and paths, and the Swiggy restaurant id."""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from itertools import islice
from urllib.parse import unquote

from core.parsing.spans import Spans

_MAX_URLS = 50
# What is read of one link (its host, path and ids); a real share link is far shorter. The whole
# link is still blanked out of the prose however long it runs.
MAX_URL_CHARS = 2048
# Both read the lower-cased text, so they can start with a literal (see scanning.py).
_URL = re.compile(r"(?:https?://|www\.)[^\s<>\"'`]+")
# A link pasted without 'https://': found by its '.com/' and read back to the host's start.
_BARE_HOST_END = re.compile(r"\.(?:com|in|me|co|app|link|to|net|org)/")
_HOST_CHARACTERS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-")
_LINK_END = re.compile(r"[\s<>\"'`]")
_SCHEME = re.compile(r"^(?:https?://)?(?:www\.)?", re.IGNORECASE)
_HOST_END = re.compile(r"[/?#:]")
_TRAILING_PUNCTUATION = ".,;:!?)]}*'\""

# A deep link inside a onelink URL, once percent-decoded: 'swiggydiners://details/1084072'.
_DEEP_LINK_ID = re.compile(r"swiggy\w*://(?:[a-z]+/){0,2}?details/(\d{1,12})", re.IGNORECASE)
# '/city/bangalore/kfc-brigade-road-central-bangalore-rest588619'
_CITY_PAGE_ID = re.compile(r"-rest(\d{1,12})$")
# '/restaurants/<slug>-465184' and '/restaurants/pune/baner/<slug>-1158808'
_RESTAURANT_PAGE_ID = re.compile(r"-(\d{3,12})$")


@dataclass(frozen=True, slots=True)
class Url:
    start: int
    end: int
    host: str  # lower case, without 'www.'
    path: str  # percent-decoded, lower case, without query or fragment
    decoded: str  # the whole URL percent-decoded

    @property
    def segments(self) -> tuple[str, ...]:
        return tuple(segment for segment in self.path.split("/") if segment)

    def is_on(self, *domains: str) -> bool:
        return any(self.host == domain or self.host.endswith("." + domain) for domain in domains)


def find_urls(text: str) -> list[Url]:
    """Links with a scheme or 'www.', and bare 'swiggy.com/...' ones, in the order they appear."""
    if "/" not in text:
        return []
    lowered = text.lower()  # same length (normalize.py sees to it), so offsets carry over
    spans = [(m.start(), m.end()) for m in islice(_URL.finditer(lowered), _MAX_URLS)]
    spans += islice(_bare_links(lowered, Spans(spans)), _MAX_URLS)
    urls = []
    for start, end in sorted(spans)[:_MAX_URLS]:
        raw = text[start:end].rstrip(_TRAILING_PUNCTUATION)
        urls.append(_parse_url(raw, start))
    return urls


def _bare_links(text: str, taken: Spans) -> Iterator[tuple[int, int]]:
    """Each '.com/' read back to its host's start and on to the link's end, in linear time:
    a '.com/' inside a link already found is part of it, and every '.com/' up to where a link
    ends shares that end ('.co/' * 5000 would otherwise search to the end 5000 times)."""
    reach = -1  # links found so far end here
    end = -1  # the first link end at or after the last search's start
    for host_end in _BARE_HOST_END.finditer(text):
        dot = host_end.start()
        if dot < reach or taken.overlaps(dot, dot + 1):
            continue
        start = dot
        while start > 0 and text[start - 1] in _HOST_CHARACTERS and dot - start < 253:
            start -= 1
        if start == dot or text[start] in ".-":
            continue
        if host_end.end() > end:
            end_match = _LINK_END.search(text, host_end.end())
            end = len(text) if end_match is None else end_match.start()
        reach = end
        yield start, end


def without_urls(text: str, urls: Sequence[Url]) -> str:
    """The text with every link blanked out, so ids and slugs in links are not read as prose."""
    pieces: list[str] = []
    position = 0
    for url in urls:
        pieces.extend((text[position : url.start], " "))
        position = url.end
    pieces.append(text[position:])
    return "".join(pieces)


def swiggy_restaurant_id(urls: Sequence[Url]) -> str | None:
    """The restaurant id from the first Swiggy link that carries one."""
    for url in urls:
        if is_swiggy(url):
            found = _swiggy_id(url)
            if found is not None:
                return found
    return None


def is_swiggy(url: Url) -> bool:
    return url.is_on("swiggy.com", "swiggy.in", "swiggy.onelink.me", "swiggy.app.link")


def _swiggy_id(url: Url) -> str | None:
    deep_link = _DEEP_LINK_ID.search(url.decoded)
    if deep_link is not None:
        return deep_link.group(1)
    segments = url.segments
    if "city" in segments[:1]:
        return _last_id(segments[2:], _CITY_PAGE_ID)
    if segments[:1] in (("restaurants",), ("restaurant",), ("dineout",)):
        return _last_id(segments[1:], _RESTAURANT_PAGE_ID)
    return None


def _last_id(segments: Sequence[str], pattern: re.Pattern[str]) -> str | None:
    for segment in reversed(segments):
        found = pattern.search(segment)
        if found is not None:
            return found.group(1)
    return None


def _parse_url(raw: str, start: int) -> Url:
    end = start + len(raw)
    raw = raw[:MAX_URL_CHARS]
    decoded = raw
    # Share links are sometimes encoded twice ('%253A'); three rounds undo any real case.
    for _ in range(3):
        if "%" not in decoded:
            break
        decoded = unquote(decoded)
    rest = _SCHEME.sub("", raw)
    host_end = _HOST_END.search(rest)
    host = rest[: host_end.start()] if host_end else rest
    path = rest[len(host) :].split("?", 1)[0].split("#", 1)[0]
    if path.startswith(":"):  # a port
        path = path[path.find("/") :] if "/" in path else ""
    return Url(
        start=start,
        end=end,
        host=host.lower(),
        path=unquote(path).lower(),
        decoded=decoded,
    )

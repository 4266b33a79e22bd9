"""The edge's record of invite opens: who counts as a person, the viewer hash, the spool files."""

from __future__ import annotations

import os
import re
import stat
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from cdn.collector import Collector, DailySalt, SpoolWriter
from cdn.opens import BOT_PATTERN, read_batch, sealed_files, spool_line, viewer_hash

DAY = date(2026, 12, 12)
SLUG = "Ab3dEf6hIj9kLm"


@pytest.mark.parametrize(
    "user_agent",
    [
        "WhatsApp/2.24.6.77 A",
        "TelegramBot (like TwitterBot)",
        "facebookexternalhit/1.1 (+http://www.facebook.com/externalhit_uatext.php)",
        "Slackbot-LinkExpanding 1.0 (+https://api.slack.com/robots)",
        "Twitterbot/1.0",
        "Mozilla/5.0 (compatible; Discordbot/2.0; +https://discordapp.com)",
        "LinkedInBot/1.0 (compatible; Mozilla/5.0; Apache-HttpClient +http://www.linkedin.com)",
        "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
        "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 HeadlessChrome/126.0.0.0 Safari",
        "curl/8.5.0",
        "python-httpx/0.28.1",
    ],
)
def test_link_preview_fetchers_and_bots_are_not_people(user_agent: str) -> None:
    assert re.search(BOT_PATTERN, user_agent)


@pytest.mark.parametrize(
    "user_agent",
    [
        "Mozilla/5.0 (Linux; Android 14; Pixel 7) AppleWebKit/537.36 (KHTML, like Gecko) "
        "Chrome/126.0.0.0 Mobile Safari/537.36",
        "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 "
        "(KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1",
        "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:128.0) Gecko/20100101 Firefox/128.0",
        # WhatsApp's in-app browser is a person reading, not the preview fetcher
        "Mozilla/5.0 (Linux; Android 14; wv) AppleWebKit/537.36 (KHTML, like Gecko) "
        "Version/4.0 Chrome/126.0 Mobile Safari/537.36",
    ],
)
def test_browsers_are_people(user_agent: str) -> None:
    assert not re.search(BOT_PATTERN, user_agent)


def test_a_viewer_hash_is_stable_within_a_day_and_unlinkable_across_days() -> None:
    today, tomorrow = os.urandom(32), os.urandom(32)
    viewer = (b"203.0.113.9", b"Mozilla/5.0 (Linux; Android 14)")
    slug = SLUG.encode()

    first = viewer_hash(today, *viewer, slug)

    assert viewer_hash(today, *viewer, slug) == first
    assert viewer_hash(tomorrow, *viewer, slug) != first
    assert viewer_hash(today, *viewer, b"Zz9yXw8vUt7sRq") != first  # no linking across invites
    assert viewer_hash(today, b"203.0.113.10", viewer[1], slug) != first
    assert re.fullmatch(rb"[0-9a-f]{16}", first)


def test_a_batch_adds_up_opens_and_distinct_viewers_and_skips_a_cut_line(tmp_path: Path) -> None:
    path = tmp_path / f"1-1{'.opens'}"
    lines = [
        spool_line(DAY, SLUG, "00000000000000aa"),
        spool_line(DAY, SLUG, "00000000000000aa"),
        spool_line(DAY, SLUG, "00000000000000bb"),
        spool_line(DAY, "Zz9yXw8vUt7sRq", "00000000000000aa"),
    ]
    path.write_text("".join(lines) + "2026-12-12\tAb3dEf")  # a crash mid-line

    batch = read_batch(path)

    assert batch.lines == 4 and batch.malformed == 1
    assert batch.opens == {(SLUG, DAY): 3, ("Zz9yXw8vUt7sRq", DAY): 1}
    assert len(batch.viewers) == 3


def test_the_daily_salt_is_private_kept_for_the_day_and_gone_after_it(tmp_path: Path) -> None:
    salts = DailySalt(tmp_path)
    salt = salts.for_day(DAY)

    assert len(salt) == 32
    assert DailySalt(tmp_path).for_day(DAY) == salt  # a restarted collector agrees
    assert stat.S_IMODE((tmp_path / "salt-2026-12-12").stat().st_mode) == 0o600

    next_day = salts.for_day(date(2026, 12, 13))

    assert next_day != salt
    assert [p.name for p in tmp_path.iterdir()] == ["salt-2026-12-13"]


def test_only_sealed_files_are_offered_to_the_worker_oldest_first(tmp_path: Path) -> None:
    writer = SpoolWriter(tmp_path)
    writer.write(spool_line(DAY, SLUG, "00000000000000aa").encode())
    writer.flush()

    assert sealed_files(tmp_path) == []  # still being written

    writer.seal()
    writer.write(spool_line(DAY, SLUG, "00000000000000bb").encode())
    writer.seal()

    first, second = sealed_files(tmp_path)
    assert "aa" in first.read_text() and "bb" in second.read_text()


def test_the_collector_spools_a_view_without_the_address(tmp_path: Path) -> None:
    collector = Collector(tmp_path / "varnish", tmp_path / "spool", tmp_path / "salts")

    collector.record(
        f"{SLUG}\t203.0.113.9\tMozilla/5.0 (Android)".encode(),
        b"not a slug!\t203.0.113.9\tMozilla/5.0",
        f"{SLUG}\t203.0.113.9\tMozilla/5.0 (Android)".encode(),  # the same viewer again
    )
    collector.spool.seal()

    [sealed] = sealed_files(tmp_path / "spool")
    text = sealed.read_text()
    [line, again] = text.splitlines()
    assert line == again and f"\t{SLUG}\t" in line
    assert read_batch(sealed).opens == {(SLUG, datetime.now(UTC).date()): 2}
    assert "203.0.113.9" not in text and "Mozilla" not in text


def test_a_collector_seals_what_a_killed_one_left_behind(tmp_path: Path) -> None:
    spool = tmp_path / "spool"
    spool.mkdir()
    (spool / "7-99.part").write_text(spool_line(DAY, SLUG, "00000000000000aa"))

    Collector(tmp_path / "varnish", spool, tmp_path / "salts")

    assert [p.name for p in sealed_files(spool)] == ["7-99.opens"]

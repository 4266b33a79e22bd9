"""Benchmark the booking parser: every sample, 10 KB pastes, and adversarial 20 KB texts.

Run: .venv/bin/python -m bench.parser [--repeat N]

The baseline is the cheapest possible look at the same text, text.casefold() plus one
re.findall(r"\\w+"), measured in the same run so the ratio holds on any machine. Times are
wall-clock per parse; on a busy machine the P95 column shows the neighbours too.

The adversarial texts (repeated link fragments, long digit runs, long whitespace, deep
punctuation) are as long as a request may send (20,000 characters); each is timed per KB
against a normal chat paste of the same length, measured in the same run. A scanner that is
not linear shows up as a ratio far above 1 ('.co/' * 5000 once took 68x a normal paste).

Last, how the API runs a parse (api/parsing.py): in place on the event loop, or in a thread.
For a burst of the slowest long texts, the longest the loop went unserved; for the short
booking of bench.create_invites, the cost per parse. The API parses short texts in place and
long ones in a thread.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import json
import random
import re
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from api.parsing import INLINE_CHARS, Parser
from bench.create_invites import BOOKING as CREATE_BOOKING
from core.parsing import parse_booking
from core.parsing.normalize import MAX_CHARS

SAMPLES = Path(__file__).resolve().parents[2] / "shared" / "samples" / "bookings.json"
PASTE_BYTES = 10 * 1024
ADVERSARIAL_BYTES = MAX_CHARS  # the most the parser reads, and the API accepts
WORDS = re.compile(r"\w+")
CHAT_NOISE = (
    "lol ok", "see you there 🙏", "who's driving?", "I'll be 10 min late", "📍 shared location",
    "Call me on +91 98450 12345", "paid ₹1,250 for the cab", "20% off at the mall 😂",
    "meeting moved to 4:30", "ok 👍", "PIN is 560038", "order #4471 arrived", "happy bday!! 🎉",
)  # fmt: skip


@dataclass(frozen=True)
class Case:
    name: str
    text: str
    now: datetime
    tz: ZoneInfo


@dataclass(frozen=True)
class Timing:
    median_us: float
    p95_us: float


def load_samples() -> list[Case]:
    cases = json.loads(SAMPLES.read_text(encoding="utf-8"))["cases"]
    return [
        Case(c["id"], c["text"], datetime.fromisoformat(c["now"]), ZoneInfo(c["tz"])) for c in cases
    ]


def chat_paste(booking: Case, size: int = PASTE_BYTES) -> Case:
    """A WhatsApp export of `size` characters with the booking in the middle of the chatter."""
    chooser = random.Random(7)
    lines: list[str] = []
    while sum(map(len, lines)) < size:
        minute = chooser.randrange(60)
        lines.append(f"[23/11/26, 9:{minute:02d} pm] Rahul: {chooser.choice(CHAT_NOISE)}")
    lines.insert(len(lines) // 2, f"[23/11/26, 9:30 pm] Rahul: {booking.text}")
    name = f"{round(size / 1024)} KB chat paste"
    return Case(name, "\n".join(lines)[:size], booking.now, booking.tz)


def filled(unit: str, size: int = ADVERSARIAL_BYTES) -> str:
    return (unit * (size // len(unit) + 1))[:size]


# Texts a hostile client may send, by what they attack: link scanning (a '.com/' read back
# to its host and on to the link's end), digit and time patterns, the whitespace cleanup, and
# every pattern that starts at punctuation.
ADVERSARIAL: dict[str, Callable[[int], str]] = {
    "'.co/' repeated": lambda n: filled(".co/", n),
    "'swiggy.com/' repeated": lambda n: filled("swiggy.com/", n),
    "'https://www.' repeated": lambda n: filled("https://www.", n),
    "'%25' in one long link": lambda n: "https://x.com/" + filled("%25", n - 14),
    "one digit run": lambda n: filled("9", n),
    "'12:30 ' repeated": lambda n: filled("12:30 ", n),
    "'1/' repeated": lambda n: filled("1/", n),
    "spaces": lambda n: filled(" ", n - 1) + "x",
    "' \\n\\t' repeated": lambda n: filled(" \n\t", n),
    "'(' then ')'": lambda n: "(" * (n // 2) + ")" * (n - n // 2),
    "'([{' repeated": lambda n: filled("([{", n),
    "'.,;:!?' repeated": lambda n: filled(".,;:!?", n),
    "'@' repeated": lambda n: filled("@", n),
}


def repeated_samples(samples: list[Case]) -> Case:
    """10 KB of nothing but confirmations: the densest text the parser can meet."""
    text = ("\n".join(case.text for case in samples) * 4)[:PASTE_BYTES]
    return Case("10 KB of samples", text, samples[0].now, samples[0].tz)


def measure(action: Callable[[], object], repeat: int) -> Timing:
    action()  # warm caches
    runs = []
    for _ in range(repeat):
        started = time.perf_counter_ns()
        action()
        runs.append((time.perf_counter_ns() - started) / 1000)
    runs.sort()
    return Timing(statistics.median(runs), runs[min(len(runs) - 1, int(len(runs) * 0.95))])


def baseline(text: str) -> Callable[[], object]:
    return lambda: WORDS.findall(text.casefold())


def parse(case: Case) -> Callable[[], object]:
    return lambda: parse_booking(case.text, now=case.now, tz=case.tz)


def row(case: Case, repeat: int) -> str:
    parsed, base = measure(parse(case), repeat), measure(baseline(case.text), repeat)
    ratio = parsed.median_us / base.median_us if base.median_us else float("inf")
    return (
        f"{case.name[:34]:<34} {len(case.text):>6} {parsed.median_us:>10.0f} "
        f"{parsed.p95_us:>9.0f} {base.median_us:>10.1f} {ratio:>7.1f}x"
    )


def adversarial_rows(normal: Case, repeat: int) -> list[str]:
    """Each hostile text's time per KB, and its ratio to a normal paste of the same size."""
    base = measure(parse(normal), repeat).median_us / (len(normal.text) / 1024)
    rows = [f"{normal.name[:34]:<34} {len(normal.text):>6} {base:>10.0f} {'(baseline)':>17}"]
    for name, make in ADVERSARIAL.items():
        case = Case(name, make(len(normal.text)), normal.now, normal.tz)
        per_kb = measure(parse(case), repeat).median_us / (len(case.text) / 1024)
        rows.append(f"{name[:34]:<34} {len(case.text):>6} {per_kb:>10.0f} {per_kb / base:>16.1f}x")
    return rows


async def loop_lag(parser: Parser, case: Case, parses: int) -> tuple[float, float]:
    """The longest the event loop went unserved while `parses` of the text ran at once (ms),
    and how long they took together (ms)."""
    lags: list[float] = []
    done = asyncio.Event()

    async def probe() -> None:
        while not done.is_set():
            asked = time.perf_counter()
            await asyncio.sleep(0.001)
            lags.append(time.perf_counter() - asked - 0.001)

    probing = asyncio.create_task(probe())
    await asyncio.sleep(0.01)
    started = time.perf_counter()
    await asyncio.gather(
        *(parser.parse(case.text, now=case.now, tz=case.tz) for _ in range(parses))
    )
    total = time.perf_counter() - started
    done.set()
    await probing
    return max(lags) * 1000, total * 1000


async def per_parse_us(parser: Parser, case: Case, repeat: int) -> float:
    for _ in range(10):
        await parser.parse(case.text, now=case.now, tz=case.tz)
    started = time.perf_counter()
    for _ in range(repeat):
        await parser.parse(case.text, now=case.now, tz=case.tz)
    return (time.perf_counter() - started) / repeat * 1e6


async def placement_rows(hostile: Case, short: Case, repeat: int) -> list[str]:
    rows = []
    for name, inline_chars in (
        ("in place", len(hostile.text)),
        ("in a thread", 0),
        (f"API: thread above {INLINE_CHARS:,} chars", INLINE_CHARS),
    ):
        parser = Parser(inline_chars=inline_chars)
        lag, total = await loop_lag(parser, hostile, parses=8)
        short_us = await per_parse_us(parser, short, repeat)
        rows.append(f"{name:<34} {lag:>14.1f} {total:>11.1f} {short_us:>15.0f}")
    return rows


def main() -> None:
    arguments = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    arguments.add_argument("--repeat", type=int, default=200, help="parses per text")
    repeat = arguments.parse_args().repeat
    samples = load_samples()
    # Everything loaded so far lives for the whole run; frozen, a full collection does not walk
    # it again, so P95 shows the parser's own garbage rather than this script's heap.
    gc.collect()
    gc.freeze()
    email = next((case for case in samples if case.name == "email-swiggy"), samples[0])
    large = [chat_paste(email), repeated_samples(samples)]
    header = (
        f"{'text':<34} {'chars':>6} {'median µs':>10} {'p95 µs':>9} {'baseline':>10} {'ratio':>8}"
    )
    print(f"parse_booking, {repeat} runs per text; baseline = casefold() + one re.findall(\\w+)")
    print(header, "-" * len(header), sep="\n")
    for case in samples:
        print(row(case, repeat))
    print("-" * len(header))
    for case in large:
        print(row(case, repeat))
    every = measure(lambda: [parse(case)() for case in samples], max(10, repeat // 10))
    print("-" * len(header))
    print(f"all {len(samples)} samples: median {every.median_us / len(samples):.0f} µs per parse")
    print()
    header = f"{'adversarial text':<34} {'chars':>6} {'µs per KB':>10} {'vs normal paste':>17}"
    print(header, "-" * len(header), sep="\n")
    for line in adversarial_rows(chat_paste(email, ADVERSARIAL_BYTES), max(10, repeat // 10)):
        print(line)
    print()
    hostile = Case("'@'", ADVERSARIAL["'@' repeated"](ADVERSARIAL_BYTES), email.now, email.tz)
    short = Case("create booking", CREATE_BOOKING, email.now, email.tz)
    header = (
        f"{'where a parse runs':<34} {'loop lag ms':>14} {'total ms':>11} {'short parse µs':>15}"
    )
    print("8 parses of a 20,000-character '@' text at once; then the short create booking")
    print(header, "-" * len(header), sep="\n")
    for line in asyncio.run(placement_rows(hostile, short, repeat)):
        print(line)


if __name__ == "__main__":
    main()

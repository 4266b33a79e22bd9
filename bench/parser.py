"""Benchmark the booking parser: every sample, and 10 KB pastes, against a baseline.

Run: .venv/bin/python bench/parser.py [--repeat N]

The baseline is the cheapest possible look at the same text, text.casefold() plus one
re.findall(r"\\w+"), measured in the same run so the ratio holds on any machine. Times are
wall-clock per parse; on a busy machine the P95 column shows the neighbours too.
"""

from __future__ import annotations

import argparse
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

from core.parsing import parse_booking

SAMPLES = Path(__file__).resolve().parents[2] / "shared" / "samples" / "bookings.json"
PASTE_BYTES = 10 * 1024
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


def chat_paste(booking: Case) -> Case:
    """A 10 KB WhatsApp export with the booking in the middle of the chatter."""
    chooser = random.Random(7)
    lines: list[str] = []
    while sum(map(len, lines)) < PASTE_BYTES:
        minute = chooser.randrange(60)
        lines.append(f"[23/11/26, 9:{minute:02d} pm] Rahul: {chooser.choice(CHAT_NOISE)}")
    lines.insert(len(lines) // 2, f"[23/11/26, 9:30 pm] Rahul: {booking.text}")
    return Case("10 KB chat paste", "\n".join(lines)[:PASTE_BYTES], booking.now, booking.tz)


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


if __name__ == "__main__":
    main()

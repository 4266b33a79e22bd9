"""The parser against the shared sample confirmations: every field scored across all cases."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from core.parsing import ParseResult, parse_booking

SAMPLES = Path(__file__).resolve().parents[3] / "shared" / "samples" / "bookings.json"
PASS_MARK = 0.95
CITY_ALIASES = {
    "bangalore": "bengaluru",
    "gurgaon": "gurugram",
    "bombay": "mumbai",
    "delhi": "new delhi",
}


@dataclass(frozen=True)
class Case:
    id: str
    text: str
    now: datetime
    tz: ZoneInfo
    expected: Mapping[str, Any]


def load_cases() -> list[Case]:
    cases = json.loads(SAMPLES.read_text(encoding="utf-8"))["cases"]
    return [
        Case(
            id=case["id"],
            text=case["text"],
            now=datetime.fromisoformat(case["now"]),
            tz=ZoneInfo(case["tz"]),
            expected=case["expected"],
        )
        for case in cases
    ]


CASES = load_cases()


def parse(case: Case) -> ParseResult:
    return parse_booking(case.text, now=case.now, tz=case.tz)


def field_matches(field: str, got: object, want: object) -> bool:
    """The samples' own comparison rules: names and cities ignore case, cities their aliases."""
    if want is None or got is None:
        return got is None and want is None
    if field == "starts_at":
        expected = datetime.fromisoformat(str(want))
        assert isinstance(got, datetime)
        return got == expected and got.utcoffset() == expected.utcoffset()
    if field == "city":
        return canonical_city(str(got)) == canonical_city(str(want))
    if field in ("restaurant_name", "area"):
        return str(got).casefold() == str(want).casefold()
    return got == want


def canonical_city(city: str) -> str:
    folded = city.casefold()
    return CITY_ALIASES.get(folded, folded)


def mismatches(case: Case, result: ParseResult) -> dict[str, tuple[object, object]]:
    return {
        field: (getattr(result, field), want)
        for field, want in case.expected.items()
        if not field_matches(field, getattr(result, field), want)
    }


def test_the_samples_file_is_where_the_tests_expect_it() -> None:
    assert len(CASES) >= 28


def test_every_field_scores_at_least_95_percent_across_the_samples() -> None:
    checked: dict[str, int] = {}
    passed: dict[str, int] = {}
    failures: list[str] = []
    for case in CASES:
        wrong = mismatches(case, parse(case))
        for field in case.expected:
            checked[field] = checked.get(field, 0) + 1
            passed[field] = passed.get(field, 0) + (field not in wrong)
        failures += [
            f"  {case.id}.{field}: got {g!r}, want {w!r}" for field, (g, w) in wrong.items()
        ]
    scores = {field: passed[field] / checked[field] for field in checked}
    table = "\n".join(
        f"  {field:<22} {passed[field]:>3}/{checked[field]:<3} {score:6.1%}"
        for field, score in sorted(scores.items())
    )
    low = [field for field, score in scores.items() if score < PASS_MARK]
    assert not low, f"fields below {PASS_MARK:.0%}: {low}\n{table}\n" + "\n".join(failures)


@pytest.mark.parametrize("case", CASES, ids=[case.id for case in CASES])
def test_sample(case: Case) -> None:
    assert mismatches(case, parse(case)) == {}

"""Small domain rules shared by the API and the data layer."""

from __future__ import annotations

import pytest

from core.domain import MAX_ANSWERS, answer_cap


@pytest.mark.parametrize(
    ("party_size", "max_answers", "cap"),
    [
        (2, None, 6),  # three answers a seat: friends who say no count too
        (50, None, 150),
        (None, None, 60),  # no party size: a sensible group
        (4, 30, 30),  # the host's own cap wins
        (4, 1, 1),
    ],
)
def test_an_invite_takes_three_answers_a_seat_unless_the_host_says_otherwise(
    party_size: int | None, max_answers: int | None, cap: int
) -> None:
    assert answer_cap(party_size, max_answers) == cap
    assert answer_cap(party_size, max_answers) <= MAX_ANSWERS == 200

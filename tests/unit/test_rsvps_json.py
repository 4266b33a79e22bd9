"""rsvps.json: the answers' summary the page's script loads (first names only)."""

from __future__ import annotations

import msgspec

from renderer.model import Answer
from renderer.rsvps_json import RsvpSummary, render_rsvps_json
from tests.support.invites import make_invite


def summary(**changes: object) -> RsvpSummary:
    return msgspec.json.decode(render_rsvps_json(make_invite(**changes)), type=RsvpSummary)


def test_counts_people_with_their_guests_and_lists_first_names_in_answer_order() -> None:
    result = summary(
        answers=(
            Answer(name="Meera Rao", response="IN", guests=2),
            Answer(name="Dev Sharma", response="MAYBE", guests=0),
            Answer(name="Kabir", response="OUT", guests=0),
            Answer(name="विकास कुमार", response="IN", guests=0),
        )
    )
    assert result.counts == {"IN": 2, "MAYBE": 1, "OUT": 1}
    assert result.going == 4  # Meera and her two guests, and Vikas
    assert result.names == ["Meera", "विकास"]
    assert result.maybe_names == ["Dev"]


def test_no_surnames_or_other_personal_detail_is_published() -> None:
    body = render_rsvps_json(
        make_invite(answers=(Answer(name="Meera Rao", response="IN", guests=0),))
    )
    assert b"Rao" not in body
    assert set(msgspec.json.decode(body)) == set(RsvpSummary.__struct_fields__)


def test_full_only_when_the_creator_closes_answers_at_the_party_size() -> None:
    answers = tuple(Answer(name=f"P{i}", response="IN", guests=0) for i in range(2))
    assert summary(party_size=2, answers=answers, close_when_full=True).full is True
    assert summary(party_size=2, answers=answers, close_when_full=False).full is False
    assert summary(party_size=3, answers=answers, close_when_full=True).full is False


def test_carries_the_version_and_the_cancellation() -> None:
    result = summary(version=7, cancelled=True, answers=())
    assert (result.version, result.cancelled, result.going, result.names) == (7, True, 0, [])


def test_names_beyond_twenty_are_counted_not_listed() -> None:
    """However many answer, rsvps.json (and so the page's list) stays the same size."""
    ins = tuple(Answer(name=f"In{i} Surname", response="IN", guests=0) for i in range(30))
    maybes = tuple(Answer(name=f"Maybe{i}", response="MAYBE", guests=0) for i in range(21))

    result = summary(answers=ins + maybes, party_size=None)

    assert result.names == [f"In{i}" for i in range(20)]  # the first to answer
    assert (result.more_names, len(result.maybe_names), result.more_maybe_names) == (10, 20, 1)
    assert result.counts == {"IN": 30, "MAYBE": 21, "OUT": 0} and result.going == 30
    few = summary()
    assert (few.more_names, few.more_maybe_names) == (0, 0)

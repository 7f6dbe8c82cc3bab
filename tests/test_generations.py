"""The two-generation memo keeps what keeps coming back, within its bound."""

from __future__ import annotations

from auditor.generations import Generations


def test_what_keeps_being_asked_for_stays_while_the_rest_turns_over() -> None:
    memo: Generations[str, object] = Generations(40)
    menu = {f"menu {i}": object() for i in range(3)}
    for key, value in menu.items():
        memo.put(key, value)
    for page in range(100):  # each page: the menu, then headlines never seen again
        assert all(memo.get(key) is value for key, value in menu.items())
        for item in range(4):
            assert memo.get(f"headline {page}.{item}") is None
            memo.put(f"headline {page}.{item}", object())
        assert len(memo) <= 40
    assert memo.get("headline 0.0") is None  # long gone
    assert memo.get("headline 99.3") is not None  # the latest stays


def test_a_memo_of_one_still_answers() -> None:
    memo: Generations[int, str] = Generations(1)
    memo.put(1, "one")
    assert memo.get(1) == "one"
    memo.put(2, "two")
    assert (memo.get(2), len(memo) <= 2) == ("two", True)

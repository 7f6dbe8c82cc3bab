"""A link keeps its hash once worked out: equal links still hash alike, and a copy elsewhere works it out anew."""

from __future__ import annotations

import copy
import multiprocessing
import pickle
from dataclasses import replace

from hypothesis import given
from hypothesis import strategies as st

from auditor.models import Link

_TEXT = st.text(max_size=12)
_FIELDS = st.tuples(_TEXT, _TEXT, _TEXT, _TEXT, _TEXT, st.sampled_from(["main", "nav", "footer", "pager"]))


@given(_FIELDS, _FIELDS)
def test_equal_and_hash_follow_the_fields(first: tuple[str, ...], second: tuple[str, ...]) -> None:
    a, b, a_again = Link(*first), Link(*second), Link(*first)
    assert hash(a) == hash(first)  # worked out, then kept
    assert hash(a) == hash(first)
    assert (a == b) == (first == second)
    assert a == a_again
    assert hash(a_again) == hash(a)
    assert len({a, b, a_again}) == (1 if first == second else 2)
    assert replace(a, text=second[1]) == Link(first[0], second[1], *first[2:])


def test_a_copy_never_carries_the_hash() -> None:
    link = Link("https://stc.tinh.gov.vn/tin-tuc", "Tin tức", region="nav")
    hash(link)
    for copied in (pickle.loads(pickle.dumps(link)), copy.copy(link), copy.deepcopy(link)):  # noqa: S301 - our own bytes
        assert copied == link
        assert copied._hash == 0
        assert hash(copied) == hash(link)


def _hashes_there(link: Link) -> tuple[int, int]:
    return hash(link), hash(Link(link.url, link.text, link.title, link.image_alt, link.image_src, link.region))


def test_another_process_hashes_a_link_as_its_own() -> None:
    link = Link("https://stc.tinh.gov.vn/van-ban", "Văn bản", region="nav")
    hash(link)
    # A spawned process hashes strings under a seed of its own: a hash brought along would differ.
    with multiprocessing.get_context("spawn").Pool(1) as pool:
        received, rebuilt = pool.apply(_hashes_there, (link,))
    assert received == rebuilt

"""A site's link and page matches kept between runs give exactly the recogniser's answers, or none at all."""

from __future__ import annotations

import dataclasses
import datetime as dt
import marshal
import sqlite3
from pathlib import Path

import pytest

from auditor import factcache
from auditor.config import load_registry, load_rules
from auditor.evaluate.recognise import Match, Recogniser, RememberedMatches
from auditor.extract.page import extract_page
from auditor.factcache import FactsCache
from auditor.models import Category, Link, PageFacts

from .conftest import ROOT

RULES = load_rules(ROOT / "rules")
RECOGNISER = Recogniser(RULES.categories)
AGENCIES = load_registry(ROOT / "sites.yaml").agencies
PAGES = sorted((ROOT / "tests" / "data" / "newest_dates").glob("*.html"))


def _facts() -> list[PageFacts]:
    return [
        extract_page(
            f"https://stc.tinh.gov.vn/{page.stem}",
            200,
            page.read_bytes(),
            content_type="text/html; charset=utf-8",
            as_of=dt.date(2026, 11, 1),
        )
        for page in PAGES
    ]


FACTS = _facts()
LINKS = list(dict.fromkeys(link for facts in FACTS for link in facts.links))


def _answers(matcher: Recogniser | RememberedMatches) -> tuple[list[list[Match]], list[list[Match]]]:
    return [matcher.match_link(link) for link in LINKS], [matcher.match_page(facts) for facts in FACTS]


def _kept_through_marshal(matches: RememberedMatches) -> object:
    kept = matches.to_keep()
    assert kept is not None
    return marshal.loads(marshal.dumps(kept))  # noqa: S302 - our own bytes, as the cache stores them


def test_kept_answers_are_the_recognisers_answers() -> None:
    assert len(LINKS) > 500
    expected = _answers(RECOGNISER)
    assert sum(map(len, expected[0])) > 100  # links that name categories
    assert sum(map(len, expected[1])) > 10  # pages that do
    first = RememberedMatches(RECOGNISER)
    assert _answers(first) == expected
    assert first.judged == len(LINKS) + len(FACTS)
    again = RememberedMatches(RECOGNISER, _kept_through_marshal(first))
    assert _answers(again) == expected
    assert again.judged == 0
    assert again.to_keep() is None  # nothing new: nothing to write


def _copy(link: Link) -> Link:
    """The same link made of other string objects, as another process reads it."""
    return Link(*(("_" + getattr(link, field.name))[1:] for field in dataclasses.fields(link) if field.init))


def test_a_link_is_known_by_its_fields_not_by_its_objects() -> None:
    first = RememberedMatches(RECOGNISER)
    _answers(first)
    again = RememberedMatches(RECOGNISER, _kept_through_marshal(first))
    copies = [_copy(link) for link in LINKS]
    assert all(c == k and c.url is not k.url for c, k in zip(copies, LINKS, strict=True))
    assert [again.match_link(link) for link in copies] == [RECOGNISER.match_link(link) for link in LINKS]
    assert again.judged == 0


def test_only_the_answers_a_run_used_are_kept_again() -> None:
    first = RememberedMatches(RECOGNISER)
    _answers(first)
    again = RememberedMatches(RECOGNISER, _kept_through_marshal(first))
    new = Link(url="https://stc.tinh.gov.vn/chuyen-muc/99999", text="Công khai ngân sách")
    assert new not in LINKS
    assert again.match_link(LINKS[0]) == RECOGNISER.match_link(LINKS[0])
    for _ in range(2):  # a link reached again from nearer the home page is asked about again
        assert [m.category for m in again.match_link(new)] == ["budget_disclosure"]
    assert again.judged == 2
    kept = again.to_keep()
    assert kept is not None
    none, found = kept
    assert len(none) == 16 * (not RECOGNISER.match_link(LINKS[0]))
    assert len(found) == 1 + bool(RECOGNISER.match_link(LINKS[0]))
    assert ("budget_disclosure", "text", "cong khai ngan sach", 16) in {row for rows in found.values() for row in rows}


DIGEST = b"d" * 16


@pytest.mark.parametrize(
    "kept",
    [
        "not a pair",
        (b"", {}, {}),
        ([], {}),
        (b"x" * 15, {}),
        (b"", []),
        (b"", {b"short": (("budget_disclosure", "text", "ngan sach", 9),)}),
        (b"", {DIGEST: ()}),
        (b"", {DIGEST: (("budget_disclosure", "text", "ngan sach", "9"),)}),
        (b"", {DIGEST: (("budget_disclosure", "text"),)}),
        (b"", {DIGEST: "abcd"}),
        (b"", {DIGEST: [("budget_disclosure", "text", "ngan sach", 9)]}),
    ],
)
def test_kept_answers_of_another_shape_are_judged_again(kept: object) -> None:
    matches = RememberedMatches(RECOGNISER, kept)
    assert _answers(matches) == _answers(RECOGNISER)
    assert matches.judged > len(LINKS)


def _judged_again(path: Path, agency_index: int = 0, recogniser: Recogniser = RECOGNISER) -> int:
    """A run's judging of the same links and pages, as the pipeline asks (answers kept at the end)."""
    cache = FactsCache(path)
    matches = cache.matches_of(AGENCIES[agency_index], recogniser)
    assert _answers(matches) == _answers(recogniser)
    cache.keep_matches(AGENCIES[agency_index], matches)
    cache.close()
    return matches.judged


def test_the_next_run_judges_nothing_its_site_showed_before(tmp_path: Path) -> None:
    assert _judged_again(tmp_path / "facts.sqlite3") > len(LINKS)
    assert _judged_again(tmp_path / "facts.sqlite3") == 0
    assert _judged_again(tmp_path / "facts.sqlite3", agency_index=1) > len(LINKS)  # another site's


def test_other_cues_or_other_code_never_read_kept_answers(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "facts.sqlite3"
    assert _judged_again(path) > len(LINKS)
    budget = next(c for c in RULES.categories if c.id == "budget_disclosure")
    fewer = replace_cues(RULES.categories, budget.id, budget.cues.labels[1:])
    assert _judged_again(path, recogniser=Recogniser(fewer)) > len(LINKS)
    monkeypatch.setattr(factcache, "recogniser_fingerprint", lambda: "another version of the code")
    assert _judged_again(path) > len(LINKS)


def replace_cues(categories: tuple[Category, ...], category_id: str, labels: tuple[str, ...]) -> tuple[Category, ...]:
    return tuple(
        dataclasses.replace(c, cues=dataclasses.replace(c.cues, labels=labels)) if c.id == category_id else c
        for c in categories
    )


@pytest.mark.parametrize("data", [b"not zstd", None])
def test_a_damaged_row_of_kept_answers_is_judged_again(tmp_path: Path, data: bytes | None) -> None:
    path = tmp_path / "facts.sqlite3"
    assert _judged_again(path) > len(LINKS)
    with sqlite3.connect(path) as db:
        if data is None:  # valid zstd of something that is no marshal data
            data = factcache.zstd.compress(b"\xff\xfe", options=factcache._COMPRESSION)
        db.execute("UPDATE matches SET data = ?", (data,))
    assert _judged_again(path) > len(LINKS)
    assert _judged_again(path) == 0  # and kept anew

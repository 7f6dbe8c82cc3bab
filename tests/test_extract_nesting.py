"""A page nested deep enough to stall the HTML parser is read up to where it stays cheap; real pages whole."""

from __future__ import annotations

import datetime as dt
import itertools

import pytest

from auditor.extract.nesting import MAX_NESTING_WORK, bounded_nesting, cheap_to_parse, nesting_work
from auditor.extract.page import MAX_TEXT_CHARS, extract_page
from auditor.sample.portal import build_portal, default_sites_yaml, load_agencies

AS_OF = dt.date(2026, 11, 1)
# As much HTML as extraction ever parses.
CAP = MAX_TEXT_CHARS * 2

# Shapes whose parse time grows with the square (or worse) of their depth (seconds for 20,000 levels).
DEEP = {
    "div": "<div>",
    "nested lists": "<ul><li>",
    "definition lists": "<dl><dt>",
    "quotes, upper case": "<BLOCKQUOTE class=q>",
    "formatting, then paragraphs": "<b>",
    "spans around sections": "<span><section>",
}
# Many tags, shallow: lists and tables whose items are never closed, balanced boxes, line breaks.
FLAT = {
    "items left open": "<li>Thủ tục hành chính",
    "paragraphs left open": "<p>Văn bản",
    "table rows left open": "<tr><td>01/02/2025<td>Quyết định",
    "balanced boxes": '<div class="item"><span>x</span><a href="/a">a</a></div>',
    "line breaks": "<br>x<img src=a.png>",
}


def repeated(unit: str, chars: int = CAP) -> str:
    return "<html><body>" + unit * (chars // len(unit))


def sample_pages() -> list[str]:
    portal = build_portal(load_agencies(default_sites_yaml()))
    pages = []
    for host in sorted(portal):
        site = portal[host]
        for path in site.paths():
            response = site.render(path)
            if "html" in (response.header("Content-Type") or ""):
                pages.append(response.body.decode("utf-8", errors="replace"))
    return pages


def test_every_page_of_the_sample_portal_is_parsed_whole() -> None:
    pages = sample_pages()
    assert len(pages) > 1000
    works = [nesting_work(page)[0] for page in pages]
    for page in pages:
        assert bounded_nesting(page) is page
    # Real pages stay far below the bound; the busiest sample page is under one percent of it.
    assert 0 < max(works) < MAX_NESTING_WORK // 100


@pytest.mark.parametrize("unit", list(DEEP.values()), ids=list(DEEP))
def test_a_deep_page_is_cut_at_a_tag_where_the_parse_stays_cheap(unit: str) -> None:
    html = repeated(unit) if unit != "<b>" else repeated("<b>", CAP // 2) + repeated("<p>x</p>", CAP // 2)
    kept = bounded_nesting(html)
    assert len(kept) < len(html) // 10
    assert html.startswith(kept)
    assert html[len(kept)] == "<"
    work, cut = nesting_work(kept)
    assert cut is None
    # Cut where the bound is reached, not long before it.
    assert MAX_NESTING_WORK // 2 < work <= MAX_NESTING_WORK


@pytest.mark.parametrize("unit", list(FLAT.values()), ids=list(FLAT))
def test_many_shallow_tags_are_parsed_whole(unit: str) -> None:
    html = repeated(unit)
    assert html.count("<") > 10 * int((2 * MAX_NESTING_WORK) ** 0.5)  # past the free count: really scanned
    assert bounded_nesting(html) is html


def test_end_tags_close_what_they_name_in_any_case() -> None:
    balanced = "".join(f"<DIV>{i}</div>" for i in range(20_000))
    assert nesting_work(balanced)[0] == 0
    unclosed = "<Div>" * 3
    assert nesting_work(unclosed)[0] == 0 + 1 + 2


def test_a_page_with_a_deep_tail_keeps_what_comes_before_it() -> None:
    head = '<html><body><ul class="menu"><li><a href="/thu-tuc-hanh-chinh">Thủ tục hành chính</a></li></ul>'
    tail = "".join(itertools.repeat("<div>", CAP // 5)) + '<a href="/never-read">Tuyển dụng</a>'
    facts = extract_page(
        "https://so.gov.vn/", 200, (head + tail).encode(), content_type="text/html; charset=utf-8", as_of=AS_OF
    )
    assert [link.url for link in facts.links] == ["https://so.gov.vn/thu-tuc-hanh-chinh"]


@pytest.mark.parametrize("unit", [*DEEP.values(), *FLAT.values(), "<p>Thủ tục hành chính</p>"])
def test_bytes_are_told_cheap_to_parse_as_their_text_is(unit: str) -> None:
    # A page that declares UTF-8 is parsed from its bytes, and only counted as bytes.
    for html in (repeated(unit), repeated(unit, 100)):
        cheap = cheap_to_parse(html)
        assert cheap_to_parse(html.encode()) == cheap
        assert not cheap or bounded_nesting(html) is html
    assert cheap_to_parse(repeated(unit, 100))
    assert not cheap_to_parse(repeated(unit).encode())  # the deep ones are then cut, the flat ones scanned

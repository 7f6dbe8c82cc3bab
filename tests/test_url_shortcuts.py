"""The shortcuts the crawl takes with URLs, link texts and page facts give exactly what the plain computations give."""

from __future__ import annotations

import dataclasses
import datetime as dt
import itertools
import re
from collections.abc import Callable
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from hypothesis import given
from hypothesis import strategies as st

from auditor.crawl import urls
from auditor.crawl.urls import host_of, looks_like_trap, normalise, origin_of
from auditor.models import Item, Link, PageFacts
from auditor.sitecrawl import _for_judging, _is_sitemap_link
from auditor.textnorm import fold, tokens

SCHEMES = ["http", "https", "HTTP", "ftp", ""]
HOSTS = ["sotc.gov.vn", "SoTC.Gov.VN", "a-b.c1.vn", "sotc.gov.vn.", "xn--st-7ja.vn", "sở.vn", "127.0.0.1", "[::1]",
         "a..vn", "user:pw@sotc.gov.vn", "sotc.gov.vn:80", "sotc.gov.vn:443", "sotc.gov.vn:8080", "sotc.gov.vn:x",
         ""]  # fmt: skip
PATHS = ["", "/", "/a/b.aspx", "//a", "/a;jsessionid=1F/b", "/a%20b/", "/tin tức", "/tin-tức", "/a/../b", "/a\\b",
         "/x:y@z!$&'()*+,=~", "/a\tb", "/a\x00b", "/a\x7fb", "/" + "a/" * 14, "/a/a/a/a/",
         "/2025/01/02/lich"]  # fmt: skip
TAILS = ["", "?", "?a=1", "?PHPSESSID=x&b=2", "#top", "?a=1#top", "?" + "&".join(f"k{i}=v" for i in range(9))]
SPACES = ["", " ", "\n"]


def reference_normalise(url: str) -> str | None:
    """normalise without its shortcut (the code before it)."""
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError:
        return None
    if parts.scheme not in ("http", "https") or not parts.hostname or len(url) > urls._MAX_URL:
        return None
    netloc = parts.hostname.lower()
    if ":" in netloc:
        netloc = f"[{netloc}]"
    default = (parts.scheme == "http" and port == 80) or (parts.scheme == "https" and port == 443)
    if port is not None and not default:
        netloc = f"{netloc}:{port}"
    path = parts.path
    if ";" in path:
        path = urls._PATH_SESSION.sub("", path)
    query = ""
    if parts.query:
        pairs = parse_qsl(parts.query, keep_blank_values=True)
        query = urlencode([(k, v) for k, v in pairs if k.lower() not in urls._SESSION_PARAMS], doseq=True)
    normal = urlunsplit((parts.scheme, netloc, path or "/", query, ""))
    return None if urls._CONTROL.search(normal) else normal


def reference_host(url: str) -> str:
    return (urlsplit(url).hostname or "").lower()


def reference_origin(url: str) -> str:
    parts = urlsplit(url)
    port = parts.port or (443 if parts.scheme == "https" else 80)
    return f"{parts.scheme}://{(parts.hostname or '').lower()}:{port}"


def reference_trap(url: str) -> bool:
    parts = urlsplit(url)
    if len(parse_qsl(parts.query)) > urls._MAX_QUERY_PARAMS:
        return True
    segments = [s for s in parts.path.split("/") if s]
    if len(segments) > 12 or (segments and max(segments.count(s) for s in segments) > 3):
        return True
    lowered = url.lower()
    return "calendar" in lowered and bool(urls._CALENDAR.search(lowered))


def reference_sitemap(link: Link) -> bool:
    wanted = {("so", "do"), ("sitemap",), ("site", "map")}
    for part in (link.text, link.title, link.url):
        words = tokens(fold(part)) if part else ()
        if words and ({(w,) for w in words} | set(itertools.pairwise(words))) & wanted:
            return True
    return False


def outcome(check: Callable[[str], object], url: str) -> object:
    """What ``check`` returns for ``url``, or the kind of error it raises (a bad IPv6 host, a bad port)."""
    try:
        return check(url)
    except ValueError as exc:
        return type(exc)


def built_urls() -> list[str]:
    found = []
    for scheme, host, path, tail, space in itertools.product(SCHEMES, HOSTS, PATHS, TAILS, SPACES):
        prefix = f"{scheme}://" if scheme else "//"
        found.append(f"{space}{prefix}{host}{path}{tail}{space}")
    return found


def test_normalise_trap_host_and_origin_agree_with_the_plain_computation_on_every_built_url() -> None:
    every = built_urls()
    assert len(every) > 20_000
    normalised = 0
    for url in every:
        expected = reference_normalise(url)
        assert normalise(url) == expected, repr(url)
        normalised += expected is not None
        if expected is not None:
            assert normalise(expected) == expected, repr(url)  # the shortcut's own case
            assert looks_like_trap(expected) == reference_trap(expected), repr(url)
        assert outcome(looks_like_trap, url) == outcome(reference_trap, url), repr(url)
        assert outcome(host_of, url) == outcome(reference_host, url), repr(url)
        assert outcome(origin_of, url) == outcome(reference_origin, url), repr(url)
    assert normalised > 5_000


URL_ALPHABET = st.sampled_from([*"aZ09-._~%!$&'()*+,;=:@/?#[]\\ \t\x00\x7fđư", "//", "http://", "https://", ".vn"])


@given(st.lists(URL_ALPHABET, max_size=30).map("".join))
def test_normalise_trap_host_and_origin_agree_on_any_text(tail: str) -> None:
    for url in (tail, f"http://sotc.gov.vn/{tail}", f"https://sotc.gov.vn{tail}"):
        assert normalise(url) == reference_normalise(url)
        assert outcome(looks_like_trap, url) == outcome(reference_trap, url)
        assert outcome(host_of, url) == outcome(reference_host, url)
        assert outcome(origin_of, url) == outcome(reference_origin, url)


LABELS = ["Sơ đồ site", "SƠ ĐỒ CỔNG", "Sitemap", "site-map", "Site  map", "sơđồ", "so do", "Sở Đô thị", "đồ sơ",
          "sitemaps", "mysitemap", "Hệ thống sơ/đồ", "Website map", "so-do-trang", ""]  # fmt: skip


def test_a_sitemap_link_is_told_as_from_its_words() -> None:
    link_urls = ["", "https://sotc.gov.vn/so-do-site.aspx", "https://sotc.gov.vn/SiteMap", "https://sotc.gov.vn/sodo"]
    checked = 0
    for text, title, url in itertools.product(LABELS, [*LABELS[:5], ""], link_urls):
        link = Link(url=url, text=text, title=title)
        assert _is_sitemap_link(link) == reference_sitemap(link), link
        checked += _is_sitemap_link(link)
    assert checked > 100


@given(st.text(alphabet=st.sampled_from(list("sitemapdo ơđồ-_/.SĐ")), max_size=20))
def test_a_sitemap_link_is_told_as_from_its_words_for_any_text(text: str) -> None:
    link = Link(url="https://sotc.gov.vn/" + re.sub(r"\s", "-", text), text=text)
    assert _is_sitemap_link(link) == reference_sitemap(link)


def test_the_facts_kept_for_judging_are_the_page_facts_less_what_the_crawl_weighs() -> None:
    # Every field set to something other than its default: a field added to PageFacts and left out of
    # _for_judging would come back as its default, and this test would tell.
    facts = PageFacts(
        url="https://sotc.gov.vn/a",
        status_code=203,
        title="Công khai ngân sách",
        headings=("Ngân sách",),
        breadcrumb=("Trang chủ", "Ngân sách"),
        links=(Link(url="https://sotc.gov.vn/b", text="b"),),
        items=(Item("Quyết định 12", "https://sotc.gov.vn/c", dt.date(2026, 1, 2), "list", True),),
        page_date=dt.date(2026, 1, 3),
        page_date_signal="meta",
        main_text_chars=812,
        placeholder=True,
        not_found=True,
        attachment=True,
        next_pages=("https://sotc.gov.vn/a?page=2",),
    )
    for field in dataclasses.fields(PageFacts):
        assert getattr(facts, field.name) != field.default, field.name
    expected = dataclasses.replace(facts, headings=(), breadcrumb=(), links=(), next_pages=())
    assert _for_judging(facts) == expected

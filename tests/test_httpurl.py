"""http_url gives what httpx.URL gives, for every URL; plain ones are built without parsing them again."""

from __future__ import annotations

import random
from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest

from auditor.crawl import httpurl
from auditor.crawl.httpurl import http_url
from auditor.crawl.urls import normalise

PLAIN = [
    "https://stnmt.tinh.gov.vn/",
    "http://stnmt.tinh.gov.vn/portal/Pages/2024-4-25/Quyet-dinh-so-12-QD-UBND-123456.aspx",
    "http://stnmt.tinh.gov.vn/portal/KenhTin/Chi-ao-ieu-hanh.aspx?Page=3",
    "https://sotc.tinh.gov.vn/van-ban/tai-lieu%20moi.pdf",
    "https://sotc.tinh.gov.vn/tin-tuc/%C4%91au-thau?x=a:b@c/d?e&f=%2F",
    "https://xn--cngthngtin-vbb7982g.gov.vn/gioi-thieu/",
    "http://localhost/robots.txt",
    "http://a-b.c-d.vn/p?",
    "https://x.gov.vn/!$&'()*+,;=:@",
]
ODD = [
    "http://stnmt.tinh.gov.vn",  # no path
    "HTTP://STNMT.tinh.gov.vn/",
    "http://stnmt.tinh.gov.vn:80/",
    "http://stnmt.tinh.gov.vn:8080/a",
    "http://user:pw@stnmt.tinh.gov.vn/",
    "http://10.0.0.1/",
    "http://999.1.1.1/",
    "http://[::1]/",
    "http://stnmt.tinh.gov.vn/a/./b/../c",
    "http://stnmt.tinh.gov.vn/a/..",
    "http://stnmt.tinh.gov.vn/%zz%",
    "http://stnmt.tinh.gov.vn/đường dẫn",
    "http://stnmt.tinh.gov.vn/a#frag",
    "http://stnmt.tinh.gov.vn/a b",
    "http://cổngthôngtin.gov.vn/",
    "http://a..b.vn/",
    "http://-a.vn/",
    "http://a.vn/x\x7f",
    "ftp://a.vn/",
    "http://a.vn/" + "x" * 3000,
]


def _parts(url: httpx.URL) -> tuple[Any, ...]:
    return (url.scheme, url.host, url.port, url.raw_path, url.netloc, url.path, url.query, url.fragment, str(url))


def _same(text: str) -> None:
    try:
        expected = httpx.URL(text)
    except (httpx.InvalidURL, UnicodeError) as exc:
        with pytest.raises(type(exc)):
            http_url(text)
        return
    made = http_url(text)
    assert made == expected, text
    assert _parts(made) == _parts(expected), text


@pytest.mark.parametrize("text", PLAIN + ODD)
def test_the_url_is_the_one_httpx_gives(text: str) -> None:
    _same(text)


# Characters and escapes of paths: any at all, and those httpx keeps (so most URLs take the short way).
WILD = [*"aZ09-._~!$&'()*+,;=:@/?%#[] \"<>`{}|\\^đ\t", "%41", "%c4%91", "%zz"]
TAME = [*"abXY019-._~!$&'()*+,;=:@/", "%2F", "%c4%91", "/./", "/../", "?", "?a=b&c=d"]


def _random_urls(count: int, alphabet: list[str] = WILD) -> Iterator[str]:
    rng = random.Random(20261127)  # noqa: S311 - test data, not secrecy
    hosts = ["a.vn", "sở.vn", "x-y.gov.vn", "1.2.3.4", "a.vn:81", "A.VN", "a.vn.", "xn--cngthngtin-vbb7982g.gov.vn"]
    for _ in range(count):
        scheme = rng.choice(["http", "https", "HTTP"])
        tail = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 30)))
        yield f"{scheme}://{rng.choice(hosts)}/{tail}"


@pytest.mark.parametrize("alphabet", [WILD, TAME], ids=["wild", "tame"])
def test_random_urls_give_what_httpx_gives(alphabet: list[str]) -> None:
    for text in _random_urls(5000, alphabet):
        _same(text)
        # The same for what the crawl actually asks for: normalised URLs.
        normal = normalise(text)
        if normal is not None:
            _same(normal)


@pytest.fixture
def parses(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The URLs httpx parses from now on."""
    seen: list[str] = []
    parse: Callable[..., Any] = httpx._urls.urlparse

    def counting(url: str = "", **kwargs: Any) -> Any:
        seen.append(url)
        return parse(url, **kwargs)

    monkeypatch.setattr(httpx._urls, "urlparse", counting)
    return seen


def test_plain_urls_are_not_parsed_again_and_others_are(parses: list[str]) -> None:
    for text in PLAIN:
        http_url(text)
    assert parses == []
    for text in ODD[:5]:
        http_url(text)
    assert parses == ODD[:5]


def test_an_httpx_whose_urls_are_built_otherwise_parses_every_url(
    parses: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    def wrong(scheme: str, host: str, path: str, query: str | None) -> httpx.URL:
        return httpx.URL(f"{scheme}://{host}{path}#changed")

    monkeypatch.setattr(httpurl, "_direct", wrong)
    httpurl._direct_is_httpx.cache_clear()
    try:
        assert http_url(PLAIN[1]) == httpx.URL(PLAIN[1])
        assert PLAIN[1] in parses
    finally:
        httpurl._direct_is_httpx.cache_clear()

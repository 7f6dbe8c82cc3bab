"""The fetcher against real servers on 127.0.0.1: redirects in scope, retries, failures as data."""

from __future__ import annotations

import asyncio

import httpx
import pytest

from auditor.crawl.cache import CachedResponse
from auditor.crawl.fetcher import Fetcher, FetchResult, _Request
from auditor.crawl.urls import normalise
from auditor.pipeline import default_settings

from .servers import Reply, closed_port, serve

# Each test on asyncio's loop and on the loop an audit runs on (see conftest.each_event_loop).
pytestmark = pytest.mark.usefixtures("each_event_loop")

HOSTS = frozenset({"site.gov.vn"})
SETTINGS = default_settings(delay=0.0, retries=2, connect_timeout=2.0, read_timeout=2.0, page_timeout=10.0)


def _fetch(mapping: dict[str, tuple[str, int]], url: str) -> FetchResult:
    async def go() -> FetchResult:
        fetcher = Fetcher(SETTINGS, resolve=mapping)
        try:
            return await fetcher.fetch(url, HOSTS)
        finally:
            await fetcher.aclose()

    return asyncio.run(go())


def test_page_body_and_host_name_kept_in_url() -> None:
    page = "<html><body>Xin chào</body></html>".encode()
    with serve({("site.gov.vn", "/"): lambda n: Reply(body=page)}) as server:
        result = _fetch(server.connect_map("site.gov.vn"), "http://site.gov.vn/")
    assert result.ok
    assert result.body == page
    assert result.final_url == "http://site.gov.vn/"


def test_retries_503_then_succeeds() -> None:
    def flaky(n: int) -> Reply:
        return Reply(503, b"busy", {"Retry-After": "0"}) if n == 0 else Reply(body=b"<html>ok</html>")

    with serve({("site.gov.vn", "/"): flaky}) as server:
        result = _fetch(server.connect_map("site.gov.vn"), "http://site.gov.vn/")
        assert server.hits[("site.gov.vn", "/")] == 2
    assert result.ok


def test_a_server_that_stays_busy_is_asked_once_and_then_retries_times() -> None:
    # The retries after the first go through tenacity's loop, imported on the first failure.
    with serve({("site.gov.vn", "/"): lambda n: Reply(503, b"busy", {"Retry-After": "0"})}) as server:
        result = _fetch(server.connect_map("site.gov.vn"), "http://site.gov.vn/")
        assert server.hits[("site.gov.vn", "/")] == 1 + SETTINGS.retries
    assert result.status_code == 503
    assert not result.ok


def test_404_is_not_retried() -> None:
    with serve({}) as server:
        result = _fetch(server.connect_map("site.gov.vn"), "http://site.gov.vn/missing")
        assert server.hits[("site.gov.vn", "/missing")] == 1
    assert result.status_code == 404
    assert result.error is None


def test_redirect_inside_scope_is_followed() -> None:
    routes = {
        ("site.gov.vn", "/old"): lambda n: Reply(301, b"", {"Location": "/new"}),
        ("site.gov.vn", "/new"): lambda n: Reply(body=b"<html>new</html>"),
    }
    with serve(routes) as server:
        result = _fetch(server.connect_map("site.gov.vn"), "http://site.gov.vn/old")
    assert result.ok
    assert result.final_url == "http://site.gov.vn/new"


def test_redirect_off_scope_is_recorded_never_fetched() -> None:
    routes = {("site.gov.vn", "/go"): lambda n: Reply(302, b"", {"Location": "http://elsewhere.example/x"})}
    with serve(routes) as server:
        result = _fetch(server.connect_map("site.gov.vn", "elsewhere.example"), "http://site.gov.vn/go")
        assert server.hits_for_host("elsewhere.example") == 0
    assert result.error == "redirect_out_of_scope"
    assert result.redirected_off_scope == "http://elsewhere.example/x"


def test_redirect_loop_ends() -> None:
    routes = {
        ("site.gov.vn", "/a"): lambda n: Reply(302, b"", {"Location": "/b"}),
        ("site.gov.vn", "/b"): lambda n: Reply(302, b"", {"Location": "/a"}),
    }
    with serve(routes) as server:
        result = _fetch(server.connect_map("site.gov.vn"), "http://site.gov.vn/a")
    assert result.error == "redirect_loop"


def test_nothing_listening_is_unreachable_refused() -> None:
    result = _fetch({"site.gov.vn": ("127.0.0.1", closed_port())}, "http://site.gov.vn/")
    assert result.error == "unreachable:refused"


def test_host_missing_from_connect_map_is_refused_not_looked_up() -> None:
    result = _fetch({"other.gov.vn": ("127.0.0.1", closed_port())}, "http://site.gov.vn/")
    assert result.error == "unreachable:refused"
    assert "not in the resolve map" in result.detail


def test_body_is_capped() -> None:
    big = b"<html>" + b"x" * 3_000_000 + b"</html>"
    settings = default_settings(delay=0.0, max_page_bytes=1_000_000)

    async def go(port: int) -> FetchResult:
        fetcher = Fetcher(settings, resolve={"site.gov.vn": ("127.0.0.1", port)})
        try:
            return await fetcher.fetch("http://site.gov.vn/", HOSTS)
        finally:
            await fetcher.aclose()

    with serve({("site.gov.vn", "/"): lambda n: Reply(body=big)}) as server:
        result = asyncio.run(go(server.port))
    assert result.truncated
    assert len(result.body) == 1_000_000


@pytest.mark.parametrize(
    "location",
    [
        "http://site.gov.vn:abc/",  # a port that is no number
        "/tin-tuc\x7f",  # a control character
    ],
)
def test_a_redirect_httpx_cannot_follow_is_a_bad_redirect(location: str) -> None:
    routes = {("site.gov.vn", "/"): lambda n: Reply(302, b"", {"Location": location})}
    with serve(routes) as server:
        result = _fetch(server.connect_map("site.gov.vn"), "http://site.gov.vn/")
    assert result.error == "bad_redirect"
    assert result.detail == location


@pytest.mark.parametrize("url", ["http://site.gov.vn/a\x00b", "http://site.gov.vn/\x1b[31m", "http://xn--/"])
def test_a_url_httpx_refuses_to_send_is_a_bad_url(url: str) -> None:
    result = _fetch({"site.gov.vn": ("127.0.0.1", closed_port()), "xn--": ("127.0.0.1", closed_port())}, url)
    assert result.error == "bad_url"
    assert result.detail


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("http://site.gov.vn/a\x00b", None),
        ("http://site.gov.vn/\x1b[31m", None),
        ("http://site.gov.vn/x\x7f", None),
        ("http://site.gov.vn/a\tb", "http://site.gov.vn/ab"),  # urlsplit drops tabs, as browsers do
        ("http://[::1]:8080/a#top", "http://[::1]:8080/a"),
        ("http://[2001:DB8::1]/", "http://[2001:db8::1]/"),
        ("HTTP://Site.Gov.VN:80/x", "http://site.gov.vn/x"),
    ],
)
def test_normalise_drops_what_no_server_serves_and_keeps_ipv6_brackets(url: str, expected: str | None) -> None:
    assert normalise(url) == expected


@pytest.mark.parametrize(
    "url",
    [
        "http://site.gov.vn/",
        "https://site.gov.vn:8443/tin-tuc?id=1&p=2",
        "http://[::1]:8080/a",
        "https://sở.gov.vn/gioi-thieu",  # an IDN host: httpx sends its punycode
        "http://site.gov.vn/Tài liệu/báo cáo.pdf",
    ],
)
@pytest.mark.parametrize("validators", [False, True])
def test_the_request_sent_is_the_one_httpx_would_build(url: str, validators: bool) -> None:
    """Built as a transport's request (no body prepared), it carries exactly httpx's own headers."""
    cached = CachedResponse(url, 200, "text/html", "Sat, 01 Nov 2026 00:00:00 GMT", '"ẹtag-1"', "", "ab", False, "")
    fetcher = Fetcher(SETTINGS)
    request = _Request(url, "", "GET", True, None, cached if validators else None, None)  # type: ignore[arg-type]
    built = fetcher._build(request)
    expected_headers = [*fetcher._headers.raw]
    if validators:
        expected_headers += [(k.encode(), v.encode()) for k, v in cached.validators.items()]
    expected = httpx.Request("GET", url, headers=expected_headers)
    assert (built.method, built.url, built.headers.raw) == (expected.method, expected.url, expected.headers.raw)
    assert built.extensions["timeout"] == fetcher._timeouts

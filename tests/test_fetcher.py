"""The fetcher against real servers on 127.0.0.1: redirects in scope, retries, failures as data."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterator

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
    expected_headers = [*fetcher._default_headers]
    if validators:
        expected_headers += [(k.encode(), v.encode()) for k, v in cached.validators.items()]
    expected = httpx.Request("GET", url, headers=expected_headers)
    assert (built.method, built.url, built.headers.raw) == (expected.method, expected.url, expected.headers.raw)
    assert built.extensions["timeout"] == fetcher._timeouts


def test_a_body_that_trickles_past_the_page_timeout_is_cut_in_total() -> None:
    # Each byte comes well within the read timeout; the page as a whole (6 s) does not.
    def trickle() -> Iterator[bytes]:
        for _ in range(40):
            yield b" "
            time.sleep(0.15)

    settings = default_settings(delay=0.0, retries=0, connect_timeout=2.0, read_timeout=2.0, page_timeout=0.5)

    async def go(mapping: dict[str, tuple[str, int]]) -> tuple[FetchResult, float]:
        fetcher = Fetcher(settings, resolve=mapping)
        loop = asyncio.get_running_loop()
        started = loop.time()
        try:
            return await fetcher.fetch("http://site.gov.vn/", HOSTS), loop.time() - started
        finally:
            await fetcher.aclose()

    with serve({("site.gov.vn", "/"): lambda n: Reply(stream=trickle, length=40)}) as server:
        result, took = asyncio.run(go(server.connect_map("site.gov.vn")))
    assert (result.error, result.detail) == ("timeout", "ReadTimeout: page took longer than 0.5 s in total")
    assert 0.5 <= took < 3.0  # cut at the page timeout, long before the body's end


def test_a_fetch_its_caller_cancels_stays_cancelled() -> None:
    # The crawl's own cancellation (a site's time limit) is not turned into a page timeout.
    async def go(mapping: dict[str, tuple[str, int]]) -> tuple[bool, int]:
        fetcher = Fetcher(SETTINGS, resolve=mapping)
        try:
            task = asyncio.create_task(fetcher.fetch("http://site.gov.vn/", HOSTS))
            await asyncio.sleep(0.2)
            task.cancel()
            with pytest.raises(asyncio.CancelledError):
                await task
            await asyncio.sleep(0)
            return task.cancelled(), asyncio.current_task().cancelling()  # type: ignore[union-attr]
        finally:
            await fetcher.aclose()

    with serve({("site.gov.vn", "/"): lambda n: Reply(body=b"<html>late</html>", delay=1.0)}) as server:
        assert asyncio.run(go(server.connect_map("site.gov.vn"))) == (True, 0)


async def _slow(seconds: float) -> str:
    await asyncio.sleep(seconds)
    return "answered"


async def _holding_on(seconds: float) -> str:
    # Cancelled, it takes a moment to let go, and the caller may cancel it again meanwhile.
    try:
        await asyncio.sleep(seconds)
    except asyncio.CancelledError:
        await asyncio.sleep(0.1)
        raise
    return "answered"


async def _swallowing(seconds: float) -> str:
    # Cancelled, it answers anyway.
    try:
        await asyncio.sleep(seconds)
    except asyncio.CancelledError:
        return "answered late"
    return "answered"


@pytest.mark.parametrize(
    ("request_", "caller_cancels_at", "expected"),
    [
        (lambda: _slow(0.01), None, "answered"),
        (lambda: _slow(5.0), None, "ReadTimeout: page took longer than 0.2 s in total"),
        (lambda: _slow(5.0), 0.05, "CancelledError"),
        # The timer fired (at 0.2 s), and the caller cancelled too before the request let go.
        (lambda: _holding_on(5.0), 0.25, "CancelledError"),
        (lambda: _swallowing(5.0), None, "answered late"),
    ],
    ids=["in-time", "timed-out", "caller-cancels", "both-cancel", "request-swallows"],
)
def test_the_page_timer_ends_a_request_as_asyncio_timeout_would(
    request_: object, caller_cancels_at: float | None, expected: str
) -> None:
    settings = default_settings(delay=0.0, page_timeout=0.2)

    async def go() -> str:
        fetcher = Fetcher(settings)
        fetcher._request = lambda request: request_()  # type: ignore[method-assign,operator]
        request = _Request("http://site.gov.vn/", "http://site.gov.vn:80", "GET", True, None, None, None)  # type: ignore[arg-type]
        task = asyncio.create_task(fetcher._timed(request))
        if caller_cancels_at is not None:
            await asyncio.sleep(caller_cancels_at)
            task.cancel()
        try:
            outcome = str(await task)
        except asyncio.CancelledError:
            outcome = "CancelledError"
        except httpx.ReadTimeout as exc:
            outcome = f"ReadTimeout: {exc}"
        return outcome

    assert asyncio.run(go()) == expected

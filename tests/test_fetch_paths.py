"""The fetcher's cheap success path keeps what the httpx client gave: cookies, and the full retry count."""

from __future__ import annotations

import asyncio
import gzip
from collections.abc import Callable
from pathlib import Path

import pytest

from auditor.crawl.cache import HttpCache
from auditor.crawl.fetcher import MAX_COOKIE_HEADER, Fetcher, FetchResult
from auditor.pipeline import default_settings

from .servers import Reply, serve

# Each test on asyncio's loop and on the loop an audit runs on (see conftest.each_event_loop).
pytestmark = pytest.mark.usefixtures("each_event_loop")

HOSTS = frozenset({"site.gov.vn"})
SETTINGS = default_settings(delay=0.0, retries=2, connect_timeout=2.0, read_timeout=2.0, page_timeout=10.0)


def _fetch_all(mapping: dict[str, tuple[str, int]], *urls: str) -> list[FetchResult]:
    async def go() -> list[FetchResult]:
        fetcher = Fetcher(SETTINGS, resolve=mapping)
        try:
            return [await fetcher.fetch(url, HOSTS) for url in urls]
        finally:
            await fetcher.aclose()

    return asyncio.run(go())


def test_a_cookie_the_site_sets_is_sent_back() -> None:
    # Addressed by IP, without a connect map: cookies are kept for the host name the request used.
    cookie = {"Content-Type": "text/html", "Set-Cookie": "sid=42; Path=/"}
    routes = {("127.0.0.1", "/a"): lambda n: Reply(headers=cookie), ("127.0.0.1", "/b"): lambda n: Reply()}

    async def go(port: int) -> None:
        fetcher = Fetcher(SETTINGS)
        try:
            for path in ("/a", "/b"):
                assert (await fetcher.fetch(f"http://127.0.0.1:{port}{path}", {"127.0.0.1"})).ok
        finally:
            await fetcher.aclose()

    with serve(routes) as server:
        asyncio.run(go(server.port))
        sent = {seen.path: seen.headers for seen in server.seen}
    assert "Cookie" not in sent["/a"]
    assert sent["/b"].get("Cookie") == "sid=42"


def test_a_server_busy_every_time_gets_the_first_attempt_and_every_retry() -> None:
    with serve({("site.gov.vn", "/"): lambda n: Reply(503, b"busy", {"Retry-After": "0"})}) as server:
        [result] = _fetch_all(server.connect_map("site.gov.vn"), "http://site.gov.vn/")
        assert server.hits[("site.gov.vn", "/")] == 1 + SETTINGS.retries
    assert result.status_code == 503
    assert result.error is None


@pytest.mark.parametrize(
    ("etag", "revalidated"),
    [
        # UTF-8 on the wire, as the sites that send such validators do: sent back byte for byte.
        ('"bản-1"'.encode(), True),
        # Latin-1 bytes that are no UTF-8: httpx reads them as ISO-8859-1; asked again, never a crash.
        (b'"caf\xe9"', False),
    ],
)
def test_a_validator_that_is_no_ascii_is_sent_back_without_failing_the_fetch(
    tmp_path: Path, etag: bytes, revalidated: bool
) -> None:
    page = Reply(body=b"<html>ok</html>", headers={"Content-Type": "text/html", "ETag": etag.decode("latin-1")})

    def route(n: int) -> Reply:
        asked = server.seen[-1].headers.get("If-None-Match")
        # http.server reads header bytes as Latin-1.
        return Reply(304, headers={}) if asked is not None and asked.encode("latin-1") == etag else page

    async def go(run: str) -> FetchResult:
        cache = HttpCache(tmp_path, run)
        cache.begin()
        fetcher = Fetcher(SETTINGS, resolve=server.connect_map("site.gov.vn"), cache=cache)
        try:
            return await fetcher.fetch("http://site.gov.vn/", HOSTS)
        finally:
            await fetcher.aclose()
            cache.finish()

    with serve({("site.gov.vn", "/"): route}) as server:
        first = asyncio.run(go("first"))
        second = asyncio.run(go("second"))
        sent = [seen.headers.get("If-None-Match") for seen in server.seen]
    assert first.ok
    assert second.ok
    assert second.body == first.body == b"<html>ok</html>"
    assert sent[0] is None
    assert sent[1] is not None
    assert (sent[1].encode("latin-1") == etag) is revalidated


@pytest.mark.parametrize(
    ("cookie", "sent"),
    [
        ('sid="bản"'.encode(), 'sid="bản"'.encode()),  # UTF-8: sent back byte for byte
        (b"sid=caf\xe9", "sid=café".encode()),  # Latin-1 bytes, read as such: sent back as UTF-8
    ],
)
def test_a_cookie_that_is_no_ascii_is_sent_back_without_failing_the_fetch(cookie: bytes, sent: bytes) -> None:
    set_cookie = {"Content-Type": "text/html", "Set-Cookie": (cookie + b"; Path=/").decode("latin-1")}
    routes = {("site.gov.vn", "/a"): lambda n: Reply(headers=set_cookie), ("site.gov.vn", "/b"): lambda n: Reply()}
    with serve(routes) as server:
        results = _fetch_all(server.connect_map("site.gov.vn"), "http://site.gov.vn/a", "http://site.gov.vn/b")
        received = {seen.path: seen.headers.get("Cookie") for seen in server.seen}
    assert all(r.ok for r in results)
    assert received["/a"] is None
    assert received["/b"] is not None
    assert received["/b"].encode("latin-1") == sent  # http.server reads header bytes as Latin-1


@pytest.mark.parametrize("retry_after", ["soon", "Thu, 01 Jan 1970 00:00:00 +9999", "Mon, 99 Foo 2026"])
def test_a_retry_after_that_is_no_date_is_ignored_not_raised(retry_after: str) -> None:
    def busy(n: int) -> Reply:
        return Reply(503, b"busy", {"Retry-After": retry_after}) if n == 0 else Reply(body=b"<html>ok</html>")

    with serve({("site.gov.vn", "/"): busy}) as server:
        [result] = _fetch_all(server.connect_map("site.gov.vn"), "http://site.gov.vn/")
        assert server.hits[("site.gov.vn", "/")] == 2  # retried after the usual backoff
    assert result.ok


@pytest.mark.parametrize("encoding", ["gzip, gzip", "deflate, gzip", "br", "compress"])
def test_a_content_coding_not_asked_for_is_an_error_never_a_guess(encoding: str) -> None:
    inner = gzip.compress(b"<html>" + b"0" * 100_000 + b"</html>")
    body = gzip.compress(inner)  # two layers: httpx would inflate both, whole, before any cap
    headers = {"Content-Type": "text/html", "Content-Encoding": encoding}
    with serve({("site.gov.vn", "/"): lambda n: Reply(body=body, headers=headers)}) as server:
        [result] = _fetch_all(server.connect_map("site.gov.vn"), "http://site.gov.vn/")
    assert result.error == "bad_encoding"
    assert result.detail == f"Content-Encoding: {encoding}"


def test_gzip_and_identity_together_is_read_as_gzip() -> None:
    page = b"<html><body>Xin ch\xc3\xa0o</body></html>"
    headers = {"Content-Type": "text/html", "Content-Encoding": "identity, gzip"}
    with serve({("site.gov.vn", "/"): lambda n: Reply(body=gzip.compress(page), headers=headers)}) as server:
        [result] = _fetch_all(server.connect_map("site.gov.vn"), "http://site.gov.vn/")
    assert result.body == page


def test_a_cookie_or_validator_with_a_control_character_is_not_sent_back(tmp_path: Path) -> None:
    # aiohttp refuses to send a header value with a control character (header injection): the
    # fetch must go on without that header rather than fail.
    odd = {"Content-Type": "text/html", "Set-Cookie": "sid=a\x01b; Path=/", "ETag": '"v\x0b1"'}
    routes = {("site.gov.vn", "/a"): lambda n: Reply(headers=odd), ("site.gov.vn", "/b"): lambda n: Reply()}

    async def go(run: str) -> list[FetchResult]:
        cache = HttpCache(tmp_path, run)
        cache.begin()
        fetcher = Fetcher(SETTINGS, resolve=server.connect_map("site.gov.vn"), cache=cache)
        try:
            return [await fetcher.fetch(f"http://site.gov.vn{path}", HOSTS) for path in ("/a", "/b")]
        finally:
            await fetcher.aclose()
            cache.finish()

    with serve(routes) as server:
        first = asyncio.run(go("first"))
        second = asyncio.run(go("second"))  # with the stored ETag
        sent = [(seen.path, seen.headers) for seen in server.seen]
    assert all(r.ok for r in first + second)
    assert all("Cookie" not in headers and "If-None-Match" not in headers for _, headers in sent)


def test_a_site_flooding_the_cookie_jar_never_gets_more_than_the_cap_back() -> None:
    def flood(page: int) -> Callable[[int], Reply]:
        # 60 new cookies of 100 bytes a page: their Cookie header would pass the cap by the fourth.
        cookies = "\r\nSet-Cookie: ".join(f"c{page}_{i}={'x' * 100}; Path=/" for i in range(60))
        return lambda n: Reply(headers={"Content-Type": "text/html", "Set-Cookie": cookies})

    pages = [f"/p{i}" for i in range(12)]
    with serve({("site.gov.vn", page): flood(i) for i, page in enumerate(pages)}) as server:
        results = _fetch_all(server.connect_map("site.gov.vn"), *(f"http://site.gov.vn{p}" for p in pages))
        sent = [len(seen.headers.get("Cookie", "")) for seen in server.seen]
    assert all(r.ok for r in results)
    assert sent[1] > 0  # cookies are sent back while there are few
    assert max(sent) <= MAX_COOKIE_HEADER

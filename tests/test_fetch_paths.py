"""The fetcher's cheap success path keeps what the httpx client gave: cookies, and the full retry count."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from auditor.crawl.cache import HttpCache
from auditor.crawl.fetcher import Fetcher, FetchResult
from auditor.pipeline import default_settings

from .servers import Reply, serve

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

"""The fetcher's cheap success path keeps what the httpx client gave: cookies, and the full retry count."""

from __future__ import annotations

import asyncio

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

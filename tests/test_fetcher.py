"""The fetcher against real servers on 127.0.0.1: redirects in scope, retries, failures as data."""

from __future__ import annotations

import asyncio

from auditor.crawl.fetcher import Fetcher, FetchResult
from auditor.pipeline import default_settings

from .servers import Reply, closed_port, serve

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

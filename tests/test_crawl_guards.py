"""Crawl guards against small scripted servers: sitemap.xml seeding, the circuit breaker, the
decompression cap, the report saying when robots.txt was overridden, and pages asked for once."""

from __future__ import annotations

import asyncio
import datetime as dt
import gzip
from pathlib import Path

from auditor.config import load_registry, load_rules
from auditor.crawl import defaults
from auditor.crawl.fetcher import Fetcher, FetchResult
from auditor.models import AuditRun
from auditor.pipeline import AuditOptions, audit, default_settings

from .conftest import ROOT
from .servers import Reply, ScriptedServer, serve

HOST = "site.test.gov.vn"
SHAREPOINT_HOME = "/portal/Pages/default.aspx"  # where "/" redirects, as on SharePoint portals
HOME = b"<html><body><main><h1>Trang chu</h1><p>Xin chao.</p></main></body></html>"
PAGE = b"<html><body><main><h1>Trang</h1><p>Noi dung.</p></main></body></html>"


def _audit(tmp: Path, server: ScriptedServer, extra: str = "", **settings: object) -> AuditRun:
    (tmp / "sites.yaml").write_text(
        "province: {id: guards, name: Guards}\nagencies:\n"
        f"  - {{id: site, name: Sở, type: department, functions: [finance], url: 'http://{HOST}/'{extra}}}\n",
        encoding="utf-8",
    )
    registry = load_registry(tmp / "sites.yaml")
    rules = load_rules(ROOT / "rules", province=registry.province.id)
    options = AuditOptions(
        as_of=dt.date(2026, 11, 1),
        settings=default_settings(**{"delay": 0.0, "retries": 0, **settings}),
        resolve=server.connect_map(HOST),
    )
    return asyncio.run(asyncio.wait_for(audit(registry, rules, options), 60))


def test_full_crawl_seeds_from_sitemap_xml_and_focused_crawl_does_not_fetch_it(tmp_path: Path) -> None:
    sitemap = f"<urlset><url><loc>http://{HOST}/trang-1</loc></url><url><loc>http://{HOST}/trang-2</loc></url>"
    routes = {
        (HOST, "/"): lambda n: Reply(body=HOME),
        (HOST, "/robots.txt"): lambda n: Reply(
            body=f"User-agent: *\nSitemap: http://{HOST}/map.xml\n".encode(), headers={"Content-Type": "text/plain"}
        ),
        (HOST, "/map.xml"): lambda n: Reply(
            body=(sitemap + "</urlset>").encode(), headers={"Content-Type": "text/xml"}
        ),
        (HOST, "/trang-1"): lambda n: Reply(body=PAGE),
        (HOST, "/trang-2"): lambda n: Reply(body=PAGE),
    }
    with serve(routes) as server:
        _audit(tmp_path, server, mode="full")
        assert server.hits[(HOST, "/trang-1")] == server.hits[(HOST, "/trang-2")] == 1
        server.hits.clear()
        _audit(tmp_path, server, mode="focused")
        assert server.hits[(HOST, "/map.xml")] == 0


def test_circuit_breaker_stops_knocking_on_a_failing_host(tmp_path: Path) -> None:
    links = "".join(f'<a href="/trang-{i}">Trang {i}</a>' for i in range(20))
    routes = {(HOST, "/"): lambda n: Reply(body=f"<html><body><main>{links}</main></body></html>".encode())}
    for i in range(20):
        routes[(HOST, f"/trang-{i}")] = lambda n: Reply(body=PAGE * 10, reset_after=10)
    with serve(routes) as server:
        run = _audit(tmp_path, server, mode="full", per_host_concurrency=2)
        failed = sum(server.hits[(HOST, f"/trang-{i}")] for i in range(20))
    assert run.scorecards[0].site_status.value == "reachable"
    assert defaults.BREAKER_FAILURES <= failed <= defaults.BREAKER_FAILURES + 2


def test_gzip_bomb_is_inflated_only_up_to_the_cap() -> None:
    bomb = gzip.compress(b"\0" * (64 << 20), 9)
    assert len(bomb) < 200_000
    routes = {
        (HOST, "/"): lambda n: Reply(body=bomb, headers={"Content-Type": "text/html", "Content-Encoding": "gzip"})
    }

    async def go(port: int) -> FetchResult:
        fetcher = Fetcher(default_settings(delay=0.0, max_page_bytes=1_000_000), resolve={HOST: ("127.0.0.1", port)})
        try:
            return await fetcher.fetch(f"http://{HOST}/", frozenset({HOST}))
        finally:
            await fetcher.aclose()

    with serve(routes) as server:
        result = asyncio.run(go(server.port))
    assert result.truncated
    assert len(result.body) == 1_000_000


def test_the_report_says_when_robots_txt_was_overridden(tmp_path: Path) -> None:
    routes = {
        (HOST, "/"): lambda n: Reply(body=HOME),
        (HOST, "/robots.txt"): lambda n: Reply(
            body=b"User-agent: *\nDisallow: /\n", headers={"Content-Type": "text/plain"}
        ),
    }
    with serve(routes) as server:
        obeyed = _audit(tmp_path, server)
        overridden = _audit(tmp_path, server, extra=", robots: ignore")
        by_flag = _audit(tmp_path, server, obey_robots=False)
    assert obeyed.scorecards[0].site_status.value == "robots_disallowed"
    for run in (overridden, by_flag):
        card = run.scorecards[0]
        assert card.site_status.value == "reachable"
        assert "robots.txt not obeyed" in card.site_reason
        assert "disallows 1 of the pages read" in card.site_reason


def test_links_and_redirects_httpx_would_refuse_never_stop_the_audit(tmp_path: Path) -> None:
    # Hostile or broken markup: a control character in an href, redirects to a port that is no
    # number and to a path with a control character. Each used to raise out of the crawl.
    links = (
        '<a href="/tin\x1btuc">Tin tức</a><a href="/cu">Cũ</a><a href="/cu-2">Cũ 2</a><a href="/van-ban">Văn bản</a>'
    )
    routes = {
        (HOST, "/"): lambda n: Reply(body=f"<html><body><main>{links}</main></body></html>".encode()),
        (HOST, "/cu"): lambda n: Reply(302, b"", {"Location": f"http://{HOST}:abc/"}),
        (HOST, "/cu-2"): lambda n: Reply(302, b"", {"Location": "/moi\x7f"}),
        (HOST, "/van-ban"): lambda n: Reply(body=PAGE),
    }
    with serve(routes) as server:
        run = _audit(tmp_path, server, mode="full")
        asked = {seen.path for seen in server.seen}
    assert run.scorecards[0].site_status.value == "reachable"
    assert {"/", "/cu", "/cu-2", "/van-ban"} <= asked
    assert not any("\x1b" in path or "\x7f" in path or "moi" in path for path in asked)


def test_a_crawl_delay_beyond_the_cap_is_capped_and_said(tmp_path: Path) -> None:
    robots = b"User-agent: *\nCrawl-delay: 1000000000\n"
    routes = {
        (HOST, "/robots.txt"): lambda n: Reply(body=robots, headers={"Content-Type": "text/plain"}),
        (HOST, "/"): lambda n: Reply(body=HOME),
    }
    with serve(routes) as server:
        run = _audit(tmp_path, server, page_budget=1)
    card = run.scorecards[0]
    assert card.site_status.value == "reachable"
    assert f"robots.txt Crawl-delay 1e+09 s for {HOST}: waited {defaults.MAX_CRAWL_DELAY:g} s" in card.site_reason


def _to_home(n: int) -> Reply:
    return Reply(302, b"<html>Object moved</html>", {"Location": SHAREPOINT_HOME})


def test_a_page_reached_through_a_redirect_is_not_asked_for_again_when_a_link_names_it(tmp_path: Path) -> None:
    # A SharePoint home: "/" redirects to it, and every page's crumbs link back to it.
    crumbs = f'<a href="{SHAREPOINT_HOME}">Trang chủ</a>'
    home = f'<html><body>{crumbs}<main><a href="/tin-tuc">Tin tức</a><a href="/cu">Cũ</a></main></body></html>'
    routes = {
        (HOST, "/"): _to_home,
        (HOST, SHAREPOINT_HOME): lambda n: Reply(body=home.encode()),
        (HOST, "/tin-tuc"): lambda n: Reply(
            body=f"<html><body>{crumbs}<main>{PAGE.decode()}</main></body></html>".encode()
        ),
        # A link that redirects to a page already read: only the redirect tells where it leads,
        # and the redirect is followed.
        (HOST, "/cu"): lambda n: Reply(301, b"", {"Location": "/tin-tuc"}),
    }
    with serve(routes) as server:
        run = _audit(tmp_path, server, mode="full")
    assert run.scorecards[0].site_status.value == "reachable"
    assert server.hits[(HOST, "/")] == server.hits[(HOST, SHAREPOINT_HOME)] == 1
    assert server.hits[(HOST, "/cu")] == 1
    assert server.hits[(HOST, "/tin-tuc")] == 2


def test_a_category_page_first_reached_through_a_redirect_is_judged_from_that_fetch(tmp_path: Path) -> None:
    # Many portals' "Tin tức" menu item is the home page itself, which "/" redirects to: the page is
    # asked for once, and the news category is judged from it.
    items = "".join(
        f'<li><a href="/tin/{day}">Tin ngày {day}</a> <span>{day}/10/2026</span></li>' for day in range(20, 26)
    )
    menu = f'<nav><a href="{SHAREPOINT_HOME}">Tin tức</a></nav>'
    home = f"<html><body>{menu}<main><h1>Tin tức</h1><ul>{items}</ul></main></body></html>"
    routes = {(HOST, "/"): _to_home, (HOST, SHAREPOINT_HOME): lambda n: Reply(body=home.encode())}
    with serve(routes) as server:
        run = _audit(tmp_path, server)
    news = next(f for f in run.scorecards[0].findings if f.category == "news_events")
    assert (news.status.value, news.evidence_url, news.latest_date) == (
        "ok",
        f"http://{HOST}{SHAREPOINT_HOME}",
        dt.date(2026, 10, 25),
    ), news.reason
    assert server.hits[(HOST, "/")] == server.hits[(HOST, SHAREPOINT_HOME)] == 1
    # Two requests, one page read: the page is recorded under both URLs but counted once.
    pages = sum(n for (_, path), n in server.hits.items() if path not in ("/", "/robots.txt"))
    assert run.scorecards[0].pages_fetched == pages >= 1

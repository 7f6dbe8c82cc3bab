"""A site's kept crawl (auditor.crawlmemo): reused only when every request it made is answered the same again.

Against a scripted site on 127.0.0.1 that answers conditional requests with 304, as real servers do:
a rerun of the unchanged site asks every request again and reuses the crawl; a changed page, a
robots.txt that now disallows the site, another reference date or setting, a damaged memo or a crawl
cut short each give what an audit without the memo gives, and no URL is asked twice in a run.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import hashlib
import itertools
import json
import marshal
import sqlite3
from collections import Counter
from contextlib import closing
from pathlib import Path

import pytest

from auditor import zstd
from auditor.config import load_registry, load_rules
from auditor.crawlmemo import CrawlMemo, Fetched, decode, encode
from auditor.evaluate.verdict import Candidate, PageRecord, SiteCrawl
from auditor.models import AuditRun, Item, PageFacts, SiteStatus, Status
from auditor.pipeline import FETCH_STATS_FILE, AuditOptions, audit, default_settings
from auditor.report import FORMATS
from auditor.siteaudit import FACTS_FILE

from .conftest import ROOT
from .servers import Reply, ScriptedServer, Seen, serve

HOST = "memo.test.gov.vn"
AS_OF = dt.date(2026, 11, 1)
# Every path the site may ever serve: a route answers 404 while its page does not exist.
PATHS = ("/robots.txt", "/", "/tin-tuc", "/van-ban", "/tin/1", "/tin/2", "/tin/3", "/gioi-thieu")
SLACK = 0.05  # see tests/test_crawl_politeness.py


def _news(*dated: tuple[str, str]) -> str:
    items = "".join(f'<li><a href="{url}">Thông báo số {url[-1]}</a> <span>{day}</span></li>' for url, day in dated)
    return f"<html><body><main><h1>Tin tức - Sự kiện</h1><ul class='news'>{items}</ul></main></body></html>"


class Site:
    """A department's site whose pages and robots.txt a test may change between audits."""

    def __init__(self) -> None:
        self.robots = "User-agent: *\nAllow: /\n"
        menu = (
            '<nav><a href="/gioi-thieu">Giới thiệu</a> <a href="/tin-tuc">Tin tức - Sự kiện</a> '
            '<a href="/van-ban">Văn bản pháp luật</a></nav>'
        )
        self.pages = {
            "/": f"<html><body>{menu}<main><h1>Sở Thử nghiệm</h1></main></body></html>",
            "/gioi-thieu": f"<html><body>{menu}<main><h1>Giới thiệu</h1><p>Chức năng.</p></main></body></html>",
            "/tin-tuc": _news(("/tin/1", "01/10/2026"), ("/tin/2", "15/09/2026")),
            "/van-ban": f"<html><body>{menu}<main><h1>Văn bản pháp luật</h1><p>QĐ 12/2026.</p></main></body></html>",
            "/tin/1": "<html><body><main><h1>Thông báo số 1</h1><p>Ngày 01/10/2026</p></main></body></html>",
            "/tin/2": "<html><body><main><h1>Thông báo số 2</h1><p>Ngày 15/09/2026</p></main></body></html>",
        }

    def reply(self, path: str) -> Reply:
        if path == "/robots.txt":
            body, kind = self.robots, "text/plain"
        elif path in self.pages:
            body, kind = self.pages[path], "text/html; charset=utf-8"
        else:
            return Reply(404, b"<html><body>404</body></html>")
        data = body.encode("utf-8")
        etag = '"' + hashlib.sha256(data).hexdigest()[:16] + '"'
        return Reply(body=data, headers={"Content-Type": kind, "ETag": etag}, conditional=True)

    def routes(self) -> dict[tuple[str, str], object]:
        return {(HOST, path): (lambda n, path=path: self.reply(path)) for path in PATHS}


def _audit(
    tmp: Path, server: ScriptedServer, cache: Path | None, as_of: dt.date = AS_OF, **settings: object
) -> tuple[AuditRun, dict[str, int], list[Seen]]:
    """The audit, the parse counts it left in the cache folder, and the requests the server saw for it."""
    sites = tmp / "sites.yaml"
    sites.write_text(
        "province: {id: memo, name: Thử nghiệm}\nagencies:\n  - id: stn\n    name: Sở Thử nghiệm\n"
        f"    type: department\n    functions: [finance]\n    url: http://{HOST}/\n",
        encoding="utf-8",
    )
    registry = load_registry(sites)
    rules = load_rules(ROOT / "rules", province=registry.province.id)
    options = AuditOptions(
        as_of=as_of,
        settings=default_settings(**{"delay": 0.0, "retries": 0, **settings}),
        resolve=server.connect_map(HOST),
        cache_dir=cache,
    )
    start = len(server.seen)
    run = asyncio.run(asyncio.wait_for(audit(registry, rules, options), 120))
    counts = json.loads((cache / FETCH_STATS_FILE).read_text(encoding="utf-8"))["pages"] if cache else {}
    return run, counts, server.seen[start:]


def _json(run: AuditRun) -> object:
    return FORMATS["json"].render(run, "vi")


def _asked(seen: list[Seen]) -> Counter[str]:
    return Counter(s.path for s in seen)


@pytest.mark.parametrize("mode", ["focused", "full"])
def test_a_rerun_of_an_unchanged_site_asks_every_request_again_and_reuses_the_crawl(tmp_path: Path, mode: str) -> None:
    site = Site()
    with serve(site.routes()) as server:  # type: ignore[arg-type]
        first, first_counts, first_seen = _audit(tmp_path, server, tmp_path / "cache", mode=mode)
        second, counts, seen = _audit(tmp_path, server, tmp_path / "cache", mode=mode)
        uncached, _, _ = _audit(tmp_path, server, None, mode=mode)
    assert first_counts["crawls_reused"] == 0
    assert first_counts["parsed"] >= 4
    assert counts == {"parsed": 0, "reused": first_counts["parsed"], "crawls_reused": 1}
    # Every request of the first audit is asked again, once: the site is unchanged because each
    # answer was; the pages carrying an ETag are asked for conditionally.
    assert _asked(seen) == _asked(first_seen)
    assert all(s.headers.get("If-None-Match") for s in seen if s.path in site.pages or s.path == "/robots.txt")
    assert _json(second) == _json(first) == _json(uncached)
    assert second.scorecards[0].pages_fetched == first.scorecards[0].pages_fetched >= 4


@pytest.mark.parametrize("mode", ["focused", "full"])
def test_a_changed_page_is_crawled_again_as_without_the_kept_crawl_and_nothing_is_asked_twice(
    tmp_path: Path, mode: str
) -> None:
    site = Site()
    with serve(site.routes()) as server:  # type: ignore[arg-type]
        first, _, _ = _audit(tmp_path, server, tmp_path / "cache", mode=mode)
        # A newer item, on a page of its own, at the top of the news list.
        site.pages["/tin/3"] = "<html><body><main><h1>Thông báo số 3</h1><p>Ngày 20/10/2026</p></main></body></html>"
        site.pages["/tin-tuc"] = _news(("/tin/3", "20/10/2026"), ("/tin/1", "01/10/2026"), ("/tin/2", "15/09/2026"))
        second, counts, seen = _audit(tmp_path, server, tmp_path / "cache", mode=mode)
        uncached, _, _ = _audit(tmp_path, server, None, mode=mode)
        third, third_counts, _ = _audit(tmp_path, server, tmp_path / "cache", mode=mode)  # the new crawl is kept
    assert counts["crawls_reused"] == 0
    assert _json(second) == _json(uncached) != _json(first)
    news = {f.category: f for f in second.scorecards[0].findings}["news_events"]
    assert news.latest_date == dt.date(2026, 10, 20)
    # What the replay asked before and after the difference was handed to the crawl, not asked again.
    assert max(_asked(seen).values()) == 1, _asked(seen)
    assert ("/tin/3" in _asked(seen)) == (mode == "full")  # a focused crawl reads the list, not each item
    assert third_counts["crawls_reused"] == 1
    assert _json(third) == _json(second)


def test_a_failure_answered_the_same_is_given_to_the_crawl_not_an_older_stored_answer(tmp_path: Path) -> None:
    # The news list answered 200 once (stored), then 503 twice (stored nothing): when the replay of
    # the third audit finds /van-ban changed, the crawl must see the 503 again, not the stored 200.
    site = Site()
    failing = {"now": False}
    routes = site.routes()
    routes[(HOST, "/tin-tuc")] = lambda n: Reply(503, b"busy") if failing["now"] else site.reply("/tin-tuc")
    with serve(routes) as server:  # type: ignore[arg-type]
        _audit(tmp_path, server, tmp_path / "cache", per_host_concurrency=4)
        failing["now"] = True
        _audit(tmp_path, server, tmp_path / "cache", per_host_concurrency=4)
        site.pages["/van-ban"] = site.pages["/van-ban"].replace("QĐ 12/2026", "QĐ 14/2026")
        third, counts, seen = _audit(tmp_path, server, tmp_path / "cache", per_host_concurrency=4)
        uncached, _, _ = _audit(tmp_path, server, None, per_host_concurrency=4)
    assert counts["crawls_reused"] == 0
    assert max(_asked(seen).values()) == 1, _asked(seen)
    assert _json(third) == _json(uncached)
    assert {f.category: f for f in third.scorecards[0].findings}["news_events"].status is not Status.OK


def test_a_robots_txt_that_now_disallows_the_site_stops_the_replay_before_any_page(tmp_path: Path) -> None:
    site = Site()
    with serve(site.routes()) as server:  # type: ignore[arg-type]
        _audit(tmp_path, server, tmp_path / "cache")
        site.robots = "User-agent: *\nDisallow: /\n"
        second, counts, seen = _audit(tmp_path, server, tmp_path / "cache")
        uncached, _, _ = _audit(tmp_path, server, None)
    assert [s.path for s in seen] == ["/robots.txt"]  # asked once, and its answer given to the crawl
    assert second.scorecards[0].site_status is SiteStatus.ROBOTS_DISALLOWED
    assert counts["crawls_reused"] == 0
    assert _json(second) == _json(uncached)


def test_a_replay_keeps_the_crawl_delay_robots_txt_asked_for(tmp_path: Path) -> None:
    site = Site()
    site.robots = "User-agent: *\nCrawl-delay: 0.3\n"
    with serve(site.routes()) as server:  # type: ignore[arg-type]
        _audit(tmp_path, server, tmp_path / "cache", per_host_concurrency=2)
        _, counts, seen = _audit(tmp_path, server, tmp_path / "cache", per_host_concurrency=2)
    assert counts["crawls_reused"] == 1
    starts = sorted(s.started for s in seen)
    assert len(starts) >= 5
    assert min(b - a for a, b in itertools.pairwise(starts)) >= 0.3 - SLACK


@pytest.mark.parametrize(
    ("change", "settings"),
    [
        ("another reference date", {"as_of": AS_OF + dt.timedelta(days=1)}),
        ("another page budget", {"page_budget": 50}),
        ("another mode", {"mode": "full"}),
    ],
)
def test_a_kept_crawl_is_reused_only_under_the_key_it_was_made_under(
    tmp_path: Path, change: str, settings: dict[str, object]
) -> None:
    site = Site()
    with serve(site.routes()) as server:  # type: ignore[arg-type]
        _audit(tmp_path, server, tmp_path / "cache")
        run, counts, _ = _audit(tmp_path, server, tmp_path / "cache", **settings)  # type: ignore[arg-type]
        uncached, _, _ = _audit(tmp_path, server, None, **settings)  # type: ignore[arg-type]
    assert counts["crawls_reused"] == 0, change
    assert counts["parsed"] + counts["reused"] > 0
    assert _json(run) == _json(uncached)


@pytest.mark.parametrize(
    "data",
    [
        b"\x00",
        b"not zstd at all",
        zstd.compress(b"not marshal data"),
        zstd.compress(marshal.dumps((999, (), (), ("reachable", "", (), (), True), 0))),  # another format
        zstd.compress(marshal.dumps((1, (), ()))),  # not the shape of one
    ],
)
def test_a_damaged_kept_crawl_is_crawled_again(tmp_path: Path, data: bytes) -> None:
    site = Site()
    with serve(site.routes()) as server:  # type: ignore[arg-type]
        first, _, _ = _audit(tmp_path, server, tmp_path / "cache")
        with closing(sqlite3.connect(tmp_path / "cache" / FACTS_FILE)) as db, db:
            assert db.execute("UPDATE crawls SET data = ?", (data,)).rowcount == 1
        second, counts, _ = _audit(tmp_path, server, tmp_path / "cache")
    assert counts["crawls_reused"] == 0
    assert _json(second) == _json(first)


def test_a_crawl_cut_short_by_the_site_time_limit_is_not_kept(tmp_path: Path) -> None:
    site = Site()
    routes = site.routes()
    routes[(HOST, "/van-ban")] = lambda n: Reply(body=site.pages["/van-ban"].encode(), delay=2.0)
    with serve(routes) as server:  # type: ignore[arg-type]
        run, _, _ = _audit(tmp_path, server, tmp_path / "cache", site_timeout=0.5)
    assert "site time limit reached" in run.scorecards[0].site_reason
    with closing(sqlite3.connect(tmp_path / "cache" / FACTS_FILE)) as db:
        assert db.execute("SELECT count(*) FROM crawls").fetchone() == (0,)


def test_a_memo_comes_back_as_it_was_kept() -> None:
    facts = PageFacts(
        "http://a.gov.vn/tin",
        200,
        "Tin \x1f tức",
        items=(Item("Một", "http://a.gov.vn/1", dt.date(2026, 1, 2), "list", False), Item("Hai", "u", None)),
        page_date=dt.date(2025, 12, 31),
        page_date_signal="meta",
        main_text_chars=1234,
        placeholder=True,
        not_found=False,
        attachment=True,
    )
    record = PageRecord("http://a.gov.vn/tin", 200, facts)
    pages = {
        "http://a.gov.vn/tin": record,
        "http://a.gov.vn/news": record,  # a redirect's target: the same record under both URLs
        "http://a.gov.vn/x": PageRecord("http://a.gov.vn/x", 0, None, "timeout"),
        "http://a.gov.vn/private": PageRecord("http://a.gov.vn/private", robots_blocked=True),
    }
    candidate = Candidate("news_events", "http://a.gov.vn/tin", "text", "Tin tức", "http://a.gov.vn/", 0, True, True, 3)
    crawl = SiteCrawl(SiteStatus.REACHABLE, "note; \ud800", pages, (candidate,), True)
    answer = ("http://a.gov.vn/tin", 200, "text/html", None, "", False, "ab" * 32, None, None)
    fetched = (Fetched("http://a.gov.vn/tin", "GET", True, True, False, answer),)
    memo = CrawlMemo(fetched, (("http://a.gov.vn", 1.5),), crawl, 7)
    assert decode(encode(memo)) == memo

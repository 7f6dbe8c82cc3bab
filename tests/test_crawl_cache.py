"""The HTTP cache: a second audit of the unchanged sample portal costs 304s and gives the same reports.

(Resuming a killed run is in tests/test_crawl_resume.py.)
"""

from __future__ import annotations

import asyncio
import gc
import json
import sqlite3
from contextlib import closing
from dataclasses import replace
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from auditor import factcache
from auditor.config import load_registry, load_rules
from auditor.crawl import cache as cache_module
from auditor.crawl.cache import DATABASE, CachedResponse, HttpCache
from auditor.demo import sample_target
from auditor.models import AuditRun
from auditor.pipeline import FETCH_STATS_FILE, AuditOptions, audit, default_settings
from auditor.report import FORMATS
from auditor.sample import SAMPLE_AS_OF
from auditor.sitecrawl import _SiteCrawler

from .conftest import ROOT

AGENCIES = ("stc", "sgtvt", "thuannam", "ninhhai", "skhdt")
FULL = load_registry(ROOT / "sites.yaml")
REGISTRY = replace(FULL, agencies=tuple(a for a in FULL.agencies if a.id in AGENCIES))
RULES = load_rules(ROOT / "rules", province=REGISTRY.province.id)
SETTINGS = default_settings(delay=0.0, per_host_concurrency=4, retries=1)


def _audit(cache_dir: Path | None) -> tuple[AuditRun, list[tuple[str, str, bool]]]:
    """The audit and the server's log: (host, path, sent conditionally) per request."""
    with sample_target(REGISTRY) as target:
        options = AuditOptions(
            as_of=SAMPLE_AS_OF, settings=SETTINGS, resolve=target.resolve, plain_http=True, cache_dir=cache_dir
        )
        run = asyncio.run(audit(REGISTRY, RULES, options))
        log = [
            (r.host, r.path, r.header("If-None-Match") is not None or r.header("If-Modified-Since") is not None)
            for r in target.server.requests
        ]
    return run, log


def _stats(cache_dir: Path) -> dict[str, object]:
    data: dict[str, object] = json.loads((cache_dir / FETCH_STATS_FILE).read_text(encoding="utf-8"))
    return data


def test_second_audit_of_an_unchanged_portal_is_mostly_304s_with_identical_reports(tmp_path: Path) -> None:
    cache_dir = tmp_path / "cache"
    uncached, _ = _audit(None)
    first, first_log = _audit(cache_dir)
    first_stats = _stats(cache_dir)["total"]
    second, second_log = _audit(cache_dir)
    second_stats = _stats(cache_dir)["total"]

    for name, fmt in FORMATS.items():
        assert fmt.render(first, "vi") == fmt.render(uncached, "vi"), name
        assert fmt.render(second, "vi") == fmt.render(first, "vi"), name

    # The first run asks conditionally only for what it already fetched itself (a page read, then
    # reached again through a redirect from another URL).
    fetched: set[tuple[str, str]] = set()
    for host, path, conditional in first_log:
        assert not conditional or (host, path) in fetched, (host, path)
        fetched.add((host, path))
    assert isinstance(first_stats, dict)
    assert isinstance(second_stats, dict)
    assert first_stats["full"] > 50
    # Every page that carried a validator the first time is asked for conditionally the second time.
    conditional = sum(1 for _, _, c in second_log if c)
    assert conditional == second_stats["not_modified"] > 0.8 * first_stats["full"]
    # What is still fetched in full: answers without validators (404s, robots.txt of sites without one).
    assert second_stats["full"] <= 0.1 * first_stats["full"], second_stats
    assert {(h, p) for h, p, _ in second_log} == {(h, p) for h, p, _ in first_log}


def test_cache_entries_round_trip_and_damaged_ones_are_ignored(tmp_path: Path) -> None:
    cache = HttpCache(tmp_path, "run")
    cache.begin()
    entry = cache.store(
        "https://a.gov.vn/x",
        status_code=200,
        content_type="text/html",
        last_modified="Sun, 01 Nov 2026 00:00:00 GMT",
        etag='"abc"',
        location="",
        body=b"<html>x</html>",
        truncated=False,
    )
    assert cache.lookup("https://a.gov.vn/x") == entry
    assert cache.body(entry) == b"<html>x</html>"
    assert entry.validators == {"If-None-Match": '"abc"', "If-Modified-Since": "Sun, 01 Nov 2026 00:00:00 GMT"}
    assert not cache.replayable(entry)  # a fresh run revalidates

    resumed = HttpCache(tmp_path, "run")
    resumed.begin()
    assert resumed.resuming
    assert resumed.replayable(entry)
    resumed.finish()
    again = HttpCache(tmp_path, "run")
    again.begin()
    assert not again.resuming

    # A damaged database is an empty cache: recreated, and the run starts afresh.
    del cache, resumed, again
    gc.collect()  # closes their connections: the last one to close folds the WAL into the database
    assert not (tmp_path / f"{DATABASE}-wal").exists()
    (tmp_path / DATABASE).write_bytes(b"{not a database" * 100)
    damaged = HttpCache(tmp_path, "run")
    assert damaged.lookup("https://a.gov.vn/x") is None
    damaged.begin()
    assert not damaged.resuming
    assert damaged.entry_count() == 0


@pytest.fixture
def compressed(monkeypatch: pytest.MonkeyPatch) -> list[bytes]:
    """Every body the HTTP cache compresses, in order."""
    bodies: list[bytes] = []
    compress = cache_module._compress_body
    monkeypatch.setattr(cache_module, "_compress_body", lambda body: bodies.append(body) or compress(body))
    return bodies


def test_a_body_is_compressed_unless_its_url_had_it_and_kept_once_whatever_urls_share_it(
    tmp_path: Path, compressed: list[bytes]
) -> None:
    cache = HttpCache(tmp_path, "run")
    cache.begin()
    body = b"<html>" + b"Trang chu " * 100 + b"</html>"

    def store(url: str, previous: CachedResponse | None = None, data: bytes = body) -> CachedResponse:
        kind = "text/html"
        return cache.store(url, status_code=200, content_type=kind, last_modified=None, etag=None, location="",
                           body=data, truncated=False, previous=previous)  # fmt: skip

    home = store("https://a.gov.vn/")
    cache.flush()
    # Fetched again in full (no validators): the URL's entry points to the same bytes.
    again = store("https://a.gov.vn/", previous=cache.lookup("https://a.gov.vn/"))
    assert again.body_sha256 == home.body_sha256
    assert len(compressed) == 1
    # Changed: compressed.
    changed = store("https://a.gov.vn/", previous=again, data=body + b"<p>moi</p>")
    assert len(compressed) == 2
    # The same bytes under another URL: compressed again, and stored once.
    alias = store("https://a.gov.vn/index.aspx")
    cache.flush()
    assert len(compressed) == 3
    assert cache.body(alias) == body == cache.body(home)
    assert cache.body(changed) == body + b"<p>moi</p>"
    count = cache._db().execute("SELECT count(*) FROM bodies").fetchone()[0]
    assert count == 2


def _bodiless(cache: HttpCache, url: str, body: bytes = b"<html>trang</html>") -> CachedResponse:
    kind, modified = "text/html", "Sun, 01 Nov 2026 00:00:00 GMT"
    return cache.store(url, status_code=200, content_type=kind, last_modified=modified, etag='"v1"', location="",
                       body=body, truncated=False, keep_body=False)  # fmt: skip


def _entries(folder: Path) -> list[str]:
    """URLs of the entries on disk, as another process would read them."""
    return sorted(url for url in (f"https://a.gov.vn/{i}" for i in range(3)) if HttpCache(folder, "x").lookup(url))


def test_a_page_whose_facts_are_kept_is_stored_without_its_body_and_only_once_settled(
    tmp_path: Path, compressed: list[bytes]
) -> None:
    on_disk_when_flushed: list[list[str]] = []
    cache = HttpCache(tmp_path, "run")
    cache.begin()
    cache.write_first(lambda: on_disk_when_flushed.append(_entries(tmp_path)))

    first, second, never = (_bodiless(cache, f"https://a.gov.vn/{i}") for i in range(3))
    assert compressed == []
    assert (first.body_kept, first.body_sha256) == (False, cache_module.body_sha256(b"<html>trang</html>"))
    assert cache.lookup(first.url) == first  # found while it waits
    assert cache.body(first) is None  # nothing to read back: the caller judges the page from its facts
    cache.flush()
    assert (_entries(tmp_path), on_disk_when_flushed) == ([], [])  # not settled: nothing written

    cache.settle(first.url)
    cache.settle(second.url)
    cache.settle("https://a.gov.vn/never-stored")  # nothing waits for it: a no-op
    cache.finish()
    # What the entries rely on was written first, while none of them was on disk yet.
    assert on_disk_when_flushed == [[]]
    assert _entries(tmp_path) == [first.url, second.url]  # the one never settled is not written
    assert never.url not in _entries(tmp_path)
    again = HttpCache(tmp_path, "run")
    found = again.lookup(first.url)
    assert found == first
    assert found is not None
    assert found.validators == {
        "If-None-Match": '"v1"',
        "If-Modified-Since": "Sun, 01 Nov 2026 00:00:00 GMT",
    }
    assert again.body(found) is None
    assert cache._db().execute("SELECT count(*) FROM bodies").fetchone() == (0,)

    # Stored again with its body (a caller that needs it): compressed, although the hash is the same.
    kept = again.store(first.url, status_code=200, content_type="text/html", last_modified=None, etag=None,
                       location="", body=b"<html>trang</html>", truncated=False, previous=found)  # fmt: skip
    assert kept.body_kept
    assert len(compressed) == 1
    assert again.body(kept) == b"<html>trang</html>"


def test_pages_stored_without_bodies_are_fetched_in_full_when_their_facts_are_gone(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A new version of the extractor reads none of the facts the last one kept: each page it needs
    # is asked for without validators (a 304 would leave it nothing to parse), and judged the same.
    cache_dir = tmp_path / "cache"
    first, _ = _audit(cache_dir)
    first_stats = _stats(cache_dir)["total"]
    assert isinstance(first_stats, dict)
    with closing(sqlite3.connect(cache_dir / DATABASE)) as db:
        bodiless = {
            ((parts.hostname or ""), parts.path)
            for (url,) in db.execute(
                "SELECT url FROM entries WHERE body_sha256 NOT IN (SELECT sha256 FROM bodies) AND etag IS NOT NULL"
            )
            for parts in [urlsplit(url)]
        }
        (bodies,) = db.execute("SELECT count(*) FROM bodies").fetchone()
    # Parsed pages keep no body; what no page's facts stand for does (robots.txt, sitemaps).
    assert len(bodiless) > 100
    assert 0 < bodies <= 3 * len(AGENCIES)

    monkeypatch.setattr(factcache, "extractor_fingerprint", lambda: "a newer extractor")
    second, second_log = _audit(cache_dir)
    second_stats = _stats(cache_dir)["total"]
    assert isinstance(second_stats, dict)
    for name, fmt in FORMATS.items():
        assert fmt.render(second, "vi") == fmt.render(first, "vi"), name
    # A page stored without its body is asked for in full first (a page read, then reached again
    # through a redirect from another URL, is asked again, conditionally, as in any run).
    fetched: set[tuple[str, str]] = set()
    revalidated = set()
    for host, path, conditional in second_log:
        if conditional:
            assert (host, path) not in bodiless or (host, path) in fetched, (host, path)
            revalidated.add(path)
        fetched.add((host, path))
    assert "/robots.txt" in revalidated
    assert second_stats["requests"] == first_stats["requests"]

    third, _ = _audit(cache_dir)  # the new extractor's facts are kept now: 304s again
    assert FORMATS["json"].render(third, "vi") == FORMATS["json"].render(first, "vi")
    third_stats = _stats(cache_dir)["total"]
    assert isinstance(third_stats, dict)
    assert third_stats["full"] <= 0.1 * first_stats["full"]


def test_a_finished_sites_crawl_is_freed_without_the_garbage_collector(tmp_path: Path) -> None:
    # A crawler in a reference cycle would keep all of its site's pages until a full collection:
    # memory growing with the sites a process has crawled. Two ways it happened: a bound method of
    # its own kept on it, and a page that failed after its retries (the sample portal has one),
    # whose exception tenacity keeps with its traceback, through the crawler's frames. A first
    # audit, then a rerun, which asks about stored pages before requesting them.
    assert SETTINGS.retries > 0
    for _ in range(2):
        gc.collect()
        gc.disable()
        try:
            run, _ = _audit(tmp_path / "cache")
            left = sum(isinstance(o, _SiteCrawler) for o in gc.get_objects())
        finally:
            gc.enable()
        assert left == 0
    assert any(f.reason == "http_500" for card in run.scorecards for f in card.findings)  # retried, then failed

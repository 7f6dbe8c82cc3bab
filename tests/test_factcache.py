"""The facts cache: an unchanged page is parsed once, its facts come back equal, and nothing stale is used."""

from __future__ import annotations

import datetime as dt
import hashlib
import itertools
import json
import marshal
import multiprocessing
import sqlite3
from collections.abc import Callable
from pathlib import Path

import pytest

from auditor import factcache, zstd
from auditor.config import load_registry
from auditor.crawl.cache import CachedResponse, HttpCache
from auditor.demo import sample_target
from auditor.evaluate.recognise import Recogniser
from auditor.extract.page import extract_page
from auditor.factcache import _CHROME as CHROME
from auditor.factcache import MIN_RUN, FactsCache, _LinkPool
from auditor.models import Link, PageFacts
from auditor.pipeline import FETCH_STATS_FILE

from .conftest import ROOT, CliResult, subset_sites

PAGES = sorted((ROOT / "tests" / "data" / "newest_dates").glob("*.html"))
AS_OF = dt.date(2026, 11, 1)
HTML = "text/html; charset=utf-8"
DB = "facts.sqlite3"
URL = "https://stc.tinh.gov.vn/tin-tuc"


class _CountingParser:
    def __init__(self) -> None:
        self.calls = 0

    def __call__(self, *args: object, **kwargs: object) -> PageFacts:
        self.calls += 1
        return extract_page(*args, **kwargs)  # type: ignore[arg-type]


def _extract(cache: FactsCache, body: bytes, url: str = URL, **changes: object) -> PageFacts:
    arguments: dict[str, object] = {"content_type": HTML, "last_modified": None, "as_of": AS_OF, **changes}
    return cache.extract(url, 200, body, **arguments)  # type: ignore[arg-type]


def test_every_labelled_page_comes_back_equal_from_the_cache(tmp_path: Path) -> None:
    assert len(PAGES) > 80
    parser = _CountingParser()
    cache = FactsCache(tmp_path / DB, parse=parser)
    first = [_extract(cache, page.read_bytes(), f"https://stc.tinh.gov.vn/{page.stem}") for page in PAGES]
    cache.close()
    again = FactsCache(tmp_path / DB, parse=parser)
    second = [_extract(again, page.read_bytes(), f"https://stc.tinh.gov.vn/{page.stem}") for page in PAGES]
    assert second == first
    assert parser.calls == len(PAGES)
    assert (again.hits, again.misses) == (len(PAGES), 0)
    # Every kind of field made the round trip (a list of dated items has no date of its own).
    assert any(f.items and f.links for f in second)
    assert any(f.page_date for f in second)


@pytest.mark.parametrize("label", ["Văn bản\x1fchỉ đạo", "Góp ý\x1edự thảo", "\x1f\x1e", "", "Lịch công tác"])
def test_links_come_back_whatever_characters_they_hold(tmp_path: Path, label: str) -> None:
    # Links are stored as one string with control characters between them; a parser may keep those.
    links = (
        Link(f"{URL}/a", label, region="nav"),
        Link(f"{URL}/b", "x", title=label),
        Link(f"{URL}/c", image_alt=label, image_src=f"{URL}/{label}.png"),
        Link(f"{URL}/d"),
        Link(f"{URL}/a", label, region="nav"),
    )
    facts = PageFacts(URL, 200, title=label, links=links)
    cache = FactsCache(tmp_path / DB, parse=lambda *args, **kwargs: facts)
    _extract(cache, b"<html></html>")
    cache.close()
    again = FactsCache(tmp_path / DB, parse=lambda *args, **kwargs: pytest.fail("parsed again"))
    # Twice: the second time, links rebuilt for the first are reused.
    assert [_extract(again, b"<html></html>"), _extract(again, b"<html></html>")] == [facts, facts]
    assert again.hits == 2


@pytest.mark.parametrize("label", ["Mục", "Mục\x1fcon", "Mục\x1econ"])
def test_a_menu_comes_back_on_every_page_whatever_it_holds(tmp_path: Path, label: str) -> None:
    # A run is worked out once per process for the menu's links; one whose text holds a separator
    # is no run, and is stored with each page instead.
    menu = tuple(Link(f"{URL}/muc-{i}", f"{label} {i}", region="nav") for i in range(MIN_RUN + 2))
    pages = {f"{URL}/{n}": PageFacts(f"{URL}/{n}", 200, links=(*menu, Link(f"{URL}/tin-{n}"))) for n in range(3)}
    cache = FactsCache(tmp_path / DB, parse=lambda url, *args, **kwargs: pages[url])
    assert [_extract(cache, url.encode(), url) for url in pages] == list(pages.values())
    cache.close()
    again = FactsCache(tmp_path / DB, parse=lambda *args, **kwargs: pytest.fail("parsed again"))
    assert [_extract(again, url.encode(), url) for url in pages] == list(pages.values())
    with sqlite3.connect(tmp_path / DB) as db:
        assert db.execute("SELECT count(*) FROM runs").fetchone()[0] == (label == "Mục")


def _site_page(number: int, chrome: str = "") -> bytes:
    """A page of one site: the same menu, side box and footer on every page, its own list in between."""
    menu = "".join(f'<li><a href="/muc-{i}">Mục {i}{chrome}</a></li>' for i in range(8))
    side = "".join(f'<li><a href="/lien-ket-{i}">Liên kết {i}</a></li>' for i in range(5))
    items = "".join(f'<li><a href="/tin/{number}-{i}">Tin {number}.{i}</a> (0{i + 1}/11/2026)</li>' for i in range(6))
    return (
        f"<html><head><title>Trang {number}</title></head><body><nav><ul>{menu}</ul></nav>"
        f'<main><h1>Trang {number}</h1><ul class="list">{items}</ul></main>'
        f'<aside class="sidebar"><ul>{side}</ul></aside><footer><a href="/lien-he">Liên hệ</a>'
        f'<a href="/so-do">Sơ đồ site</a><a href="/rss">RSS</a><a href="/">Trang chủ</a></footer></body></html>'
    ).encode()


def _site_urls(count: int) -> list[str]:
    return [f"https://stc.tinh.gov.vn/trang-{n}" for n in range(count)]


def test_a_sites_menus_and_footers_are_stored_once_and_come_back_in_place(tmp_path: Path) -> None:
    parser = _CountingParser()
    cache = FactsCache(tmp_path / DB, parse=parser)
    first = [_extract(cache, _site_page(n), url) for n, url in enumerate(_site_urls(40))]
    cache.close()
    regions = [link.region for link in first[0].links]
    assert {"nav", "side", "footer", "main"} <= set(regions), regions
    with sqlite3.connect(tmp_path / DB) as db:
        runs = db.execute("SELECT count(*) FROM runs").fetchone()[0]
    # Each stretch of chrome of at least MIN_RUN links is one run, whatever the number of pages.
    stretches = [len(list(g)) for chrome, g in itertools.groupby(regions, lambda r: r in CHROME) if chrome]
    assert runs == sum(1 for n in stretches if n >= MIN_RUN) >= 2
    again = FactsCache(tmp_path / DB, parse=parser)
    assert [_extract(again, _site_page(n), url) for n, url in enumerate(_site_urls(40))] == first
    assert parser.calls == 40
    # Another menu (a page of another site, or the same site changed) is another run.
    _extract(again, _site_page(99, chrome=" (mới)"), "https://stc.tinh.gov.vn/moi")
    again.close()
    with sqlite3.connect(tmp_path / DB) as db:
        assert db.execute("SELECT count(*) FROM runs").fetchone()[0] == runs + 1


@pytest.mark.parametrize("damage", ["missing", "garbage", "flipped"])
def test_a_page_whose_run_is_missing_or_damaged_is_parsed_again(tmp_path: Path, damage: str) -> None:
    parser = _CountingParser()
    cache = FactsCache(tmp_path / DB, parse=parser)
    expected = [_extract(cache, _site_page(n), url) for n, url in enumerate(_site_urls(3))]
    cache.close()
    with sqlite3.connect(tmp_path / DB) as db:
        if damage == "missing":
            db.execute("DELETE FROM runs WHERE rowid = (SELECT min(rowid) FROM runs)")
        else:
            (stored,) = db.execute("SELECT data FROM runs ORDER BY rowid LIMIT 1").fetchone()
            data = b"not zstd" if damage == "garbage" else stored[:12] + bytes([stored[12] ^ 0x55]) + stored[13:]
            db.execute("UPDATE runs SET data = ? WHERE rowid = (SELECT min(rowid) FROM runs)", (data,))
    again = FactsCache(tmp_path / DB, parse=parser)
    assert [_extract(again, _site_page(n), url) for n, url in enumerate(_site_urls(3))] == expected
    # The first page is parsed again, which makes the run anew for the pages after it, and stores it.
    assert parser.calls == 4
    again.close()
    third = FactsCache(tmp_path / DB, parse=parser)
    assert [_extract(third, _site_page(n), url) for n, url in enumerate(_site_urls(3))] == expected
    assert parser.calls == 4


@pytest.mark.parametrize(
    ("change", "value"),
    [
        ("url", "https://stc.tinh.gov.vn/other"),
        ("content_type", "text/html; charset=windows-1258"),
        ("last_modified", "Tue, 03 Nov 2026 08:00:00 GMT"),
        ("body", b"<html><body><h1>Changed</h1></body></html>"),
    ],
)
def test_anything_extraction_depends_on_makes_a_new_entry(tmp_path: Path, change: str, value: object) -> None:
    parser = _CountingParser()
    cache = FactsCache(tmp_path / DB, parse=parser)
    body = PAGES[0].read_bytes()
    _extract(cache, body)
    if change == "url":
        _extract(cache, body, str(value))
    elif change == "body":
        _extract(cache, value)  # type: ignore[arg-type]
    else:
        _extract(cache, body, **{change: value})
    assert parser.calls == 2


def test_a_changed_extractor_never_reads_old_entries(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    parser = _CountingParser()
    body = PAGES[0].read_bytes()
    for _ in range(2):  # the same extractor: parsed once
        cache = FactsCache(tmp_path / DB, parse=parser)
        _extract(cache, body)
        cache.close()
    assert parser.calls == 1
    monkeypatch.setattr("auditor.factcache.extractor_fingerprint", lambda: "another extractor")
    _extract(FactsCache(tmp_path / DB, parse=parser), body)
    assert parser.calls == 2


@pytest.mark.parametrize(
    "data",
    [
        b"not zstd",
        zstd.compress(marshal.dumps((1, 2, 3))),
        zstd.compress(marshal.dumps({"url": 1})),
        zstd.compress(marshal.dumps(("https://stc.tinh.gov.vn/khac", 200, *[None] * 12))),
        b"",
        None,
    ],
    ids=["garbage", "short-tuple", "wrong-shape", "other-page", "empty", "one-byte-flipped"],
)
def test_a_damaged_row_is_parsed_again_and_replaced(tmp_path: Path, data: bytes | None) -> None:
    parser = _CountingParser()
    body = PAGES[0].read_bytes()
    first = FactsCache(tmp_path / DB, parse=parser)
    expected = _extract(first, body)
    first.close()
    with sqlite3.connect(tmp_path / DB) as db:
        if data is None:  # damage inside the compressed frame: zstd's checksum catches it
            (stored,) = db.execute("SELECT data FROM facts").fetchone()
            data = stored[:20] + bytes([stored[20] ^ 0x55]) + stored[21:]
        assert db.execute("UPDATE facts SET data = ?", (data,)).rowcount == 1
    again = FactsCache(tmp_path / DB, parse=parser)
    assert _extract(again, body) == expected
    again.close()
    assert parser.calls == 2
    assert _extract(FactsCache(tmp_path / DB, parse=parser), body) == expected
    assert parser.calls == 2


def test_a_damaged_database_is_replaced(tmp_path: Path) -> None:
    (tmp_path / DB).write_bytes(b"this is not a database " * 100)
    parser = _CountingParser()
    body = PAGES[0].read_bytes()
    cache = FactsCache(tmp_path / DB, parse=parser)
    expected = _extract(cache, body)
    cache.close()
    assert _extract(FactsCache(tmp_path / DB, parse=parser), body) == expected
    assert parser.calls == 1


def test_an_unusable_cache_still_returns_the_facts(tmp_path: Path) -> None:
    (tmp_path / DB).mkdir()  # a folder where the database should be
    cache = FactsCache(tmp_path / DB)
    facts = _extract(cache, PAGES[0].read_bytes())
    assert facts == extract_page(URL, 200, PAGES[0].read_bytes(), content_type=HTML, as_of=AS_OF)
    assert (cache.hits, cache.misses) == (0, 1)


def _results(folder: Path) -> dict[str, object]:
    data: dict[str, object] = json.loads((folder / "run" / "results.json").read_text("utf-8"))
    return data


def test_a_second_audit_parses_no_unchanged_page(
    tmp_path: Path, run_cli: Callable[..., CliResult], monkeypatch: pytest.MonkeyPatch
) -> None:
    sites = subset_sites(tmp_path, ("ninhhai", "sgtvt"))
    cache = tmp_path / "cache"
    with sample_target(load_registry(sites)) as target:
        connect = [f"--connect-to={host}={addr}:{port}" for host, (addr, port) in target.resolve.items()]
        common = [
            "--sites", str(sites), "--rules", str(ROOT / "rules"), "--as-of", "2026-11-01", "--quiet",
            "--plain-http", "--delay", "0", "--cache", str(cache), "--format", "json", "--workers", "1", *connect,
        ]  # fmt: skip
        pages = []
        read_back: list[str] = []
        judged: list[object] = []
        body = HttpCache.body
        for run in ("first", "second", "third"):
            # Three requests at a time per host: the same pages, under another key for the kept crawl
            # (auditor.crawlmemo), which the third run, asked exactly as the second, reuses.
            wider = ["--per-host-concurrency", "3"] if run != "first" else []
            if run == "second":

                def reading(self: HttpCache, entry: CachedResponse) -> bytes | None:
                    if entry.body_sha256 is not None:  # an empty body is not read
                        read_back.append(entry.url)
                    return body(self, entry)

                monkeypatch.setattr(HttpCache, "body", reading)
                # Nor is a link or heading judged again: the first run kept its answers.
                monkeypatch.setattr(Recogniser, "match_link", lambda _, link: judged.append(link) or [])
                monkeypatch.setattr(Recogniser, "_page_matches", lambda _, key: judged.append(key) or ())
            result = run_cli("audit", *common, *wider, "--out", str(tmp_path / run / "run"))
            assert result.code == 0, result.stderr
            pages.append(json.loads((cache / FETCH_STATS_FILE).read_text(encoding="utf-8"))["pages"])
    # Within one run only a page reached under two URLs (a redirect's target) is reused.
    assert pages[0]["reused"] < 0.05 * pages[0]["parsed"]
    assert pages[0]["parsed"] > 50
    assert pages[1] == {"parsed": 0, "reused": pages[0]["parsed"] + pages[0]["reused"], "crawls_reused": 0}
    assert pages[2] == {"parsed": 0, "reused": pages[1]["reused"], "crawls_reused": 2}
    # The pages' bodies stay in the cache: their facts are found by the bodies' hashes.
    assert read_back
    assert all(url.endswith(("/robots.txt", ".xml")) for url in read_back), read_back
    assert judged == []
    first, second, third = (_results(tmp_path / r) for r in ("first", "second", "third"))
    assert first["agencies"] == second["agencies"] == third["agencies"]


def _store_many(path: Path, prefix: str, count: int) -> None:
    cache = FactsCache(path, parse=lambda url, status, body, **_: PageFacts(url=url, status_code=status))
    for i in range(count):
        _extract(cache, f"<p>{prefix} {i}</p>".encode(), f"https://{prefix}.gov.vn/{i}")
    cache.close()


# Reference dates around the labelled pages' dates: before all of them, between, on and after.
OTHER_DATES = [
    dt.date(1995, 1, 1),
    dt.date(2019, 6, 15),
    dt.date(2024, 1, 1),
    dt.date(2025, 6, 30),
    dt.date(2026, 10, 31),
    dt.date(2026, 11, 2),
    dt.date(2026, 12, 1),
    dt.date(2030, 1, 1),
]


def test_facts_come_back_for_another_reference_date_only_where_they_hold(tmp_path: Path) -> None:
    parser = _CountingParser()
    cache = FactsCache(tmp_path / DB, parse=parser)
    bodies = {f"https://stc.tinh.gov.vn/{page.stem}": page.read_bytes() for page in PAGES}
    for url, body in bodies.items():
        _extract(cache, body, url)
    reused = {}
    for as_of in OTHER_DATES:
        before = parser.calls
        for url, body in bodies.items():
            # Whatever the cache answers is what a fresh parse on that date gives.
            assert _extract(cache, body, url, as_of=as_of) == extract_page(
                url, 200, body, content_type=HTML, as_of=as_of
            ), (url, as_of)
            _extract(cache, body, url)  # back to AS_OF, so each date is compared with the first run
        reused[as_of] = len(bodies) - (parser.calls - before) // 2
    # A month on, pages whose newest date is older reuse their facts; years back, few do.
    assert reused[dt.date(2026, 12, 1)] > 0.8 * len(bodies)
    assert reused[dt.date(2026, 11, 2)] > 0.9 * len(bodies)
    assert reused[dt.date(1995, 1, 1)] < 0.1 * len(bodies)


def test_a_date_between_two_reference_dates_makes_the_page_parsed_again(tmp_path: Path) -> None:
    parser = _CountingParser()
    cache = FactsCache(tmp_path / DB, parse=parser)
    body = "<html><body><h1>Tin tức</h1><p>Ngày đăng: 15/11/2026</p><p>Cập nhật 03/10/2026</p></body></html>"
    first = _extract(cache, body.encode(), as_of=dt.date(2026, 11, 1))
    assert first.page_date == dt.date(2026, 10, 3)
    assert _extract(cache, body.encode(), as_of=dt.date(2026, 11, 14)) == first  # no date in between
    assert parser.calls == 1
    later = _extract(cache, body.encode(), as_of=dt.date(2026, 11, 15))
    assert later.page_date == dt.date(2026, 11, 15)
    assert parser.calls == 2
    assert _extract(cache, body.encode(), as_of=dt.date(2026, 10, 2)).page_date is None
    assert parser.calls == 3


def test_a_known_body_needs_no_bytes(tmp_path: Path) -> None:
    parser = _CountingParser()
    body = PAGES[0].read_bytes()
    sha = hashlib.sha256(body).hexdigest()
    cache = FactsCache(tmp_path / DB, parse=parser)
    lookup = {"content_type": HTML, "last_modified": None, "as_of": AS_OF, "sha256": sha}
    assert not cache.known(URL, 200, **lookup)  # type: ignore[arg-type]
    expected = _extract(cache, body, sha256=sha)
    cache.close()
    again = FactsCache(tmp_path / DB, parse=parser)
    assert again.known(URL, 200, **lookup)  # type: ignore[arg-type]
    assert _extract(again, b"", sha256=sha) == expected
    assert not again.known(URL, 404, **lookup)  # type: ignore[arg-type]
    assert not again.known(URL, 200, **{**lookup, "as_of": dt.date(1999, 1, 1)})  # type: ignore[arg-type]
    assert parser.calls == 1


def test_workers_storing_at_once_lose_nothing(tmp_path: Path) -> None:
    context = multiprocessing.get_context("spawn")
    workers = [context.Process(target=_store_many, args=(tmp_path / DB, name, 300)) for name in ("a", "b")]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=120)
        assert worker.exitcode == 0
    parser = _CountingParser()
    cache = FactsCache(tmp_path / DB, parse=parser)
    for name in ("a", "b"):
        for i in range(300):
            _extract(cache, f"<p>{name} {i}</p>".encode(), f"https://{name}.gov.vn/{i}")
    assert (cache.hits, parser.calls) == (600, 0)


def test_a_foreign_database_is_replaced(tmp_path: Path) -> None:
    with sqlite3.connect(tmp_path / DB) as db:
        db.execute("CREATE TABLE facts (key TEXT, other TEXT)")  # same table name, another shape
    parser = _CountingParser()
    cache = FactsCache(tmp_path / DB, parse=parser)
    expected = _extract(cache, PAGES[0].read_bytes())
    cache.close()
    assert _extract(FactsCache(tmp_path / DB, parse=parser), PAGES[0].read_bytes()) == expected
    assert parser.calls == 1


def test_links_that_keep_coming_back_stay_the_same_objects_in_a_bounded_pool() -> None:
    pool = _LinkPool(size=100)
    menu = [f"https://stc.tinh.gov.vn/m{i}\x1fMục {i}\x1f\x1f\x1f\x1fnav" for i in range(10)]
    first = [pool.link(record) for record in menu]
    assert first[3] == Link("https://stc.tinh.gov.vn/m3", "Mục 3", region="nav")
    for page in range(200):  # each page: the menu, then five headlines never seen again
        assert all(pool.link(record) is link for record, link in zip(menu, first, strict=True))
        for item in range(5):
            pool.link(f"https://stc.tinh.gov.vn/tin/{page}-{item}\x1fTin {page}.{item}\x1f\x1f\x1f\x1fmain")
    assert len(pool) <= 100
    assert pool.link("https://stc.tinh.gov.vn/tin/0-0\x1fTin 0.0\x1f\x1f\x1f\x1fmain") == Link(
        "https://stc.tinh.gov.vn/tin/0-0", "Tin 0.0"
    )


def _traced(cache: FactsCache) -> list[str]:
    """Every statement the cache's connection runs from now on."""
    statements: list[str] = []
    db = cache._connection()
    assert db is not None
    db.set_trace_callback(statements.append)
    return statements


def _per_page(statements: list[str]) -> int:
    return sum(1 for s in statements if "FROM facts WHERE key =" in s)


def test_a_site_read_ahead_gives_the_same_facts_without_a_query_per_page(tmp_path: Path) -> None:
    parser = _CountingParser()
    cache = FactsCache(tmp_path / DB, parse=parser)
    other = [f"https://stp.tinh.gov.vn/trang-{n}" for n in range(5)]
    first = [_extract(cache, _site_page(n), url) for n, url in enumerate(_site_urls(30) + other)]
    cache.close()
    again = FactsCache(tmp_path / DB, parse=parser)
    statements = _traced(again)
    again.read_ahead(["stc.tinh.gov.vn", "www.stc.tinh.gov.vn"])
    assert [_extract(again, _site_page(n), url) for n, url in enumerate(_site_urls(30))] == first[:30]
    assert _per_page(statements) == 0
    # A host not read ahead is looked up page by page, and comes back the same.
    assert [_extract(again, _site_page(30 + n), url) for n, url in enumerate(other)] == first[30:]
    assert _per_page(statements) == len(other)
    assert parser.calls == 35
    # Once the site is done, its pages are looked up one by one again.
    again.done_with(["stc.tinh.gov.vn", "www.stc.tinh.gov.vn"])
    assert _extract(again, _site_page(0), _site_urls(1)[0]) == first[0]
    assert _per_page(statements) == len(other) + 1
    assert parser.calls == 35


def test_a_page_stored_after_its_site_was_read_ahead_is_found(tmp_path: Path) -> None:
    parser = _CountingParser()
    cache = FactsCache(tmp_path / DB, parse=parser)
    cache.read_ahead(["stc.tinh.gov.vn"])
    cache.read_ahead(["stc.tinh.gov.vn"])  # a second agency on the same host
    stored = [_extract(cache, _site_page(n), url) for n, url in enumerate(_site_urls(3))]
    cache.flush()
    cache._pinned.clear()
    statements = _traced(cache)
    cache.done_with(["stc.tinh.gov.vn"])  # the other agency still crawls it
    assert [_extract(cache, _site_page(n), url) for n, url in enumerate(_site_urls(3))] == stored
    assert parser.calls == 3
    assert _per_page(statements) == 3  # noted as stored, not held: looked up in the database


def test_a_host_with_more_rows_than_may_be_held_is_looked_up_page_by_page(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    parser = _CountingParser()
    cache = FactsCache(tmp_path / DB, parse=parser)
    first = [_extract(cache, _site_page(n), url) for n, url in enumerate(_site_urls(12))]
    cache.close()
    monkeypatch.setattr(factcache, "MAX_READ_AHEAD", 10)
    again = FactsCache(tmp_path / DB, parse=parser)
    statements = _traced(again)
    again.read_ahead(["stc.tinh.gov.vn"])
    assert [_extract(again, _site_page(n), url) for n, url in enumerate(_site_urls(12))] == first
    assert _per_page(statements) == 12
    assert parser.calls == 12


def test_facts_given_out_from_a_read_ahead_are_found_again(tmp_path: Path) -> None:
    parser = _CountingParser()
    cache = FactsCache(tmp_path / DB, parse=parser)
    first = _extract(cache, _site_page(0), _site_urls(1)[0])
    cache.close()
    again = FactsCache(tmp_path / DB, parse=parser)
    again.read_ahead(["stc.tinh.gov.vn"])
    assert _extract(again, _site_page(0), _site_urls(1)[0]) == first  # given out, and dropped
    assert _extract(again, _site_page(0), _site_urls(1)[0]) == first  # asked again: from the database
    assert parser.calls == 1

"""The HTTP cache's database: shared by worker processes, pickled to them, and never fatal when damaged."""

from __future__ import annotations

import multiprocessing
import pickle
import re
import sqlite3
from contextlib import closing
from pathlib import Path
from typing import Any

import pytest

from auditor.crawl.cache import DATABASE, STORE_BATCH, TOUCH_BATCH, CachedResponse, HttpCache

PAGES = 300
# Processes opening one new database together.
PROCESSES = 6


def _body(process: int, page: int) -> bytes:
    # Every tenth page is the same in both processes: the body is stored once.
    if page % 10 == 0:
        return b"<html>shared %d</html>" % page
    return b"<html>process %d page %d</html>" % (process, page) * 20


def _url(process: int, page: int) -> str:
    return f"https://s{process}.ninhthuan.gov.vn/trang-{page}.html"


def _store_pages(cache: HttpCache, process: int, start: Any) -> int:
    """One worker: wait for the other, then store PAGES responses as fast as it can."""
    start.wait(60)
    for page in range(PAGES):
        cache.store(
            _url(process, page),
            status_code=200,
            content_type="text/html",
            last_modified=None,
            etag=f'"{process}-{page}"',
            location="",
            body=_body(process, page),
            truncated=False,
        )
    cache.flush()  # as a worker does when its share is done
    return cache.entry_count()


def _store(cache: HttpCache, url: str, body: bytes, etag: str | None = None) -> CachedResponse:
    return cache.store(
        url,
        status_code=200,
        content_type="text/html",
        last_modified=None,
        etag=etag,
        location="",
        body=body,
        truncated=False,
    )


def _bodies(root: Path) -> int:
    with closing(sqlite3.connect(root / DATABASE)) as db:
        count: int = db.execute("SELECT count(*) FROM bodies").fetchone()[0]
    return count


def test_two_processes_store_into_one_cache_at_once(tmp_path: Path) -> None:
    cache = HttpCache(tmp_path, "run")
    cache.begin()
    context = multiprocessing.get_context("spawn")
    with context.Manager() as manager:
        start = manager.Event()
        with context.Pool(2) as pool:
            pending = [pool.apply_async(_store_pages, (cache, process, start)) for process in (1, 2)]
            start.set()
            counts = [p.get(timeout=120) for p in pending]
    assert all(PAGES <= count <= 2 * PAGES for count in counts)
    assert cache.entry_count() == 2 * PAGES
    for process in (1, 2):
        for page in range(PAGES):
            entry = cache.lookup(_url(process, page))
            assert entry is not None
            assert entry.token == cache.token
            assert entry.etag == f'"{process}-{page}"'
            assert cache.body(entry) == _body(process, page)
    assert _bodies(tmp_path) == 2 * PAGES - PAGES // 10
    # The parent finishes the run once the workers are done: nothing is pruned, everything is in use.
    cache.finish()
    assert _bodies(tmp_path) == 2 * PAGES - PAGES // 10
    assert not HttpCache(tmp_path, "run").resuming


def test_a_pickled_cache_is_the_same_run_with_its_own_connection(tmp_path: Path) -> None:
    cache = HttpCache(tmp_path, "run")
    cache.begin()
    stored = _store(cache, "https://a.gov.vn/", b"<html>a</html>", '"e"')
    cache.flush()  # what waits in memory is not pickled: the copy must not write it again
    copy = pickle.loads(pickle.dumps(cache))  # noqa: S301 - our own bytes
    assert (copy.root, copy.run_key, copy.token, copy.resuming) == (cache.root, cache.run_key, cache.token, False)
    assert copy.lookup("https://a.gov.vn/") == stored
    assert copy.body(stored) == b"<html>a</html>"
    _store(copy, "https://a.gov.vn/b", b"<html>b</html>")
    copy.flush()  # its process's share done
    entry = cache.lookup("https://a.gov.vn/b")
    assert entry is not None
    assert entry.token == cache.token
    assert cache.entry_count() == copy.entry_count() == 2


def test_a_damaged_database_is_an_empty_cache_recreated(tmp_path: Path) -> None:
    (tmp_path / DATABASE).write_bytes(bytes(range(256)) * 64)
    cache = HttpCache(tmp_path, "run")
    assert cache.entry_count() == 0
    assert cache.lookup("https://a.gov.vn/") is None
    cache.begin()
    assert not cache.resuming
    _store(cache, "https://a.gov.vn/", b"<html>a</html>")
    cache.flush()
    again = HttpCache(tmp_path, "run")
    again.begin()
    assert again.resuming
    entry = again.lookup("https://a.gov.vn/")
    assert entry is not None
    assert again.body(entry) == b"<html>a</html>"


def test_a_foreign_database_or_an_old_layout_is_an_empty_cache(tmp_path: Path) -> None:
    with closing(sqlite3.connect(tmp_path / DATABASE)) as db:
        db.execute("CREATE TABLE entries (url TEXT)")
        db.execute("INSERT INTO entries VALUES ('https://a.gov.vn/')")
        db.commit()
    # The previous format: a file per entry and an unfinished run's token.
    (tmp_path / "entries" / "ab").mkdir(parents=True)
    (tmp_path / "entries" / "ab" / "abcd.json").write_text('{"url": "https://a.gov.vn/"}', encoding="utf-8")
    (tmp_path / "runs").mkdir()
    (tmp_path / "runs" / "x.json").write_text('{"format": 1, "token": "t"}', encoding="utf-8")
    cache = HttpCache(tmp_path, "run")
    cache.begin()
    assert not cache.resuming
    assert cache.entry_count() == 0
    assert cache.lookup("https://a.gov.vn/") is None


def test_finish_drops_bodies_no_entry_points_to(tmp_path: Path) -> None:
    cache = HttpCache(tmp_path, "run")
    cache.begin()
    _store(cache, "https://a.gov.vn/", b"<html>old</html>")
    _store(cache, "https://a.gov.vn/copy", b"<html>old</html>")
    _store(cache, "https://a.gov.vn/gone", b"<html>gone</html>")
    _store(cache, "https://a.gov.vn/", b"<html>new</html>")  # the page changed
    _store(cache, "https://a.gov.vn/gone", b"")  # now an empty answer
    cache.flush()
    assert _bodies(tmp_path) == 3
    cache.finish()
    assert _bodies(tmp_path) == 2
    for url, body in (("https://a.gov.vn/", b"<html>new</html>"), ("https://a.gov.vn/copy", b"<html>old</html>")):
        entry = cache.lookup(url)
        assert entry is not None
        assert cache.body(entry) == body
    gone = cache.lookup("https://a.gov.vn/gone")
    assert gone is not None
    assert cache.body(gone) == b""


def test_an_unusable_folder_is_an_os_error_for_begin_and_a_miss_for_lookup(tmp_path: Path) -> None:
    (tmp_path / DATABASE).mkdir()  # a folder where the database should be
    cache = HttpCache(tmp_path, "run")
    assert cache.lookup("https://a.gov.vn/") is None
    with pytest.raises(OSError, match=re.escape(DATABASE)):
        cache.begin()


def test_a_database_damaged_during_a_run_never_fails_the_run(tmp_path: Path) -> None:
    cache = HttpCache(tmp_path, "run")
    cache.begin()
    entry = _store(cache, "https://a.gov.vn/", b"<html>a</html>", '"e"')
    with closing(sqlite3.connect(tmp_path / DATABASE)) as db:
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)")  # everything in the database file itself
    (tmp_path / DATABASE).write_bytes(b"\xff" * 8192)
    # Whatever the open connection still sees, nothing raises.
    cache.lookup("https://a.gov.vn/")
    cache.body(entry)
    _store(cache, "https://a.gov.vn/b", b"<html>b</html>")
    cache.touch(entry)
    cache.entry_count()
    cache.finish()
    again = HttpCache(tmp_path, "run")
    again.begin()
    assert not again.resuming
    assert again.entry_count() == 0


def _stored_then_next_run(root: Path, run: str) -> tuple[list[CachedResponse], HttpCache]:
    """Three pages stored by a finished run "month 1", and the run ``run`` begun after it."""
    first = HttpCache(root, "month 1")
    first.begin()
    entries = [_store(first, f"https://a.gov.vn/{i}", f"<html>{i}</html>".encode(), f'"{i}"') for i in range(3)]
    first.finish()
    second = HttpCache(root, run)
    second.begin()
    return entries, second


def test_touches_are_written_in_batches_and_a_resumed_run_replays_them(tmp_path: Path) -> None:
    entries, second = _stored_then_next_run(tmp_path, "month 2")
    for entry in entries:
        second.touch(entry)
    # Waiting in memory until a batch is full or the process flushes: a kill now loses only these.
    assert all(HttpCache(tmp_path, "reader").lookup(e.url) == e for e in entries)
    _store(second, entries[0].url, b"<html>new</html>", '"new"')  # a newer response beats a waiting touch
    second.flush()
    resumed = HttpCache(tmp_path, "month 2")
    resumed.begin()
    assert resumed.resuming
    looked_up = [resumed.lookup(e.url) for e in entries]
    assert all(entry is not None and resumed.replayable(entry) for entry in looked_up)
    assert [e.etag for e in looked_up if e is not None] == ['"new"', '"1"', '"2"']


def _replayed_on_resume(root: Path, run: str, entries: list[CachedResponse]) -> int:
    """How many of ``entries`` a run resuming ``run`` would replay without asking the server."""
    resumed = HttpCache(root, run)
    resumed.begin()
    assert resumed.resuming
    return sum(1 for e in entries if (found := resumed.lookup(e.url)) is not None and resumed.replayable(found))


def _seen_rows(root: Path) -> int:
    with closing(sqlite3.connect(root / DATABASE)) as db:
        count: int = db.execute("SELECT count(*) FROM seen").fetchone()[0]
    return count


def test_a_full_batch_of_touches_is_written_at_once(tmp_path: Path) -> None:
    first = HttpCache(tmp_path, "month 1")
    first.begin()
    entries = [_store(first, f"https://a.gov.vn/{i}", b"<html>same</html>") for i in range(TOUCH_BATCH + 1)]
    first.flush()
    second = HttpCache(tmp_path, "month 2")
    second.begin()
    for entry in entries:
        second.touch(entry)
    assert _replayed_on_resume(tmp_path, "month 2", entries) == TOUCH_BATCH  # the last one waits for a flush
    second.flush()
    assert _replayed_on_resume(tmp_path, "month 2", entries) == len(entries)
    second.finish()
    assert _seen_rows(tmp_path) == 0  # a finished run's touches are dropped, though "month 1" is unfinished


def test_a_finished_run_keeps_the_touches_of_a_killed_one(tmp_path: Path) -> None:
    entries, killed = _stored_then_next_run(tmp_path, "month 2")
    for entry in entries:
        killed.touch(entry)
    killed.flush()  # then killed: never finished
    other = HttpCache(tmp_path, "another registry")
    other.begin()
    other.touch(entries[0])
    other.finish()
    assert _seen_rows(tmp_path) == len(entries)  # the killed run's, not the finished one's
    assert _replayed_on_resume(tmp_path, "month 2", entries) == len(entries)


@pytest.mark.parametrize("damage", [b"", b"\x00" * 40, b"(\xb5/\xfd garbage", None])
def test_a_damaged_body_is_a_miss_never_an_error(tmp_path: Path, damage: bytes | None) -> None:
    cache = HttpCache(tmp_path, "run")
    cache.begin()
    entry = _store(cache, "https://a.gov.vn/", b"<html>a</html>" * 100)
    assert cache.body(entry) == b"<html>a</html>" * 100
    cache.flush()
    with closing(sqlite3.connect(tmp_path / DATABASE)) as db, db:
        if damage is None:  # a truncated frame of the real body
            (data,) = db.execute("SELECT data FROM bodies").fetchone()
            damage = data[: len(data) // 2]
        db.execute("UPDATE bodies SET data = ?", (damage,))
    assert HttpCache(tmp_path, "run").body(entry) is None


def test_stored_responses_wait_for_a_full_batch_and_are_found_meanwhile(tmp_path: Path) -> None:
    cache = HttpCache(tmp_path, "run")
    cache.begin()
    urls = [f"https://a.gov.vn/{i}" for i in range(STORE_BATCH + 1)]
    bodies = [b"<html>shared</html>" if i % 2 else b"<html>%d</html>" % i for i in range(len(urls))]
    entries = [_store(cache, urls[i], bodies[i]) for i in range(STORE_BATCH - 1)]
    # Waiting: this process finds them as if stored, another sees none, a kill now loses them.
    assert [cache.lookup(url) for url in urls[: STORE_BATCH - 1]] == entries
    assert [cache.body(entry) for entry in entries] == bodies[: STORE_BATCH - 1]
    assert HttpCache(tmp_path, "reader").entry_count() == 0
    assert _replayed_on_resume(tmp_path, "run", entries) == 0
    entries.append(_store(cache, urls[STORE_BATCH - 1], bodies[STORE_BATCH - 1]))  # a full batch: written
    entries.append(_store(cache, urls[-1], bodies[-1]))  # waits for the next
    reader = HttpCache(tmp_path, "reader")
    assert [reader.lookup(url) for url in urls] == [*entries[:STORE_BATCH], None]
    assert [reader.body(entry) for entry in entries[:STORE_BATCH]] == bodies[:STORE_BATCH]
    assert _bodies(tmp_path) == STORE_BATCH // 2 + 1  # the shared body once
    assert _replayed_on_resume(tmp_path, "run", entries) == STORE_BATCH
    cache.finish()  # writes the last one
    assert HttpCache(tmp_path, "reader").lookup(urls[-1]) == entries[-1]


def _open_and_write(root: Path, process: int, together: Any, opened: Any) -> None:
    """One worker: open the not yet existing cache at the same moment as the others, then store a response."""
    together.wait(60)
    cache = HttpCache(root, "run")
    _store(cache, f"https://s{process}.gov.vn/", b"<html>%d</html>" % process)
    cache.flush()
    opened.put(process)


def test_processes_creating_the_database_at_once_all_get_it(tmp_path: Path) -> None:
    # SQLite answered "database is locked" at once to a process switching a brand-new file to WAL
    # while another did; that worker then ran without its cache (seen in CI).
    context = multiprocessing.get_context("spawn")
    for trial in range(8):
        root = tmp_path / str(trial)
        together, opened = context.Barrier(PROCESSES), context.Queue()
        workers = [context.Process(target=_open_and_write, args=(root, p, together, opened)) for p in range(PROCESSES)]
        for worker in workers:
            worker.start()
        for worker in workers:
            worker.join(timeout=120)
            assert worker.exitcode == 0
        assert sorted(opened.get(timeout=5) for _ in workers) == list(range(PROCESSES))
        assert HttpCache(root, "reader").entry_count() == PROCESSES


# URLs around the read-ahead ranges of a.gov.vn: other schemes, a port, hosts sharing its name's
# start, upper case, no path, a query straight after the host.
AROUND = [
    "https://a.gov.vn/",
    "https://a.gov.vn/tin-tuc?id=1",
    "http://a.gov.vn/gioi-thieu",
    "https://a.gov.vn:8443/x",
    "https://a.gov.vn.evil.vn/x",
    "https://a.gov.vnx/x",
    "https://a.gov.vn0/x",
    "https://A.gov.vn/x",
    "https://a.gov.vn?x=1",
    "https://a.gov.vn",
    "https://b.gov.vn/",
    "https://vbpq.a.gov.vn/van-ban",
]


def test_read_ahead_answers_every_lookup_as_the_database_does(tmp_path: Path) -> None:
    writer = HttpCache(tmp_path, "run")
    writer.begin()
    for i, url in enumerate(AROUND[::2]):
        _store(writer, url, b"<html>%d</html>" % i)
    broken = _store(writer, "https://a.gov.vn/broken", b"<html>lost</html>")
    writer.flush()
    with closing(sqlite3.connect(tmp_path / DATABASE)) as db, db:
        db.execute("DELETE FROM bodies WHERE sha256 = ?", (broken.body_sha256,))  # an entry without its body
    asked = [*AROUND, broken.url, "https://a.gov.vn/never-stored"]
    plain = HttpCache(tmp_path, "run")
    expected = [plain.lookup(url) for url in asked]
    assert sum(entry is not None for entry in expected) == len(AROUND[::2]) + 1
    assert [entry.url for entry in expected if entry is not None and not entry.body_kept] == [broken.url]
    ahead = HttpCache(tmp_path, "run")
    ahead.read_ahead(["a.gov.vn", "b.gov.vn", "A.GOV.VN"])
    assert [ahead.lookup(url) for url in asked] == expected
    assert [ahead.lookup(url) for url in asked] == expected  # asked again: from the database
    # Answered from memory, once each: "scheme://host/…" of the hosts read ahead. The rest (a port,
    # upper case, other hosts, no slash after the host) is looked up in the database.
    in_memory = {*AROUND[:3], "https://b.gov.vn/", broken.url, "https://a.gov.vn/never-stored"}
    once = HttpCache(tmp_path, "run")
    once.read_ahead(["a.gov.vn", "b.gov.vn"])
    with closing(sqlite3.connect(tmp_path / DATABASE)) as db, db:
        db.execute("DELETE FROM entries")
    assert [once.lookup(url) for url in asked] == [
        entry if url in in_memory else None for url, entry in zip(asked, expected, strict=True)
    ]
    assert [once.lookup(url) for url in asked] == [None] * len(asked)  # nothing kept once given out


def test_read_ahead_sees_what_the_process_stores_before_and_after(tmp_path: Path) -> None:
    cache = HttpCache(tmp_path, "run")
    cache.begin()
    waiting = _store(cache, "https://a.gov.vn/waiting", b"<html>w</html>")  # not written yet
    cache.read_ahead(["a.gov.vn"])
    later = _store(cache, "https://a.gov.vn/later", b"<html>l</html>")
    cache.flush()  # both written: the database and memory agree
    assert (cache.lookup(waiting.url), cache.lookup(later.url)) == (waiting, later)
    replaced = _store(cache, waiting.url, b"<html>new</html>", etag='"2"')
    cache.flush()
    assert cache.lookup(waiting.url) == replaced
    assert HttpCache(tmp_path, "run").lookup(waiting.url) == replaced


def test_read_ahead_entries_stay_until_the_last_site_of_the_host_is_done(tmp_path: Path) -> None:
    cache = HttpCache(tmp_path, "run")
    cache.begin()
    entry = _store(cache, "https://a.gov.vn/", b"<html>a</html>")
    cache.flush()
    cache.read_ahead(["a.gov.vn"])
    cache.read_ahead(["a.gov.vn"])  # two agencies sharing a host, crawled at once
    with closing(sqlite3.connect(tmp_path / DATABASE)) as db, db:
        db.execute("DELETE FROM entries")
    cache.done_with(["a.gov.vn"])
    assert cache.lookup(entry.url) == entry  # still read ahead for the other
    cache.done_with(["a.gov.vn"])
    assert cache.lookup(entry.url) is None  # from the database again, where it is gone
    cache.done_with(["a.gov.vn", "never.gov.vn"])  # more than asked for: nothing to do


def test_read_ahead_holds_at_most_its_cap_and_looks_up_the_rest(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    writer = HttpCache(tmp_path, "run")
    writer.begin()
    small = [_store(writer, f"https://a.gov.vn/{i}", b"<html>a%d</html>" % i) for i in range(2)]
    large = [_store(writer, f"http{'s' * (i % 2)}://b.gov.vn/{i}", b"<html>b%d</html>" % i) for i in range(4)]
    writer.flush()
    monkeypatch.setattr("auditor.crawl.cache.MAX_READ_AHEAD", 5)
    cache = HttpCache(tmp_path, "run")
    cache.read_ahead(["a.gov.vn", "b.gov.vn"])  # 2 held, 4 more would pass 5
    with closing(sqlite3.connect(tmp_path / DATABASE)) as db, db:
        db.execute("DELETE FROM entries")
    assert [cache.lookup(entry.url) for entry in small] == small  # from memory
    assert [cache.lookup(entry.url) for entry in large] == [None] * 4  # from the database, emptied

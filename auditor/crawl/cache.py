"""The on-disk HTTP cache: conditional requests for next month's audit, and resuming a killed run.

Layout: one SQLite database, ``http-cache.sqlite3`` under the cache folder (WAL journal, so the
worker processes of one run write into it at once while readers never wait), with four tables:

- ``entries``: one response per requested URL (one redirect hop): status, the headers the crawl
  reads, the validators (``ETag``, ``Last-Modified``), the body's hash, and the token of the run
  that stored it;
- ``bodies``: bodies, content-addressed by SHA-256 and zstd-compressed (level 1: a page compresses
  about 8:1 in a fifth of the CPU of zlib's fastest level; an unchanged body is stored once, never
  rewritten). Only the bodies a caller may need back: a page whose facts the crawl keeps (see
  ``auditor.factcache``, by the same hash) is stored without its body, see ``store``;
- ``runs``: a row per unfinished run, keyed by a hash of its arguments; holds its token;
- ``seen``: the URLs an unfinished run got a 304 for, with its token (appended, never updated).

Stored responses wait in memory and are written STORE_BATCH at a time, and by ``flush``, each
body with the entry that points to it in one transaction: a transaction per page cost 115 µs of
SQLite work against 65 in batches (1,500 corpus pages). A process finds its waiting responses as if
stored. With ``synchronous=NORMAL`` a commit writes to the WAL without
waiting for the disk, and what was committed survives a ``kill -9`` of the process (only a power
loss may drop the last commits, never corrupt the database); a killed run loses at most the
responses still waiting, which a resumed run asks the server for again. ``touch`` (a 304 seen)
appends the URL to ``seen``: touches wait the same way, TOUCH_BATCH at a time, as a commit per 304
was a good part of what a rerun spends. Appending takes 6.6 µs a URL with its share of the
writes, where rewriting the entry's row with the run's token took 37 (10,268 benchmark entries).
Only a resumed run reads ``seen``. A killed run loses at most the touches still waiting; a resumed
run asks the server about those pages again instead of replaying them. A damaged or foreign
database file is deleted and recreated empty; files of older layouts in the folder are ignored.
``finish`` deletes the URLs finished runs saw and the bodies no entry points to any more (pages
whose content changed). A site's crawl reads its hosts' entries at once (``read_ahead``), one range
of the key per host instead of a query per page, up to MAX_READ_AHEAD entries held per process.

A run whose arguments match an unfinished run takes over that run's token: responses stored under
it are replayed without asking the server (the crawl is deterministic given the same responses, so
the rerun reproduces the same results). Any other run revalidates what it has cached with
``If-None-Match`` / ``If-Modified-Since`` and treats ``304 Not Modified`` as the cached body.

An :class:`HttpCache` is pickled to the worker processes of a run: each process opens its own
connection on first use (a connection is never pickled nor shared between processes or threads).
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import secrets
import sqlite3
import threading
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .. import zstd
from .sqlitefile import DatabaseFormat, is_damaged, open_database
from .urls import plain_host

__all__ = [
    "DATABASE",
    "MAX_READ_AHEAD",
    "STORE_BATCH",
    "TOUCH_BATCH",
    "CachedResponse",
    "HttpCache",
    "body_sha256",
    "last_readers",
]

# The database's file name under the cache folder.
DATABASE = "http-cache.sqlite3"
# Written into the database header: a file without both is foreign (or of an older format) and is
# recreated. Bump _FORMAT whenever the schema changes.
_APPLICATION_ID = 0x41554454  # "AUDT"
_FORMAT = 4
# Fast compression: the cache is written once per fetched page, read back only for 304s and resumes.
_COMPRESSION = 1
_compress_body = zstd.FrameCompressor(level=_COMPRESSION)
# Touches, and stored responses, written per transaction.
TOUCH_BATCH = 64
STORE_BATCH = 16
# Entries read ahead and not yet asked for, at most, per process: about 0.7 KB each. A host that
# would pass it is looked up page by page (32 sites of 1000 pages crawled at once would hold 22 MB).
MAX_READ_AHEAD = 10_000
# Connections a forked child inherited (see HttpCache._db).
_INHERITED: list[sqlite3.Connection] = []

_SCHEMA = (
    """
CREATE TABLE entries (
    url TEXT PRIMARY KEY,
    status_code INTEGER NOT NULL,
    content_type TEXT NOT NULL,
    last_modified TEXT,
    etag TEXT,
    location TEXT NOT NULL,
    body_sha256 TEXT,
    truncated INTEGER NOT NULL,
    token TEXT NOT NULL
) WITHOUT ROWID""",
    "CREATE TABLE bodies (sha256 TEXT PRIMARY KEY, data BLOB NOT NULL)",
    "CREATE TABLE runs (key TEXT PRIMARY KEY, token TEXT NOT NULL) WITHOUT ROWID",
    "CREATE TABLE seen (token TEXT NOT NULL, url TEXT NOT NULL)",
)
_DATABASE_FORMAT = DatabaseFormat(_APPLICATION_ID, _FORMAT, _SCHEMA)
# An entry's fields after its URL, and whether the body it points to is there (see _entry).
_ENTRY_COLUMNS = """status_code, content_type, last_modified, etag, location, body_sha256, truncated, token,
       body_sha256 IS NULL OR EXISTS (SELECT 1 FROM bodies WHERE sha256 = entries.body_sha256)"""
_LOOKUP = f"SELECT {_ENTRY_COLUMNS} FROM entries WHERE url = ?"  # noqa: S608 - constants; values are bound
# The same for a range of URLs, each URL first.
_READ_AHEAD = f"SELECT url, {_ENTRY_COLUMNS} FROM entries WHERE url >= ? AND url < ? LIMIT ?"  # noqa: S608 - as above
_PUT_ENTRY = "INSERT OR REPLACE INTO entries VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"
# URLs seen by runs that are not unfinished any more (a killed run that was never resumed included).
_FORGET_SEEN = "DELETE FROM seen WHERE token NOT IN (SELECT token FROM runs)"
# Bodies no entry points to. The inner SELECT reads the hashes from the primary key's index alone: a
# scan of the table would read a page of every body.
_PRUNE = """
DELETE FROM bodies WHERE rowid IN (
    SELECT rowid FROM bodies WHERE sha256 NOT IN (SELECT body_sha256 FROM entries WHERE body_sha256 IS NOT NULL)
)
"""


@dataclass(frozen=True, slots=True)
class CachedResponse:
    """One stored response to a GET of ``url`` (a single hop: redirects are stored unfollowed)."""

    url: str
    status_code: int
    content_type: str
    last_modified: str | None
    etag: str | None
    location: str
    body_sha256: str | None
    truncated: bool
    token: str
    # Whether the body can be read back (see ``body``): False for an entry stored without it, whose
    # caller keeps what it needs of the body by its hash, or whose body was lost from a damaged file.
    body_kept: bool = True

    @property
    def validators(self) -> dict[str, str]:
        """The conditional request headers that ask the server whether this response is still current."""
        headers: dict[str, str] = {}
        if self.status_code != 200:
            return headers
        if self.etag:
            headers["If-None-Match"] = self.etag
        if self.last_modified:
            headers["If-Modified-Since"] = self.last_modified
        return headers


def body_sha256(body: bytes) -> str:
    """The hash a body is stored under (hex SHA-256)."""
    return hashlib.sha256(body).hexdigest()


def last_readers(readers: dict[str, int], hosts: Iterable[str]) -> list[str]:
    """A site done with the hosts it read ahead: each counted out of ``readers``; those no site reads any more.

    A host two agencies share is read once, for the first of them, and let go after the last.
    """
    gone = []
    for host in hosts:
        count = readers.get(host)
        if count is None:
            continue  # never read ahead: looked up page by page
        if count > 1:
            readers[host] = count - 1
        else:
            del readers[host]
            gone.append(host)
    return gone


class HttpCache:
    """Responses on disk, keyed by URL; one instance per run, used from one event loop per process."""

    def __init__(self, root: Path, run_key: str) -> None:
        self.root = root
        self.run_key = hashlib.sha256(run_key.encode("utf-8")).hexdigest()[:32]
        self.token = ""
        self.resuming = False
        self._connection: sqlite3.Connection | None = None
        self._owner: tuple[int, int] | None = None  # (process, thread) that opened the connection
        self._touched: list[str] = []  # URLs got a 304 for, not yet written to ``seen``
        self._stored: dict[str, CachedResponse] = {}  # responses not yet written, by URL
        # Responses stored without their body, held until the caller has kept what it needs (settle).
        self._unsettled: dict[str, CachedResponse] = {}
        self._write_first: Callable[[], object] | None = None  # see write_first
        self._bodies: dict[str, bytes] = {}  # their compressed bodies not yet written, by hash
        self._seen: set[str] | None = None  # what the run this one resumes got a 304 for, once read
        # The entries of the hosts whose sites are being crawled (see read_ahead), and how many of
        # those sites asked for each host.
        self._ahead: dict[str, _ReadAhead] = {}
        self._readers: dict[str, int] = {}

    def __getstate__(self) -> dict[str, Any]:
        # A worker process opens its own connection (see _db), keeps its own touches and reads ``seen`` itself.
        return {
            **self.__dict__,
            "_connection": None,
            "_owner": None,
            "_touched": [],
            "_stored": {},
            "_unsettled": {},
            "_write_first": None,
            "_bodies": {},
            "_seen": None,
            "_ahead": {},
            "_readers": {},
        }

    def _db(self) -> sqlite3.Connection:
        """This process's (and thread's) connection, opened on first use."""
        owner = (os.getpid(), threading.get_ident())
        if self._connection is None or self._owner != owner:
            if self._connection is not None and self._owner is not None and self._owner[0] != owner[0]:
                # Inherited through fork: kept unused, never closed (closing it could disturb the parent's).
                _INHERITED.append(self._connection)
            self._connection = open_database(self.root / DATABASE, _DATABASE_FORMAT)
            self._owner = owner
        return self._connection

    def _write_failed(self, exc: sqlite3.Error) -> None:
        """A write the database refused: dropped if the file is damaged (the cache is then as good as
        empty, and recreated by the next run), else an ``OSError`` like any file that cannot be written.
        """
        if not is_damaged(exc):
            raise OSError(f"{self.root / DATABASE}: {exc}") from exc

    def begin(self) -> None:
        """Start (or resume) the run: an unfinished run with the same key lends its token."""
        db = self._db()
        try:
            row = db.execute("SELECT token FROM runs WHERE key = ?", (self.run_key,)).fetchone()
            token = row[0] if row is not None else None
            if isinstance(token, str) and token:
                self.token, self.resuming = token, True
                return
            self.token, self.resuming = secrets.token_hex(16), False
            db.execute("INSERT OR REPLACE INTO runs VALUES (?, ?)", (self.run_key, self.token))
        except sqlite3.Error as exc:
            raise OSError(f"{self.root / DATABASE}: {exc}") from exc

    def finish(self) -> None:
        """The run completed: a later run with the same arguments revalidates instead of replaying.

        Also deletes what no run needs any more: the URLs finished runs saw, and the bodies no entry
        points to (the old content of changed pages).
        """
        self.flush()
        db = self._db()
        try:
            db.execute("DELETE FROM runs WHERE key = ?", (self.run_key,))
        except sqlite3.Error as exc:
            self._write_failed(exc)
            return
        with contextlib.suppress(sqlite3.Error):  # only space is at stake: try again after the next run
            unfinished = db.execute("SELECT 1 FROM runs LIMIT 1").fetchone() is not None
            # With no run left to resume, the whole table goes at once (SQLite drops it without a scan).
            db.execute(_FORGET_SEEN if unfinished else "DELETE FROM seen")
            db.execute(_PRUNE)

    def lookup(self, url: str) -> CachedResponse | None:
        """The stored response for ``url``, or None (a damaged database is treated as absent).

        An entry whose body is missing (stored without it, or lost) comes back with ``body_kept`` False.
        """
        waiting = self._stored.get(url) or self._unsettled.get(url)
        if waiting is not None:
            return waiting
        ahead = self._ahead_of(url)
        if ahead is not None:
            entry = ahead.entries.pop(url, None)
            if entry is not None:
                ahead.in_database.add(url)  # given out once: kept in memory no longer than needed
                return entry
            if url not in ahead.in_database:
                return None  # not stored when read, nor since
        try:
            row = self._db().execute(_LOOKUP, (url,)).fetchone()
        except (sqlite3.Error, OSError):
            return None
        return _entry(url, row) if row is not None else None

    def read_ahead(self, hosts: Iterable[str]) -> None:
        """Read the entries of these hosts' URLs now, for a site about to be crawled; see :meth:`done_with`.

        One range of the table's key per host and scheme instead of a query per page: a rerun's
        lookup took 67 µs in the crawl, mostly SQLite finding the pages of its two trees, and 7 µs
        read ahead. Each entry read is given out once and then dropped; a URL given out, or stored by
        this process since, is looked up in the database again. Hosts are never shared between
        processes (see :func:`auditor.workers.partition`), so no other process writes them meanwhile.
        """
        for host in hosts:
            if host in self._readers:
                self._readers[host] += 1
                continue
            if plain_host(f"http://{host}/") != host:
                continue  # a port, a user or upper case: its URLs are looked up one by one
            room = MAX_READ_AHEAD - sum(len(ahead.entries) for ahead in self._ahead.values())
            rows: list[Any] = []
            try:
                for scheme in ("http", "https"):
                    # The host's URLs without a port: "scheme://host/…" sorts before "scheme://host0".
                    bounds = (f"{scheme}://{host}/", f"{scheme}://{host}0", room + 1 - len(rows))
                    rows += self._db().execute(_READ_AHEAD, bounds).fetchall()
            except (sqlite3.Error, OSError):
                continue  # looked up page by page, as before
            if len(rows) > room:
                continue  # more than may be held: looked up page by page
            entries = {url: _entry(url, row) for url, *row in rows}
            ahead = self._ahead[host] = _ReadAhead(entries)
            ahead.in_database.update(url for url in self._stored if plain_host(url) == host)
            self._readers[host] = 1

    def _ahead_of(self, url: str) -> _ReadAhead | None:
        """The entries read ahead for the URL's host, if it was."""
        if not self._ahead:
            return None
        host = plain_host(url)
        return self._ahead.get(host) if host is not None else None

    def done_with(self, hosts: Iterable[str]) -> None:
        """A site read ahead by :meth:`read_ahead` is crawled: its hosts' entries go when no other site needs them."""
        for host in last_readers(self._readers, hosts):
            self._ahead.pop(host, None)

    def replayable(self, entry: CachedResponse) -> bool:
        """Stored or seen by the unfinished run this one resumes: use it without asking the server."""
        if not self.resuming:
            return False
        if entry.token == self.token:
            return True
        if self._seen is None:
            try:
                rows = self._db().execute("SELECT url FROM seen WHERE token = ?", (self.token,)).fetchall()
            except (sqlite3.Error, OSError):
                rows = []  # asked again instead of replayed
            self._seen = {url for (url,) in rows}
        return entry.url in self._seen

    def body(self, entry: CachedResponse) -> bytes | None:
        """The entry's body; None when it is not kept (see ``store``) or cannot be read."""
        if entry.body_sha256 is None:
            return b""
        if not entry.body_kept:
            return None
        waiting = self._bodies.get(entry.body_sha256)
        if waiting is not None:
            return zstd.decompress(waiting)
        try:
            row = self._db().execute("SELECT data FROM bodies WHERE sha256 = ?", (entry.body_sha256,)).fetchone()
            return zstd.decompress(row[0]) if row is not None else None
        except (sqlite3.Error, OSError, zstd.ZstdError, ValueError, TypeError):
            return None

    def store(
        self,
        url: str,
        *,
        status_code: int,
        content_type: str,
        last_modified: str | None,
        etag: str | None,
        location: str,
        body: bytes,
        truncated: bool,
        previous: CachedResponse | None = None,
        keep_body: bool = True,
    ) -> CachedResponse:
        """Keep a response: the body (unless stored for ``previous``, the URL's entry before) and the entry.

        Both are written with the next batch. A body the URL had before is stored already; any other
        is compressed, even if another URL stored the same bytes (INSERT OR IGNORE keeps one copy):
        asking the database first cost every page of a first audit a query (0.7 % of its CPU) to
        save a compression on the few pages that repeat another's body.

        ``keep_body=False``: the caller keeps what it needs of the body under its hash (a page's
        facts), so only the entry is stored: a rerun revalidates it and judges the page from the
        facts; compressing and writing the body cost a first audit about 5 % of its CPU, and the
        bodies were 94 % of the file (85 of 90 MB for the 10,200 pages of the benchmark corpus).
        Such an entry is written only after :meth:`settle` says the caller has kept what it needs,
        and after what :meth:`write_first` names is written, so that a killed run never leaves an
        entry that nothing on disk can answer for.
        """
        sha = body_sha256(body) if body else None
        kept = keep_body or sha is None
        entry = CachedResponse(
            url, status_code, content_type, last_modified, etag, location, sha, truncated, self.token, kept
        )
        if (
            kept
            and sha is not None
            and sha not in self._bodies
            and (previous is None or previous.body_sha256 != sha or not previous.body_kept)
        ):
            self._bodies[sha] = _compress_body(body)
        self._unsettled.pop(url, None)
        if kept:
            self._stored[url] = entry
        else:
            self._stored.pop(url, None)
            self._unsettled[url] = entry
        ahead = self._ahead_of(url)
        if ahead is not None:
            ahead.entries.pop(url, None)
            ahead.in_database.add(url)
        if len(self._stored) >= STORE_BATCH:
            self.flush()
        return entry

    def settle(self, url: str) -> None:
        """The caller has kept what it needs of the body of ``url``'s response stored without it: write the entry.

        An entry never settled (its fetch abandoned, its page never judged) is not written: the next
        run asks for that page in full.
        """
        entry = self._unsettled.pop(url, None)
        if entry is not None:
            self._stored[url] = entry
            if len(self._stored) >= STORE_BATCH:
                self.flush()

    def write_first(self, flush: Callable[[], object]) -> None:
        """Call ``flush`` before writing any entry stored without its body: what the entry relies on goes first."""
        self._write_first = flush

    def touch(self, entry: CachedResponse) -> None:
        """Record that this run saw ``entry`` (after a 304): a resumed run may replay it.

        The entry itself is left as it is: only the database says which run saw a response last,
        and nothing reads a 304's entry for that (a copy carrying this run's token was a 10-field
        object made and dropped for every page of a rerun).
        """
        if entry.token == self.token:
            return
        self._touched.append(entry.url)
        if len(self._touched) >= TOUCH_BATCH:
            self.flush()

    def flush(self) -> None:
        """Write the waiting responses and touches in one transaction (a process calls it when its share is done)."""
        touched, self._touched = [(self.token, url) for url in self._touched], []
        bodies, self._bodies = list(self._bodies.items()), {}
        stored, self._stored = list(self._stored.values()), {}
        if not (touched or bodies or stored):
            return
        if self._write_first is not None and not all(entry.body_kept for entry in stored):
            self._write_first()
        entries = [_row(entry) for entry in stored]
        db = self._db()
        try:
            db.execute("BEGIN IMMEDIATE")
            try:
                # Bodies first: an entry is never written without the body it points to.
                db.executemany("INSERT OR IGNORE INTO bodies VALUES (?, ?)", bodies)
                db.executemany(_PUT_ENTRY, entries)
                db.executemany("INSERT INTO seen VALUES (?, ?)", touched)
                db.execute("COMMIT")
            except BaseException:
                with contextlib.suppress(sqlite3.Error):
                    db.execute("ROLLBACK")
                raise
        except sqlite3.Error as exc:
            self._write_failed(exc)

    def entry_count(self) -> int:
        """How many responses are stored (tests watch it to interrupt a run midway)."""
        if not (self.root / DATABASE).exists():
            return 0  # not created by asking
        try:
            count: int = self._db().execute("SELECT count(*) FROM entries").fetchone()[0]
        except (sqlite3.Error, OSError):
            return 0
        return count


class _ReadAhead:
    """A host's stored entries, read at once; the URLs to look up in the database instead."""

    __slots__ = ("entries", "in_database")

    def __init__(self, entries: dict[str, CachedResponse]) -> None:
        self.entries = entries
        self.in_database: set[str] = set()


def _entry(url: str, row: Sequence[Any]) -> CachedResponse:
    """The entry of a _LOOKUP row: its body is not kept when missing (stored without it, or lost)."""
    status, content_type, last_modified, etag, location, sha, truncated, token, has_body = row
    return CachedResponse(
        url, status, content_type, last_modified, etag, location, sha, bool(truncated), token, bool(has_body)
    )


# CachedResponse's fields in order: a row of the entries table.
_Row = tuple[str, int, str, str | None, str | None, str, str | None, bool, str]


def _row(entry: CachedResponse) -> _Row:
    """The entry's fields, in the table's order."""
    # By hand: ``astuple`` deep-copies every value, a cost paid once per fetched page.
    return (
        entry.url,
        entry.status_code,
        entry.content_type,
        entry.last_modified,
        entry.etag,
        entry.location,
        entry.body_sha256,
        entry.truncated,
        entry.token,
    )

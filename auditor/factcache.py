"""Extracted page facts kept beside the HTTP cache, so an unchanged page is never parsed twice.

Parsing is most of the CPU an audit spends; next month's audit gets ``304 Not Modified`` for most
pages and would otherwise parse the same bytes again. An entry is keyed by everything extraction
depends on but the reference date: the extractor's own source, the page's URL, status, headers and
the body's SHA-256 (the hash the HTTP cache already keeps, so a 304 finds the facts without reading
the body back). A change to any of them is a different key, so a stale entry is never used, only
left behind.

The reference date is kept out of the key because extraction only compares dates with it (to drop
future ones): each entry stores the window of reference dates that give the same facts
(:class:`auditor.extract.dates.AsOfWindow`), and is used for any ``--as-of`` inside it. Next month's
audit of a page that shows no date in between reuses its facts.

A key starts with a hash of the page's host, so a site's rows sit together: the crawl reads them in
one query when the site starts (:meth:`FactsCache.read_ahead`) instead of one query per page.

Storage: one SQLite file in the cache folder (a file per page cost more to create than the parse
saved on this class of machine), a row per key holding the window and the facts as ``marshal`` data
(read back four times faster than JSON; the extractor fingerprint covers the Python version),
zstd-compressed with a checksum, which turns a damaged row into an error before it is read. A
damaged row is ignored and the page parsed; a damaged database is replaced.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import itertools
import marshal
import sqlite3
import sys
from collections.abc import Callable, Iterable, Sequence
from functools import cache, lru_cache
from pathlib import Path
from typing import Any

from . import extract, models, textnorm, zstd
from .crawl.cache import body_sha256, last_readers
from .crawl.sqlitefile import DatabaseFormat, open_database
from .evaluate import recognise
from .evaluate.recognise import Recogniser, RememberedMatches
from .generations import Generations
from .models import Agency, Item, Link, PageFacts

__all__ = ["FactsCache", "extractor_fingerprint", "from_linkless_fields", "linkless_fields", "recogniser_fingerprint"]

_FORMAT = 9
_DATABASE_FORMAT = DatabaseFormat(
    0x41554446,  # "AUDF"
    _FORMAT,
    (
        # since/until: the window of reference dates the facts hold for, as proleptic ordinals (until
        # exclusive). A rowid table, not WITHOUT ROWID: that one keeps up to a kilobyte of each row
        # (facts are about 2 KB) in the pages of its one tree, inner pages included, and the rest in
        # an overflow page: 7 rows to a page where the rowid table's inner pages hold 416. On 10,500
        # rows of the benchmark corpus a read took 45 µs instead of 19, a write 171 µs instead of 59
        # (dbstat, 4 KB pages, 256 KiB page cache), and the file was twice the size.
        "CREATE TABLE facts (key BLOB PRIMARY KEY, since INTEGER NOT NULL, until INTEGER NOT NULL, data BLOB NOT NULL)",
        # A site's link and page matches (auditor.evaluate.recognise.RememberedMatches), a row per site.
        "CREATE TABLE matches (key BLOB PRIMARY KEY, data BLOB NOT NULL)",
        # Runs of menu, side-box and footer links that pages share, by a digest of their stored form.
        "CREATE TABLE runs (key BLOB PRIMARY KEY, data BLOB NOT NULL)",
        # Each agency's last crawl and the key it was made under (auditor.crawlmemo), a row per agency.
        "CREATE TABLE crawls (agency TEXT PRIMARY KEY, key BLOB NOT NULL, data BLOB NOT NULL)",
    ),
)
# Rows written per transaction.
FLUSH_EVERY = 64
# Bytes of a key that hash the page's host (see FactsCache._key), and the rows read ahead and not yet
# given out, per process (about a kilobyte each): the pages of the sites being crawled, and the stale
# rows their changed pages left behind. As many as the HTTP cache reads ahead.
HOST_PREFIX = 8
MAX_READ_AHEAD = 10_000
_READ_AHEAD = "SELECT key, since, until, data FROM facts WHERE key >= ? AND key < ? LIMIT ?"
_COMPRESSION: dict[int, int] = {
    zstd.CompressionParameter.compression_level: 1,
    zstd.CompressionParameter.checksum_flag: 1,
}
_compress = zstd.FrameCompressor(options=_COMPRESSION)
# Facts looked up ahead of a bodiless 304 and not yet taken; more means fetches were abandoned.
MAX_PINNED = 1024
# What ``FactsCache.known`` is asked: URL, status, content type, Last-Modified, body hash, reference date.
_Asked = tuple[str, int, str, str | None, str, dt.date]
# A page's links are stored as one string, fields and links apart by these separators: marshal
# reads one string far faster than six per link. Text that holds one of them (web content may)
# is stored field by field instead.
_FIELD, _LINK = "\x1f", "\x1e"
# Links rebuilt per process from their stored form: menus and footers repeat on every page.
MAX_SHARED_LINKS = 4096
# A page's menus, side boxes and footers are the same on every page of its site: a stretch of at
# least MIN_RUN such links in a row is stored once, as a run the page's row names by digest. On the
# benchmark's corpus four links in five are in runs (68 of them for 10,200 pages); a row shrank from
# 6.0 to 2.2 KB of marshal data (1.9 to 0.8 KB stored), and reading a page's facts back takes 45
# instead of 100 µs: it no longer inflates, loads and rebuilds the menus.
MIN_RUN = 4
_CHROME = frozenset({"header", "nav", "side", "footer"})
# Runs rebuilt per process, and runs this process knows are stored.
MAX_RUNS = 1024
# A run's stored form as bytes: text as Python holds it, lone surrogates included (marshal keeps them too).
_TEXT, _ERRORS = "utf-8", "surrogatepass"


@cache
def extractor_fingerprint() -> str:
    """A hash of the code that turns HTML into facts: a new extractor never reads an old entry."""
    digest = hashlib.sha256(f"facts-format-{_FORMAT}-python-{sys.version_info[:2]}".encode())
    sources = [Path(models.__file__), Path(textnorm.__file__), *sorted(Path(extract.__file__).parent.glob("*.py"))]
    for source in sources:
        digest.update(source.name.encode())
        digest.update(source.read_bytes())
    return digest.hexdigest()


@cache
def recogniser_fingerprint() -> str:
    """A hash of the code that recognises categories: answers kept by other code are never read."""
    digest = hashlib.sha256(f"matches-format-{_FORMAT}-python-{sys.version_info[:2]}".encode())
    for source in (Path(models.__file__), Path(textnorm.__file__), Path(recognise.__file__)):
        digest.update(source.name.encode())
        digest.update(source.read_bytes())
    return digest.hexdigest()


@lru_cache(maxsize=1)
def _keyed(fingerprint: str) -> hashlib._Hash:
    """The key hash with the extractor's fingerprint already fed in: each key copies it."""
    return hashlib.sha256(fingerprint.encode())


@lru_cache(maxsize=256)
def _host_prefix(netloc: str) -> bytes:
    return hashlib.blake2b(netloc.encode("utf-8", "surrogatepass"), digest_size=HOST_PREFIX).digest()


def _netloc(url: str) -> str:
    """The host (and port, if any) of a normalised URL: what comes between "//" and the next "/"."""
    return url.partition("//")[2].partition("/")[0]


def _ordinal(value: dt.date | None) -> int:
    return value.toordinal() if value is not None else 0


def _date(value: int) -> dt.date | None:
    return dt.date.fromordinal(value) if value else None


class _ReadAhead:
    """One host's rows read ahead and not given out yet, and the keys to look up in the database instead.

    Those are the keys given out, and those this process stored since: a first audit stores every
    page's row while its site is read ahead, and keeping the rows rather than their keys cost a
    process crawling 34 sites at once 12 MB.
    """

    __slots__ = ("elsewhere", "rows")

    def __init__(self, rows: dict[bytes, tuple[int, int, bytes]]) -> None:
        self.rows = rows
        self.elsewhere: set[bytes] = set()


# A stretch of a page's links as stored: the digest of a run, or the links themselves (see _join).
_Segment = bytes | str | tuple[tuple[str, ...], ...]


def _encode(facts: PageFacts, runs: dict[bytes, tuple[str, tuple[Link, ...]]]) -> bytes:
    """The row's data; the runs it names are added to ``runs`` (digest: stored form, links)."""
    return _compress(marshal.dumps(_fields(facts, runs)))


def _fields(facts: PageFacts, runs: dict[bytes, tuple[str, tuple[Link, ...]]]) -> tuple[Any, ...]:
    return (
        facts.url,
        facts.status_code,
        facts.title,
        facts.headings,
        facts.breadcrumb,
        _encode_links(facts.links, runs),
        tuple((i.title, i.url, _ordinal(i.date), i.date_signal, i.attachment) for i in facts.items),
        _ordinal(facts.page_date),
        facts.page_date_signal,
        facts.main_text_chars,
        facts.placeholder,
        facts.not_found,
        facts.attachment,
        facts.next_pages,
    )


def linkless_fields(facts: PageFacts) -> tuple[Any, ...]:
    """Facts without links (a crawl keeps no more for judging) as plain values, as a row holds them."""
    if facts.links:
        raise ValueError("a page's links are stored in runs, with a row of its own")
    return _fields(facts, {})


def from_linkless_fields(fields: tuple[Any, ...]) -> PageFacts:
    """The facts of :func:`linkless_fields`; ValueError or TypeError if ``fields`` are not such."""
    return _from_fields(fields, _NO_LINKS, _no_run)


# Runs as stored (see _encode_links), by their links: every page of a site repeats the same ones, and
# extraction shares their Link objects, so a run is found by identity. Joining and hashing a site's
# menus on every page was 2 % of a first audit's CPU.
_STORED_RUNS: Generations[tuple[Link, ...], tuple[str, bytes]] = Generations(MAX_RUNS)


def _encode_links(links: tuple[Link, ...], runs: dict[bytes, tuple[str, tuple[Link, ...]]]) -> tuple[_Segment, ...]:
    segments: list[_Segment] = []
    for chrome, stretch in itertools.groupby(links, key=lambda link: link.region in _CHROME):
        group = tuple(stretch)
        run = _as_run(group) if chrome and len(group) >= MIN_RUN else None
        if run is None:
            segments.append(_join(group))
            continue
        joined, digest = run
        runs[digest] = (joined, group)
        segments.append(digest)
    return tuple(segments)


def _as_run(group: tuple[Link, ...]) -> tuple[str, bytes] | None:
    """A stretch of menu, side-box or footer links as a run: its stored form and digest; None if it cannot be one."""
    run = _STORED_RUNS.get(group)
    if run is None:
        joined = _join(group)
        if not isinstance(joined, str):
            return None  # text holding a separator: stored link by link, and rare enough to join again
        run = joined, hashlib.blake2b(joined.encode(_TEXT, _ERRORS), digest_size=16).digest()
        _STORED_RUNS.put(group, run)
    return run


def _join(links: tuple[Link, ...]) -> str | tuple[tuple[str, ...], ...]:
    records = [(k.url, k.text, k.title, k.image_alt, k.image_src, k.region) for k in links]
    joined = _LINK.join(_FIELD.join(record) for record in records)
    if joined.count(_FIELD) != len(records) * 5 or joined.count(_LINK) != max(len(records) - 1, 0):
        return tuple(records)
    return joined


def _no_run(digest: bytes) -> tuple[Link, ...]:
    raise KeyError(digest)


class _LinkPool(Generations[str, Link]):
    """Links rebuilt from their stored form, shared as they repeat (at most MAX_SHARED_LINKS; see Generations)."""

    def __init__(self, size: int = MAX_SHARED_LINKS) -> None:
        super().__init__(size)

    def link(self, record: str) -> Link:
        # The young generation looked up here, not through get(): a call less for every link a
        # rerun reads back (45 a page).
        link = self._young.get(record)
        if link is None:
            link = self._old.get(record) or Link(*record.split(_FIELD))
            self.put(record, link)
        return link


# What facts without links are rebuilt with: no link is ever looked up in it.
_NO_LINKS = _LinkPool(1)


def _decode_joined(stored: str | tuple[tuple[str, ...], ...], shared: _LinkPool) -> list[Link]:
    if not isinstance(stored, str):
        return [Link(*record) for record in stored]
    if not stored:
        return []
    link = shared.link
    return [link(record) for record in stored.split(_LINK)]


def _decode_links(
    stored: tuple[_Segment, ...], shared: _LinkPool, run: Callable[[bytes], tuple[Link, ...]]
) -> tuple[Link, ...]:
    if len(stored) == 1 and not isinstance(stored[0], bytes):
        return tuple(_decode_joined(stored[0], shared))
    links: list[Link] = []
    for segment in stored:
        links.extend(run(segment) if isinstance(segment, bytes) else _decode_joined(segment, shared))
    return tuple(links)


def _decode(data: bytes, shared: _LinkPool, run: Callable[[bytes], tuple[Link, ...]]) -> PageFacts:
    """The facts of a stored row; ``shared`` holds the links already rebuilt, reused as they repeat.

    ``run`` gives the links of a run by its digest, or raises KeyError when it is not stored.
    """
    # Our own rows in the user's cache folder, never web content; zstd's checksum catches damage first.
    return _from_fields(marshal.loads(zstd.decompress(data)), shared, run)  # noqa: S302


def _from_fields(fields: tuple[Any, ...], shared: _LinkPool, run: Callable[[bytes], tuple[Link, ...]]) -> PageFacts:
    (url, status, title, headings, crumbs, links, items, page_date, signal, chars, placeholder, missing) = fields[:12]
    attachment, nxt = fields[12:]
    # In field order, not by keyword: a rerun decodes every page, and keywords cost a third more.
    return PageFacts(
        url,
        status,
        title,
        headings,
        crumbs,
        _decode_links(links, shared, run),
        tuple(Item(t, u, _date(d), s, a) for t, u, d, s, a in items),
        _date(page_date),
        signal,
        chars,
        placeholder,
        missing,
        attachment,
        nxt,
    )


class FactsCache:
    """Facts by content key in one SQLite file; ``extract`` answers from it when it can and stores what it parses.

    One connection per process (workers open their own); WAL lets them read while another writes.
    New rows wait in memory and are written FLUSH_EVERY at a time in one short transaction that
    takes the write lock up front: a commit per page cost more than the parse it saves, and a
    transaction left open across pages would make other workers' writes wait or fail. A killed
    run loses at most the rows still waiting, which the next run parses again.
    """

    def __init__(self, path: Path, parse: Callable[..., PageFacts] | None = None) -> None:
        self.path = path
        self._parse = parse or extract.parse_page
        self._db: sqlite3.Connection | None = None
        self._broken = False
        self._waiting: dict[bytes, tuple[int, int, bytes]] = {}
        # Facts ``known`` found, by URL, with what it was asked: the page's next ``extract`` takes them
        # (or drops them, if the page changed: a page stored without its body is asked about before
        # it is requested again, see auditor.crawl.fetcher.Fetcher.fetch).
        self._pinned: dict[str, tuple[_Asked, PageFacts]] = {}
        self._links = _LinkPool()
        # Rebuilt, or made by this process; a national audit's runs outnumber it, those in use stay.
        self._runs: Generations[bytes, tuple[Link, ...]] = Generations(MAX_RUNS)
        self._stored_runs: set[bytes] = set()  # known to be in the database
        self._waiting_runs: dict[bytes, bytes] = {}  # to write with the next rows, compressed
        # Rows read ahead (see read_ahead), by host prefix, and the sites that asked for each host.
        self._ahead: dict[bytes, _ReadAhead] = {}
        self._readers: dict[str, int] = {}
        self.hits = 0
        self.misses = 0

    def _connection(self) -> sqlite3.Connection | None:
        if self._db is None and not self._broken:
            try:
                self._db = open_database(self.path, _DATABASE_FORMAT)
            except OSError:
                self._broken = True  # the audit goes on, parsing every page
        return self._db

    @staticmethod
    def _key(url: str, status: int, content_type: str, last_modified: str | None, sha256: str) -> bytes:
        digest = _keyed(extractor_fingerprint()).copy()
        parts = (url, str(status), content_type, last_modified or "", sha256, "")
        digest.update("\0".join(parts).encode("utf-8", "surrogatepass"))
        return _host_prefix(_netloc(url)) + digest.digest()

    def read_ahead(self, hosts: Iterable[str]) -> None:
        """Read the stored facts of these hosts' pages now, for a site about to be crawled; see :meth:`done_with`.

        One range of the keys per host instead of a query per page: a rerun looked up every page's
        facts on its own (3 % of its CPU). Rows this process stores meanwhile are added to what was
        read as keys to look up, and no other process stores these hosts' pages (see
        :func:`auditor.workers.partition`), so a key that is neither read nor noted is not stored. A
        row is given out once and then dropped, so what is held shrinks as the crawl goes; a key
        asked for again is looked up in the database. A host with more rows than there is room for
        is looked up page by page, as before.
        """
        db = self._connection()
        for host in hosts:
            if host in self._readers:
                self._readers[host] += 1
                continue
            room = MAX_READ_AHEAD - sum(len(ahead.rows) for ahead in self._ahead.values())
            prefix = _host_prefix(host)
            try:
                # Every key of the host is its prefix and 32 more bytes: all sort between these two.
                found = db.execute(_READ_AHEAD, (prefix, prefix + b"\xff" * 33, room + 1)).fetchall() if db else None
            except sqlite3.Error:
                continue
            if found is None or len(found) > room:
                continue
            self._ahead[prefix] = _ReadAhead({key: (since, until, data) for key, since, until, data in found})
            self._readers[host] = 1

    def done_with(self, hosts: Iterable[str]) -> None:
        """A site read ahead is crawled: its hosts' rows go once no other site being crawled needs them."""
        for host in last_readers(self._readers, hosts):
            self._ahead.pop(_host_prefix(host), None)

    def _load(self, key: bytes, url: str, status: int, as_of: dt.date) -> PageFacts | None:
        """The stored facts of ``key`` if they hold on ``as_of``."""
        row = self._waiting.get(key)
        ahead = self._ahead.get(key[:HOST_PREFIX]) if row is None and self._ahead else None
        if ahead is not None:
            # Given out once, then held no longer: a page's facts are asked for once (see known).
            row = ahead.rows.pop(key, None)
            if row is not None:
                ahead.elsewhere.add(key)
            elif key not in ahead.elsewhere:
                return None  # not stored when read, nor since
        db = self._connection() if row is None else None
        try:
            if row is None and db is not None:
                row = db.execute("SELECT since, until, data FROM facts WHERE key = ?", (key,)).fetchone()
            if row is None or not row[0] <= as_of.toordinal() < row[1]:
                return None
            facts = _decode(row[2], self._links, self._run)
        except (sqlite3.Error, ValueError, TypeError, EOFError, KeyError, zstd.ZstdError):
            return None  # a run it names missing or damaged too: the page is parsed again
        return facts if facts.url == url and facts.status_code == status else None

    def _run(self, digest: bytes) -> tuple[Link, ...]:
        """The links of a stored run; KeyError if it is not stored."""
        links = self._runs.get(digest)
        if links is not None:
            return links
        data = self._waiting_runs.get(digest)
        if data is None and self._db is not None:
            row = self._db.execute("SELECT data FROM runs WHERE key = ?", (digest,)).fetchone()
            data = row[0] if row is not None else None
        if data is None:
            raise KeyError(digest)
        links = tuple(_decode_joined(zstd.decompress(data).decode(_TEXT, _ERRORS), self._links))
        self._runs.put(digest, links)
        self._stored_runs.add(digest)
        return links

    def _save(self, key: bytes, since: dt.date, until: dt.date, facts: PageFacts) -> None:
        if self._connection() is None:
            return
        runs: dict[bytes, tuple[str, tuple[Link, ...]]] = {}
        self._waiting[key] = (since.toordinal(), until.toordinal(), _encode(facts, runs))
        for digest, (joined, links) in runs.items():
            if digest not in self._stored_runs and digest not in self._waiting_runs:
                self._waiting_runs[digest] = _compress(joined.encode(_TEXT, _ERRORS))
            if self._runs.get(digest) is None:
                self._runs.put(digest, links)
        if len(self._waiting) >= FLUSH_EVERY:
            self.flush()

    def flush(self) -> None:
        """Write the waiting rows, and the runs they name, in one transaction."""
        rows = [(key, *row) for key, row in self._waiting.items()]
        runs = list(self._waiting_runs.items())
        self._waiting.clear()
        self._waiting_runs.clear()
        written = self._write(
            # REPLACE: a run is written again only when it could not be read (or by another process).
            ("INSERT OR REPLACE INTO runs (key, data) VALUES (?, ?)", runs),
            ("INSERT OR REPLACE INTO facts (key, since, until, data) VALUES (?, ?, ?, ?)", rows),
        )
        if written:
            for key, *_ in rows:
                ahead = self._ahead.get(key[:HOST_PREFIX])
                if ahead is not None:
                    ahead.rows.pop(key, None)  # see read_ahead
                    ahead.elsewhere.add(key)
            if len(self._stored_runs) >= MAX_RUNS:
                self._stored_runs.clear()  # written again at worst
            self._stored_runs.update(digest for digest, _ in runs)

    def _write(self, *statements: tuple[str, Sequence[tuple[object, ...]]]) -> bool:
        """Each statement for each of its rows, in one transaction that takes the write lock up front."""
        db = self._db
        if db is None or not any(rows for _, rows in statements):
            return False
        # A full disk or a busy database costs the next run a parse or some judging, never this run its result.
        try:
            db.execute("BEGIN IMMEDIATE")
            for statement, rows in statements:
                db.executemany(statement, rows)
            db.execute("COMMIT")
        except sqlite3.Error:
            with contextlib.suppress(sqlite3.Error):
                db.execute("ROLLBACK")
            return False
        return True

    def known(
        self, url: str, status_code: int, *, content_type: str, last_modified: str | None, as_of: dt.date, sha256: str
    ) -> bool:
        """Whether the facts of the body with this hash are stored: then ``extract`` needs no body.

        The facts are read now and kept for that ``extract``, so the answer cannot change in between.
        """
        asked = (url, status_code, content_type, last_modified, sha256, as_of)
        pinned = self._pinned.get(url)
        if pinned is not None and pinned[0] == asked:
            return True
        facts = self._load(self._key(*asked[:5]), url, status_code, as_of)
        if facts is None:
            return False
        if len(self._pinned) >= MAX_PINNED:
            self._pinned.clear()  # fetches that never came back for their facts
        self._pinned[url] = (asked, facts)
        return True

    def extract(
        self,
        url: str,
        status_code: int,
        body: bytes,
        *,
        content_type: str,
        last_modified: str | None,
        as_of: dt.date,
        sha256: str | None = None,
    ) -> PageFacts:
        """What :func:`auditor.extract.page.extract_page` returns for these arguments, parsed at most once.

        ``sha256`` is the body's hash when the caller has it; a body left out after ``known`` said
        yes is the empty ``body`` with its hash.
        """
        sha256 = sha256 or body_sha256(body)
        # Pinned by ``known`` under its arguments, which identify the key without hashing it again.
        pinned = self._pinned.pop(url, None)
        if pinned is not None and pinned[0] == (url, status_code, content_type, last_modified, sha256, as_of):
            self.hits += 1
            return pinned[1]
        key = self._key(url, status_code, content_type, last_modified, sha256)
        facts = self._load(key, url, status_code, as_of)
        if facts is not None:
            self.hits += 1
            return facts
        self.misses += 1
        from .extract.dates import watch_as_of  # with the extractor: see auditor.extract.parse_page

        with watch_as_of() as window:
            facts = self._parse(
                url, status_code, body, content_type=content_type, last_modified=last_modified, as_of=as_of
            )
        self._save(key, window.since, window.until, facts)
        return facts

    @staticmethod
    def _matches_key(agency: Agency, recogniser: Recogniser) -> bytes:
        parts = (recogniser_fingerprint(), recogniser.cues_digest, agency.id, agency.url)
        return hashlib.sha256("\0".join(parts).encode("utf-8", "surrogatepass")).digest()

    def matches_of(self, agency: Agency, recogniser: Recogniser) -> RememberedMatches:
        """The agency's site's matches as the last run under the same cues and code kept them (none if none)."""
        db, kept = self._connection(), None
        try:
            if db is not None:
                row = db.execute("SELECT data FROM matches WHERE key = ?", (self._matches_key(agency, recogniser),))
                found = row.fetchone()
                # Our own rows, never web content; zstd's checksum catches damage first.
                kept = marshal.loads(zstd.decompress(found[0])) if found is not None else None  # noqa: S302
        except (sqlite3.Error, ValueError, TypeError, EOFError, zstd.ZstdError):
            kept = None  # judged again, and kept anew
        return RememberedMatches(recogniser, kept)

    def keep_matches(self, agency: Agency, matches: RememberedMatches) -> None:
        """Keep what the site's crawl used for the next run, if it judged anything new."""
        kept = matches.to_keep()
        if kept is None or self._connection() is None:
            return
        row = (self._matches_key(agency, matches.recogniser), _compress(marshal.dumps(kept)))
        self._write(("INSERT OR REPLACE INTO matches (key, data) VALUES (?, ?)", [row]))

    def crawl_of(self, agency: str, key: bytes) -> bytes | None:
        """The agency's last crawl, if it was kept under ``key`` (see auditor.crawlmemo); else None."""
        db = self._connection()
        try:
            row = db.execute("SELECT key, data FROM crawls WHERE agency = ?", (agency,)).fetchone() if db else None
            # Our own rows, never web content; zstd's checksum catches damage first.
            return zstd.decompress(row[1]) if row is not None and row[0] == key else None
        except (sqlite3.Error, zstd.ZstdError, TypeError):
            return None  # crawled again, and kept anew

    def keep_crawl(self, agency: str, key: bytes, data: bytes) -> None:
        """Keep the agency's crawl for the next run, in place of the one kept before."""
        if self._connection() is not None:
            row = (agency, key, _compress(data))
            self._write(("INSERT OR REPLACE INTO crawls (agency, key, data) VALUES (?, ?, ?)", [row]))

    def close(self) -> None:
        """Write what is waiting and let go of the database."""
        self.flush()
        self._pinned.clear()
        self._ahead.clear()
        self._readers.clear()
        if self._db is not None:
            self._db.close()
            self._db = None

"""Extracted page facts kept beside the HTTP cache, so an unchanged page is never parsed twice.

Parsing is most of the CPU an audit spends; next month's audit gets ``304 Not Modified`` for most
pages and would otherwise parse the same bytes again. An entry is keyed by everything extraction
depends on: the extractor's own source, the page's URL, status, headers, the reference date and the
body. A change to any of them is a different key, so a stale entry is never used, only left behind.

Storage: one SQLite file in the cache folder (a file per page cost more to create than the parse
saved on this class of machine), a row per key holding zlib-compressed JSON. A damaged row is
ignored and the page parsed; a damaged database is replaced.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import json
import sqlite3
import zlib
from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import Any

from . import extract, models, textnorm
from .crawl.sqlitefile import DatabaseFormat, open_database
from .extract.page import extract_page
from .models import Item, Link, PageFacts

__all__ = ["FactsCache", "extractor_fingerprint"]

_FORMAT = 1
_DATABASE_FORMAT = DatabaseFormat(
    0x41554446,  # "AUDF"
    _FORMAT,
    ("CREATE TABLE facts (key BLOB PRIMARY KEY, data BLOB NOT NULL) WITHOUT ROWID",),
)
# Rows written per transaction.
FLUSH_EVERY = 64


@cache
def extractor_fingerprint() -> str:
    """A hash of the code that turns HTML into facts: a new extractor never reads an old entry."""
    digest = hashlib.sha256(f"facts-format-{_FORMAT}".encode())
    sources = [Path(models.__file__), Path(textnorm.__file__), *sorted(Path(extract.__file__).parent.glob("*.py"))]
    for source in sources:
        digest.update(source.name.encode())
        digest.update(source.read_bytes())
    return digest.hexdigest()


def _encode(facts: PageFacts) -> bytes:
    payload = [
        facts.url,
        facts.status_code,
        facts.title,
        list(facts.headings),
        list(facts.breadcrumb),
        [[k.url, k.text, k.title, k.image_alt, k.image_src, k.region] for k in facts.links],
        [[i.title, i.url, i.date.isoformat() if i.date else None, i.date_signal, i.attachment] for i in facts.items],
        facts.page_date.isoformat() if facts.page_date else None,
        facts.page_date_signal,
        facts.main_text_chars,
        facts.placeholder,
        facts.not_found,
        facts.attachment,
        list(facts.next_pages),
    ]
    return zlib.compress(json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode("utf-8"), 1)


def _date(value: Any) -> dt.date | None:
    return dt.date.fromisoformat(value) if value is not None else None


def _decode(data: bytes) -> PageFacts:
    fields = json.loads(zlib.decompress(data))
    (url, status, title, headings, crumbs, links, items, page_date, signal, chars, placeholder, missing) = fields[:12]
    attachment, nxt = fields[12:]
    return PageFacts(
        url=url,
        status_code=status,
        title=title,
        headings=tuple(headings),
        breadcrumb=tuple(crumbs),
        links=tuple(Link(*link) for link in links),
        items=tuple(Item(t, u, _date(d), s, a) for t, u, d, s, a in items),
        page_date=_date(page_date),
        page_date_signal=signal,
        main_text_chars=chars,
        placeholder=placeholder,
        not_found=missing,
        attachment=attachment,
        next_pages=tuple(nxt),
    )


class FactsCache:
    """Facts by content key in one SQLite file; ``extract`` answers from it when it can and stores what it parses.

    One connection per process (workers open their own); WAL lets them read while another writes.
    New rows wait in memory and are written FLUSH_EVERY at a time in one short transaction that
    takes the write lock up front: a commit per page cost more than the parse it saves, and a
    transaction left open across pages would make other workers' writes wait or fail. A killed
    run loses at most the rows still waiting, which the next run parses again.
    """

    def __init__(self, path: Path, parse: Callable[..., PageFacts] = extract_page) -> None:
        self.path = path
        self._parse = parse
        self._db: sqlite3.Connection | None = None
        self._broken = False
        self._waiting: dict[bytes, bytes] = {}
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
    def _key(url: str, status: int, content_type: str, last_modified: str | None, as_of: dt.date, body: bytes) -> bytes:
        digest = hashlib.sha256(extractor_fingerprint().encode())
        for part in (url, str(status), content_type, last_modified or "", as_of.isoformat()):
            digest.update(part.encode("utf-8", "surrogatepass") + b"\0")
        digest.update(body)
        return digest.digest()

    def _load(self, key: bytes) -> PageFacts | None:
        data = self._waiting.get(key)
        db = self._connection()
        try:
            if data is None and db is not None:
                row = db.execute("SELECT data FROM facts WHERE key = ?", (key,)).fetchone()
                data = row[0] if row is not None else None
            return _decode(data) if data is not None else None
        except (sqlite3.Error, ValueError, TypeError, zlib.error):
            return None

    def _save(self, key: bytes, facts: PageFacts) -> None:
        if self._connection() is None:
            return
        self._waiting[key] = _encode(facts)
        if len(self._waiting) >= FLUSH_EVERY:
            self.flush()

    def flush(self) -> None:
        """Write the waiting rows in one transaction."""
        db, rows = self._db, list(self._waiting.items())
        self._waiting.clear()
        if db is None or not rows:
            return
        # A full disk or a busy database costs the next run a parse, never this run its result.
        try:
            db.execute("BEGIN IMMEDIATE")
            db.executemany("INSERT OR REPLACE INTO facts (key, data) VALUES (?, ?)", rows)
            db.execute("COMMIT")
        except sqlite3.Error:
            with contextlib.suppress(sqlite3.Error):
                db.execute("ROLLBACK")

    def extract(
        self, url: str, status_code: int, body: bytes, *, content_type: str, last_modified: str | None, as_of: dt.date
    ) -> PageFacts:
        """What :func:`auditor.extract.page.extract_page` returns for these arguments, parsed at most once."""
        key = self._key(url, status_code, content_type, last_modified, as_of, body)
        facts = self._load(key)
        if facts is not None and facts.url == url and facts.status_code == status_code:
            self.hits += 1
            return facts
        self.misses += 1
        facts = self._parse(url, status_code, body, content_type=content_type, last_modified=last_modified, as_of=as_of)
        self._save(key, facts)
        return facts

    def close(self) -> None:
        """Write what is waiting and let go of the database."""
        self.flush()
        if self._db is not None:
            self._db.close()
            self._db = None

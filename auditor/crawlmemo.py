"""A site's last crawl, kept with every request it made, and reused when each request is answered the same again.

The crawl of a site is a function of the answers it gets: :mod:`auditor.sitecrawl` takes them in
the order it asked for them, whatever order they arrive in, and decides from them alone what to ask
next. So a crawl that asks the same requests under the same key (the same code, registry entry,
obligations, settings and reference date) and gets the same answers ends with the same pages and
candidates. Each finished crawl is kept with its requests and a fingerprint of each answer; the
next crawl under its key asks those requests again first, in the same order and within the same
politeness limits (:func:`auditor.sitecrawl.replay_site`). If every answer matches, the kept crawl
is the result: the pages' facts are not read back and their links not weighed again, which is most
of what a rerun of an unchanged site spends beyond its requests. At the first answer that differs
the site is crawled as usual, and what the replay asked is handed to that crawl rather than asked
twice. Every page is still asked for: an unchanged site is known to be unchanged only because each
of its answers was.

Stored in the facts cache's database (``auditor.factcache``), a row per agency, as marshal data.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import enum
import hashlib
import marshal
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from . import factcache
from .crawl.fetcher import FetchResult
from .evaluate.verdict import Candidate, PageRecord, SiteCrawl
from .models import Agency, CrawlSettings, Obligation, PageFacts, SiteStatus

__all__ = ["CrawlMemo", "CrawlRecording", "Fetched", "crawl_key", "decode", "encode", "fingerprint"]

# Bump when what is stored changes shape; the code's own fingerprint is in every key anyway.
_FORMAT = 1

# What an answer is judged the same by: everything the crawl reads of a FetchResult but the body,
# which its SHA-256 stands for (the facts of a page are keyed by the same hash).
Fingerprint = tuple[str, int, str, str | None, str, bool, str | None, str | None, str | None]


def fingerprint(result: FetchResult) -> Fingerprint:
    """What an answer is judged the same by (see Fingerprint)."""
    return (
        result.final_url,
        result.status_code,
        result.content_type,
        result.last_modified,
        result.detail,
        result.truncated,
        result.body_sha256,
        result.error,
        result.redirected_off_scope,
    )


@dataclass(frozen=True, slots=True)
class Fetched:
    """One request of a crawl, and its answer."""

    url: str
    method: str
    verify: bool
    facts: bool  # the crawl needed only the facts of the body (it gave the fetcher ``body_needed``)
    # Asked on its own, once every request before it was answered: robots.txt must be read before a
    # page of its host is asked for, and the home page before anything it links to.
    barrier: bool
    answer: Fingerprint


@dataclass(frozen=True, slots=True)
class CrawlMemo:
    """A finished crawl, the requests it made in order, and the Crawl-delay each origin was given."""

    fetches: tuple[Fetched, ...]
    delays: tuple[tuple[str, float], ...]
    crawl: SiteCrawl
    extracted: int  # pages whose facts the crawl read, parsed or from the facts cache


class CrawlRecording:
    """The requests of a crawl as it makes them; a :class:`CrawlMemo` once it has finished."""

    def __init__(self) -> None:
        self._asked: list[tuple[str, str, bool, bool, bool]] = []
        self._answers: dict[int, Fingerprint] = {}
        self.delays: dict[str, float] = {}
        self.extracted = 0  # pages whose facts were read
        self.finished = False

    def ask(self, url: str, method: str, verify: bool, facts: bool, barrier: bool) -> int:
        """Note a request when it is made (not when it starts: a task may start after a later request)."""
        self._asked.append((url, method, verify, facts, barrier))
        return len(self._asked) - 1

    def answer(self, number: int, result: FetchResult) -> None:
        self._answers[number] = fingerprint(result)

    def memo(self, crawl: SiteCrawl) -> CrawlMemo | None:
        """The memo of a crawl that ran to its end with every request answered; None otherwise."""
        if not self.finished or len(self._answers) != len(self._asked):
            return None  # cut short (the site's time limit): what it saw depended on the clock
        fetches = tuple(Fetched(*asked, self._answers[n]) for n, asked in enumerate(self._asked))
        return CrawlMemo(fetches, tuple(sorted(self.delays.items())), crawl, self.extracted)


def crawl_fingerprint() -> str:
    """A hash of the code a crawl's outcome depends on: a memo kept by other code is never reused."""
    # The extractor's and recogniser's through their module, where they are worked out once.
    return f"{_crawl_code()}-{factcache.extractor_fingerprint()}-{factcache.recogniser_fingerprint()}"


@cache
def _crawl_code() -> str:
    digest = hashlib.sha256(f"crawl-format-{_FORMAT}-python-{sys.version_info[:2]}".encode())
    package = Path(__file__).parent
    sources = [
        Path(__file__),
        package / "sitecrawl.py",
        package / "evaluate" / "verdict.py",
        *sorted((package / "crawl").glob("*.py")),
    ]
    for source in sources:
        digest.update(source.name.encode())
        digest.update(source.read_bytes())
    return digest.hexdigest()


# Values of the rules (categories, requirements), shared by every agency's obligations, by the digest
# of their canonical form: by id(), with the value kept so that its id is never another's. Described
# anew for each agency, the obligations took 4.5 ms a site.
_KNOWN: dict[int, tuple[object, bytes]] = {}
MAX_KNOWN = 10_000


def _canonical(value: Any) -> Any:
    """A value as a structure whose repr is the same in every process (sets sorted, enums and dates as text).

    A dataclass stands as the digest of its fields' canonical form.
    """
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        known = _KNOWN.get(id(value))
        if known is not None and known[0] is value:
            return known[1]
        fields = (type(value).__name__, *(_canonical(getattr(value, f.name)) for f in dataclasses.fields(value)))
        digest = hashlib.sha256(repr(fields).encode("utf-8", "surrogatepass")).digest()
        if len(_KNOWN) >= MAX_KNOWN:
            _KNOWN.clear()
        _KNOWN[id(value)] = (value, digest)
        return digest
    if isinstance(value, (set, frozenset)):
        return ("set", *sorted(repr(_canonical(v)) for v in value))
    if isinstance(value, (tuple, list)):
        return tuple(_canonical(v) for v in value)
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def crawl_key(agency: Agency, obligations: Sequence[Obligation], settings: CrawlSettings, as_of: dt.date) -> bytes:
    """Everything but the answers that a crawl's outcome depends on, hashed."""
    digest = hashlib.sha256(crawl_fingerprint().encode())
    described = repr(_canonical((agency, tuple(obligations), settings, as_of)))
    digest.update(described.encode("utf-8", "surrogatepass"))
    return digest.digest()


def _fields(facts: PageFacts | None) -> tuple[Any, ...] | None:
    # A crawl keeps of a page what the verdicts read (sitecrawl._for_judging): no links.
    return factcache.linkless_fields(facts) if facts is not None else None


def encode(memo: CrawlMemo) -> bytes:
    """The memo as marshal data (plain tuples: nothing in it is code or a class to rebuild)."""
    crawl = memo.crawl
    pages = tuple(
        (key, (r.url, r.status_code, _fields(r.facts), r.error, r.robots_blocked)) for key, r in crawl.pages.items()
    )
    candidates = tuple(
        (c.category, c.url, c.found_via, c.label, c.on_page, c.rank, c.in_scope, c.menu, c.strength)
        for c in crawl.candidates
    )
    fetches = tuple((f.url, f.method, f.verify, f.facts, f.barrier, f.answer) for f in memo.fetches)
    stored = (crawl.site_status.value, crawl.site_detail, pages, candidates, crawl.complete)
    return marshal.dumps((_FORMAT, fetches, memo.delays, stored, memo.extracted))


def decode(data: bytes) -> CrawlMemo:
    """A memo from :func:`encode`; ValueError, TypeError or EOFError if the data is not one."""
    # Our own rows in the user's cache folder, never web content; the store's checksum catches damage first.
    version, fetches, delays, stored, extracted = marshal.loads(data)  # noqa: S302
    if version != _FORMAT:
        raise ValueError(f"crawl memo format {version}")
    status, detail, pages, candidates, complete = stored
    records: dict[str, PageRecord] = {}
    for key, (url, code, fields, error, blocked) in pages:
        facts = None if fields is None else factcache.from_linkless_fields(fields)
        records[key] = PageRecord(url, code, facts, error, blocked)
    crawl = SiteCrawl(SiteStatus(status), detail, records, tuple(Candidate(*fields) for fields in candidates), complete)
    return CrawlMemo(tuple(Fetched(*fields) for fields in fetches), tuple(delays), crawl, extracted)

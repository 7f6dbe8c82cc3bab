"""The focused crawl of one site: best-first towards pages that look like disclosure categories."""

from __future__ import annotations

import asyncio
import collections
import datetime as dt
import heapq
import itertools
import re
from collections.abc import Callable, Container, Coroutine, Mapping
from dataclasses import dataclass, field, replace
from typing import Any, Protocol
from urllib.parse import urljoin

from .crawl import defaults
from .crawl.cache import CachedResponse
from .crawl.fetcher import Fetcher, FetchResult
from .crawl.robots import RobotsPolicy, parse_robots, sitemap_locations
from .crawl.urls import host_of, in_scope, looks_like_trap, normalise, origin_of
from .crawlmemo import CrawlMemo, CrawlRecording, Fetched, fingerprint
from .evaluate.recognise import Match
from .evaluate.verdict import Candidate, PageRecord, SiteCrawl, judge_candidate
from .extract import parse_page
from .extract.attachments import is_attachment_url
from .models import Agency, CrawlSettings, Link, Obligation, PageFacts, SiteStatus, Status
from .textnorm import fold

__all__ = ["CrawlObserver", "FactsLookup", "Matcher", "PageExtractor", "Replay", "crawl_site", "replay_site"]

# Frontier priorities, lowest first.
_CANDIDATE, _DATING, _COVERAGE, _SITEMAP, _HEADLINE, _OTHER = range(6)
# How many undated items of a list are opened to read their own dates.
ITEMS_TO_DATE = 3
# A link text longer than this in the main area is a headline, not a menu entry.
HEADLINE_WORDS = 9
# "Sơ đồ site", "Sitemap", "Site map": whole words of the folded text, where a word is a run of
# [0-9a-z] (textnorm.tokens). A search, not sets of words and pairs: most links are read once. The
# "s" comes before the look-behind, which then reads the character before it: a pattern that starts
# with a look-behind is tried at every position, one starting with a letter only where the letter
# is (0.54 µs for a folded link text or URL instead of 3.0, two for each link a crawl weighs).
_SITEMAP_LABEL = re.compile(r"s(?<![0-9a-z]s)(?:o[^0-9a-z]+do|itemap|ite[^0-9a-z]+map)(?![0-9a-z])")
# sitemap.xml files read per site, and URLs taken from each: the page budget is far smaller anyway.
MAX_XML_SITEMAPS = 5
MAX_SITEMAP_URLS = 5000


class PageExtractor(Protocol):
    """HTML to facts: :func:`auditor.extract.parse_page`, or a cache in front of it that may use the body's hash."""

    def __call__(
        self,
        url: str,
        status_code: int,
        body: bytes,
        *,
        content_type: str,
        last_modified: str | None,
        as_of: dt.date,
        sha256: str | None = None,
    ) -> PageFacts: ...


class Matcher(Protocol):
    """What categories links and pages name: a ``Recogniser``, or a site's ``RememberedMatches``."""

    def match_link(self, link: Link) -> list[Match]: ...

    def match_page(self, facts: PageFacts) -> list[Match]: ...


class FactsLookup(Protocol):
    """Whether the extractor already has the facts of the body with this hash (then it needs no body)."""

    def __call__(
        self, url: str, status_code: int, *, content_type: str, last_modified: str | None, as_of: dt.date, sha256: str
    ) -> bool: ...


class CrawlObserver(Protocol):
    """Progress reports from the crawl; only the CLI renders them."""

    def page_done(self, agency: Agency, pages: int, queued: int, errors: int) -> None: ...


@dataclass(order=True)
class _Entry:
    priority: int
    seq: int
    url: str = field(compare=False)
    depth: int = field(compare=False)


@dataclass
class _State:
    agency: Agency
    obligations: tuple[Obligation, ...]
    as_of: dt.date
    frontier: list[_Entry] = field(default_factory=list)
    queued: dict[str, int] = field(default_factory=dict)  # url -> best priority it was queued with
    taken: set[str] = field(default_factory=set)  # urls already fetched or being fetched
    pages: dict[str, PageRecord] = field(default_factory=dict)
    candidates: dict[tuple[str, str], Candidate] = field(default_factory=dict)
    categories_of: dict[str, set[str]] = field(default_factory=dict)  # url -> categories it is a candidate of
    coverage: set[str] = field(default_factory=set)
    errors: int = 0
    seq: itertools.count[int] = field(default_factory=itertools.count)

    def push(self, url: str, depth: int, priority: int) -> None:
        """Queue a URL, or queue it again with a better priority (a headline that turns out to be an item)."""
        if url in self.taken or self.queued.get(url, priority + 1) <= priority:
            return
        self.queued[url] = priority
        heapq.heappush(self.frontier, _Entry(priority, next(self.seq), url, depth))

    def pop(self) -> _Entry | None:
        """The best queued URL not yet taken; stale duplicates of re-queued URLs are skipped."""
        while self.frontier:
            entry = heapq.heappop(self.frontier)
            if entry.url not in self.taken:
                self.taken.add(entry.url)
                return entry
        return None

    def discard_taken(self) -> None:
        while self.frontier and self.frontier[0].url in self.taken:
            heapq.heappop(self.frontier)

    def resolved(self) -> bool:
        """Every obligation already has a page that satisfies it: a focused crawl can stop."""
        by_category: dict[str, list[Candidate]] = {}
        for (category, _), candidate in self.candidates.items():
            by_category.setdefault(category, []).append(candidate)
        for obligation in self.obligations:
            mine = by_category.get(obligation.category.id, [])
            foreign = {c.url for c in self.candidates.values() if c.category != obligation.category.id and c.menu}
            verdicts = [judge_candidate(c, obligation, self.pages, self.as_of, foreign) for c in mine if c.rank == 0]
            # A dated category is settled once its newest date is known, even when no age is required.
            if not any(v.status is Status.OK and (v.latest or not obligation.category.dated) for v in verdicts):
                return False
        return True


def _is_sitemap_link(link: Link) -> bool:
    # Each part on its own: a text is folded once per run (textnorm caches it), a URL is ASCII.
    return any(part and _SITEMAP_LABEL.search(fold(part)) for part in (link.text, link.title, link.url))


def _label(link: Link) -> str:
    return link.text or link.image_alt or link.title or link.image_src or link.url


def _rank(link: Link) -> int:
    if link.region != "main":
        return 0
    return 1 if len(link.text.split()) > HEADLINE_WORDS else 0


def _for_judging(facts: PageFacts) -> PageFacts:
    """The part of a page's facts the verdicts read (auditor.evaluate.verdict)."""
    # Field by field: dataclasses.replace took 5.4 µs against 3.0, and it runs for every page.
    return PageFacts(
        facts.url,
        facts.status_code,
        facts.title,
        items=facts.items,
        page_date=facts.page_date,
        page_date_signal=facts.page_date_signal,
        main_text_chars=facts.main_text_chars,
        placeholder=facts.placeholder,
        not_found=facts.not_found,
        attachment=facts.attachment,
    )


def _site_failure(result: FetchResult) -> tuple[SiteStatus, str] | None:
    if result.error is not None:
        mapping = {
            "timeout": SiteStatus.TIMEOUT,
            "tls_error": SiteStatus.TLS_ERROR,
            "unreachable:dns": SiteStatus.UNREACHABLE_DNS,
            "unreachable:refused": SiteStatus.UNREACHABLE_REFUSED,
        }
        return mapping.get(result.error, SiteStatus.UNREACHABLE), f"{result.error}: {result.detail}"
    if result.status_code in (401, 403):
        return SiteStatus.BLOCKED_403, f"HTTP {result.status_code} on the home page"
    if result.status_code >= 500:
        return SiteStatus.SERVER_ERROR, f"HTTP {result.status_code} on the home page"
    if result.status_code >= 400:
        return SiteStatus.UNREACHABLE, f"HTTP {result.status_code} on the home page"
    return None


class _SiteCrawler:
    def __init__(
        self,
        agency: Agency,
        obligations: tuple[Obligation, ...],
        recogniser: Matcher,
        fetcher: Fetcher,
        settings: CrawlSettings,
        as_of: dt.date,
        observer: CrawlObserver | None,
        extract: PageExtractor,
        known: FactsLookup | None,
        record: CrawlRecording | None = None,
        confirmed: Container[str] = (),
        answered: Mapping[str, FetchResult] | None = None,
    ) -> None:
        self.agency = agency
        self.hosts = agency.hosts  # a property that builds its Scope: asked for every page and link
        self.extract = extract
        self.known = known
        self.recogniser = recogniser
        self.fetcher = fetcher
        self.settings = settings
        self.observer = observer
        self.state = _State(agency, obligations, as_of)
        self.needed = {o.category.id for o in obligations}
        self.dated = {o.category.id for o in obligations if o.category.dated}
        self.robots: dict[str, RobotsPolicy] = {}
        self.robots_results: dict[str, FetchResult] = {}
        self.budget = agency.page_budget or settings.page_budget
        self.home = normalise(agency.url) or agency.url
        self.links_done: dict[Link, int] = {}
        self.fetched = 0
        # Said in the site's detail even when the audit goes on: what the report must not hide.
        self.notes: list[str] = []
        self.robots_overridden = 0
        self.record = record
        self.confirmed = confirmed
        self.answered = dict(answered) if answered else None

    def _ask(
        self,
        url: str,
        *,
        barrier: bool,
        method: str = "GET",
        verify: bool | None = None,
        body_needed: Callable[[CachedResponse], bool] | None = None,
    ) -> Coroutine[Any, Any, FetchResult]:
        """The fetch of ``url``, noted in the crawl's recording as it is asked for (see auditor.crawlmemo)."""
        verify = self.agency.tls_verify if verify is None else verify
        answer = self.answered.pop(url, None) if self.answered and method == "GET" else None
        if answer is not None:
            fetched = _given(answer)
        else:
            fetched = self.fetcher.fetch(
                url, self.hosts, verify=verify, method=method, body_needed=body_needed, confirmed=self.confirmed
            )
        if self.record is None:
            return fetched
        return _answered(self.record, self.record.ask(url, method, verify, body_needed is not None, barrier), fetched)

    async def _robots(self, url: str) -> RobotsPolicy:
        """The robots.txt policy of the URL's host, fetched once; its Crawl-delay slows that origin."""
        host = host_of(url)
        policy = self.robots.get(host)
        if policy is None:
            result = await self._ask(urljoin(url, "/robots.txt"), barrier=True)
            self.robots_results[host] = result
            policy = parse_robots(result.body if result.ok else None, self.settings.user_agent)
            self.robots[host] = policy
            delay = self.agency.crawl_delay if self.agency.crawl_delay is not None else policy.crawl_delay
            if delay is not None and delay > defaults.MAX_CRAWL_DELAY and self.agency.crawl_delay is None:
                cap = defaults.MAX_CRAWL_DELAY
                self.notes.append(f"robots.txt Crawl-delay {delay:g} s for {host}: waited {cap:g} s between requests")
                delay = defaults.MAX_CRAWL_DELAY
            if delay is not None:
                self.fetcher.slot(origin_of(url), delay)
                if self.record is not None:
                    self.record.delays[origin_of(url)] = delay
        return policy

    def _obey_robots(self) -> bool:
        return self.settings.obey_robots and self.agency.obey_robots

    async def _tls_probe(self) -> None:
        """With ``tls_verify: false`` the audit goes on, but the certificate problem is still reported."""
        if self.agency.tls_verify or not self.home.startswith("https://"):
            return
        probe = await self._ask(self.home, barrier=True, method="HEAD", verify=True)
        if probe.error == "tls_error":
            self.notes.append(f"tls_error (tls_verify: false, audit continued): {probe.detail}")

    def _detail(self, detail: str = "") -> str:
        notes = list(self.notes)
        if not self._obey_robots():
            notes.append(
                "robots.txt not obeyed (audit authorised by the agency)"
                + (f": it disallows {self.robots_overridden} of the pages read" if self.robots_overridden else "")
            )
        return "; ".join(n for n in (detail, *notes) if n)

    async def run(self) -> SiteCrawl:
        home = self.home
        await self._tls_probe()
        policy = await self._robots(home)
        robots_result = self.robots_results[host_of(home)]
        if robots_result.error is not None and robots_result.error != "redirect_out_of_scope":
            # The host does not answer at all: no need to knock again for the home page.
            failure = _site_failure(robots_result)
            if failure is not None:
                return SiteCrawl(failure[0], self._detail(failure[1]), {}, (), False)
        if self._obey_robots() and not policy.allows(home):
            return SiteCrawl(SiteStatus.ROBOTS_DISALLOWED, "robots.txt disallows the home page", {}, (), False)
        self.robots_overridden += not policy.allows(home)
        result = await self._ask(home, barrier=True, body_needed=self._body_needed_if_kept())
        failure = _site_failure(result)
        if failure is not None:
            return SiteCrawl(failure[0], self._detail(failure[1]), {}, (), False)
        self.state.taken.add(home)
        self._record(result, depth=0)
        xml_sitemaps = []
        for sitemap in policy.sitemaps:
            url = normalise(sitemap)
            if url and in_scope(url, self.hosts):
                if url.endswith(".xml"):
                    xml_sitemaps.append(url)
                else:
                    self.state.push(url, 1, _SITEMAP)
        if self.settings.mode == "full":
            await self._seed_from_xml(xml_sitemaps or [urljoin(home, "/sitemap.xml")])
        await self._loop()
        state = self.state
        complete = not state.coverage or all(u in state.pages for u in state.coverage)
        return SiteCrawl(
            SiteStatus.REACHABLE,
            self._detail(),
            dict(state.pages),
            tuple(sorted(state.candidates.values(), key=lambda c: (c.category, c.rank, c.url))),
            complete,
        )

    async def _seed_from_xml(self, sitemaps: list[str]) -> None:
        """A full crawl also queues what sitemap.xml lists (a sitemap index is followed one level)."""
        pending, seen = list(sitemaps), set[str]()
        while pending and len(seen) < MAX_XML_SITEMAPS:
            url = pending.pop(0)
            if url in seen or (self._obey_robots() and not (await self._robots(url)).allows(url)):
                continue
            seen.add(url)
            result = await self._ask(url, barrier=True)
            if not result.ok:
                continue
            for loc in sitemap_locations(result.body)[:MAX_SITEMAP_URLS]:
                target = normalise(loc)
                if target is None or not in_scope(target, self.hosts) or looks_like_trap(target):
                    continue
                if target.endswith(".xml"):
                    pending.append(target)
                else:
                    self.state.push(target, 1, _OTHER)

    def _should_continue(self) -> bool:
        state = self.state
        state.discard_taken()
        if self.fetched >= self.budget or not state.frontier:
            return False
        if self.settings.mode == "full":
            return True
        head = state.frontier[0]
        if head.priority <= _SITEMAP:
            return not (head.priority == _COVERAGE and state.resolved())
        return head.priority == _HEADLINE and not state.resolved()

    async def _loop(self) -> None:
        """Fetch up to the per-host concurrency at once, but take results in the order they were asked for.

        Every decision (what to fetch next, whether to stop) then sees the same pages whatever order
        the responses arrive in, so a run replayed from the cache, or against a faster server, judges
        exactly the same pages as the original run.
        """
        inflight: collections.deque[tuple[asyncio.Task[FetchResult], int]] = collections.deque()
        try:
            while True:
                while len(inflight) < self.settings.per_host_concurrency and self._should_continue():
                    entry = self.state.pop()
                    if entry is None:
                        break
                    allowed = (await self._robots(entry.url)).allows(entry.url)
                    if self._obey_robots() and not allowed:
                        self.state.pages[entry.url] = PageRecord(entry.url, robots_blocked=True)
                        continue
                    self.robots_overridden += not allowed
                    self.fetched += 1
                    task = asyncio.ensure_future(
                        self._ask(entry.url, barrier=False, body_needed=self._body_needed_if_kept())
                    )
                    inflight.append((task, entry.depth))
                if not inflight:
                    return
                task, depth = inflight[0]
                result = await task
                inflight.popleft()
                self._record(result, depth)
                if self.observer is not None:
                    self.observer.page_done(self.agency, self.fetched, len(self.state.frontier), self.state.errors)
        finally:
            for task, _ in inflight:
                task.cancel()

    def _body_needed_if_kept(self) -> Callable[[CachedResponse], bool] | None:
        """What the fetcher asks whether a stored page needs its body; given only when facts are kept.

        The fetcher then stores pages without their bodies. A bound method made for each fetch, never
        kept on the crawler: that would be a reference cycle, and every site's pages would wait for
        the garbage collector (5.5 MB more at the peak of a rerun of 10,200 pages in one process).
        """
        return self._body_needed if self.known is not None else None

    def _body_needed(self, entry: CachedResponse) -> bool:
        """A cached page whose facts the extractor has is judged from them, its body left unread."""
        return self.known is None or not self.known(
            entry.url,
            entry.status_code,
            content_type=entry.content_type,
            last_modified=entry.last_modified,
            as_of=self.state.as_of,
            sha256=entry.body_sha256 or "",
        )

    def _record(self, result: FetchResult, depth: int) -> None:
        state = self.state
        if result.error is not None:
            state.errors += 1
            state.pages[result.url] = PageRecord(result.url, result.status_code, error=result.error)
            return
        facts: PageFacts | None = None
        if result.status_code < 400 or result.body or result.body_elided:
            facts = self.extract(
                result.final_url,
                result.status_code,
                result.body,
                content_type=result.content_type,
                last_modified=result.last_modified,
                as_of=state.as_of,
                sha256=result.body_sha256,
            )
            self.fetcher.settle(result)  # its facts are kept: the cache may write the page's entry
            if self.record is not None:
                self.record.extracted += 1
        if result.status_code >= 400:
            state.errors += 1
        # Links, headings and crumbs are weighed below; judging needs the page's items and dates only.
        # Keeping no more keeps memory flat however many pages a site has.
        record = PageRecord(result.url, result.status_code, facts=_for_judging(facts) if facts is not None else None)
        state.pages[result.url] = record
        if result.final_url != result.url and result.final_url not in state.pages:
            # Redirected: the target is this page. A link naming it is not followed again (a
            # SharePoint home, reached from "/", is linked from every page's crumbs), and a category
            # or an item found at it is judged from this fetch.
            state.taken.add(result.final_url)
            state.pages[result.final_url] = record
        if facts is None or result.status_code >= 400 or facts.not_found:
            return
        if depth > 0:
            label = facts.headings[0] if facts.headings else facts.title
            matches = self.recogniser.match_page(facts)
            crumb_categories = {m.category for m in matches if m.source == "breadcrumb"}
            # A dated page that is no list is an article: its title may name a category without
            # being that category's page. So is a page whose crumb names a different category.
            article = len(facts.items) < 2 and facts.page_date is not None
            for match in matches:
                if match.source == "heading":
                    rank = 1 if article or (crumb_categories and match.category not in crumb_categories) else 0
                else:
                    rank = 1 if facts.headings else 0
                self._candidate(
                    match.category, result.url, match.source, label, result.url, rank, True, rank == 0, match.strength
                )
        self._follow(facts, result.url, depth)

    def _candidate(
        self,
        category: str,
        url: str,
        via: str,
        label: str,
        on_page: str,
        rank: int,
        scoped: bool,
        menu: bool,
        strength: int = 0,
    ) -> None:
        key = (category, url)
        current = self.state.candidates.get(key)
        if current is None or rank < current.rank:
            self.state.candidates[key] = Candidate(category, url, via, label, on_page, rank, scoped, menu, strength)
            self.state.categories_of.setdefault(url, set()).add(category)
        elif (menu and not current.menu) or strength > current.strength:
            self.state.candidates[key] = replace(
                current, menu=current.menu or menu, strength=max(strength, current.strength)
            )

    def _follow(self, facts: PageFacts, page_url: str, depth: int) -> None:
        state = self.state
        hosts = self.hosts
        categories_here = set(state.categories_of.get(page_url, ()))  # as it was before this page's links
        for link in facts.links:
            # Menus, boxes and footers repeat on every page: a link already weighed from as close
            # to the home page has nothing new to say.
            if self.links_done.get(link, depth + 1) <= depth:
                continue
            self.links_done[link] = depth
            url = normalise(link.url)
            if url is None:
                continue
            scoped = in_scope(url, hosts)
            priority = _OTHER
            # The home page is where everything is linked from, never a category's own page.
            matches = self.recogniser.match_link(link) if url != self.home else []
            for match in matches:
                # Every category is recorded, needed or not: a page that is another category's
                # is never taken for an item of this one.
                rank = _rank(link)
                self._candidate(
                    match.category,
                    url,
                    match.source,
                    _label(link),
                    page_url,
                    rank,
                    scoped,
                    link.region != "main",
                    match.strength,
                )
                if match.category in self.needed:
                    priority = min(priority, _CANDIDATE if rank == 0 else _HEADLINE)
            if not scoped or looks_like_trap(url) or depth + 1 > self.settings.max_depth:
                continue
            if is_attachment_url(url) and priority == _OTHER:
                continue
            if depth == 0:
                priority = min(priority, _COVERAGE)
                state.coverage.add(url)
            elif priority > _SITEMAP and _is_sitemap_link(link):
                priority = _SITEMAP
            state.push(url, depth + 1, priority)
        if categories_here & self.dated:
            # A list whose items show no date: open a few items to read their own dates.
            undated = [i.url for i in facts.items if i.date is None and i.url != page_url]
            for url in undated[:ITEMS_TO_DATE]:
                normal = normalise(url)
                if normal and in_scope(normal, hosts):
                    state.push(normal, depth + 1, _DATING)


async def crawl_site(
    agency: Agency,
    obligations: tuple[Obligation, ...],
    recogniser: Matcher,
    fetcher: Fetcher,
    settings: CrawlSettings,
    as_of: dt.date,
    observer: CrawlObserver | None = None,
    extract: PageExtractor = parse_page,
    known: FactsLookup | None = None,
    record: CrawlRecording | None = None,
    replay: Replay | None = None,
) -> SiteCrawl:
    """Crawl one site within its budget and return what was seen; never raises for site trouble.

    ``known``, given with a caching ``extract``, lets pages the cache answers skip reading their bodies.
    ``record`` notes every request and its answer (see auditor.crawlmemo). ``replay`` holds what a
    replay that found a difference asked already (see replay_site): those URLs are not asked again.
    """
    confirmed, answered = (replay.confirmed, replay.answered) if replay is not None else ((), None)
    crawler = _SiteCrawler(
        agency, obligations, recogniser, fetcher, settings, as_of, observer, extract, known, record, confirmed, answered
    )
    if fetcher.cache is not None:
        fetcher.cache.read_ahead(crawler.hosts)  # one read for the site's stored responses
    try:
        crawl = await asyncio.wait_for(crawler.run(), settings.site_timeout)
        if record is not None:
            record.finished = True
        return crawl
    except TimeoutError:
        state = crawler.state
        if not state.pages:
            return SiteCrawl(SiteStatus.TIMEOUT, "the site did not answer in time", {}, (), False)
        return SiteCrawl(
            SiteStatus.REACHABLE,
            crawler._detail("site time limit reached"),
            dict(state.pages),
            tuple(state.candidates.values()),
            False,
        )
    finally:
        if fetcher.cache is not None:
            fetcher.cache.done_with(crawler.hosts)


async def _given(result: FetchResult) -> FetchResult:
    """An answer had already (see Replay.answered), where the crawl awaits a fetch."""
    return result


async def _answered(record: CrawlRecording, number: int, fetched: Coroutine[Any, Any, FetchResult]) -> FetchResult:
    result = await fetched
    record.answer(number, result)
    return result


@dataclass(frozen=True)
class Replay:
    """What asking a kept crawl's requests again gave (see replay_site)."""

    crawl: SiteCrawl | None  # the kept crawl, if every answer was the same
    confirmed: frozenset[str] = frozenset()  # URLs whose stored response is this run's answer
    answered: Mapping[str, FetchResult] = field(default_factory=dict)  # answers that differed, as they came


async def replay_site(
    memo: CrawlMemo,
    agency: Agency,
    fetcher: Fetcher,
    settings: CrawlSettings,
    observer: CrawlObserver | None = None,
) -> Replay:
    """Ask a kept crawl's requests again, in order; its crawl if every answer is the same (see auditor.crawlmemo).

    At most the per-host concurrency is in flight, as in a crawl, and a barrier (robots.txt, the
    home page, a sitemap) is asked alone once everything before it is answered: a robots.txt that
    now disallows the site stops the replay before any page is asked for. At the first answer that
    differs nothing more is asked; what was asked is handed to the crawl made instead (``crawl_site``'s
    ``confirmed`` and ``answered``), so that no URL is asked for twice in a run.
    """
    for origin, delay in memo.delays:
        fetcher.slot(origin, delay)  # the Crawl-delay robots.txt gave: its answer is asked again first
    hosts = agency.hosts
    confirmed: set[str] = set()
    answered: dict[str, FetchResult] = {}
    inflight: collections.deque[tuple[asyncio.Task[FetchResult], Fetched]] = collections.deque()
    same, taken = True, 0

    async def take(count: int) -> None:
        """Take answers in the order asked until ``count`` are left in flight."""
        nonlocal same, taken
        while len(inflight) > count:
            task, fetched = inflight[0]
            result = await task
            inflight.popleft()
            matched = fingerprint(result) == fetched.answer
            if matched:
                fetcher.settle(result)  # a full answer with the same body: its facts are those kept
                taken += 1
                if observer is not None:
                    observer.page_done(agency, taken, len(memo.fetches) - taken, 0)
            same = same and matched
            if fetched.method != "GET":
                continue
            if result.body_elided or (matched and _stored(result)):
                # The stored response is this answer (a 304 confirmed it, or this run stored it):
                # the crawl reads it from the cache, facts and all, the way it reads any.
                confirmed.add(fetched.url)
            else:
                # As it came: the crawl parses it, or reads its failure. Only answers that differ
                # (a few: nothing is asked after the first) and failures (no body) are held.
                answered[fetched.url] = result

    if fetcher.cache is not None:
        fetcher.cache.read_ahead(hosts)  # one read for the site's stored responses
    try:
        for fetched in memo.fetches:
            await take(0 if fetched.barrier else settings.per_host_concurrency - 1)
            if not same:
                break
            coroutine = fetcher.fetch(
                fetched.url,
                hosts,
                verify=fetched.verify,
                method=fetched.method,
                body_needed=_never if fetched.facts else None,
            )
            inflight.append((asyncio.ensure_future(coroutine), fetched))
        await take(0)  # what is in flight is taken even after a difference: it was asked already
    finally:
        for task, _ in inflight:
            task.cancel()
        if fetcher.cache is not None:
            fetcher.cache.done_with(hosts)
    if same:
        return Replay(memo.crawl, frozenset(confirmed))
    return Replay(None, frozenset(confirmed), answered)


def _stored(result: FetchResult) -> bool:
    """Whether the HTTP cache now holds ``result`` for its URL: a response, not a failure or a status to retry.

    A failure stores nothing, and the cache may hold an older answer for the URL: that one must
    not stand for this run's.
    """
    return result.error is None and result.status_code not in defaults.RETRY_HTTP_CODES


def _never(entry: CachedResponse) -> bool:
    """A replay compares answers by the body's hash: a stored body is never read back."""
    return False

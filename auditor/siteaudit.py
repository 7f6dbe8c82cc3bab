"""One process's share of an audit: each agency crawled, its pages extracted, judged and scored.

Kept apart from :mod:`auditor.pipeline`, which imports it only once the worker processes have their
shares: this module brings in the crawl (aiohttp, httpx, selectolax and the extractors, about 0.3 s
of a process's start), and the parent reading the command line and the registry need none of it.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from .crawl.cache import HttpCache
from .crawl.fetcher import Fetcher
from .crawl.stats import FetchStats
from .crawlmemo import CrawlRecording, crawl_key, decode, encode
from .evaluate.recognise import Recogniser
from .evaluate.verdict import SiteCrawl, judge_site
from .factcache import FactsCache
from .models import Agency, CrawlSettings, Obligation, RuleSet, Scorecard, SiteStatus
from .score import score_findings
from .sitecrawl import crawl_site, replay_site
from .workers import Intake, SharedSites

if TYPE_CHECKING:  # the pipeline imports this module, not the other way round
    from .pipeline import AuditObserver, AuditOptions

__all__ = ["FACTS_FILE", "SITES_PER_REQUEST_SLOT", "Share", "audit_agencies"]

# Sites crawled at once, per request allowed in flight: enough to keep every request slot busy while
# each site waits out its politeness delay, few enough that a national registry's thousands of sites
# do not all hold their crawl state and connections at once.
SITES_PER_REQUEST_SLOT = 4

# Characters of an exception's message kept in a site's detail (it may quote web content).
MAX_ERROR_TEXT = 300

# Extracted facts, in the HTTP cache's folder (see ``auditor.factcache``).
FACTS_FILE = "facts.sqlite3"


@dataclass
class _Context:
    """What every site of one process's share is audited with, and what its crawls reused."""

    rules: RuleSet
    recogniser: Recogniser
    fetcher: Fetcher
    options: AuditOptions
    observer: AuditObserver | None
    facts: FactsCache | None
    crawls_reused: int = 0  # sites whose kept crawl was reused (see auditor.crawlmemo)
    pages_reused: int = 0  # the pages those crawls had read the facts of


async def _crawl(agency: Agency, obligations: tuple[Obligation, ...], context: _Context) -> SiteCrawl:
    """The site's kept crawl, if every request it made is answered the same; else a crawl, kept for the next run."""
    fetcher, facts, settings, as_of = context.fetcher, context.facts, context.options.settings, context.options.as_of
    if facts is None:
        return await crawl_site(agency, obligations, context.recogniser, fetcher, settings, as_of, context.observer)
    key = crawl_key(agency, obligations, settings, as_of)
    kept, replay = facts.crawl_of(agency.id, key), None
    if kept is not None:
        try:
            memo = decode(kept)
        except (ValueError, TypeError, EOFError):
            memo = None  # crawled again, and kept anew
        if memo is not None:
            replay = await replay_site(memo, agency, fetcher, settings, context.observer)
            if replay.crawl is not None:
                context.crawls_reused += 1
                context.pages_reused += memo.extracted
                return replay.crawl
    facts.read_ahead(agency.hosts)  # one read for the site's stored facts
    try:
        matches = facts.matches_of(agency, context.recogniser)
        record = CrawlRecording()
        crawl = await crawl_site(
            agency,
            obligations,
            matches,
            fetcher,
            settings,
            as_of,
            context.observer,
            facts.extract,
            facts.known,
            record,
            replay,
        )
        facts.keep_matches(agency, matches)
    finally:
        facts.done_with(agency.hosts)
    memo = record.memo(crawl)
    if memo is not None:
        facts.keep_crawl(agency.id, key, encode(memo))
    return crawl


async def _audit_agency(agency: Agency, context: _Context) -> Scorecard:
    options, observer = context.options, context.observer
    if observer is not None:
        observer.site_started(agency)
    obligations = context.rules.obligations(agency, options.as_of)
    try:
        crawl = await _crawl(agency, obligations, context)
        findings = judge_site(obligations, crawl, options.as_of)
    except Exception as exc:  # a site the auditor fails on is data, never the end of the run
        crawl = SiteCrawl(SiteStatus.AUDIT_ERROR, _internal_error(exc), {}, (), False)
        findings = judge_site(obligations, crawl, options.as_of)
    score, scored = score_findings(findings)
    # A page reached through a redirect is recorded under its target too: counted once.
    pages = sum(1 for url, p in crawl.pages.items() if p.url == url and not p.robots_blocked)
    scorecard = Scorecard(agency, crawl.site_status, crawl.site_detail, findings, score, scored, pages)
    if observer is not None:
        observer.site_finished(scorecard)
    return scorecard


def _internal_error(exc: Exception) -> str:
    """What the report says of an exception that ended one site's audit: enough to file the bug."""
    where = exc.__traceback__
    while where is not None and where.tb_next is not None:
        where = where.tb_next
    place = f" at {Path(where.tb_frame.f_code.co_filename).name}:{where.tb_lineno}" if where is not None else ""
    return f"internal error{place}: {type(exc).__name__}: {str(exc)[:MAX_ERROR_TEXT]}"


@dataclass(frozen=True)
class Share:
    """What one process's part of the audit produced, and what it cost."""

    scorecards: list[Scorecard]
    stats: dict[str, FetchStats]
    parsed: int = 0  # pages parsed
    reused: int = 0  # pages whose facts came from the cache
    crawls_reused: int = 0  # sites whose last crawl was reused (see auditor.crawlmemo)


async def audit_agencies(
    agencies: Sequence[Agency],
    rules: RuleSet,
    options: AuditOptions,
    observer: AuditObserver | None,
    cache: HttpCache | None,
    shared: SharedSites | None = None,
) -> Share:
    """Every agency given, concurrently, over one client, then what it takes of ``shared``; the scorecards and costs.

    At most ``window`` sites are crawled at once. The agencies given hold the first turns; the other
    turns take the next group of ``shared`` whenever this process has room for it (see Intake), so
    the processes finish together however the sites and the processes' speeds differ.
    """
    recogniser = Recogniser(rules.categories)
    fetcher = Fetcher(options.settings, resolve=options.resolve, plain_http=options.plain_http, cache=cache)
    facts: FactsCache | None = None
    if cache is not None:
        facts = FactsCache(cache.root / FACTS_FILE)
        cache.write_first(facts.flush)  # pages stored without their bodies rely on their facts
    context = _Context(rules, recogniser, fetcher, options, observer, facts)
    window = _window(options.settings)
    active = asyncio.Semaphore(window)  # first come, first served: the agencies given go first
    intake = Intake(shared) if shared is not None else None  # one site at least, more only with CPU to spare

    async def in_turn(agency: Agency) -> list[Scorecard]:
        async with active:
            with intake.crawling() if intake is not None else contextlib.nullcontext():
                return [await _audit_agency(agency, context)]

    async def taking(intake: Intake) -> list[Scorecard]:
        taken: list[Scorecard] = []
        while True:
            async with active:
                group = await intake.take()
                if group is None:
                    return taken
                with intake.crawling():
                    # Agencies sharing a host, one after another: their politeness limits are one.
                    for agency in group:
                        taken.append(await _audit_agency(agency, context))

    takers = [taking(intake) for _ in range(window)] if intake is not None else []
    try:
        done = await asyncio.gather(*(in_turn(a) for a in agencies), *takers)
        scorecards = [card for cards in done for card in cards]
    finally:
        await fetcher.aclose()
        if facts is not None:
            facts.close()
        if cache is not None:
            cache.flush()
    if facts is None:
        return Share(list(scorecards), fetcher.stats)
    return Share(
        list(scorecards), fetcher.stats, facts.misses, facts.hits + context.pages_reused, context.crawls_reused
    )


def _window(settings: CrawlSettings) -> int:
    """Sites one process crawls at once (see SITES_PER_REQUEST_SLOT)."""
    return SITES_PER_REQUEST_SLOT * settings.global_concurrency

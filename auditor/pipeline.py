"""run_audit(): crawl, extract, evaluate, score and report every agency; the one place reports are written."""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import json
import os
import shutil
import tempfile
from collections.abc import Container, Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Protocol

from . import __version__
from .crawl import defaults
from .crawl.cache import HttpCache
from .crawl.fetcher import Fetcher, FetchStats
from .errors import OutputError
from .evaluate.recognise import Recogniser
from .evaluate.verdict import SiteCrawl, judge_site
from .factcache import FactsCache
from .history import prepare
from .models import Agency, AuditRun, CrawlSettings, Registry, RuleSet, Scorecard, SiteStatus
from .report import FORMATS, ReportContext
from .report.context import Waiver
from .score import score_findings
from .sitecrawl import CrawlObserver, FactsLookup, PageExtractor, crawl_site, parse_page
from .workers import Intake, SharedSites, Workers, deal, discard_prestarted, partition, worker_sender

__all__ = [
    "FETCH_STATS_FILE",
    "AuditObserver",
    "AuditOptions",
    "audit",
    "audit_in_workers",
    "default_settings",
    "run_audit",
    "write_reports",
]


class AuditObserver(CrawlObserver, Protocol):
    """Progress of a whole audit; the CLI draws it, tests may count it."""

    def site_started(self, agency: Agency) -> None: ...

    def site_finished(self, scorecard: Scorecard) -> None: ...


@dataclass(frozen=True)
class AuditOptions:
    """What one audit run is asked to do."""

    as_of: dt.date
    settings: CrawlSettings
    resolve: Mapping[str, tuple[str, int]] | None = None
    plain_http: bool = False  # only for the bundled sample portal, which serves every host over HTTP
    formats: Sequence[str] = tuple(FORMATS)  # every format unless asked for fewer
    lang: str = "vi"
    # The HTTP cache folder: conditional requests next time, and a killed run resumes from it.
    cache_dir: Path | None = None
    # Processes crawling at once (agencies sharing a host stay in one); 1 runs in this process.
    workers: int = 1


# Sites crawled at once, per request allowed in flight: enough to keep every request slot busy while
# each site waits out its politeness delay, few enough that a national registry's thousands of sites
# do not all hold their crawl state and connections at once.
SITES_PER_REQUEST_SLOT = 4

# Characters of an exception's message kept in a site's detail (it may quote web content).
MAX_ERROR_TEXT = 300

# Extracted facts, in the HTTP cache's folder (see ``auditor.factcache``).
FACTS_FILE = "facts.sqlite3"

# Written into the cache folder after each run: what the crawl cost per agency (requests, full
# bodies, 304s, replays) and how many pages were parsed or had their facts reused. Not in
# results.json, which must not depend on what was cached.
FETCH_STATS_FILE = "fetch-stats.json"


def default_settings(**overrides: object) -> CrawlSettings:
    """Crawl settings from ``auditor.crawl.defaults``, with the given fields replaced."""
    settings = CrawlSettings(
        page_budget=defaults.PAGE_BUDGET,
        max_depth=defaults.MAX_DEPTH,
        per_host_concurrency=defaults.PER_HOST_CONCURRENCY,
        global_concurrency=defaults.GLOBAL_CONCURRENCY,
        delay=defaults.DELAY,
        connect_timeout=defaults.CONNECT_TIMEOUT,
        read_timeout=defaults.READ_TIMEOUT,
        page_timeout=defaults.PAGE_TIMEOUT,
        site_timeout=defaults.SITE_TIMEOUT,
        retries=defaults.RETRIES,
        max_page_bytes=defaults.MAX_PAGE_BYTES,
        user_agent=defaults.USER_AGENT,
    )
    return replace(settings, **overrides)  # type: ignore[arg-type]


async def _audit_agency(
    agency: Agency,
    rules: RuleSet,
    recogniser: Recogniser,
    fetcher: Fetcher,
    options: AuditOptions,
    observer: AuditObserver | None,
    facts: FactsCache | None,
) -> Scorecard:
    if observer is not None:
        observer.site_started(agency)
    obligations = rules.obligations(agency, options.as_of)
    extract: PageExtractor = facts.extract if facts is not None else parse_page
    known: FactsLookup | None = facts.known if facts is not None else None
    try:
        matches = facts.matches_of(agency, recogniser) if facts is not None else None
        matcher = matches or recogniser
        crawl = await crawl_site(
            agency, obligations, matcher, fetcher, options.settings, options.as_of, observer, extract, known
        )
        if facts is not None and matches is not None:
            facts.keep_matches(agency, matches)
        findings = judge_site(obligations, crawl, options.as_of)
    except Exception as exc:  # a site the auditor fails on is data, never the end of the run
        crawl = SiteCrawl(SiteStatus.AUDIT_ERROR, _internal_error(exc), {}, (), False)
        findings = judge_site(obligations, crawl, options.as_of)
    score, scored = score_findings(findings)
    pages = sum(1 for p in crawl.pages.values() if not p.robots_blocked)
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
class _Share:
    """What one process's part of the audit produced, and what it cost."""

    scorecards: list[Scorecard]
    stats: dict[str, FetchStats]
    parsed: int = 0  # pages parsed
    reused: int = 0  # pages whose facts came from the cache


async def _audit_agencies(
    agencies: Sequence[Agency],
    rules: RuleSet,
    options: AuditOptions,
    observer: AuditObserver | None,
    cache: HttpCache | None,
    shared: SharedSites | None = None,
) -> _Share:
    """Every agency given, concurrently, over one client, then what it takes of ``shared``; the scorecards and costs.

    At most ``window`` sites are crawled at once. The agencies given hold the first turns; the other
    turns take the next group of ``shared`` whenever this process has room for it (see Intake), so
    the processes finish together however the sites and the processes' speeds differ.
    """
    recogniser = Recogniser(rules.categories)
    fetcher = Fetcher(options.settings, resolve=options.resolve, plain_http=options.plain_http, cache=cache)
    facts = FactsCache(cache.root / FACTS_FILE) if cache is not None else None
    window = _window(options.settings)
    active = asyncio.Semaphore(window)  # first come, first served: the agencies given go first
    intake = Intake(shared, _floor(options.settings)) if shared is not None else None

    async def in_turn(agency: Agency) -> list[Scorecard]:
        async with active:
            with intake.crawling() if intake is not None else contextlib.nullcontext():
                return [await _audit_agency(agency, rules, recogniser, fetcher, options, observer, facts)]

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
                        taken.append(await _audit_agency(agency, rules, recogniser, fetcher, options, observer, facts))

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
        return _Share(list(scorecards), fetcher.stats)
    return _Share(list(scorecards), fetcher.stats, facts.misses, facts.hits)


def _audit_group(
    group: tuple[Agency, ...],
    rules: RuleSet,
    options: AuditOptions,
    cache: HttpCache | None,
    shared: SharedSites | None = None,
) -> _Share:
    """One worker process's share of the audit (see ``auditor.workers``)."""
    return asyncio.run(_audit_agencies(group, rules, options, worker_sender(), cache, shared))


def _window(settings: CrawlSettings) -> int:
    """Sites one process crawls at once (see SITES_PER_REQUEST_SLOT)."""
    return SITES_PER_REQUEST_SLOT * settings.global_concurrency


def _floor(settings: CrawlSettings) -> int:
    """Sites that fill one process's request slots when none waits: what it starts with (see Intake)."""
    return -(-settings.global_concurrency // settings.per_host_concurrency)


def _conclude(
    registry: Registry,
    rules: RuleSet,
    options: AuditOptions,
    cache: HttpCache | None,
    shares: Sequence[_Share],
) -> AuditRun:
    stats: dict[str, FetchStats] = {}
    for share in shares:
        for host, counts in share.stats.items():
            stats.setdefault(host, FetchStats()).add(counts)
    if cache is not None:
        parsing = {"parsed": sum(s.parsed for s in shares), "reused": sum(s.reused for s in shares)}
        _write_fetch_stats(cache, registry, stats, parsing)
        cache.finish()
    return AuditRun(
        as_of=options.as_of,
        province=registry.province,
        ruleset_version=rules.version,
        instruments=rules.instruments_in_force(options.as_of),
        scorecards=tuple(sorted((c for share in shares for c in share.scorecards), key=lambda c: c.agency.id)),
        tool_version=__version__,
        categories=rules.categories,
    )


async def audit(
    registry: Registry, rules: RuleSet, options: AuditOptions, observer: AuditObserver | None = None
) -> AuditRun:
    """Audit every agency of the registry concurrently in this process; a failing site is data, never an exception."""
    cache = _open_cache(registry, rules, options)
    share = await _audit_agencies(registry.agencies, rules, options, observer, cache)
    return _conclude(registry, rules, options, cache, [share])


def audit_in_workers(
    registry: Registry, rules: RuleSet, options: AuditOptions, observer: AuditObserver | None = None
) -> AuditRun:
    """Audit every agency, spread over ``options.workers`` processes; the same run as :func:`audit`.

    Each site's crawl depends only on its own responses, so how the sites are grouped changes how
    fast the run is, never what it finds. The global request limit is shared out between workers.
    """

    def weight(agency: Agency) -> int:
        return agency.page_budget or options.settings.page_budget

    processes = len(partition(registry.agencies, options.workers, weight))
    if processes <= 1:
        discard_prestarted()  # one group: this process audits it alone
        return asyncio.run(audit(registry, rules, options, observer))
    cache = _open_cache(registry, rules, options)
    per_worker = max(1, -(-options.settings.global_concurrency // processes))
    share_options = replace(options, settings=replace(options.settings, global_concurrency=per_worker))
    # Each process starts with the sites that fill its request slots; the others go to whichever
    # process has a turn free and the CPU to crawl one more (see auditor.workers.deal and Intake).
    groups, shared = deal(registry.agencies, processes, weight, _floor(share_options.settings))

    async def everywhere() -> list[_Share]:
        # This process audits the first group itself while the workers audit the others.
        async with Workers(_audit_group, groups[1:], (rules, share_options, cache), observer, shared) as workers:
            here = await _audit_agencies(groups[0], rules, share_options, observer, cache, workers.shared)
            return [here, *await workers.results()]

    shares = asyncio.run(everywhere())
    return _conclude(registry, rules, options, cache, shares)


def _open_cache(registry: Registry, rules: RuleSet, options: AuditOptions) -> HttpCache | None:
    """The run's cache; the same arguments as an unfinished run resume it (see ``auditor.crawl.cache``)."""
    if options.cache_dir is None:
        return None
    run_key = repr((registry.province, registry.agencies, rules.version, options.as_of, options.settings))
    cache = HttpCache(options.cache_dir, run_key)
    try:
        cache.begin()
    except OSError as exc:
        raise OutputError(f"{options.cache_dir}: cannot use the cache folder: {exc.strerror or exc}") from None
    return cache


def _stats_for(stats: Mapping[str, FetchStats], hosts: Container[str] | None = None) -> FetchStats:
    """Fetch counts summed over ``hosts`` (every host when None)."""
    total = FetchStats()
    for host, counts in stats.items():
        if hosts is None or host in hosts:
            total.add(counts)
    return total


def _write_fetch_stats(
    cache: HttpCache, registry: Registry, stats: Mapping[str, FetchStats], pages: Mapping[str, int]
) -> None:
    agencies = {a.id: _stats_for(stats, a.hosts).as_dict() for a in sorted(registry.agencies, key=lambda a: a.id)}
    payload = {"resumed": cache.resuming, "total": _stats_for(stats).as_dict(), "agencies": agencies, "pages": pages}
    path = cache.root / FETCH_STATS_FILE
    temp = path.with_suffix(".tmp")
    try:
        temp.write_text(json.dumps(payload, indent=1, sort_keys=True), encoding="utf-8")
        os.replace(temp, path)
    except OSError as exc:
        raise OutputError(f"{path}: cannot write fetch counts: {exc.strerror or exc}") from None


def write_reports(
    run: AuditRun, out_dir: Path, formats: Sequence[str], lang: str, context: ReportContext | None = None
) -> list[Path]:
    """Render every format, then move them into ``out_dir`` together: nothing is left half-written."""
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=".auditor-", dir=out_dir))
    except OSError as exc:
        raise OutputError(f"{out_dir}: cannot create the report folder: {exc.strerror or exc}") from None
    written: list[Path] = []
    try:
        rendered = [(FORMATS[name], FORMATS[name].render(run, lang, context)) for name in formats]
        for fmt, content in rendered:
            data = content.encode("utf-8") if isinstance(content, str) else content
            (staging / fmt.filename).write_bytes(data)
        for fmt, _ in rendered:
            target = out_dir / fmt.filename
            os.replace(staging / fmt.filename, target)
            written.append(target)
    except OSError as exc:
        raise OutputError(f"{out_dir}: cannot write reports: {exc.strerror or exc}") from None
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return written


def run_audit(
    registry: Registry,
    rules: RuleSet,
    options: AuditOptions,
    out_dir: Path,
    observer: AuditObserver | None = None,
    waivers: tuple[Waiver, ...] = (),
) -> tuple[AuditRun, ReportContext, list[Path]]:
    """The whole job: audit, apply the exceptions, compare with the previous run beside ``out_dir``, write."""
    run = audit_in_workers(registry, rules, options, observer)
    # Read the history before writing: the previous run must not be this one.
    run, context = prepare(run, out_dir, waivers)
    return run, context, write_reports(run, out_dir, options.formats, options.lang, context)

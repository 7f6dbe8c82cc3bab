"""run_audit(): crawl, extract, evaluate, score and report every agency; the one place reports are written."""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import os
import shutil
import tempfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Protocol

from . import __version__
from .crawl import defaults
from .crawl.cache import HttpCache
from .crawl.fetcher import Fetcher
from .errors import OutputError
from .evaluate.recognise import Recogniser
from .evaluate.verdict import judge_site
from .history import prepare
from .models import Agency, AuditRun, CrawlSettings, Registry, RuleSet, Scorecard
from .report import FORMATS, ReportContext
from .report.context import Waiver
from .score import score_findings
from .sitecrawl import CrawlObserver, crawl_site

__all__ = [
    "FETCH_STATS_FILE",
    "AuditObserver",
    "AuditOptions",
    "audit",
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


# Written into the cache folder after each run: what the crawl cost per agency (requests, full
# bodies, 304s, replays). Not in results.json, which must not depend on what was cached.
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
) -> Scorecard:
    if observer is not None:
        observer.site_started(agency)
    obligations = rules.obligations(agency, options.as_of)
    crawl = await crawl_site(agency, obligations, recogniser, fetcher, options.settings, options.as_of, observer)
    findings = judge_site(obligations, crawl, options.as_of)
    score, scored = score_findings(findings)
    pages = sum(1 for p in crawl.pages.values() if not p.robots_blocked)
    scorecard = Scorecard(agency, crawl.site_status, crawl.site_detail, findings, score, scored, pages)
    if observer is not None:
        observer.site_finished(scorecard)
    return scorecard


async def audit(
    registry: Registry, rules: RuleSet, options: AuditOptions, observer: AuditObserver | None = None
) -> AuditRun:
    """Audit every agency of the registry concurrently; a failing site is data, never an exception."""
    recogniser = Recogniser(rules.categories)
    cache = _open_cache(registry, rules, options)
    fetcher = Fetcher(options.settings, resolve=options.resolve, plain_http=options.plain_http, cache=cache)
    try:
        scorecards = await asyncio.gather(
            *(_audit_agency(a, rules, recogniser, fetcher, options, observer) for a in registry.agencies)
        )
    finally:
        await fetcher.aclose()
    if cache is not None:
        _write_fetch_stats(cache, registry, fetcher)
        cache.finish()
    return AuditRun(
        as_of=options.as_of,
        province=registry.province,
        ruleset_version=rules.version,
        instruments=rules.instruments_in_force(options.as_of),
        scorecards=tuple(sorted(scorecards, key=lambda s: s.agency.id)),
        tool_version=__version__,
        categories=rules.categories,
    )


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


def _write_fetch_stats(cache: HttpCache, registry: Registry, fetcher: Fetcher) -> None:
    agencies = {a.id: fetcher.stats_for(a.hosts).as_dict() for a in sorted(registry.agencies, key=lambda a: a.id)}
    payload = {"resumed": cache.resuming, "total": fetcher.stats_for().as_dict(), "agencies": agencies}
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
    run = asyncio.run(audit(registry, rules, options, observer))
    # Read the history before writing: the previous run must not be this one.
    run, context = prepare(run, out_dir, waivers)
    return run, context, write_reports(run, out_dir, options.formats, options.lang, context)

"""run_audit(): crawl, extract, evaluate, score and report every agency; the one place reports are written."""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import functools
import json
import os
import pickle
import shutil
import tempfile
from collections.abc import Callable, Container, Coroutine, Mapping, Sequence
from concurrent.futures import Executor, Future
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol, TypeVar

from . import __version__
from .crawl import defaults
from .crawl.cache import HttpCache
from .crawl.stats import FetchStats
from .errors import OutputError
from .eventloop import loop_factory
from .models import Agency, AuditRun, CrawlSettings, Registry, RuleSet, Scorecard
from .report import FORMATS, Format, ReportContext, summary_file
from .report.context import Waiver
from .workers import SharedSites, Workers, deal, discard_prestarted, partition, sites_filling_slots, worker_sender

if TYPE_CHECKING:
    from .siteaudit import Share

__all__ = [
    "FETCH_STATS_FILE",
    "AuditObserver",
    "AuditOptions",
    "audit",
    "audit_in_workers",
    "crawl_weight",
    "default_settings",
    "run_audit",
    "write_reports",
]


class AuditObserver(Protocol):
    """Progress of a whole audit; the CLI draws it, tests may count it.

    Also a :class:`auditor.sitecrawl.CrawlObserver` (``page_done``), spelled out here rather than
    inherited: this module must not import the crawl (see :mod:`auditor.siteaudit`).
    """

    def site_started(self, agency: Agency) -> None: ...

    def page_done(self, agency: Agency, pages: int, queued: int, errors: int) -> None: ...

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


def _conclude(
    registry: Registry,
    rules: RuleSet,
    options: AuditOptions,
    cache: HttpCache | None,
    shares: Sequence[Share],
) -> AuditRun:
    stats: dict[str, FetchStats] = {}
    for share in shares:
        for host, counts in share.stats.items():
            stats.setdefault(host, FetchStats()).add(counts)
    if cache is not None:
        parsing = {
            "parsed": sum(s.parsed for s in shares),
            "reused": sum(s.reused for s in shares),
            "crawls_reused": sum(s.crawls_reused for s in shares),
        }
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
    """Audit every agency of the registry concurrently in this process; a failing site is data, never an exception.

    The sites start longest first (see :func:`crawl_weight`), as many at once as the process crawls.
    """
    return await _audit(registry, rules, options, observer, crawl_weight(options))


async def _audit(
    registry: Registry,
    rules: RuleSet,
    options: AuditOptions,
    observer: AuditObserver | None,
    weight: Callable[[Agency], int],
) -> AuditRun:
    """:func:`audit`, with the weights already read (``_audit_in_workers`` has them: one read of the counts)."""
    from .siteaudit import audit_agencies

    cache = _open_cache(registry, rules, options)
    longest_first = sorted(registry.agencies, key=lambda a: (-weight(a), a.id))
    share = await audit_agencies(longest_first, rules, options, observer, cache)
    return _conclude(registry, rules, options, cache, [share])


def _audit_group(
    group: tuple[Agency, ...],
    rules: RuleSet,
    options: AuditOptions,
    cache: HttpCache | None,
    shared: SharedSites | None = None,
) -> Share:
    """One worker process's share of the audit (see ``auditor.workers``).

    A job is sent to a worker by its module and name: a function of this module, so the parent need
    not import the crawl (``auditor.siteaudit``) to hand the job over; the worker imports it here.
    """
    from .siteaudit import audit_agencies

    return _run_quietly(audit_agencies(group, rules, options, worker_sender(), cache, shared))


_T = TypeVar("_T")


def _run_quietly(main: Coroutine[Any, Any, _T]) -> _T:
    """``asyncio.run(main)``, without the repr of ``main``'s result that Python 3.11 builds as it ends.

    On the main thread, ``asyncio.Runner.run`` installs a SIGINT handler holding the main task and
    asks ``signal.getsignal`` for it at the end; ``signal._int_to_enum`` looks that handler up among
    the enum's values, which fails with a ValueError whose message is its ``%r``: the done task's,
    with the full repr of its result, the whole audit's scorecards. That took 0.04-0.09 s of every
    run in each process (py-spy of a rerun), at the end, while nothing else could go on. Here the
    task returns nothing, and the result comes back another way. The loop is
    :func:`auditor.eventloop.loop_factory`'s.
    """
    result: list[_T] = []

    async def keeping() -> None:
        result.append(await main)

    with asyncio.Runner(loop_factory=loop_factory()) as runner:  # asyncio.run's steps, on our loop
        runner.run(keeping())
    return result[0]


def audit_in_workers(
    registry: Registry, rules: RuleSet, options: AuditOptions, observer: AuditObserver | None = None
) -> AuditRun:
    """Audit every agency, spread over ``options.workers`` processes; the same run as :func:`audit`.

    Each site's crawl depends only on its own responses, so how the sites are grouped changes how
    fast the run is, never what it finds. The global request limit is shared out between workers.
    """
    return _audit_in_workers(registry, rules, options, observer, keep=False)[0]


def _audit_in_workers(
    registry: Registry,
    rules: RuleSet,
    options: AuditOptions,
    observer: AuditObserver | None,
    *,
    keep: bool,
    ahead: Callable[[], object] | None = None,
) -> tuple[AuditRun, Executor | None]:
    """:func:`audit_in_workers`, and with ``keep`` its worker processes, idle, for the caller to shut down.

    Kept for writing the reports: each process then loads the renderers it will run (see
    ``write_reports``) once its crawl is done, which is while the other is often still crawling.
    This process then also calls ``ahead``, if given.
    """
    apart = tuple(name for name in options.formats if FORMATS[name].apart)
    here_formats = tuple(name for name in options.formats if not FORMATS[name].apart)
    weight = crawl_weight(options)
    processes = len(partition(registry.agencies, options.workers, weight))
    if processes <= 1:
        discard_prestarted()  # one group: this process audits it alone
        return _run_quietly(_audit(registry, rules, options, observer, weight)), None
    cache = _open_cache(registry, rules, options)
    per_worker = max(1, -(-options.settings.global_concurrency // processes))
    share_options = replace(options, settings=replace(options.settings, global_concurrency=per_worker))
    # Each process starts with the sites that fill its request slots; the others go to whichever
    # process has a turn free and the CPU to crawl one more (see auditor.workers.deal and Intake).
    groups, shared = deal(registry.agencies, processes, weight, sites_filling_slots(share_options.settings))
    job_args = (rules, share_options, cache)

    async def everywhere() -> tuple[list[Share], Executor]:
        # This process audits the first group itself while the workers audit the others.
        then = functools.partial(_load_renderers, apart) if keep and apart else None
        async with Workers(_audit_group, groups[1:], job_args, observer, shared, keep=keep, then=then) as workers:
            # Imported once the workers have their shares: they crawl while this process loads the
            # crawl (see auditor.siteaudit). Before, they waited for it, a quarter of a second each run.
            from .siteaudit import audit_agencies

            here = await audit_agencies(groups[0], rules, share_options, observer, cache, workers.shared)
            if keep:
                _load_renderers(here_formats)
                if ahead is not None:
                    ahead()
            return [here, *await workers.results()], workers.pool

    shares, pool = _run_quietly(everywhere())
    return _conclude(registry, rules, options, cache, shares), pool if keep else None


def _render_each(formats: Sequence[str], run: AuditRun, lang: str, context: ReportContext | None) -> list[str | bytes]:
    """Each format's content, in order."""
    return [FORMATS[name].render(run, lang, context) for name in formats]


def _render_pickled(formats: Sequence[str], pickled: bytes) -> list[str | bytes]:
    """:func:`_render_each` of a run pickled by this module's ``_render`` (a job of the helper)."""
    run, lang, context = pickle.loads(pickled)  # noqa: S301 - the parent's own bytes, as any job's are
    return _render_each(formats, run, lang, context)


def _load_renderers(formats: Sequence[str]) -> None:
    """Import the renderers of ``formats`` (see ``auditor.report.Format``): work a process can do ahead."""
    for name in formats:
        FORMATS[name].load()


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


def crawl_weight(options: AuditOptions) -> Callable[[Agency], int]:
    """How long each site's crawl is expected to be, to start the longest first (``auditor.workers.deal``, ``audit``).

    What the last run with this cache asked of the site, else its page budget: a site not seen
    before may be as large as that. Started last, a large site is crawled alone while the other
    processes have finished, and a national registry's sites differ a hundredfold.
    """
    asked_last = _requests_last_run(options.cache_dir)

    def weight(agency: Agency) -> int:
        return asked_last.get(agency.id) or agency.page_budget or options.settings.page_budget

    return weight


def _requests_last_run(cache_dir: Path | None) -> dict[str, int]:
    """Requests per agency in the last run that used this cache (its FETCH_STATS_FILE); none if unreadable.

    A resumed run counts the responses it replayed from the cache too: each stands for a request
    of its site. Only an estimate of each site's size, for the order sites are crawled in: whatever
    the file holds, the run finds the same.
    """
    if cache_dir is None:
        return {}
    try:
        agencies = json.loads((cache_dir / FETCH_STATS_FILE).read_text(encoding="utf-8"))["agencies"]
        counts = {agency: (stats["requests"], stats.get("replayed", 0)) for agency, stats in agencies.items()}
    except (OSError, UnicodeDecodeError, ValueError, KeyError, TypeError, AttributeError):
        return {}  # not written yet, or not ours: the page budgets stand in
    return {
        agency: asked + replayed
        for agency, (asked, replayed) in counts.items()
        if type(asked) is int and type(replayed) is int and asked >= 0 and replayed >= 0 and asked + replayed > 0
    }


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
    run: AuditRun,
    out_dir: Path,
    formats: Sequence[str],
    lang: str,
    context: ReportContext | None = None,
    helper: Executor | None = None,
    meanwhile: Callable[[], object] | None = None,
) -> list[Path]:
    """Render every format, then move them into ``out_dir`` together: nothing is left half-written.

    Formats marked ``apart`` are rendered by ``helper`` (an idle worker process), if given, while
    this process renders the others. ``meanwhile`` is called once this process has rendered its
    own, before it waits for the helper's; whatever it raises is raised once the reports are in
    place (a closed pipe on the terminal must not cost them).
    """
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=".auditor-", dir=out_dir))
    except OSError as exc:
        raise OutputError(f"{out_dir}: cannot create the report folder: {exc.strerror or exc}") from None
    written: list[Path] = []
    deferred: list[Exception] = []

    def call_meanwhile() -> None:
        if meanwhile is not None:
            try:
                meanwhile()
            except Exception as exc:  # raised below, once the reports are written
                deferred.append(exc)

    try:
        files = [
            (fmt.filename, content.encode("utf-8") if isinstance(content, str) else content)
            for fmt, content in _render(run, formats, lang, context, helper, call_meanwhile)
        ]
        results = [data for name, data in files if name == FORMATS["json"].filename]
        if results:
            files.append((summary_file.FILENAME, summary_file.render(run, results[0])))
        for name, data in files:
            (staging / name).write_bytes(data)
        for name, _ in files:
            target = out_dir / name
            os.replace(staging / name, target)
            written.append(target)
    except OSError as exc:
        raise OutputError(f"{out_dir}: cannot write reports: {exc.strerror or exc}") from None
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    if deferred:
        raise deferred[0]
    return written


def _render(
    run: AuditRun,
    formats: Sequence[str],
    lang: str,
    context: ReportContext | None,
    helper: Executor | None,
    meanwhile: Callable[[], None],
) -> list[tuple[Format, str | bytes]]:
    """Each format's content, in order; those ``apart`` rendered by ``helper`` while this process renders the rest.

    Rendering is a pure function of its arguments, so the bytes are the same wherever it runs. A
    helper that cannot take the work, or fails at it, leaves it to this process: whatever was wrong
    there either does not happen here, or is raised here as it would have been without a helper.
    """
    away = tuple(name for name in formats if FORMATS[name].apart) if helper is not None else ()
    helped: Future[list[str | bytes]] | None = None
    if helper is not None and away:
        # One job for them all, the run sent once, and pickled here before this process renders:
        # left to the pool's feeder thread, it was pickled between this process's own renders, a
        # switch interval at a time, and the helper began 0.05-0.08 s later instead of 0.01-0.04.
        try:
            pickled = pickle.dumps((run, lang, context), protocol=pickle.HIGHEST_PROTOCOL)
        except (pickle.PicklingError, TypeError, AttributeError):
            # What pickle raises for what it cannot pickle (nothing in a run, now): rendered here,
            # as when the pool's feeder thread failed to pickle it.
            pass
        else:
            with contextlib.suppress(RuntimeError):  # shut down, or broken (BrokenExecutor)
                helped = helper.submit(_render_pickled, away, pickled)
    local = [name for name in formats if helped is None or name not in away]
    done = dict(zip(local, _render_each(local, run, lang, context), strict=True))
    meanwhile()
    if helped is not None:
        try:
            done.update(zip(away, helped.result(), strict=True))
        except Exception:  # a broken pool, or an error the render here raises again: see above
            done.update(zip(away, _render_each(away, run, lang, context), strict=True))
    return [(FORMATS[name], done[name]) for name in formats]


def run_audit(
    registry: Registry,
    rules: RuleSet,
    options: AuditOptions,
    out_dir: Path,
    observer: AuditObserver | None = None,
    waivers: tuple[Waiver, ...] = (),
    meanwhile: Callable[[AuditRun, ReportContext], object] | None = None,
    ahead: Callable[[], object] | None = None,
) -> tuple[AuditRun, ReportContext, list[Path]]:
    """The whole job: audit, apply the exceptions, compare with the previous run beside ``out_dir``, write.

    The worker processes, idle once the crawl is done, render the formats marked ``apart`` (the
    workbook and the tables) while this process renders the others and then calls ``meanwhile``
    with the run (see ``write_reports``). ``ahead`` is called in this process once its own share of
    the crawl is done, while workers may still crawl: what ``meanwhile`` can have ready by then.
    """
    run, helper = _audit_in_workers(registry, rules, options, observer, keep=True, ahead=ahead)
    try:
        # Here, not with the module: worker processes import it and never compare runs (it brings YAML).
        from .history import prepare

        # Read the history before writing: the previous run must not be this one.
        run, context = prepare(run, out_dir, waivers)
        show = None if meanwhile is None else functools.partial(meanwhile, run, context)
        return run, context, write_reports(run, out_dir, options.formats, options.lang, context, helper, show)
    finally:
        if helper is not None:
            helper.shutdown(wait=True)  # see auditor.workers.Workers.__aexit__

"""The ``auditor`` command: parse flags, load config, call the pipeline, map errors to exit codes."""

from __future__ import annotations

import datetime as dt
import json
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from . import __version__
from .config import agency_from_options, load_registry, load_rules
from .errors import AuditorError, ConfigError
from .evaluate.recognise import Recogniser
from .explain import category_rows, explain_category
from .gates import Gates, parse_fail_under, province_score
from .history import compare, prepare
from .models import Agency, AuditRun, Province, Registry, Scorecard, Status
from .pipeline import FETCH_STATS_FILE, AuditOptions, default_settings, run_audit, write_reports
from .report import DEFAULT_FORMATS, FORMATS
from .report.context import ChangeKind, Comparison, ReportContext, RunSummary, Waiver
from .report.i18n import explain, status_name, t
from .report.load import load_results, load_waivers_of
from .shard import merge_runs, parse_shard, select_shard
from .waivers import EXCEPTIONS_FILE, load_waivers
from .workers import MAX_DEFAULT_WORKERS, default_workers

if TYPE_CHECKING:
    from rich.console import Console
    from rich.progress import Progress, TaskID
    from rich.table import Table

__all__ = ["EXIT_BAD_INPUT", "EXIT_GATE_FAILED", "EXIT_OK", "app", "main"]

EXIT_OK = 0
EXIT_GATE_FAILED = 1
EXIT_BAD_INPUT = 2

app = typer.Typer(
    name="auditor",
    help="Kiểm tra thông tin bắt buộc công khai trên trang thông tin điện tử của cơ quan nhà nước. "
    "Audits Vietnamese state agency websites for the information the law says they must publish.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
rules_app = typer.Typer(help="Inspect and validate the rule packs.", no_args_is_help=True)
app.add_typer(rules_app, name="rules")


class _Console:
    """A rich Console, made on first use.

    rich is imported then, not with the CLI: an audit deals its sites to the worker processes before
    it prints anything, and those 0.06 s of imports would delay every worker's first request.
    """

    def __init__(self, stderr: bool) -> None:
        self._stderr = stderr
        self._made: Console | None = None

    @property
    def rich(self) -> Console:
        if self._made is None:
            from rich.console import Console

            # Names, URLs and rule texts are printed as written: ":smile:" in a name is not an emoji code here.
            made = Console(stderr=self._stderr, highlight=False, soft_wrap=True, emoji=False)
            if not self._stderr and not made.is_terminal:
                # Logs and CI job output have no width to ask; keep the score table on one line per agency.
                made.width = 170
            self._made = made
        return self._made

    @property
    def is_terminal(self) -> bool:
        return self.rich.is_terminal

    def print(self, *objects: Any, **options: Any) -> None:
        self.rich.print(*objects, **options)


err = _Console(stderr=True)
out = _Console(stderr=False)

SitesOpt = Annotated[Path, typer.Option("--sites", help="The registry of sites (sites.yaml).")]
RulesOpt = Annotated[Path | None, typer.Option("--rules", help="The rules folder (default: ./rules, else bundled).")]
AsOfOpt = Annotated[str | None, typer.Option("--as-of", help="Reference date YYYY-MM-DD (default: today).")]
LangOpt = Annotated[str, typer.Option("--lang", help="Report language: vi or en.")]
QuietOpt = Annotated[bool, typer.Option("--quiet", "-q", help="No progress display.")]
CacheOpt = Annotated[
    Path | None,
    typer.Option(
        "--cache",
        help="HTTP cache folder (default: .auditor-cache next to the report folder): unchanged pages cost "
        "a 304 next time, and a killed run started again with the same arguments resumes from it.",
    ),
]
NoCacheOpt = Annotated[bool, typer.Option("--no-cache", help="Neither read nor write the HTTP cache.")]
# The bundled sample portal speaks plain HTTP for every host (tests run `audit` against it).
PlainHttpOpt = Annotated[bool, typer.Option("--plain-http", hidden=True)]
ConnectToOpt = Annotated[
    list[str] | None,
    typer.Option(
        "--connect-to",
        help="HOST=ADDRESS:PORT: send every request for HOST to ADDRESS:PORT, keeping HOST in URLs "
        "(a staging copy, a test server). Repeatable; hosts not listed are then refused.",
    ),
]


def _bundled(name: str) -> Path:
    """rules/ or sites.yaml shipped in the wheel; in an editable install, the checkout's own."""
    packaged = Path(__file__).parent / "_bundled" / name
    checkout = Path(__file__).parent.parent / name
    return packaged if packaged.exists() or not checkout.exists() else checkout


def _rules_dir(option: Path | None) -> Path:
    if option is not None:
        return option
    local = Path("rules")
    return local if local.is_dir() else _bundled("rules")


def _as_of(value: str | None) -> dt.date:
    if value is None:
        return dt.date.today()
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise ConfigError(f"{value!r} is not a date; use YYYY-MM-DD", key="--as-of") from None


def _lang(value: str) -> str:
    if value not in ("vi", "en"):
        raise ConfigError(f"{value!r} is not supported; use vi or en", key="--lang")
    return value


class _Progress:
    """A row per site being crawled on a terminal; periodic plain lines otherwise; nothing with --quiet."""

    # Seconds between plain progress lines in logs and CI output.
    PLAIN_EVERY = 10.0

    def __init__(self, quiet: bool, total: int) -> None:
        self.quiet = quiet
        # The live display on a terminal, started by the first site's event: the command deals the
        # sites before that, and making it (rich, 0.06 s) first would delay every worker's first
        # request (see _Console). None until then, in logs and CI output, and with --quiet.
        self.progress: Progress | None = None
        self.decided = quiet  # whether it is known if there is a live display
        self.overall: TaskID | None = None
        self.sites: dict[str, TaskID] = {}
        self.total = total
        self.done = 0
        self.pages: dict[str, int] = {}
        self.last_line = time.monotonic()

    def __enter__(self) -> _Progress:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _live(self) -> Progress | None:
        """The live display, made and started on the first call if stderr is a terminal."""
        if not self.decided:
            self.decided = True
            if err.is_terminal:
                from rich.progress import BarColumn, Progress, TextColumn

                self.progress = Progress(
                    TextColumn("{task.description}"),
                    BarColumn(),
                    TextColumn("{task.fields[detail]}"),
                    console=err.rich,
                    transient=True,
                )
                self.progress.start()
                self.overall = self.progress.add_task("sites", total=self.total, detail=f"0/{self.total}")
        return self.progress

    def close(self) -> None:
        """Take the live display off the terminal (again: a no-op), before the results are printed."""
        self.decided = True  # no event comes after the results; none may start a display then
        if self.progress is not None:
            self.progress.stop()

    def site_started(self, agency: Agency) -> None:
        progress = self._live()
        if progress is not None:
            self.sites[agency.id] = progress.add_task(f"  {agency.id}", total=None, detail="")

    def page_done(self, agency: Agency, pages: int, queued: int, errors: int) -> None:
        self.pages[agency.id] = pages
        progress = self._live()
        task = self.sites.get(agency.id)
        if progress is not None and task is not None:
            progress.update(task, detail=f"{pages} pages · {queued} queued · {errors} errors")
        elif not self.quiet and progress is None and time.monotonic() - self.last_line >= self.PLAIN_EVERY:
            self.last_line = time.monotonic()
            err.print(f"… {self.done}/{self.total} sites done, {sum(self.pages.values())} pages read")

    def site_finished(self, scorecard: Scorecard) -> None:
        self.done += 1
        progress = self._live()
        task = self.sites.pop(scorecard.agency.id, None)
        if progress is not None and task is not None:
            progress.remove_task(task)
        if progress is not None and self.overall is not None:
            progress.update(self.overall, advance=1, detail=f"{self.done}/{self.total}")
        elif not self.quiet:
            err.print(
                f"[{self.done}/{self.total}] {scorecard.agency.id}: {scorecard.site_status.value}, "
                f"score {scorecard.score if scorecard.scored else '-'}, {scorecard.pages_fetched} pages"
            )


def _print_fetch_stats(cache_dir: Path | None, lang: str) -> None:
    """What the crawl cost over HTTP, from the counts the audit left in its cache folder."""
    if cache_dir is None:
        return
    try:
        stats = json.loads((cache_dir / FETCH_STATS_FILE).read_text(encoding="utf-8"))
        total, pages = stats["total"], stats.get("pages", {})
    except (OSError, ValueError, KeyError, TypeError):
        return
    err.print(
        t("fetch_stats", lang).format(
            requests=total.get("requests", 0),
            full=total.get("full", 0),
            not_modified=total.get("not_modified", 0),
            replayed=total.get("replayed", 0),
        )
    )
    if pages:
        err.print(t("parse_stats", lang).format(parsed=pages.get("parsed", 0), reused=pages.get("reused", 0)))
        if pages.get("crawls_reused"):
            err.print(t("crawl_reuse_stats", lang).format(sites=pages["crawls_reused"]))


_STATUS_STYLES = {
    Status.OK: "green",
    Status.STALE: "yellow",
    Status.EMPTY: "dark_orange",
    Status.BROKEN: "red",
    Status.MISSING: "magenta",
    Status.UNKNOWN: "bright_black",
}


def _score_table(run: AuditRun, lang: str) -> Table:
    from rich.table import Table
    from rich.text import Text

    # Names and ids come from sites.yaml: shown as they are, never read as markup ("[/]" would end
    # the command with rich's MarkupError) or as emoji codes. Text cells are also measured faster.
    table = Table(
        title=Text(f"{t('title', lang)} — {run.province.name} ({run.as_of.isoformat()})"),
        title_justify="left",
        caption=f"* {t('advisory_note', lang)}",
        caption_justify="left",
    )
    table.add_column("#", justify="right")
    table.add_column("id", min_width=16, no_wrap=True)
    table.add_column(t("agency", lang), max_width=46, overflow="ellipsis", no_wrap=True)
    table.add_column(t("score", lang), justify="right")
    table.add_column(t("site", lang), no_wrap=True)
    for status in Status:
        table.add_column(status_name(status, lang), justify="right", style=_STATUS_STYLES[status])
    cards = [*run.ranked(), *(c for c in run.scorecards if c.agency.advisory_only)]
    for i, card in enumerate(cards, start=1):
        counts = [str(sum(1 for f in card.findings if f.status is s) or "") for s in Status]
        position = str(i) if not card.agency.advisory_only else "*"
        score = str(card.score) if card.scored else t("not_scored", lang)
        cells = (position, card.agency.id, card.agency.name, score, card.site_status.value, *counts)
        table.add_row(*map(Text, cells))
    return table


def _run(
    registry: Registry,
    rules_dir: Path,
    as_of: dt.date,
    out_dir: Path,
    lang: str,
    quiet: bool,
    resolve: dict[str, tuple[str, int]] | None = None,
    settings: dict[str, object] | None = None,
    plain_http: bool = False,
    cache_dir: Path | None = None,
    formats: tuple[str, ...] | None = None,
    waivers: tuple[Waiver, ...] = (),
    gates: Gates | None = None,
    workers: int | None = None,
) -> AuditRun:
    rules = load_rules(rules_dir, province=registry.province.id)
    options = AuditOptions(
        workers=workers or default_workers(),
        as_of=as_of,
        settings=default_settings(**(settings or {})),
        resolve=resolve,
        lang=lang,
        plain_http=plain_http,
        cache_dir=cache_dir,
        **({"formats": formats} if formats else {}),
    )
    with _Progress(quiet, len(registry.agencies)) as progress:
        # Quiet: no observer at all, so that worker processes send no progress either.
        observer = None if quiet else progress

        def show(run: AuditRun, context: ReportContext) -> None:
            # Called once this process has rendered its reports, while a worker (if there is one)
            # still renders the workbook, which this process would otherwise only wait for.
            progress.close()
            _show_run(run, context, lang)

        run, context, written = run_audit(registry, rules, options, out_dir, observer, waivers, show, _load_score_table)
    _conclude(run, context, written, lang, quiet, gates, cache_dir, shown=True)
    return run


def _conclude(
    run: AuditRun,
    context: ReportContext,
    written: list[Path],
    lang: str,
    quiet: bool,
    gates: Gates | None,
    cache_dir: Path | None = None,
    shown: bool = False,
) -> None:
    """The end of every command that produces a run: the table and changes (unless ``shown``), files, gates."""
    if not shown:
        _show_run(run, context, lang)
    if not quiet:
        _print_fetch_stats(cache_dir, lang)
        for path in written:
            err.print(f"{t('wrote', lang)} {path}")
    _check_gates(gates, run, context.comparison, lang)


def _load_score_table() -> None:
    """Import what _show_run needs (rich, 0.03 s), ahead of it: in a process whose crawl is done while another's is not.

    Only the modules: the console is made when it first prints, once the progress display is closed.
    """
    import rich.console
    import rich.table
    import rich.text  # noqa: F401


def _show_run(run: AuditRun, context: ReportContext, lang: str) -> None:
    """The score table, and what changed since the previous run."""
    out.print(_score_table(run, lang))
    if context.comparison is not None:
        _print_comparison(context.comparison, run, lang)


def _print_comparison(comparison: Comparison, run: AuditRun, lang: str) -> None:
    """What changed since the previous run: newly failing, fixed, still failing."""
    out.print(f"\n[bold]{t('changes', lang)}[/bold] ({t('previous', lang)}: {comparison.old_as_of.isoformat()})")
    for kind in (ChangeKind.NEWLY_FAILING, ChangeKind.FIXED, ChangeKind.UNCHANGED):
        changes = comparison.of_kind(kind)
        out.print(f"{t(kind.value, lang)}: {len(changes)}", markup=False)
        if kind is ChangeKind.UNCHANGED:
            continue
        for change in changes:
            before = status_name(change.before, lang) if change.before else "—"
            after = status_name(change.after, lang) if change.after else "—"
            out.print(
                f"  {change.agency} {change.category} ({run.category_name(change.category, lang)}): {before} → {after}",
                markup=False,
                highlight=False,
            )


def _check_gates(gates: Gates | None, run: AuditRun, comparison: Comparison | None, lang: str) -> None:
    """Exit 1 when a requested CI gate fails; the reports are already written."""
    if gates is None:
        return
    failures = gates.check(run, comparison, lang)
    for failure in failures:
        err.print(f"{t('gate_failed', lang)}: {failure}", markup=False)
    if failures:
        raise typer.Exit(EXIT_GATE_FAILED)


WorkersOpt = Annotated[
    int | None,
    typer.Option(
        "--workers",
        min=1,
        max=64,
        help=f"Processes crawling at once (default: the cores, at most {MAX_DEFAULT_WORKERS}); "
        "sites sharing a host stay in one.",
    ),
]
FormatOpt = Annotated[
    list[str] | None,
    typer.Option("--format", help=f"Report formats to write (repeatable; default all): {', '.join(FORMATS)}."),
]
ExceptionsOpt = Annotated[
    Path | None,
    typer.Option("--exceptions", help=f"Approved exceptions (default: {EXCEPTIONS_FILE} next to sites.yaml)."),
]
FailUnderOpt = Annotated[
    list[str] | None,
    typer.Option(
        "--fail-under",
        help="Exit 1 if the province score (SCORE) or an agency's score (AGENCY=SCORE) is below. Repeatable.",
    ),
]
FailOnRegressionOpt = Annotated[
    bool, typer.Option("--fail-on-regression", help="Exit 1 if a finding is newly failing since the previous run.")
]
FailOnUnknownOpt = Annotated[
    int | None, typer.Option("--fail-on-unknown", min=0, help="Exit 1 if more than N binding findings are unknown.")
]


def _formats(values: list[str] | None) -> tuple[str, ...]:
    for value in values or ():
        if value not in FORMATS:
            raise ConfigError(f"{value!r} is not a format; use {', '.join(FORMATS)}", key="--format")
    return tuple(dict.fromkeys(values)) if values else DEFAULT_FORMATS


def _gates(fail_under: list[str] | None, fail_on_regression: bool, fail_on_unknown: int | None) -> Gates:
    province, agencies = parse_fail_under(fail_under or [])
    return Gates(province, tuple(sorted(agencies.items())), fail_on_regression, fail_on_unknown)


@app.command()
def audit(
    sites: SitesOpt = Path("sites.yaml"),
    rules: RulesOpt = None,
    out_dir: Annotated[Path | None, typer.Option("--out", help="Report folder (default reports/<as-of>).")] = None,
    as_of: AsOfOpt = None,
    lang: LangOpt = "vi",
    page_budget: Annotated[int | None, typer.Option("--page-budget", min=1, help="Pages per site.")] = None,
    per_host_concurrency: Annotated[int | None, typer.Option("--per-host-concurrency", min=1, max=16)] = None,
    delay: Annotated[float | None, typer.Option("--delay", min=0, help="Seconds between requests per host.")] = None,
    crawl: Annotated[
        str, typer.Option("--crawl", help="focused (stop when every category is resolved) or full.")
    ] = "focused",
    connect_to: ConnectToOpt = None,
    ignore_robots: Annotated[
        bool, typer.Option("--ignore-robots", help="Only for audits the agency authorised.")
    ] = False,
    cache: CacheOpt = None,
    no_cache: NoCacheOpt = False,
    plain_http: PlainHttpOpt = False,
    quiet: QuietOpt = False,
    formats: FormatOpt = None,
    exceptions: ExceptionsOpt = None,
    fail_under: FailUnderOpt = None,
    fail_on_regression: FailOnRegressionOpt = False,
    fail_on_unknown: FailOnUnknownOpt = None,
    shard: Annotated[
        str | None,
        typer.Option("--shard", help="K/N: audit only shard K of N (agencies dealt by sorted id); see 'merge'."),
    ] = None,
    workers: WorkersOpt = None,
) -> None:
    """Audit every agency in sites.yaml and write the run folder (results.json, index.html, …)."""
    date = _as_of(as_of)
    language = _lang(lang)
    chosen_formats = _formats(formats)
    gates = _gates(fail_under, fail_on_regression, fail_on_unknown)
    if crawl not in ("focused", "full"):
        raise ConfigError(f"{crawl!r} is not a crawl mode; use focused or full", key="--crawl")
    registry = load_registry(sites)
    exceptions_file = exceptions or sites.parent / EXCEPTIONS_FILE
    waivers: tuple[Waiver, ...] = ()
    if exceptions is not None or exceptions_file.is_file():
        known = load_rules(_rules_dir(rules), province=registry.province.id).categories
        waivers = load_waivers(
            exceptions_file,
            agencies=frozenset(a.id for a in registry.agencies),
            categories=frozenset(c.id for c in known),
        )
    if shard is not None:
        # Exceptions are checked against the whole registry above; the shard only narrows the crawl.
        registry = select_shard(registry, *parse_shard(shard))
    overrides: dict[str, object] = {"mode": crawl, "obey_robots": not ignore_robots}
    for key, value in (
        ("page_budget", page_budget),
        ("per_host_concurrency", per_host_concurrency),
        ("delay", delay),
    ):
        if value is not None:
            overrides[key] = value
    report_dir = out_dir or Path("reports") / date.isoformat()
    _run(
        registry,
        _rules_dir(rules),
        date,
        report_dir,
        language,
        quiet,
        resolve=_connect_map(connect_to or []),
        settings=overrides,
        plain_http=plain_http,
        cache_dir=_cache_dir(cache, no_cache, report_dir),
        formats=chosen_formats,
        waivers=waivers,
        gates=gates,
        workers=workers,
    )


def _results_path(path: Path) -> Path:
    """A results.json, or a run folder holding one."""
    return path / "results.json" if path.is_dir() else path


@app.command()
def report(
    results: Annotated[Path, typer.Argument(help="A results.json (or its run folder) to render again.")],
    out_dir: Annotated[Path | None, typer.Option("--out", help="Report folder (default: the results' folder).")] = None,
    lang: LangOpt = "vi",
    formats: FormatOpt = None,
    exceptions: Annotated[
        Path | None,
        typer.Option("--exceptions", help="Approved exceptions (default: those recorded in the results)."),
    ] = None,
    fail_under: FailUnderOpt = None,
    fail_on_regression: FailOnRegressionOpt = False,
    fail_on_unknown: FailOnUnknownOpt = None,
    quiet: QuietOpt = False,
) -> None:
    """Render the reports of a results.json again, without crawling (history: sibling run folders)."""
    language, chosen_formats = _lang(lang), _formats(formats)
    gates = _gates(fail_under, fail_on_regression, fail_on_unknown)
    source = _results_path(results)
    run = load_results(source)
    waivers = load_waivers(exceptions) if exceptions is not None else load_waivers_of(source)
    target = out_dir or source.parent
    run, context = prepare(run, target, waivers)
    written = write_reports(run, target, chosen_formats, language, context)
    _conclude(run, context, written, language, quiet, gates)


@app.command()
def merge(
    runs: Annotated[list[Path], typer.Argument(help="The run folders (or results.json) of every shard.")],
    out_dir: Annotated[Path, typer.Option("--out", help="The merged run folder.")],
    lang: LangOpt = "vi",
    formats: FormatOpt = None,
    fail_under: FailUnderOpt = None,
    fail_on_regression: FailOnRegressionOpt = False,
    fail_on_unknown: FailOnUnknownOpt = None,
    quiet: QuietOpt = False,
) -> None:
    """One run folder from the shards of an audit (--shard K/N), as an unsharded run would have written it."""
    language, chosen_formats = _lang(lang), _formats(formats)
    gates = _gates(fail_under, fail_on_regression, fail_on_unknown)
    sources = [_results_path(p) for p in runs]
    merged = merge_runs([load_results(p) for p in sources], [str(p) for p in sources])
    waivers = tuple(dict.fromkeys(w for p in sources for w in load_waivers_of(p)))
    run, context = prepare(merged, out_dir, waivers)
    written = write_reports(run, out_dir, chosen_formats, language, context)
    _conclude(run, context, written, language, quiet, gates)


@app.command()
def diff(
    old: Annotated[Path, typer.Argument(help="The earlier results.json (or run folder).")],
    new: Annotated[Path, typer.Argument(help="The later results.json (or run folder).")],
    lang: LangOpt = "vi",
    fail_on_regression: FailOnRegressionOpt = False,
) -> None:
    """Compare two runs: newly missing or stale, fixed, still failing, and each agency's score."""
    language = _lang(lang)
    before, after = load_results(_results_path(old)), load_results(_results_path(new))
    comparison = compare(RunSummary.of(before), after)
    _print_comparison(comparison, after, language)
    from rich.table import Table
    from rich.text import Text

    table = Table(title=t("score", language), title_justify="left")
    for heading in ("id", comparison.old_as_of.isoformat(), comparison.new_as_of.isoformat(), "Δ"):
        table.add_column(heading, justify="left" if heading == "id" else "right")
    for agency, was, now in comparison.scores:
        delta = f"{now - was:+d}" if was is not None and now is not None else ""
        cells = (agency, "-" if was is None else str(was), "-" if now is None else str(now), delta)
        table.add_row(*map(Text, cells))
    out.print(table)
    scores = (province_score(before), province_score(after))
    out.print(f"{t('province_score', language)}: {scores[0]} → {scores[1]}", markup=False)
    _check_gates(Gates(fail_on_regression=fail_on_regression), after, comparison, language)


def _cache_dir(option: Path | None, disabled: bool, out_dir: Path) -> Path | None:
    """--cache, else .auditor-cache next to the report folder (shared by monthly report folders)."""
    if disabled:
        return None
    return option if option is not None else out_dir.resolve().parent / ".auditor-cache"


def _connect_map(entries: list[str]) -> dict[str, tuple[str, int]] | None:
    """Parse ``HOST=ADDRESS:PORT`` entries of --connect-to."""
    mapping: dict[str, tuple[str, int]] = {}
    for entry in entries:
        host, _, target = entry.partition("=")
        address, _, port = target.rpartition(":")
        if not host or not address or not port.isdigit() or not 0 < int(port) < 65536:
            raise ConfigError(
                f"{entry!r} is not HOST=ADDRESS:PORT (e.g. stc.ninhthuan.gov.vn=127.0.0.1:8080)", key="--connect-to"
            )
        mapping[host.lower()] = (address.strip("[]"), int(port))
    return mapping or None


@app.command()
def check(
    url: Annotated[str, typer.Argument(help="The site's home page URL.")],
    agency_type: Annotated[
        str,
        typer.Option("--type", help="provincial_portal, department, district, commune or party_org."),
    ] = "department",
    functions: Annotated[
        list[str] | None, typer.Option("--function", help="A function of the agency (repeatable).")
    ] = None,
    extra_host: Annotated[
        list[str] | None, typer.Option("--extra-host", help="Another host in scope (repeatable).")
    ] = None,
    rules: RulesOpt = None,
    as_of: AsOfOpt = None,
    lang: LangOpt = "vi",
    out_dir: Annotated[Path, typer.Option("--out", help="Report folder.")] = Path("reports") / "check",
    connect_to: ConnectToOpt = None,
    cache: CacheOpt = None,
    no_cache: NoCacheOpt = False,
    quiet: QuietOpt = False,
) -> None:
    """Audit one site ad hoc (an agency's self-check) and print what is missing or stale, and why."""
    agency = agency_from_options(url, agency_type, tuple(functions or ()), tuple(extra_host or ()))
    registry = Registry(province=Province(id="adhoc", name=agency.host), agencies=(agency,), source="check")
    run = _run(
        registry,
        _rules_dir(rules),
        _as_of(as_of),
        out_dir,
        _lang(lang),
        quiet,
        resolve=_connect_map(connect_to or []),
        cache_dir=_cache_dir(cache, no_cache, out_dir),
    )
    _print_findings(run, _lang(lang))


def _print_findings(run: AuditRun, lang: str) -> None:
    """What a webmaster must fix: one paragraph per finding that is not ok, worst first."""
    from rich.markup import escape

    fixes = {c.id: c.fix.get(lang) for c in run.categories}
    order = [Status.MISSING, Status.BROKEN, Status.EMPTY, Status.STALE, Status.UNKNOWN]
    for card in run.scorecards:
        score = str(card.score) if card.scored else t("not_scored", lang)
        out.print(f"\n[bold]{escape(card.agency.url)}[/bold] — {t('score', lang)}: {score}", highlight=False)
        failing = sorted((f for f in card.findings if f.status is not Status.OK), key=lambda f: order.index(f.status))
        for finding in failing:
            style = _STATUS_STYLES[finding.status]
            name = run.category_name(finding.category, lang)
            label = escape(status_name(finding.status, lang))
            out.print(f"\n[{style}]■ {label}[/{style}] [bold]{escape(name)}[/bold]", markup=True)
            lines = [f"{t('reason', lang)}: {explain(finding, lang)}"]
            if finding.latest_date:
                lines.append(f"{t('latest', lang)}: {finding.latest_date.isoformat()}")
            if finding.evidence_url:
                lines.append(f"{t('evidence', lang)}: {finding.evidence_url}")
            lines.append(f"{t('legal', lang)}: {finding.legal_basis}")
            if finding.status is not Status.UNKNOWN:
                lines.append(f"{t('fix', lang)}: {fixes.get(finding.category, '')}")
            for line in lines:
                out.print(f"  {line}", markup=False, highlight=False)


@app.command()
def demo(
    out_dir: Annotated[Path, typer.Option("--out", help="Report folder.")] = Path("reports") / "demo",
    sites: SitesOpt = Path("sites.yaml"),
    rules: RulesOpt = None,
    lang: LangOpt = "vi",
    quiet: QuietOpt = False,
    workers: WorkersOpt = None,
) -> None:
    """Serve the bundled sample portal on 127.0.0.1, audit it, write reports/demo/ and stop the server."""
    from .demo import sample_target
    from .sample import SAMPLE_AS_OF

    registry = load_registry(sites if sites.exists() else _bundled("sites.yaml"))
    with sample_target(registry) as target:
        _run(
            registry,
            _rules_dir(rules),
            SAMPLE_AS_OF,
            out_dir,
            _lang(lang),
            quiet,
            resolve=target.resolve,
            plain_http=True,
            # The sample is served from this machine: no politeness delay is needed.
            settings={"delay": 0.0, "per_host_concurrency": 4, "retries": 1},
            workers=workers,
        )


@rules_app.command("validate")
def rules_validate(sites: SitesOpt = Path("sites.yaml"), rules: RulesOpt = None) -> None:
    """Check rules/ and sites.yaml: schema, cross-references, ids."""
    rules_dir = _rules_dir(rules)
    registry = load_registry(sites)
    ruleset = load_rules(rules_dir, province=registry.province.id)
    out.print(
        f"ok: {rules_dir}: {len(ruleset.categories)} categories, {len(ruleset.requirements)} requirements; "
        f"{sites}: {len(registry.agencies)} agencies"
    )


@rules_app.command("list")
def rules_list(
    sites: SitesOpt = Path("sites.yaml"), rules: RulesOpt = None, as_of: AsOfOpt = None, lang: LangOpt = "vi"
) -> None:
    """Categories, who they bind and their maximum ages, by the instruments in force on --as-of."""
    date, language = _as_of(as_of), _lang(lang)
    province = load_registry(sites).province.id if sites.exists() else None
    ruleset = load_rules(_rules_dir(rules), province=province)
    instruments = ", ".join(
        i.short + ("" if i.verified else f" ({t('unverified', language)})") for i in ruleset.instruments_in_force(date)
    )
    out.print(f"{t('ruleset', language)} {ruleset.version} · {t('as_of', language)} {date.isoformat()}")
    out.print(f"{t('instruments', language)}: {instruments}", soft_wrap=True)
    from rich.table import Table
    from rich.text import Text

    table = Table()
    for heading in ("category", "binds", "max_age", "legal"):
        table.add_column(t(heading, language))
    for row in category_rows(ruleset, date, language):
        cells = (f"{row.category}\n{row.name}", row.binds, str(row.max_age_days or "—"), row.legal_basis)
        table.add_row(*map(Text, cells))
    out.print(table)


@rules_app.command("explain")
def rules_explain(
    category: Annotated[str, typer.Argument(help="A category id, e.g. budget_disclosure.")],
    sites: SitesOpt = Path("sites.yaml"),
    rules: RulesOpt = None,
    as_of: AsOfOpt = None,
    lang: LangOpt = "vi",
) -> None:
    """What a category is, which articles require it since when, how it is recognised and how to fix it."""
    date, language = _as_of(as_of), _lang(lang)
    province = load_registry(sites).province.id if sites.exists() else None
    ruleset = load_rules(_rules_dir(rules), province=province)
    known = {c.id: c for c in ruleset.categories}
    if category not in known:
        raise ConfigError(f"unknown category {category!r}; one of: {', '.join(known)}", key="CATEGORY")
    from rich.markup import escape

    for heading, text in explain_category(ruleset, known[category], date, language):
        out.print(f"[bold]{escape(heading)}[/bold]")
        out.print(text, markup=False, soft_wrap=True)
        out.print()


@rules_app.command("test")
def rules_test(rules: RulesOpt = None, verbose: Annotated[bool, typer.Option("--verbose", "-v")] = False) -> None:
    """Run every recognition case in rules/cases/: exit 1 if any fails."""
    from .rulecases import load_cases, recognised  # extracts pages: the crawl's modules, which audits load later

    rules_dir = _rules_dir(rules)
    ruleset = load_rules(rules_dir)
    recogniser = Recogniser(ruleset.categories)
    failures = 0
    cases = load_cases(rules_dir, ruleset)
    for case in cases:
        found = recognised(case, recogniser)
        ok = (case.category in found) == case.expect_match
        failures += not ok
        if not ok or verbose:
            out.print(f"{'PASS' if ok else 'FAIL'} {case.id} ({case.source}) recognised: {sorted(found)}", markup=False)
    out.print(f"{len(cases) - failures} passed, {failures} failed")
    if failures:
        raise typer.Exit(EXIT_GATE_FAILED)


@app.command()
def version() -> None:
    """Print the version."""
    out.print(__version__)


def main() -> None:
    """Entry point: every expected error becomes one line on stderr and an exit code."""
    try:
        code = app(standalone_mode=False)
    except AuditorError as exc:
        err.print(f"error: {exc}", markup=False, soft_wrap=True)
        sys.exit(EXIT_BAD_INPUT)
    except typer.Exit as exc:
        sys.exit(exc.exit_code)
    except typer.Abort:
        err.print("aborted")
        sys.exit(130)
    except typer.TyperException as exc:  # usage errors: unknown option, bad value, missing argument
        err.print(f"error: {exc}\nTry 'auditor --help'.", markup=False)
        sys.exit(EXIT_BAD_INPUT)
    sys.exit(code if isinstance(code, int) else EXIT_OK)

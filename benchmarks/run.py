"""The benchmark harness: build the synthetic portal, serve it with nginx, measure the auditor against the reference.

Usage: ``.venv/bin/python -m benchmarks.run [--rounds 3] [--sites 34] [--pages 300] [--quick] [--profile]``
(see benchmarks/README.md for what every number means).
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import importlib.util
import json
import os
import platform
import shutil
import signal
import subprocess
import sys
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import auditor
from auditor.crawl import defaults

from . import corpus as corpus_mod
from .corpus import Corpus
from .measure import Measured, Run, compile_bytecode, run_measured
from .profile import summarise_profile
from .report import FULL_ONE, LABELS, REFERENCE, Results, render_markdown
from .server import Served, ensure_nginx, serve

__all__ = ["main"]

ROOT = Path(__file__).resolve().parent.parent
RULES = ROOT / "rules"
# The reference crawler's limits, given to the auditor as flags so that both do the same work.
REFERENCE_LIMITS = {"per_host_concurrency": 4, "delay": 0.0, "page_budget": 1000}
LATENCY = 0.050
QUICK = {"sites": 4, "pages": 40, "rounds": 1}
# In --quick the politeness run is capped at this many pages per site so that it ends in seconds.
QUICK_POLITENESS_BUDGET = 6


@dataclass
class Plan:
    """What this invocation measures."""

    sites: int
    pages: int
    rounds: int
    quick: bool
    work: Path
    results: Path
    profile: bool
    sections: tuple[str, ...]

    @property
    def scaling_points(self) -> tuple[int, ...]:
        """Pages per site at 1×, 2× and 4× (4× is the main corpus); points below the minimum are skipped."""
        points = [self.pages // 4, self.pages // 2, self.pages]
        return tuple(sorted({p for p in points if p >= corpus_mod.MIN_PAGES}))


@dataclass
class Harness:
    """Runs the crawlers as measured child processes and keeps every run."""

    plan: Plan
    runs: list[Run] = field(default_factory=list)
    counter: int = 0

    def new_run_dir(self, label: str) -> Path:
        """A fresh folder for one run's working directory, output and logs."""
        self.counter += 1
        path = self.plan.work / "runs" / f"{self.counter:03d}-{label.replace(' ', '-')}"
        shutil.rmtree(path, ignore_errors=True)
        path.mkdir(parents=True)
        return path

    @staticmethod
    def _env(run_dir: Path) -> dict[str, str]:
        # A home and cache of its own per run: nothing cached by an earlier run can help a later one,
        # except where the incremental benchmark reuses a run folder on purpose.
        env = dict(os.environ)
        env.update(HOME=str(run_dir), XDG_CACHE_HOME=str(run_dir / ".cache"), NO_COLOR="1", COLUMNS="160")
        return env

    def _record(self, run: Run, counted: bool = True) -> Run:
        if counted:
            self.runs.append(run)
        line = (
            f"  {run.label:<28} {run.corpus:>7}  {run.pages:6d} pages  {run.wall_s:7.2f} s  "
            f"{run.pages_per_s:7.1f} p/s  {run.cpu_ms_per_page:6.2f} CPU ms/p  {run.peak_rss_mb:6.1f} MB  "
            f"other CPU {run.other_cpu_s:6.1f} s"
        )
        print(line + ("" if run.exit_code == 0 else f"  EXIT {run.exit_code}"), file=sys.stderr, flush=True)
        return run

    def reference(self, served: Served, label: str = "reference", counted: bool = True) -> Run:
        run_dir = self.new_run_dir(label)
        command = [
            sys.executable,
            "-m",
            "benchmarks.reference_crawler",
            "--sites",
            str(served.corpus.sites_yaml),
            "--per-host-concurrency",
            str(REFERENCE_LIMITS["per_host_concurrency"]),
            # The auditor's default global limit, so that both keep the same number of requests in flight.
            "--global-concurrency",
            str(defaults.GLOBAL_CONCURRENCY),
            "--page-budget",
            str(REFERENCE_LIMITS["page_budget"]),
            *served.connect_to(),
        ]
        offset = served.log_offset()
        env = self._env(run_dir)
        env["PYTHONPATH"] = str(ROOT)
        measured = run_measured(
            command, cwd=ROOT, env=env, stdout=run_dir / "stdout.txt", stderr=run_dir / "stderr.txt"
        )
        pages = 0
        if measured.exit_code == 0:
            pages = int(json.loads((run_dir / "stdout.txt").read_text().strip().splitlines()[-1])["pages"])
        return self._record(_run(label, served, offset, measured, pages), counted)

    def auditor(
        self,
        served: Served,
        mode: str,
        *,
        label: str,
        limits: dict[str, float] | None = REFERENCE_LIMITS,
        run_dir: Path | None = None,
        extra: Sequence[str] = (),
        wrapper: Sequence[str] = (),
        counted: bool = True,
        as_of: dt.date = corpus_mod.AS_OF,
    ) -> Run:
        run_dir = run_dir or self.new_run_dir(label)
        flags: list[str] = []
        for key, value in (limits or {}).items():
            flags += [f"--{key.replace('_', '-')}", f"{value:g}"]
        command = [
            *wrapper,
            _auditor_bin(),
            "audit",
            "--sites",
            str(served.corpus.sites_yaml),
            "--rules",
            str(RULES),
            "--out",
            str(run_dir / "out"),
            "--as-of",
            as_of.isoformat(),
            "--quiet",
            "--crawl",
            mode,
            *flags,
            *extra,
            *served.connect_to(),
        ]
        offset = served.log_offset()
        source = source_fingerprint()
        measured = run_measured(
            command, cwd=run_dir, env=self._env(run_dir), stdout=run_dir / "stdout.txt", stderr=run_dir / "stderr.txt"
        )
        pages = 0
        results = run_dir / "out" / "results.json"
        if measured.exit_code == 0 and results.exists():
            data = json.loads(results.read_text(encoding="utf-8"))
            pages = sum(int(a.get("pages_fetched", 0)) for a in data["agencies"])
        return self._record(_run(label, served, offset, measured, pages, source), counted)

    def startup(self) -> float:
        """Median wall time of ``auditor version``: the start-up every audit pays."""
        times = []
        for _ in range(3):
            run_dir = self.new_run_dir("startup")
            measured = run_measured(
                [_auditor_bin(), "version"],
                cwd=run_dir,
                env=self._env(run_dir),
                stdout=run_dir / "stdout.txt",
                stderr=run_dir / "stderr.txt",
            )
            times.append(measured.wall_s)
        return sorted(times)[1]


def _run(label: str, served: Served, log_offset: int, measured: Measured, pages: int, source: str = "") -> Run:
    requests = sum(served.requests_since(log_offset)[0].values())
    m = measured
    name = _corpus_name(served.corpus)
    return Run(
        label,
        name,
        m.wall_s,
        m.user_s,
        m.sys_s,
        m.peak_rss_kb,
        pages,
        requests,
        m.exit_code,
        m.other_cpu_s,
        source,
        m.largest_process_rss_kb,
    )


def source_fingerprint() -> str:
    """A short hash of the auditor's code and rules as they are on disk now."""
    digest = hashlib.sha256()
    for folder in (ROOT / "auditor", RULES):
        for path in sorted(folder.rglob("*")):
            if path.is_file() and "__pycache__" not in path.parts:
                digest.update(str(path.relative_to(ROOT)).encode())
                digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


def _corpus_name(corpus: Corpus) -> str:
    return f"{len(corpus.sites)}x{corpus.sites[0].pages}"


def _auditor_bin() -> str:
    beside = Path(sys.executable).parent / "auditor"
    found = str(beside) if beside.exists() else shutil.which("auditor")
    if not found:
        raise SystemExit("the auditor CLI is not installed: .venv/bin/pip install -e .")
    return found


def _ensure_aiohttp() -> None:
    """aiohttp is a benchmark-only dependency of the reference crawler: install it into this venv if missing."""
    if importlib.util.find_spec("aiohttp") is None:
        print("installing aiohttp (reference crawler only)...", file=sys.stderr)
        subprocess.run([sys.executable, "-m", "pip", "install", "-q", "aiohttp"], check=True)


def _machine() -> dict[str, str]:
    model = "unknown"
    memory = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                memory = f"{int(line.split()[1]) / 1024 / 1024:.1f} GiB"
                break
    except OSError:
        pass
    nginx = subprocess.run([ensure_nginx(), "-v"], capture_output=True, text=True).stderr.strip()
    import aiohttp
    import httpx
    import selectolax

    from auditor import __version__

    return {
        "nproc": str(os.cpu_count()),
        "cpu": model,
        "memory": memory,
        "python": platform.python_version(),
        "nginx": nginx.replace("nginx version: nginx/", ""),
        "aiohttp": aiohttp.__version__,
        "selectolax": getattr(selectolax, "__version__", "?"),
        "httpx": httpx.__version__,
        "auditor": __version__,
    }


def _throughput(harness: Harness, main: Corpus, results: Results) -> None:
    print(f"throughput on {main.pages} pages ({harness.plan.rounds} rounds, alternating)", file=sys.stderr)
    with serve(main, harness.plan.work / "nginx-main") as served:
        harness.reference(served, label="warm-up (not counted)", counted=False)
        order = list(LABELS)
        for round_no in range(harness.plan.rounds):
            shift = round_no % len(order)
            for label in order[shift:] + order[:shift]:
                if label == REFERENCE:
                    run = harness.reference(served)
                elif label == FULL_ONE:
                    run = harness.auditor(served, "full", label=label, extra=["--workers", "1"])
                else:
                    run = harness.auditor(served, label.split()[1], label=label)
                results.throughput.append(run)


def _scaling(harness: Harness, corpora: dict[int, Corpus], results: Results) -> None:
    main_pages = harness.plan.pages
    for pages, corpus in corpora.items():
        if pages == main_pages:
            continue  # the 4× point is the throughput runs
        print(f"scaling: {corpus.pages} pages", file=sys.stderr)
        with serve(corpus, harness.plan.work / f"nginx-{pages}") as served:
            harness.reference(served, label="warm-up (not counted)", counted=False)
            for round_no in range(harness.plan.rounds):
                pair = ["reference", "auditor full"] if round_no % 2 == 0 else ["auditor full", "reference"]
                for label in pair:
                    run = (
                        harness.reference(served)
                        if label == "reference"
                        else harness.auditor(served, "full", label=label)
                    )
                    results.scaling.append(run)


# How much later the incremental section's third audit is dated.
NEXT_MONTH_DAYS = 30


def _incremental(harness: Harness, main: Corpus, results: Results) -> None:
    """The same audit twice in one folder, once per round, each round from an empty folder.

    Rounds, as for throughput: on this class of VM one pair's speed-up varied from 3.45× to 5.40×
    between two invocations a minute apart, with the same requests and no page parsed again.
    """
    print(f"incremental: the same audit twice, same folder ({harness.plan.rounds} rounds)", file=sys.stderr)
    later = corpus_mod.AS_OF + dt.timedelta(days=NEXT_MONTH_DAYS)
    with serve(main, harness.plan.work / "nginx-main") as served:
        for _ in range(harness.plan.rounds):
            run_dir = harness.new_run_dir("incremental")
            first = harness.auditor(served, "full", label="auditor full, first", run_dir=run_dir)
            second = harness.auditor(served, "full", label="auditor full, second", run_dir=run_dir)
            results.incremental += [first, second]
            # Next month's audit of the same pages: another --as-of, so no kept crawl applies (see
            # auditor.crawlmemo); the facts cache's gains alone. Reported, not a target.
            month = harness.auditor(served, "full", label="auditor full, next month", run_dir=run_dir, as_of=later)
            results.next_month.append((first, month))


def _politeness(harness: Harness, main: Corpus, results: Results) -> None:
    print(f"politeness-bound: {LATENCY * 1000:.0f} ms per response, default per-host limits", file=sys.stderr)
    extra: list[str] = []
    if harness.plan.quick:
        extra = ["--page-budget", str(QUICK_POLITENESS_BUDGET)]
    with serve(main, harness.plan.work / "nginx-latency", latency=LATENCY) as served:
        offset = served.log_offset()
        run = harness.auditor(served, "focused", label="auditor focused, 50 ms", limits=None, extra=extra)
        per_host, first, last = served.requests_since(offset)
    results.politeness = run
    results.politeness_requests = dict(per_host)
    results.politeness_span_s = max(0.0, last - first)


def _profile(harness: Harness, main: Corpus, results: Results) -> None:
    py_spy = Path(sys.executable).parent / "py-spy"
    if not py_spy.exists():
        print("installing py-spy (profiling only)...", file=sys.stderr)
        subprocess.run([sys.executable, "-m", "pip", "install", "-q", "py-spy"], check=True)
    print("profile: one auditor full run under py-spy, every process", file=sys.stderr)
    raw = harness.plan.work / "profile.raw.txt"
    with serve(main, harness.plan.work / "nginx-main") as served:
        wrapper = [str(py_spy), "record", "--subprocesses", "--rate", "250", "--nolineno", "--format", "raw"]
        wrapper += ["--output", str(raw), "--"]
        harness.auditor(served, "full", label="auditor full, py-spy", wrapper=wrapper, counted=False)
    results.profile = summarise_profile(raw.read_text(encoding="utf-8"))


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.run", description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3, help="measured rounds per configuration (default 3)")
    parser.add_argument("--sites", type=int, default=34, help="sites in the corpus (default 34)")
    parser.add_argument("--pages", type=int, default=300, help="pages per site of the main (4×) corpus (default 300)")
    parser.add_argument("--quick", action="store_true", help="a smoke run: 4 sites × 40 pages, 1 round, < 1 minute")
    parser.add_argument("--profile", action="store_true", help="also profile one auditor run with py-spy")
    parser.add_argument(
        "--only",
        action="append",
        choices=["throughput", "scaling", "incremental", "politeness"],
        help="run only these sections (repeatable; default all)",
    )
    parser.add_argument("--work", type=Path, default=ROOT / "benchmarks" / ".work", help="scratch folder (gitignored)")
    parser.add_argument("--results", type=Path, default=ROOT / "benchmarks" / "results", help="where latest.md/json go")
    args = parser.parse_args(argv)
    if args.quick:
        args.sites, args.pages, args.rounds = QUICK["sites"], QUICK["pages"], QUICK["rounds"]
    sections = tuple(args.only or ("throughput", "scaling", "incremental", "politeness"))
    if "scaling" in sections and "throughput" not in sections:
        sections = ("throughput", *sections)  # the 4× scaling point is the throughput runs
    plan = Plan(
        args.sites, args.pages, args.rounds, args.quick, args.work.resolve(), args.results, args.profile, sections
    )

    _ensure_aiohttp()
    ensure_nginx()
    # The installed auditor and the reference crawler, as benchmarks.ab compiles the revisions it compares.
    compile_bytecode(Path(auditor.__file__).parent, ROOT / "benchmarks" / "reference_crawler.py")
    shutil.rmtree(plan.work / "runs", ignore_errors=True)
    print(f"generating corpora under {plan.work} ...", file=sys.stderr, flush=True)
    points = plan.scaling_points if "scaling" in sections else (plan.pages,)
    corpora = {p: corpus_mod.generate(plan.work, plan.sites, p) for p in points}
    main_corpus = corpora[plan.pages]

    # `kill PID` stops the harness like Ctrl-C does: the running child, nginx and the proxy are stopped too.
    signal.signal(signal.SIGTERM, _interrupt)
    harness = Harness(plan)
    results = Results(
        started=dt.datetime.now().isoformat(timespec="seconds"),
        command=" ".join(["python -m benchmarks.run", *(argv if argv is not None else sys.argv[1:])]),
        machine=_machine(),
        plan={"sites": plan.sites, "pages": plan.pages, "rounds": plan.rounds, "quick": plan.quick},
        corpus={str(p): {"pages": c.pages, "mb": round(c.bytes / 2**20, 1)} for p, c in corpora.items()},
        latency_s=LATENCY,
        politeness_limits={"per_host_concurrency": defaults.PER_HOST_CONCURRENCY, "delay": defaults.DELAY},
    )
    try:
        results.startup_s = harness.startup()
        if "throughput" in sections:
            _throughput(harness, main_corpus, results)
        if "scaling" in sections:
            _scaling(harness, corpora, results)
        if "incremental" in sections:
            _incremental(harness, main_corpus, results)
        if "politeness" in sections:
            _politeness(harness, main_corpus, results)
        if plan.profile:
            _profile(harness, main_corpus, results)
    except KeyboardInterrupt:
        print("interrupted: servers stopped, nothing written", file=sys.stderr)
        return 130
    markdown = render_markdown(results)
    plan.results.mkdir(parents=True, exist_ok=True)
    # A smoke run must not overwrite the numbers of a real one.
    stem = "quick" if plan.quick else "latest"
    (plan.results / f"{stem}.md").write_text(markdown, encoding="utf-8")
    (plan.results / f"{stem}.json").write_text(json.dumps(results.as_json(), indent=2, ensure_ascii=False) + "\n")
    print(markdown)
    return 0


if __name__ == "__main__":
    sys.exit(main())

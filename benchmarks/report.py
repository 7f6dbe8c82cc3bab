"""The benchmark's results: medians, ratios and targets, rendered as Markdown and JSON (renderers never write files)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .measure import Run, Spread, spread

__all__ = [
    "Results",
    "Target",
    "ideal_wall_s",
    "incremental_pairs",
    "incremental_speedups",
    "next_month_speedups",
    "render_markdown",
    "targets",
]

REFERENCE = "reference"
FULL = "auditor full"
FOCUSED = "auditor focused"
# The full audit in one process (--workers 1): CPU per page comparable to the one-process reference.
FULL_ONE = "auditor full, 1 worker"
LABELS = (REFERENCE, FULL, FULL_ONE, FOCUSED)


@dataclass
class Results:
    """Everything one invocation measured."""

    started: str
    command: str
    machine: dict[str, str]
    plan: dict[str, object]
    corpus: dict[str, dict[str, float]]
    latency_s: float
    politeness_limits: dict[str, float]
    startup_s: float = 0.0
    throughput: list[Run] = field(default_factory=list)
    scaling: list[Run] = field(default_factory=list)
    incremental: list[Run] = field(default_factory=list)
    # Per round, the first audit and one of the same pages dated a month later (no kept crawl applies).
    next_month: list[tuple[Run, Run]] = field(default_factory=list)
    politeness: Run | None = None
    politeness_requests: dict[str, int] = field(default_factory=dict)
    politeness_span_s: float = 0.0
    profile: str | None = None

    def of(self, label: str, runs: list[Run] | None = None, corpus: str | None = None) -> list[Run]:
        pool = self.throughput if runs is None else runs
        return [r for r in pool if r.label == label and r.exit_code == 0 and (corpus is None or r.corpus == corpus)]

    def as_json(self) -> dict[str, object]:
        summary = {
            label: {
                "pages_per_s": spread([r.pages_per_s for r in runs]).as_json(),
                "cpu_ms_per_page": spread([r.cpu_ms_per_page for r in runs]).as_json(),
                "peak_rss_mb": spread([r.peak_rss_mb for r in runs]).as_json(),
                "wall_s": spread([r.wall_s for r in runs]).as_json(),
                "pages": spread([float(r.pages) for r in runs]).as_json(),
            }
            for label in LABELS
            if (runs := self.of(label))
        }
        return {
            "started": self.started,
            "command": self.command,
            "machine": self.machine,
            "plan": self.plan,
            "corpus": self.corpus,
            "startup_s": round(self.startup_s, 3),
            "summary": summary,
            "targets": [t.__dict__ for t in targets(self)],
            "scaling": _scaling_rows(self),
            "politeness": None
            if self.politeness is None
            else {
                "latency_s": self.latency_s,
                "limits": self.politeness_limits,
                "requests_per_host": self.politeness_requests,
                "ideal_wall_s": round(ideal_wall_s(self), 3),
                "crawl_span_s": round(self.politeness_span_s, 3),
                "run": self.politeness.as_json(),
            },
            "incremental": [r.as_json() for r in self.incremental],
            "incremental_speedups": [round(x, 3) for x in incremental_speedups(self)],
            "next_month": [{"first": a.as_json(), "later": b.as_json()} for a, b in self.next_month],
            "next_month_speedups": [round(x, 3) for x in next_month_speedups(self)],
            "runs": {
                "throughput": [r.as_json() for r in self.throughput],
                "scaling": [r.as_json() for r in self.scaling],
            },
        }


@dataclass(frozen=True)
class Target:
    """One target of the issue, its measured value and whether it holds."""

    name: str
    goal: str
    measured: str
    holds: bool | None  # None: not measured in this invocation


def _median(runs: list[Run], metric: str) -> float | None:
    if not runs:
        return None
    return spread([float(getattr(r, metric)) for r in runs]).median


def ideal_wall_s(results: Results) -> float:
    """The shortest wall time the per-host limits allow: for each host, its first request's latency plus,
    for every further request, the larger of the delay between request starts and latency / concurrency;
    hosts are crawled in parallel, so the busiest host sets the time."""
    latency = results.latency_s
    delay = float(results.politeness_limits["delay"])
    concurrency = float(results.politeness_limits["per_host_concurrency"])
    step = max(delay, latency / concurrency)
    return max((latency + (n - 1) * step for n in results.politeness_requests.values() if n), default=0.0)


def _scaling_rows(results: Results) -> list[dict[str, Any]]:
    corpora = sorted({r.corpus for r in results.scaling + results.of(FULL)}, key=lambda c: int(c.split("x")[1]))
    rows: list[dict[str, Any]] = []
    for name in corpora:
        row: dict[str, Any] = {"corpus": name}
        for label, key in ((FULL, "auditor"), (REFERENCE, "reference")):
            runs = results.of(label, results.scaling, name) or results.of(label, None, name)
            if runs:
                row[key] = {
                    "pages": _median(runs, "pages"),
                    "wall_s": spread([r.wall_s for r in runs]).as_json(),
                    "peak_rss_mb": spread([r.peak_rss_mb for r in runs]).as_json(),
                }
        rows.append(row)
    return rows


def _rss_growth(results: Results) -> tuple[float, str, str] | None:
    rows = [r for r in _scaling_rows(results) if "auditor" in r]
    if len(rows) < 2:
        return None
    first, last = rows[0], rows[-1]
    low: float = first["auditor"]["peak_rss_mb"]["median"]
    high: float = last["auditor"]["peak_rss_mb"]["median"]
    return (high - low) / low, str(first["corpus"]), str(last["corpus"])


def targets(results: Results) -> list[Target]:
    ref, full = results.of(REFERENCE), results.of(FULL)
    out: list[Target] = []
    ref_pps, full_pps = _median(ref, "pages_per_s"), _median(full, "pages_per_s")
    if ref_pps and full_pps:
        ratio = full_pps / ref_pps
        out.append(Target("throughput", "full audit ≥ 1.0× reference pages/s", f"{ratio:.2f}×", ratio >= 1.0))
    ref_cpu, full_cpu = _median(ref, "cpu_ms_per_page"), _median(full, "cpu_ms_per_page")
    if ref_cpu and full_cpu:
        ratio = full_cpu / ref_cpu
        out.append(Target("CPU per page", "≤ 1.5× reference", f"{ratio:.2f}×", ratio <= 1.5))
    if full:
        pages = _median(full, "pages") or 0
        rss = _median(full, "peak_rss_mb") or 0
        note = "" if pages >= 9_000 else " (corpus below 10,000 pages: not the target's size)"
        out.append(
            Target(
                "peak RSS",
                "≤ 200 MB at 10,000 pages",
                f"{rss:.0f} MB at {pages:,.0f} pages{note}",
                rss <= 200 if pages >= 9_000 else None,
            )
        )
    growth = _rss_growth(results)
    if growth is not None:
        value, low, high = growth
        out.append(Target("RSS growth", "< 25% from 1× to 4× pages", f"{value:+.0%} ({low} → {high})", value < 0.25))
    if results.politeness is not None and results.politeness.exit_code == 0:
        efficiency = ideal_wall_s(results) / results.politeness.wall_s
        out.append(Target("politeness-bound efficiency", "≥ 0.9", f"{efficiency:.2f}", efficiency >= 0.9))
    speedups = incremental_speedups(results)
    if speedups:
        rerun = spread(speedups)
        measured = f"{rerun.median:.2f}×" + (f" ({rerun.low:.2f}–{rerun.high:.2f}×)" if len(speedups) > 1 else "")
        out.append(Target("incremental rerun", "≥ 5× faster than the first", measured, rerun.median >= 5))
    return out


def incremental_pairs(results: Results) -> list[tuple[Run, Run]]:
    """The (first, second) audits of each incremental round that both completed."""
    runs = results.incremental
    pairs = zip(runs[::2], runs[1::2], strict=False)
    return [(first, second) for first, second in pairs if first.exit_code == 0 and second.exit_code == 0]


def incremental_speedups(results: Results) -> list[float]:
    """Each round's speed-up of the second audit over the first (wall time)."""
    return [first.wall_s / second.wall_s for first, second in incremental_pairs(results)]


def next_month_speedups(results: Results) -> list[float]:
    """Each round's speed-up of the audit dated a month later over the first (wall time)."""
    return [a.wall_s / b.wall_s for a, b in results.next_month if a.exit_code == 0 and b.exit_code == 0]


def _speedup_line(what: str, speedups: list[float]) -> str:
    """The median speed-up of the rounds, with their range when there are several."""
    value = spread(speedups)
    rounds = f" (median of {len(speedups)}; {value.low:.2f}–{value.high:.2f}×)" if len(speedups) > 1 else ""
    return f"\nSpeed-up {what}: {value.median:.2f}×{rounds}."


def _fmt(s: Spread, digits: int = 1) -> str:
    return f"{s.median:.{digits}f} ({s.low:.{digits}f}–{s.high:.{digits}f})"


def _throughput_table(results: Results) -> list[str]:
    lines = [
        "| crawler | pages | wall s | pages/s | CPU ms/page | peak RSS MB | other CPU s |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for label in LABELS:
        runs = results.of(label)
        if not runs:
            continue
        pages = spread([float(r.pages) for r in runs])
        lines.append(
            f"| {label} | {pages.median:,.0f} | {_fmt(spread([r.wall_s for r in runs]), 2)} | "
            f"{_fmt(spread([r.pages_per_s for r in runs]))} | {_fmt(spread([r.cpu_ms_per_page for r in runs]), 2)} | "
            f"{_fmt(spread([r.peak_rss_mb for r in runs]))} | {_fmt(spread([r.other_cpu_s for r in runs]))} |"
        )
    ref = results.of(REFERENCE)
    for label in LABELS[1:]:
        runs = results.of(label)
        if not runs or not ref:
            continue
        cells = []
        for metric in ("pages_per_s", "cpu_ms_per_page", "peak_rss_mb"):
            mine, theirs = _median(runs, metric), _median(ref, metric)
            cells.append(f"{mine / theirs:.2f}×" if mine and theirs else "—")
        lines.append(f"| {label} ÷ reference | | | {cells[0]} | {cells[1]} | {cells[2]} | |")
    return lines


def _scaling_table(results: Results) -> list[str]:
    rows = _scaling_rows(results)
    if not rows:
        return []
    base = rows[0]
    lines = [
        "| corpus | pages | auditor full wall s | auditor peak RSS MB | reference wall s | reference peak RSS MB |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for row in rows:
        cells = [str(row["corpus"])]
        auditor, reference = row.get("auditor"), row.get("reference")
        pages = (auditor or reference or {}).get("pages", 0)
        cells.append(f"{pages:,.0f}")
        for entry in (auditor, reference):
            if entry is None:
                cells += ["—", "—"]
                continue
            cells.append(f"{entry['wall_s']['median']:.2f}")
            cells.append(f"{entry['peak_rss_mb']['median']:.1f}")
        lines.append("| " + " | ".join(cells) + " |")
    base_pages = int(str(base["corpus"]).split("x")[1])
    factors = [f"{r['corpus']} = {int(str(r['corpus']).split('x')[1]) / base_pages:g}×" for r in rows]
    lines += ["", f"Scale factors: {', '.join(factors)}."]
    return lines


def _source_warning(results: Results) -> list[str]:
    """A note when the auditor's code or rules changed between the runs of this invocation."""
    runs = [r for r in results.throughput + results.scaling + results.incremental if r.source]
    if results.politeness is not None and results.politeness.source:
        runs.append(results.politeness)
    versions = list(dict.fromkeys(r.source for r in runs))
    if len(versions) < 2:
        return []
    first = {v: next(i for i, r in enumerate(runs, 1) if r.source == v) for v in versions}
    listed = ", ".join(f"`{v}` from auditor run {n}" for v, n in first.items())
    return [
        f"**The auditor's source changed during this invocation** ({len(versions)} versions: {listed}); "
        "runs of different versions are pooled below.",
        "",
    ]


def render_markdown(results: Results) -> str:
    machine = results.machine
    lines = [
        "# Benchmark results",
        "",
        f"`{results.command}`, started {results.started}. Machine: {machine.get('nproc')} × {machine.get('cpu')}, "
        f"{machine.get('memory')}; Python {machine.get('python')}, nginx {machine.get('nginx')}, "
        f"aiohttp {machine.get('aiohttp')}, selectolax {machine.get('selectolax')}, httpx {machine.get('httpx')}, "
        f"auditor {machine.get('auditor')}.",
        "",
        "Corpora: "
        + ", ".join(f"{c['pages']:,.0f} pages ({c['mb']:,.0f} MB)" for c in results.corpus.values())
        + f". Medians of {results.plan['rounds']} rounds, (min–max). Auditor start-up (`auditor version`): "
        f"{results.startup_s:.2f} s.",
        "",
        *_source_warning(results),
        "## Throughput: full audit vs reference crawler",
        "",
        "Limits for both: per-host concurrency 4, no delay, page budget 1000 per site, 16 requests in flight overall. "
        "Other CPU s: what the rest of the machine (nginx, and anything else running) used during the run.",
        "",
        *_throughput_table(results),
        "",
        "## Targets",
        "",
        "| target | goal | measured | holds |",
        "|---|---|---|---|",
    ]
    for target in targets(results):
        verdict = "—" if target.holds is None else ("yes" if target.holds else "**no**")
        lines.append(f"| {target.name} | {target.goal} | {target.measured} | {verdict} |")
    scaling = _scaling_table(results)
    if scaling:
        lines += ["", "## Scaling (auditor --crawl full, reference limits)", "", *scaling]
    if results.politeness is not None:
        run = results.politeness
        ideal = ideal_wall_s(results)
        busiest = max(results.politeness_requests.values(), default=0)
        limits = results.politeness_limits
        lines += [
            "",
            "## Politeness-bound",
            "",
            f"Every response is held {results.latency_s * 1000:.0f} ms (latency proxy in front of nginx); the audit "
            f"keeps its defaults: per-host concurrency {limits['per_host_concurrency']:g}, "
            f"{limits['delay']:g} s between requests to a host, focused crawl.",
            "",
            "| pages | requests (busiest host) | ideal wall s | actual wall s | crawl span s | efficiency |",
            "|---:|---:|---:|---:|---:|---:|",
            f"| {run.pages:,} | {run.requests:,} ({busiest}) | {ideal:.1f} | {run.wall_s:.1f} | "
            f"{results.politeness_span_s:.1f} | {ideal / run.wall_s:.2f} |",
        ]
    pairs = incremental_pairs(results)
    if pairs:
        lines += [
            "",
            "## Incremental rerun (same corpus, same --out and working folder; each round from an empty folder)",
            "",
            "| round | run | pages fetched | requests served | wall s | CPU s | peak RSS MB | speed-up |",
            "|---:|---|---:|---:|---:|---:|---:|---:|",
        ]
        for number, (first, second) in enumerate(pairs, start=1):
            for run in (first, second):
                speedup = f"{first.wall_s / second.wall_s:.2f}×" if run is second else ""
                lines.append(
                    f"| {number} | {run.label} | {run.pages:,} | {run.requests:,} | {run.wall_s:.2f} | "
                    f"{run.cpu_s:.2f} | {run.peak_rss_mb:.1f} | {speedup} |"
                )
        lines.append(_speedup_line("of the second run", incremental_speedups(results)))
    months = [(a, b) for a, b in results.next_month if a.exit_code == 0 and b.exit_code == 0]
    if months:
        lines += [
            "",
            "A month later: the same pages audited again with `--as-of` 30 days on, in the same folder. No kept",
            "crawl applies to another date; the facts cache's gains alone. Reported, not a target.",
            "",
            "| round | pages fetched | requests served | wall s | CPU s | peak RSS MB | speed-up over the first |",
            "|---:|---:|---:|---:|---:|---:|---:|",
        ]
        for number, (first, later) in enumerate(months, start=1):
            lines.append(
                f"| {number} | {later.pages:,} | {later.requests:,} | {later.wall_s:.2f} | {later.cpu_s:.2f} | "
                f"{later.peak_rss_mb:.1f} | {first.wall_s / later.wall_s:.2f}× |"
            )
        lines.append(_speedup_line("a month later", next_month_speedups(results)))
    if results.profile:
        lines += ["", "## Profile (py-spy, one auditor full run)", "", results.profile]
    return "\n".join(lines) + "\n"

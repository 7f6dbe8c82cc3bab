"""Micro-benchmark of the end of an audit with a history: reading a year of past runs and rendering the page.

Usage: ``.venv/bin/python -m benchmarks.history [--agencies 1000] [--runs 12] [--rounds 3]``
(see "Micro-benchmarks" in benchmarks/README.md).

Every audit reads the runs beside its report folder (``auditor.history.prepare``) to compare with
the previous one, date each failing finding's streak and draw each agency's score chart in the
HTML page. The corpus is synthetic: ``--runs`` monthly results.json files and the current run, of
``--agencies`` agencies with a finding for every category of the bundled rules, written by the
auditor's own JSON renderer; one finding in five changes status from month to month.
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import gc
import json
import random
import statistics
import sys
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path

from auditor.config import load_rules
from auditor.history import prepare
from auditor.models import Agency, AgencyType, AuditRun, Evidence, Finding, Province, Scorecard, SiteStatus, Status
from auditor.report import html_report, json_report, summary_file
from auditor.score import score_findings

__all__ = ["main"]

ROOT = Path(__file__).resolve().parent.parent
WORK = ROOT / "benchmarks" / ".work"
AS_OF = dt.date(2026, 11, 1)
_STATUSES = (Status.OK, Status.STALE, Status.EMPTY, Status.MISSING, Status.BROKEN, Status.UNKNOWN)


def _runs(agencies: int, runs: int) -> list[AuditRun]:
    """``runs`` past monthly runs and the current one, oldest first (seeded)."""
    rules = load_rules(ROOT / "rules")
    draw = random.Random(2026)  # noqa: S311 - a fixed pattern, not a secret
    basis = "Luật TCTT 2016 Điều 19 khoản 1; NĐ 42/2022/NĐ-CP Điều 4; NĐ 224/2026/NĐ-CP Điều 9"
    cards = []
    for i in range(agencies):
        agency = Agency(
            f"a{i:05d}", f"Cơ quan mô phỏng {i}", AgencyType.COMMUNE, (), f"https://a{i:05d}.example.gov.vn/"
        )
        findings = tuple(
            Finding(
                c.id,
                draw.choice(_STATUSES),
                f"{agency.url}portal/KenhTin/{c.id}.aspx",
                AS_OF - dt.timedelta(days=draw.randrange(900)),
                "fresh",
                basis,
                requirements=(f"nd42_2022/{c.id}",),
                weight=2,
                evidence=Evidence(pages=(f"{agency.url}portal/KenhTin/{c.id}.aspx",), link_text=c.name.vi),
            )
            for c in rules.categories
        )
        cards.append((agency, findings))
    out = []
    for month in range(runs + 1):
        scorecards = []
        for agency, findings in cards:
            findings = tuple(
                dataclasses.replace(f, status=draw.choice(_STATUSES)) if draw.random() < 0.2 else f for f in findings
            )
            score, scored = score_findings(findings)
            scorecards.append(Scorecard(agency, SiteStatus.REACHABLE, "", findings, score, scored, 300))
        as_of = AS_OF - dt.timedelta(days=30 * (runs - month))
        run = AuditRun(as_of, Province("bench", "Tỉnh mô phỏng"), rules.version, (), tuple(scorecards), "bench")
        out.append(dataclasses.replace(run, categories=rules.categories))
    return out


def _write(folders: tuple[Path, Path], runs: list[AuditRun]) -> tuple[Path, Path]:
    """The past runs as sibling folders of each current run's report folder, which are returned.

    Into the first folder with the run-summary.json an audit writes beside each results.json, into
    the second without it (as runs written before the summaries were).
    """
    for run in runs[:-1]:
        results = json_report.render(run).encode("utf-8")
        for folder in folders:
            target = folder / run.as_of.isoformat()
            target.mkdir(parents=True, exist_ok=True)
            (target / "results.json").write_bytes(results)
        (folders[0] / run.as_of.isoformat() / summary_file.FILENAME).write_bytes(summary_file.render(run, results))
    return folders[0] / runs[-1].as_of.isoformat(), folders[1] / runs[-1].as_of.isoformat()


def _parse_each(files: list[Path]) -> None:
    for path in files:
        json.loads(path.read_text(encoding="utf-8"))


def _measure(step: Callable[[], object]) -> tuple[float, float]:
    """CPU seconds of one call, and the peak of memory it allocated (MB, tracemalloc, a second call)."""
    gc.collect()
    start = time.process_time()
    step()
    cpu = time.process_time() - start
    gc.collect()
    tracemalloc.start()
    step()
    peak = tracemalloc.get_traced_memory()[1] / 1e6
    tracemalloc.stop()
    return cpu, peak


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.history", description=__doc__.split("\n\n")[0])
    parser.add_argument("--agencies", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=12, help="past monthly runs beside the current one")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--work", type=Path, default=WORK, help="scratch folder (gitignored)")
    args = parser.parse_args(argv)
    folder = args.work / f"history-{args.agencies}x{args.runs}"
    runs = _runs(args.agencies, args.runs)
    current = runs[-1]
    out_dir, bare_dir = _write((folder, folder.with_name(f"{folder.name}-bare")), runs)
    files = sorted(folder.glob("*/results.json"))
    context = prepare(current, out_dir)[1]
    if context != prepare(current, bare_dir)[1]:
        raise SystemExit("the history read from the summaries differs from the one read from results.json")
    steps: dict[str, Callable[[], object]] = {
        "json.loads of every past results.json, one at a time (reference)": lambda: _parse_each(files),
        "prepare, each past run read from its results.json": lambda: prepare(current, bare_dir),
        "prepare, each past run read from its run-summary.json": lambda: prepare(current, out_dir),
        "HTML page, without history (reference)": lambda: html_report.render(current),
        "HTML page, with the history": lambda: html_report.render(current, "vi", context),
    }
    measured: dict[str, list[tuple[float, float]]] = {name: [] for name in steps}
    for _ in range(args.rounds):
        for name, step in steps.items():
            measured[name].append(_measure(step))
    size = sum(p.stat().st_size for p in files) / 1e6
    print(
        f"# History: {args.agencies} agencies, {args.runs} past runs ({size:.0f} MB of results.json), "
        f"{len(current.categories)} categories; medians of {args.rounds} rounds\n"
    )
    print("| step | CPU s | ratio | peak MB allocated |\n|---|---:|---:|---:|")
    reference = 0.0
    for name, values in measured.items():
        cpu = statistics.median(v[0] for v in values)
        peak = statistics.median(v[1] for v in values)
        reference = cpu if "reference" in name else reference
        print(f"| {name} | {cpu:.2f} | {cpu / reference:.2f}× | {peak:.0f} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Two revisions of the auditor on the same served corpus, alternately: what a change did, first audit and rerun.

The full benchmark compares the auditor with a reference crawler; on a shared VM the speed of the
whole machine drifts by ±20 % within minutes, so comparing two of its runs made at different times
says little. Here both revisions run in one invocation, alternating, each round a first audit (empty
cache) and a rerun on that cache, with the benchmark's limits and measurement. Medians, min–max and
ratios are printed as Markdown and written to ``--results``.

    python -m benchmarks.ab BASE_REV [NEW_REV] [--rounds 3] [--sites 34 --pages 300]

A revision is anything ``git worktree add`` takes; NEW_REV defaults to the working tree. Both run
with this checkout's virtual environment (``python -m auditor``, the revision first on PYTHONPATH).
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path

from .corpus import Corpus, generate
from .measure import run_measured
from .server import serve

ROOT = Path(__file__).resolve().parent.parent
WORK = ROOT / "benchmarks" / ".work"
AS_OF = "2026-11-01"
# The reference crawler's limits, as in the full benchmark's throughput runs.
LIMITS = ("--crawl", "full", "--per-host-concurrency", "4", "--delay", "0", "--page-budget", "1000")


def _checkout(rev: str | None) -> Path:
    """A worktree of ``rev`` under the scratch folder (this checkout for None)."""
    if rev is None:
        return ROOT
    folder = WORK / "ab" / "src" / rev.replace("/", "_")
    if not folder.exists():
        folder.parent.mkdir(parents=True, exist_ok=True)
        subprocess.run(["git", "-C", str(ROOT), "worktree", "add", "--detach", str(folder), rev], check=True)
    return folder


def _audit_twice(code: Path, corpus: Corpus, connect: list[str], run_dir: Path) -> list[dict[str, float]]:
    """A first audit and a rerun of the revision at ``code``; wall, CPU per page and peak RSS of each."""
    shutil.rmtree(run_dir, ignore_errors=True)
    run_dir.mkdir(parents=True)
    out = run_dir / "run"
    command = [
        sys.executable, "-m", "auditor", "audit", "--sites", str(corpus.sites_yaml), "--rules", str(code / "rules"),
        "--out", str(out), "--as-of", AS_OF, "--quiet", *LIMITS, *connect,
    ]  # fmt: skip
    env = {"PATH": "/usr/bin:/bin", "HOME": str(run_dir), "PYTHONPATH": str(code)}
    measured = []
    for step in ("first", "rerun"):
        m = run_measured(command, cwd=run_dir, env=env, stdout=run_dir / f"{step}.out", stderr=run_dir / f"{step}.err")
        if m.exit_code != 0:
            raise SystemExit(f"{code}: audit exited {m.exit_code}, see {run_dir / f'{step}.err'}")
        results = json.loads((out / "results.json").read_text(encoding="utf-8"))
        pages = sum(a.get("pages_fetched", 0) for a in results["agencies"])
        cpu_ms = 1000 * (m.user_s + m.sys_s) / max(pages, 1)
        measured.append({"wall_s": m.wall_s, "cpu_ms_per_page": cpu_ms, "rss_mb": m.peak_rss_kb / 1024})
    return measured


def _cell(values: list[float], digits: int = 2) -> str:
    return f"{statistics.median(values):.{digits}f} ({min(values):.{digits}f}–{max(values):.{digits}f})"


def report(labels: tuple[str, str], runs: dict[str, list[list[dict[str, float]]]]) -> str:
    """The Markdown table: medians (min–max) per revision and step, and new ÷ base."""
    lines = [
        "| revision | step | wall s | CPU ms/page | peak RSS MB |",
        "|---|---|---:|---:|---:|",
    ]
    for label in labels:
        for index, step in enumerate(("first audit", "rerun")):
            rows = [pair[index] for pair in runs[label]]
            lines.append(
                f"| {label} | {step} | {_cell([r['wall_s'] for r in rows])} "
                f"| {_cell([r['cpu_ms_per_page'] for r in rows])} | {_cell([r['rss_mb'] for r in rows], 1)} |"
            )
    base, new = labels
    for index, step in enumerate(("first audit", "rerun")):

        def median(label: str, metric: str, i: int = index) -> float:
            return statistics.median(pair[i][metric] for pair in runs[label])

        ratios = [median(new, m) / median(base, m) for m in ("wall_s", "cpu_ms_per_page", "rss_mb")]
        lines.append(f"| new ÷ base | {step} | {ratios[0]:.2f}× | {ratios[1]:.2f}× | {ratios[2]:.2f}× |")
    speedups = [
        statistics.median(pair[0]["wall_s"] for pair in runs[label])
        / statistics.median(pair[1]["wall_s"] for pair in runs[label])
        for label in labels
    ]
    lines += ["", f"Rerun speed-up (first ÷ rerun wall time): base {speedups[0]:.2f}×, new {speedups[1]:.2f}×."]
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.ab", description=__doc__.split("\n\n")[0])
    parser.add_argument("base", help="the revision to compare against (a commit, tag or branch)")
    parser.add_argument("new", nargs="?", default=None, help="the revision to measure (default: this working tree)")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--sites", type=int, default=34)
    parser.add_argument("--pages", type=int, default=300)
    parser.add_argument("--results", type=Path, default=ROOT / "benchmarks" / "results" / "ab.md")
    args = parser.parse_args(argv)
    labels = (args.base, args.new or "working tree")
    code = {labels[0]: _checkout(args.base), labels[1]: _checkout(args.new)}
    corpus = generate(WORK, args.sites, args.pages)
    runs: dict[str, list[list[dict[str, float]]]] = {label: [] for label in labels}
    with serve(corpus, WORK / "nginx-ab") as served:
        connect = served.connect_to()
        for round_no in range(args.rounds):
            # Alternate which revision goes first, so neither always follows the other.
            for label in labels if round_no % 2 == 0 else labels[::-1]:
                run_dir = WORK / "ab" / "runs" / f"{round_no}-{labels.index(label)}"
                pair = _audit_twice(code[label], corpus, connect, run_dir)
                runs[label].append(pair)
                walls = ", ".join(f"{p['wall_s']:.1f} s" for p in pair)
                print(f"round {round_no + 1} {label}: first audit, rerun {walls}", file=sys.stderr)
    text = (
        f"# A/B: {labels[1]} against {labels[0]}\n\n"
        f"`python -m benchmarks.ab {' '.join(argv if argv is not None else sys.argv[1:])}`: "
        f"{len(corpus.sites)} sites × {args.pages} pages, `auditor audit {' '.join(LIMITS)}`, "
        f"{args.rounds} rounds alternating; medians (min–max).\n\n{report(labels, runs)}\n"
    )
    args.results.parent.mkdir(parents=True, exist_ok=True)
    args.results.write_text(text, encoding="utf-8")
    print(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

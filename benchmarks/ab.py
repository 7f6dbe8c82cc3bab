"""Two revisions of the auditor on the same served corpus, alternately: what a change did, first audit and rerun.

The full benchmark compares the auditor with a reference crawler; on a shared VM the speed of the
whole machine drifts by ±20 % within minutes, so comparing two of its runs made at different times
says little. Here both revisions run in one invocation, alternating, each round a first audit (empty
cache) and a rerun on that cache, with the benchmark's limits and measurement. Medians, min–max and
ratios are printed as Markdown and written to ``--results``.

    python -m benchmarks.ab BASE_REV [NEW_REV] [--rounds 3] [--sites 34 --pages 300]
    python -m benchmarks.ab BASE_REV [NEW_REV] --instructions

A revision is anything ``git worktree add`` takes; NEW_REV defaults to the working tree. Both run
with this checkout's virtual environment (``python -m auditor``, the revision first on PYTHONPATH).

``--instructions`` counts CPU work instead of timing it, which the drift cannot touch: one site (a
shard of the corpus) audited in one process under valgrind's callgrind, first audit and rerun, each
less the same audit with a page budget of 1 (start-up, rules, reports), per page. Counts repeat to
within about 1–2 %; five to twelve minutes per revision. The kernel's share (sockets) is not counted.
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import statistics
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path

from .corpus import Corpus, generate
from .measure import compile_bytecode, run_measured
from .server import ensure_debian_tool, serve

ROOT = Path(__file__).resolve().parent.parent
WORK = ROOT / "benchmarks" / ".work"
AS_OF = "2026-11-01"
# The reference crawler's limits, as in the full benchmark's throughput runs.
LIMITS = ("--crawl", "full", "--per-host-concurrency", "4", "--delay", "0", "--page-budget", "1000")
_COLLECTED = re.compile(r"Collected : (\d+)")


def _checkout(rev: str | None) -> Path:
    """A worktree of ``rev`` under the scratch folder (this checkout for None), its bytecode compiled.

    Compiled here, not by the first audit measured: a fresh worktree's first run would otherwise also
    compile every module (about 0.4 G instructions), and the budget-1 run that ``--instructions``
    subtracts as the first audit's fixed cost is the first run.
    """
    folder = ROOT
    if rev is not None:
        # Named by the commit, not by what was typed: a branch or HEAD moves, a worktree of it would not.
        commit = subprocess.run(
            ["git", "-C", str(ROOT), "rev-parse", "--verify", "--short=12", f"{rev}^{{commit}}"],
            check=True, capture_output=True, text=True,
        ).stdout.strip()  # fmt: skip
        folder = WORK / "ab" / "src" / commit
        if not folder.exists():
            folder.parent.mkdir(parents=True, exist_ok=True)
            subprocess.run(["git", "-C", str(ROOT), "worktree", "add", "--detach", str(folder), commit], check=True)
    compile_bytecode(folder / "auditor")
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


def _instructions(code: Path, corpus: Corpus, connect: list[str], run_dir: Path) -> dict[str, float]:
    """Instructions of one site's first audit and rerun, per page beyond the fixed cost (see the docstring)."""
    valgrind = ensure_debian_tool("valgrind")
    shard = ("--workers", "1", "--shard", f"1/{len(corpus.sites)}")
    env = {"PATH": "/usr/bin:/bin", "HOME": str(run_dir), "PYTHONPATH": str(code), "PYTHONHASHSEED": "0"}
    counts: dict[str, int] = {}
    pages: dict[str, int] = {}
    # Each audit is measured less the same audit with a page budget of 1: a rerun's start-up is not a
    # first audit's (no extractor to import, no databases to create; 0.32 G fewer instructions), and
    # taking the first audit's for both made a rerun's page look 1 M instructions cheaper than it is.
    steps = (("fixed", "1"), ("fixed_rerun", "1"), ("first", "1000"), ("rerun", "1000"))
    for step, budget in steps:
        folder = run_dir / ("fixed" if step.startswith("fixed") else "audit")
        if step in ("fixed", "first"):
            shutil.rmtree(folder, ignore_errors=True)
            folder.mkdir(parents=True)
        command = [
            valgrind, "--tool=callgrind", "--callgrind-out-file=/dev/null", sys.executable, "-m", "auditor", "audit",
            "--sites", str(corpus.sites_yaml), "--rules", str(code / "rules"), "--out", str(folder / "run"),
            "--as-of", AS_OF, "--quiet", *LIMITS[:-1], budget, *shard, *connect,
        ]  # fmt: skip
        done = subprocess.run(command, cwd=folder, env=env, capture_output=True, text=True, check=False)
        found = _COLLECTED.search(done.stderr)
        if done.returncode != 0 or found is None:
            raise SystemExit(f"{code}: audit under valgrind exited {done.returncode}:\n{done.stderr[-2000:]}")
        counts[step] = int(found.group(1))
        results = json.loads((folder / "run" / "results.json").read_text(encoding="utf-8"))
        pages[step] = sum(a.get("pages_fetched", 0) for a in results["agencies"])
        print(f"{code.name} {step}: {counts[step] / 1e9:.3f} G instructions, {pages[step]} pages", file=sys.stderr)

    def per_page(step: str, fixed: str) -> float:
        return (counts[step] - counts[fixed]) / max(pages[step] - pages[fixed], 1) / 1e6

    return {
        "fixed_g": counts["fixed"] / 1e9,
        "fixed_rerun_g": counts["fixed_rerun"] / 1e9,
        "first_m": per_page("first", "fixed"),
        "rerun_m": per_page("rerun", "fixed_rerun"),
        "pages": pages["first"],
    }


def instructions_report(labels: tuple[str, str], counts: dict[str, dict[str, float]]) -> str:
    """The Markdown table of ``--instructions``: per page beyond the fixed cost, and new ÷ base."""
    lines = [
        "| revision | pages | fixed, first audit (G instructions) | fixed, rerun (G) | first audit (M a page) "
        "| rerun (M a page) | first ÷ rerun |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for label in labels:
        c = counts[label]
        lines.append(
            f"| {label} | {c['pages']:.0f} | {c['fixed_g']:.2f} | {c['fixed_rerun_g']:.2f} | {c['first_m']:.2f} "
            f"| {c['rerun_m']:.2f} | {c['first_m'] / c['rerun_m']:.2f}× |"
        )
    base, new = (counts[label] for label in labels)
    ratios = [new[k] / base[k] for k in ("fixed_g", "fixed_rerun_g", "first_m", "rerun_m")]
    lines.append(f"| new ÷ base | | {ratios[0]:.2f}× | {ratios[1]:.2f}× | {ratios[2]:.2f}× | {ratios[3]:.2f}× | |")
    return "\n".join(lines)


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
    parser.add_argument("--results", type=Path, default=None, help="default: results/ab.md (ab-instructions.md)")
    parser.add_argument("--instructions", action="store_true", help="count instructions under callgrind instead")
    args = parser.parse_args(argv)
    labels = (args.base, args.new or "working tree")
    code = {labels[0]: _checkout(args.base), labels[1]: _checkout(args.new)}
    corpus = generate(WORK, args.sites, args.pages)
    runs: dict[str, list[list[dict[str, float]]]] = {label: [] for label in labels}
    results = args.results or ROOT / "benchmarks" / "results" / ("ab-instructions.md" if args.instructions else "ab.md")
    command = f"`python -m benchmarks.ab {' '.join(argv if argv is not None else sys.argv[1:])}`"
    with serve(corpus, WORK / "nginx-ab") as served:
        connect = served.connect_to()
        if args.instructions:
            counts = {
                label: _instructions(code[label], corpus, connect, WORK / "ab" / "count" / str(i))
                for i, label in enumerate(labels)
            }
            return _write(
                results,
                f"# Instructions: {labels[1]} against {labels[0]}\n\n{command}: one site of {args.pages} pages, "
                f"`auditor audit {' '.join(LIMITS)} --workers 1` under callgrind.\n\n"
                f"{instructions_report(labels, counts)}\n",
            )
        for round_no in range(args.rounds):
            # Alternate which revision goes first, so neither always follows the other.
            for label in labels if round_no % 2 == 0 else labels[::-1]:
                run_dir = WORK / "ab" / "runs" / f"{round_no}-{labels.index(label)}"
                pair = _audit_twice(code[label], corpus, connect, run_dir)
                runs[label].append(pair)
                walls = ", ".join(f"{p['wall_s']:.1f} s" for p in pair)
                print(f"round {round_no + 1} {label}: first audit, rerun {walls}", file=sys.stderr)
    return _write(
        results,
        f"# A/B: {labels[1]} against {labels[0]}\n\n{command}: "
        f"{len(corpus.sites)} sites × {args.pages} pages, `auditor audit {' '.join(LIMITS)}`, "
        f"{args.rounds} rounds alternating; medians (min–max).\n\n{report(labels, runs)}\n",
    )


def _write(path: Path, text: str) -> int:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    print(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

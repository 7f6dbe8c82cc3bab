"""Run history: the previous runs next to a report folder, and what changed since the last one.

Each audit writes its own folder (``reports/<as-of>/``). The runs of a history are the sibling
folders of the report folder that hold a ``results.json``; the previous run is the one with the
newest ``as_of`` not after this run's (ties broken by folder name), the report folder itself excluded,
among those of the same province.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from .errors import ConfigError
from .models import AuditRun, Status
from .report.context import FAILING, Change, ChangeKind, Comparison, ReportContext, RunSummary, Waiver
from .report.load import load_summary
from .score import CREDIT
from .waivers import apply_waivers

__all__ = ["PastRun", "compare", "failing_since", "past_runs", "prepare"]


@dataclass(frozen=True, slots=True)
class PastRun:
    folder: Path
    summary: RunSummary


def past_runs(out_dir: Path, as_of: dt.date, province: str) -> list[PastRun]:
    """Earlier runs of the same province beside ``out_dir``, oldest first.

    A sibling whose results.json cannot be read is not a run of this history (a folder of another
    tool, a half-copied file): it is passed over rather than stopping the audit.
    """
    parent = out_dir.resolve().parent
    if not parent.is_dir():
        return []
    runs = []
    for folder in sorted(parent.iterdir()):
        if folder.resolve() == out_dir.resolve() or not (folder / "results.json").is_file():
            continue
        try:
            its_province, summary = load_summary(folder / "results.json")
        except ConfigError:
            continue
        if summary.as_of <= as_of and its_province == province:
            runs.append(PastRun(folder, summary))
    return sorted(runs, key=lambda p: (p.summary.as_of, p.folder.name))


def compare(old: RunSummary, new: AuditRun) -> Comparison:
    """Newly failing (or worse), fixed and unchanged failing findings, and every agency's score."""
    latest = RunSummary.of(new)
    before, after = old.by_finding(), latest.by_finding()
    changes = []
    for key in sorted(before.keys() | after.keys()):
        was, now = before.get(key), after.get(key)
        kind: ChangeKind | None = None
        if now in FAILING:
            if was not in FAILING:
                kind = ChangeKind.NEWLY_FAILING
            elif was is not None and now is not None and CREDIT[now] < CREDIT[was]:
                kind = ChangeKind.NEWLY_FAILING  # worse than before, e.g. stale to missing
            else:
                kind = ChangeKind.UNCHANGED
        elif was in FAILING and now is Status.OK:
            kind = ChangeKind.FIXED
        if kind is not None:
            changes.append(Change(key[0], key[1], kind, was, now))
    old_scores, new_scores = old.scores, latest.scores
    scores = tuple((a, old_scores.get(a), new_scores.get(a)) for a in sorted(old_scores.keys() | new_scores.keys()))
    return Comparison(old.as_of, new.as_of, tuple(changes), scores)


def failing_since(run: AuditRun, history: Sequence[RunSummary]) -> dict[tuple[str, str], dt.date]:
    """For each failing finding, the date of the earliest run of its unbroken failing streak."""
    since: dict[tuple[str, str], dt.date] = {}
    for card in run.scorecards:
        agency = card.agency.id
        for finding in card.findings:
            if finding.status not in FAILING:
                continue
            first = run.as_of
            for past in reversed(history):
                if past.status(agency, finding.category) not in FAILING:
                    break
                first = past.as_of
            since[(agency, finding.category)] = first
    return since


def prepare(run: AuditRun, out_dir: Path, waivers: tuple[Waiver, ...] = ()) -> tuple[AuditRun, ReportContext]:
    """Apply the exceptions, find the history beside ``out_dir`` and compare with the previous run."""
    run = apply_waivers(run, waivers)
    history = [p.summary for p in past_runs(out_dir, run.as_of, run.province.id)]
    comparison = compare(history[-1], run) if history else None
    return run, ReportContext(
        waivers=waivers,
        comparison=comparison,
        history=tuple(history),
        failing_since=failing_since(run, history),
    )

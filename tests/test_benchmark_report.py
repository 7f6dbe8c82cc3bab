"""The benchmark report takes the incremental speed-up as the median of its rounds, leaving failed rounds out; the
history micro-benchmark measures each step next to its reference."""

from __future__ import annotations

from pathlib import Path

import pytest

from benchmarks.measure import Run
from benchmarks.report import Results, incremental_speedups, next_month_speedups, render_markdown, targets


def _run(label: str, wall_s: float, exit_code: int = 0) -> Run:
    return Run(label, "34x300", wall_s, wall_s * 1.5, 0.1, 180_000, 10_200, 10_268, exit_code)


def _results(walls: list[tuple[float, float, int]]) -> Results:
    plan: dict[str, object] = {"rounds": len(walls)}
    results = Results("2026-11-26T17:00:00", "python -m benchmarks.run", {}, plan, {}, 0.05, {})
    for first, second, code in walls:
        results.incremental += [_run("auditor full, first", first), _run("auditor full, second", second, code)]
    return results


def test_the_incremental_target_is_the_median_of_the_rounds_that_completed() -> None:
    results = _results([(45.0, 9.0, 0), (44.0, 11.0, 0), (40.0, 5.0, 1), (46.0, 8.0, 0)])
    assert incremental_speedups(results) == [5.0, 4.0, 5.75]
    [target] = [t for t in targets(results) if t.name == "incremental rerun"]
    assert target.measured == "5.00× (4.00–5.75×)"
    assert target.holds is True
    text = render_markdown(results)
    assert "| 2 | auditor full, second | 10,200 | 10,268 | 11.00 | 16.60 | 175.8 | 4.00× |" in text
    assert "Speed-up of the second run: 5.00× (median of 3; 4.00–5.75×)." in text
    assert "| 5.00 |" not in text  # the failed round is not shown


def test_one_round_below_the_goal_does_not_hold() -> None:
    results = _results([(45.0, 12.0, 0)])
    [target] = [t for t in targets(results) if t.name == "incremental rerun"]
    assert (target.measured, target.holds) == ("3.75×", False)
    assert "Speed-up of the second run: 3.75×." in render_markdown(results)


def test_a_month_later_is_reported_apart_from_the_target() -> None:
    results = _results([(20.0, 4.0, 0), (21.0, 3.0, 0)])
    results.next_month = [(_run("auditor full, first", 20.0), _run("auditor full, next month", 5.0))]
    results.next_month.append((_run("auditor full, first", 21.0), _run("auditor full, next month", 6.0, 1)))
    assert next_month_speedups(results) == [4.0]  # the failed audit left out
    text = render_markdown(results)
    assert "Speed-up a month later: 4.00×." in text
    assert "| 1 | 10,200 | 10,268 | 5.00 | 7.60 | 175.8 | 4.00× |" in text
    [target] = [t for t in targets(results) if t.name == "incremental rerun"]
    assert target.measured == "6.00× (5.00–7.00×)"  # the month later is not in it
    assert results.as_json()["next_month_speedups"] == [4.0]


def test_the_history_micro_benchmark_measures_each_step_against_its_reference(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from benchmarks import history

    assert history.main(["--agencies", "3", "--runs", "2", "--rounds", "1", "--work", str(tmp_path)]) == 0
    table = capsys.readouterr().out
    rows = [line for line in table.splitlines() if line.startswith("| ") and not line.startswith("| step")]
    assert len(rows) == 5
    assert sum("(reference) | " in row and "| 1.00× |" in row for row in rows) == 2
    assert sum(row.startswith("| prepare, each past run read from its ") for row in rows) == 2
    # Two past runs beside the current run's folder, which is not written: with their summaries in
    # one history, without in the other.
    for name, files in (("history-3x2", ["results.json", "run-summary.json"]), ("history-3x2-bare", ["results.json"])):
        assert sorted(p.name for p in (tmp_path / name).iterdir()) == ["2026-09-02", "2026-10-02"]
        assert sorted(p.name for p in (tmp_path / name / "2026-10-02").iterdir()) == files

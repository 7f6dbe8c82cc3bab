"""Run one crawler as a child process and measure its wall time, CPU time and peak RSS (from wait4)."""

from __future__ import annotations

import os
import signal
import statistics
import subprocess
import time
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path

__all__ = ["Run", "Spread", "run_measured", "spread"]


@dataclass(frozen=True)
class Run:
    """One measured child process: what it did and what it cost."""

    label: str
    corpus: str
    wall_s: float
    user_s: float
    sys_s: float
    peak_rss_kb: int
    pages: int
    requests: int  # requests nginx logged during the run, robots.txt included
    exit_code: int

    @property
    def cpu_s(self) -> float:
        return self.user_s + self.sys_s

    @property
    def pages_per_s(self) -> float:
        return self.pages / self.wall_s if self.wall_s else 0.0

    @property
    def cpu_ms_per_page(self) -> float:
        return 1000 * self.cpu_s / self.pages if self.pages else float("nan")

    @property
    def peak_rss_mb(self) -> float:
        return self.peak_rss_kb / 1024

    def as_json(self) -> dict[str, object]:
        data: dict[str, object] = asdict(self)
        data.update(
            cpu_s=round(self.cpu_s, 3),
            pages_per_s=round(self.pages_per_s, 2),
            cpu_ms_per_page=round(self.cpu_ms_per_page, 3),
            peak_rss_mb=round(self.peak_rss_mb, 1),
        )
        return data


@dataclass(frozen=True)
class Spread:
    """Median and range of one metric over rounds."""

    median: float
    low: float
    high: float
    n: int

    def as_json(self) -> dict[str, float]:
        return {"median": self.median, "min": self.low, "max": self.high, "n": self.n}


def spread(values: Sequence[float]) -> Spread:
    return Spread(statistics.median(values), min(values), max(values), len(values))


def run_measured(
    command: Sequence[str], *, cwd: Path, env: Mapping[str, str], stdout: Path, stderr: Path
) -> tuple[float, float, float, int, int]:
    """Wall seconds, user and system CPU seconds, peak RSS (KiB) and exit code of ``command``.

    ``os.wait4`` gives the child's own resource usage (descendants it waited for included), so
    nothing else this process does is counted; Ctrl-C stops the child before it propagates.
    """
    with stdout.open("wb") as out, stderr.open("wb") as err:
        started = time.perf_counter()
        process = subprocess.Popen(
            list(command), cwd=cwd, env=dict(env), stdout=out, stderr=err, stdin=subprocess.DEVNULL
        )
        try:
            _, status, usage = os.wait4(process.pid, 0)
        except BaseException:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
            raise
        wall = time.perf_counter() - started
    process.returncode = os.waitstatus_to_exitcode(status)
    return wall, usage.ru_utime, usage.ru_stime, usage.ru_maxrss, process.returncode

"""Run one crawler as a child process and measure its wall time, CPU time and peak RSS (from wait4)."""

from __future__ import annotations

import os
import signal
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path

__all__ = ["Measured", "Run", "Spread", "compile_bytecode", "run_measured", "spread"]


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
    # CPU seconds the rest of the machine used meanwhile (nginx, the proxy, anything else running):
    # other work on the same 2 cores slows the crawler's wall time, so it is reported beside it.
    other_cpu_s: float = 0.0
    # A fingerprint of auditor/ and rules/ when the run started ("" for the reference): others may be
    # changing the auditor while a long benchmark runs, and runs of different code must not be mixed unseen.
    source: str = ""
    # The largest single process of the tree, its own VmHWM (peak_rss_kb is the whole tree's, sampled).
    largest_process_rss_kb: int = 0

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


def _machine_busy_s() -> float:
    """CPU seconds all cores have spent busy since boot (/proc/stat), or 0 where it cannot be read."""
    try:
        with open("/proc/stat", encoding="ascii") as stat:
            fields = [int(v) for v in stat.readline().split()[1:]]
    except (OSError, ValueError):
        return 0.0
    idle = fields[3] + (fields[4] if len(fields) > 4 else 0)  # idle + iowait
    return (sum(fields[:8]) - idle) / os.sysconf("SC_CLK_TCK")


def _tree_rss_kb(pid: int) -> tuple[int, int]:
    """Resident memory (KiB) of a process and all its descendants, and the largest peak among them.

    From /proc: the sum of VmRSS, and the largest VmHWM (a process's own high-water mark); (0, 0)
    once the tree is gone.
    """
    total, largest, pending = 0, 0, [pid]
    while pending:
        current = pending.pop()
        try:
            with open(f"/proc/{current}/status", encoding="ascii", errors="replace") as status:
                for line in status:
                    if line.startswith("VmHWM:"):
                        largest = max(largest, int(line.split()[1]))
                    elif line.startswith("VmRSS:"):
                        total += int(line.split()[1])
            for task in os.listdir(f"/proc/{current}/task"):
                with open(f"/proc/{current}/task/{task}/children", encoding="ascii") as children:
                    pending.extend(int(child) for child in children.read().split())
        except (OSError, ValueError):
            continue
    return total, largest


class _TreeRssSampler(threading.Thread):
    """The largest total RSS of a process tree, and the largest single process's peak, sampled every 50 ms.

    Not ``ru_maxrss`` from wait4: Linux carries the high-water mark across exec, so a child spawned
    by this process reports at least this process's own RSS at the spawn (a 13 MB child of a 300 MB
    parent reports 300 MB). With worker processes the memory in use at once is the sum over the
    tree, which is what is reported as peak RSS.
    """

    def __init__(self, pid: int) -> None:
        super().__init__(daemon=True)
        self.pid = pid
        self.peak_kb = 0
        self.largest_kb = 0
        self._finished = threading.Event()

    def run(self) -> None:
        while not self._finished.wait(0.05):
            total, largest = _tree_rss_kb(self.pid)
            self.peak_kb = max(self.peak_kb, total)
            self.largest_kb = max(self.largest_kb, largest)

    def stop(self) -> tuple[int, int]:
        self._finished.set()
        self.join()
        return self.peak_kb, self.largest_kb


@dataclass(frozen=True)
class Measured:
    """What the kernel says one child process cost."""

    wall_s: float
    user_s: float
    sys_s: float
    peak_rss_kb: int
    exit_code: int
    other_cpu_s: float
    largest_process_rss_kb: int = 0


def run_measured(command: Sequence[str], *, cwd: Path, env: Mapping[str, str], stdout: Path, stderr: Path) -> Measured:
    """Wall seconds, user and system CPU seconds, peak RSS (KiB) and exit code of ``command``.

    ``os.wait4`` gives the child's own resource usage (descendants it waited for included), so
    nothing else this process does is counted; Ctrl-C stops the child before it propagates. Peak RSS
    is the larger of the sampled sum over the process tree and the largest process's VmHWM (see
    ``_TreeRssSampler``; ``ru_maxrss`` only for a child gone before the first sample).
    """
    with stdout.open("wb") as out, stderr.open("wb") as err:
        busy = _machine_busy_s()
        started = time.perf_counter()
        process = subprocess.Popen(
            list(command), cwd=cwd, env=dict(env), stdout=out, stderr=err, stdin=subprocess.DEVNULL
        )
        sampler = _TreeRssSampler(process.pid)
        sampler.start()
        try:
            _, status, usage = os.wait4(process.pid, 0)
        except BaseException:
            sampler.stop()
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
            raise
        wall = time.perf_counter() - started
        tree_peak, largest = sampler.stop()
    process.returncode = os.waitstatus_to_exitcode(status)
    other = max(0.0, _machine_busy_s() - busy - usage.ru_utime - usage.ru_stime)
    largest = largest or usage.ru_maxrss
    return Measured(wall, usage.ru_utime, usage.ru_stime, max(tree_peak, largest), process.returncode, other, largest)


def compile_bytecode(*targets: Path) -> None:
    """Compile these modules or packages (``python -m compileall``) before anything that imports them is measured.

    As an installed package has them: where bytecode is not written as modules are imported
    (``PYTHONDONTWRITEBYTECODE``, as on the machine of these results, or a read-only checkout), every
    module edited since its last compilation is otherwise compiled again by every process measured.
    The eight modules edited in the nineteenth and twentieth sessions cost 141 M instructions per
    process that way (a one-site rerun at a page budget of 1: 1,776 M, against 1,635 M compiled).
    """
    for target in targets:
        subprocess.run([sys.executable, "-m", "compileall", "-q", str(target)], check=True)

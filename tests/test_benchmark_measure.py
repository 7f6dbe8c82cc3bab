"""The benchmark harness measures a child's own memory, whatever the size of the process that runs it."""

from __future__ import annotations

import json
import subprocess
import sys

from .conftest import ROOT

# A 300 MB parent measures a child that allocates 40 MB. Linux carries ru_maxrss across exec, so
# that figure would say 300 MB for the child.
PARENT = """
import json, sys
from pathlib import Path
from benchmarks.measure import run_measured
ballast = bytearray(300 * 1024 * 1024)
for i in range(0, len(ballast), 4096):
    ballast[i] = 1
CHILD = "import time; x = bytearray(40 << 20); x[::4096] = b'1' * len(x[::4096]); time.sleep(0.5)"
here = Path(sys.argv[1])
m = run_measured([sys.executable, "-c", CHILD], cwd=here, env={}, stdout=here / "out", stderr=here / "err")
largest = m.largest_process_rss_kb / 1024
print(json.dumps({"peak_mb": m.peak_rss_kb / 1024, "largest_mb": largest, "exit": m.exit_code}))
"""


def test_a_childs_peak_rss_is_its_own_not_its_parents(tmp_path: object) -> None:
    done = subprocess.run(
        [sys.executable, "-c", PARENT, str(tmp_path)], cwd=ROOT, capture_output=True, text=True, timeout=120, check=True
    )
    measured = json.loads(done.stdout)
    assert measured["exit"] == 0
    assert 40 <= measured["largest_mb"] < 120, measured
    assert 40 <= measured["peak_mb"] < 120, measured

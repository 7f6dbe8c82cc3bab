"""The command's end: the exit code, the output, the threads and the atexit functions, as sys.exit leaves them."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from auditor import __version__

from .conftest import ROOT


def _python(code: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    # Buffered output, as the command has it unless told otherwise.
    env = {k: v for k, v in os.environ.items() if k != "PYTHONUNBUFFERED"}
    return subprocess.run(
        [sys.executable, "-c", code], cwd=cwd, env=env, capture_output=True, text=True, timeout=60, check=False
    )


@pytest.mark.parametrize(
    ("code", "status", "stderr"),
    [("None", 0, ""), ("3", 3, ""), ("256 + 4", 4, ""), ("-1", 255, ""), ("'gone wrong'", 1, "gone wrong\n")],
)
def test_the_status_is_what_sys_exit_gives(tmp_path: Path, code: str, status: int, stderr: str) -> None:
    done = _python(f"from auditor.entry import _leave; _leave({code})", tmp_path)
    expected = subprocess.run(
        [sys.executable, "-c", f"import sys; sys.exit({code})"], capture_output=True, text=True, check=False
    )
    assert (done.returncode, done.stderr) == (expected.returncode, expected.stderr) == (status, stderr)


def test_buffered_output_threads_and_atexit_functions_all_finish_first(tmp_path: Path) -> None:
    script = """
import atexit, sys, threading, time
from pathlib import Path
from auditor.entry import _leave

def late():
    time.sleep(0.3)
    Path("thread.txt").write_text("done")

threading.Thread(target=late).start()  # not a daemon: exit waits for it
atexit.register(lambda: Path("atexit.txt").write_text(Path("thread.txt").read_text()))
sys.stdout.write("x" * 100_000)  # more than a pipe holds
sys.stdout.write("a tail")  # still in the buffer
sys.stderr.write("on stderr")
_leave(0)
"""
    done = _python(script, tmp_path)
    assert done.returncode == 0, done.stderr
    assert done.stdout == "x" * 100_000 + "a tail"
    assert done.stderr == "on stderr"
    # The thread ended before the atexit function ran, as at a normal exit.
    assert (tmp_path / "atexit.txt").read_text() == "done"


def test_the_command_exits_with_its_codes_and_output(tmp_path: Path) -> None:
    def auditor(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "auditor", *args],
            cwd=tmp_path,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
            env={"PATH": "/usr/bin:/bin", "PYTHONPATH": str(ROOT), "HOME": str(tmp_path)},
        )

    version = auditor("version")
    assert (version.returncode, version.stdout.strip()) == (0, __version__)
    missing = auditor("audit", "--sites", "missing.yaml", "--out", "out")
    assert missing.returncode == 2
    assert "missing.yaml" in missing.stderr
    assert "Traceback" not in missing.stderr
    assert not (tmp_path / "out").exists()
    unknown = auditor("--no-such-option")
    assert unknown.returncode == 2
    assert "No such option" in unknown.stderr


def test_a_profiler_still_gets_to_write_its_data(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "cProfile", "-o", "auditor.prof", "-m", "auditor", "version"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert (done.returncode, done.stdout.strip()) == (0, __version__)
    assert (tmp_path / "auditor.prof").stat().st_size > 0

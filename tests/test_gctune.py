"""The collector settings of an audit process (auditor.gctune), checked in fresh interpreters."""

from __future__ import annotations

import subprocess
import sys

from auditor import gctune


def _python(code: str) -> list[str]:
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True)
    return done.stdout.split()


def test_settle_freezes_what_start_up_built_and_raises_only_the_young_threshold() -> None:
    out = _python(
        "import gc; from auditor import gctune; old = gc.get_threshold(); gctune.settle(); new = gc.get_threshold();"
        " print(gc.get_freeze_count() > 1000, new[0], new[1:] == old[1:])"
    )
    assert out == ["True", str(gctune.YOUNG_THRESHOLD), "True"]


def test_the_command_settles_before_it_runs() -> None:
    # Read at exit, after the command has run: the entry point applied the settings.
    out = _python(
        "import atexit, gc, sys; atexit.register(lambda: print(gc.get_threshold()[0], gc.get_freeze_count() > 1000));"
        " sys.argv = ['auditor', '--help']; from auditor.entry import main; main()"
    )
    assert out[-2:] == [str(gctune.YOUNG_THRESHOLD), "True"]

"""The ``auditor`` command's entry point, apart from the CLI: worker processes import it, not the CLI.

A spawned worker process imports the module its parent was started from (here the console script,
and through it this module) before it runs its share of the audit. Importing the CLI there, with
typer, rich and every report module, delayed each worker's first request by about 0.2 s.

An auditing command also starts its workers here, first thing (see :func:`auditor.prestart.prestart`):
they import the pipeline while this process imports the CLI and reads its arguments, instead of
after.
"""

from __future__ import annotations

import atexit
import os
import sys
import threading
from typing import NoReturn

# Commands that audit, in worker processes unless told --workers 1.
_AUDITING = frozenset({"audit", "demo"})
# What a worker imports while the command starts: the modules of its share of the audit.
_WORKER_MODULES = ("auditor.pipeline", "auditor.siteaudit")
# --workers allows no more (see auditor.cli).
_MAX_WORKERS = 64


def main() -> NoReturn:
    """Run the command line (see :func:`auditor.cli.main`), then end the process (see :func:`_leave`)."""
    from . import gctune, prestart

    prestart.prestart(_workers_to_prestart(sys.argv[1:]), *_WORKER_MODULES)
    code: str | int | None = None
    try:
        from .cli import main as run

        gctune.settle()  # after the imports: see auditor.gctune
        run()
    except SystemExit as exc:
        code = exc.code
    finally:
        prestart.discard_prestarted()
    _leave(code)


def _leave(code: str | int | None) -> NoReturn:
    """End the process as ``sys.exit(code)`` would, but without freeing every object one by one first.

    What the interpreter does at exit, in order: wait for the threads that are not daemons (and run
    what the threading module was asked to run then), run the ``atexit`` functions, flush the
    standard streams. All of it is done here; what is left out is the teardown that follows, in
    which CPython frees every module and object an audit built: 0.08-0.11 s of every run, which a
    rerun of 5 s feels. The command has closed its files and caches by the time it returns. An
    interpreter without these hooks, or running a profiler or tracer, exits the usual way.
    """
    shutdown = getattr(threading, "_shutdown", None)
    run_exitfuncs = getattr(atexit, "_run_exitfuncs", None)
    # A profiler or tracer (``python -m cProfile``, coverage) writes its data once the program returns.
    if shutdown is None or run_exitfuncs is None or sys.getprofile() is not None or sys.gettrace() is not None:
        sys.exit(code)
    shutdown()
    run_exitfuncs()
    if code is None:
        status = 0
    elif isinstance(code, int):
        status = code
    else:
        print(code, file=sys.stderr)  # as sys.exit prints the message it is given
        status = 1
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):  # a closed pipe (`auditor … | head`): as Python's own exit says
            status = status or 120
    os._exit(status & 0xFF)


def _workers_to_prestart(args: list[str]) -> int:
    """The worker processes an auditing command will ask for besides this one; 0 when in doubt.

    Read before the command line is parsed (see :func:`auditor.prestart.prestart`): anything the
    CLI may reject or that asks for no audit starts none, and the CLI then says what is wrong.
    """
    if not args or args[0] not in _AUDITING or "--help" in args:
        return 0
    count: int | None = None
    for i, arg in enumerate(args):
        if arg == "--workers" and i + 1 < len(args):
            value = args[i + 1]
        elif arg.startswith("--workers="):
            value = arg.partition("=")[2]
        else:
            continue
        try:
            count = int(value)
        except ValueError:
            return 0
    if count is None:
        from .prestart import default_workers

        count = default_workers()
    return count - 1 if 1 <= count <= _MAX_WORKERS else 0

"""The ``auditor`` command's entry point, apart from the CLI: worker processes import it, not the CLI.

A spawned worker process imports the module its parent was started from (here the console script,
and through it this module) before it runs its share of the audit. Importing the CLI there, with
typer, rich and every report module, delayed each worker's first request by about 0.2 s.

An auditing command also starts its workers here, first thing (see :func:`auditor.workers.prestart`):
they import the pipeline while this process imports the CLI and reads its arguments, instead of
after.
"""

from __future__ import annotations

import sys

# Commands that audit, in worker processes unless told --workers 1.
_AUDITING = frozenset({"audit", "demo"})
# What a worker imports while the command starts: the modules of its share of the audit.
_WORKER_MODULES = ("auditor.pipeline",)
# --workers allows no more (see auditor.cli).
_MAX_WORKERS = 64


def main() -> None:
    """Run the command line (see :func:`auditor.cli.main`)."""
    from . import gctune, workers

    workers.prestart(_workers_to_prestart(sys.argv[1:]), *_WORKER_MODULES)
    try:
        from .cli import main as run

        gctune.settle()  # after the imports: see auditor.gctune
        run()
    finally:
        workers.discard_prestarted()


def _workers_to_prestart(args: list[str]) -> int:
    """The worker processes an auditing command will ask for besides this one; 0 when in doubt.

    Read before the command line is parsed (see :func:`auditor.workers.prestart`): anything the
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
        from .workers import default_workers

        count = default_workers()
    return count - 1 if 1 <= count <= _MAX_WORKERS else 0

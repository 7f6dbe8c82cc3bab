"""The ``auditor`` command's entry point, apart from the CLI: worker processes import it, not the CLI.

A spawned worker process imports the module its parent was started from (here the console script,
and through it this module) before it runs its share of the audit. Importing the CLI there, with
typer, rich and every report module, delayed each worker's first request by about 0.2 s.
"""

from __future__ import annotations


def main() -> None:
    """Run the command line (see :func:`auditor.cli.main`)."""
    from . import gctune
    from .cli import main as run

    gctune.settle()  # after the imports: see auditor.gctune
    run()

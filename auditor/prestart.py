"""Worker processes started first thing, before the command imports its own modules and reads its arguments.

Kept apart from :mod:`auditor.workers`, which brings asyncio and the data model (about 0.1 s): the
command starts its workers after importing this module alone, so they begin importing the crawl
that much sooner. Each worker is set up by :func:`auditor.workers.init_worker`, imported in the
worker, never here.
"""

from __future__ import annotations

import importlib
import multiprocessing
import os
import sys
import threading
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from typing import Any

__all__ = ["MAX_DEFAULT_WORKERS", "default_workers", "discard_prestarted", "make_pool", "prestart", "take_prestarted"]

# More processes than this gain little: each site's politeness limits, not CPU, bound its crawl.
MAX_DEFAULT_WORKERS = 4


def default_workers() -> int:
    """The cores this process may run on, at most MAX_DEFAULT_WORKERS."""
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        cores = os.cpu_count() or 1
    return max(1, min(cores, MAX_DEFAULT_WORKERS))


@dataclass(frozen=True)
class _Prestarted:
    """Worker processes started before the command read its arguments (see prestart)."""

    count: int
    pool: ProcessPoolExecutor
    events: Any
    taken: Any
    processes: tuple[multiprocessing.process.BaseProcess, ...]

    def end(self) -> None:
        for process in self.processes:
            process.terminate()  # at once: a worker still importing would make this process wait at exit
        # Then the pool's own thread, which notices at once (see auditor.workers.Workers.__aexit__).
        self.pool.shutdown(wait=True, cancel_futures=True)


_prestarted: _Prestarted | None = None


def make_pool(processes: int, method: str = "spawn") -> tuple[ProcessPoolExecutor, Any, Any]:
    """A pool of processes started by ``method``, its event queue, and the counter of shared sites taken.

    See :class:`auditor.workers.SharedSites` for the counter, and :func:`auditor.workers.init_worker`.
    """
    context = multiprocessing.get_context(method)
    events = context.Queue()
    # Given at start-up: a process inherits a shared counter, it cannot receive one with a task.
    taken = context.Value("q", 0)
    pool = ProcessPoolExecutor(processes, mp_context=context, initializer=_start_worker, initargs=(events, taken))
    return pool, events, taken


def prestart(processes: int, *modules: str) -> None:
    """Start ``processes`` worker processes now, each importing ``modules``, for :class:`auditor.workers.Workers`.

    The command calls it before it imports its own modules and reads its arguments, registry and
    rules (about a second): a worker spawned after that starts crawling as much later than the
    parent, which then waits for it at the end. Workers not taken over are ended by
    :func:`discard_prestarted`, or with this process (see ``auditor.workers._orphaned``).
    """
    global _prestarted
    if processes < 1 or _prestarted is not None:
        return
    before = set(multiprocessing.active_children())
    pool, events, taken = make_pool(processes, _early_start_method())
    for _ in range(processes):
        # One task each, so that every worker imports them (a spawning pool also starts its
        # processes one per task while none is idle; a forking one starts them all at once).
        pool.submit(_import, modules)
    spawned = tuple(p for p in multiprocessing.active_children() if p not in before)
    _prestarted = _Prestarted(processes, pool, events, taken, spawned)


def _early_start_method() -> str:
    """How to start the workers first thing: ``fork`` on Linux while this process has one thread, else ``spawn``.

    A forked worker begins where this process stands, a few modules into the command: a spawned
    one first starts an interpreter and imports the pool's machinery again (0.13-0.19 s before it
    could import the crawl, against 0.01-0.02). Forking is safe here only because no other thread
    exists yet to hold a lock the child would inherit locked; the pools made later, from a process
    with threads (an event loop's, a library's), are always spawned. Not on macOS, where the system
    libraries do not survive a fork without an exec.
    """
    if sys.platform.startswith("linux") and threading.active_count() == 1:
        return "fork"
    return "spawn"


def _import(modules: tuple[str, ...]) -> None:
    for name in modules:
        importlib.import_module(name)


def discard_prestarted() -> None:
    """End the prestarted workers if no :class:`auditor.workers.Workers` took them over."""
    global _prestarted
    if _prestarted is not None:
        _prestarted.end()
        _prestarted = None


def take_prestarted(processes: int) -> tuple[ProcessPoolExecutor, Any, Any] | None:
    """The prestarted pool, its event queue and counter if it has exactly ``processes`` workers; any other is ended."""
    global _prestarted
    early, _prestarted = _prestarted, None
    if early is None:
        return None
    if early.count == processes:
        return early.pool, early.events, early.taken
    early.end()
    return None


def _start_worker(events: Any, taken: Any) -> None:
    """The pool's initializer: :func:`auditor.workers.init_worker`, imported in the worker process."""
    from .workers import init_worker

    init_worker(events, taken)

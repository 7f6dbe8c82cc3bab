"""The event loop every process of an audit runs on: uvloop where it is installed, asyncio's own elsewhere."""

from __future__ import annotations

import asyncio
from collections.abc import Callable

__all__ = ["loop_factory"]


def loop_factory() -> Callable[[], asyncio.AbstractEventLoop] | None:
    """What makes an audit's event loop: uvloop's, or None for asyncio's default (``asyncio.Runner``'s own).

    A rerun's page is mostly one conditional request and its 304, so the loop's own work (sockets,
    timers, callbacks) is a large part of it: uvloop does that work in C, 5 % fewer instructions a
    rerun's page and 14 % fewer for aiohttp's conditional request alone (benchmarks/README.md). It
    is not built for Windows, where asyncio's loop does the same job.
    """
    try:
        import uvloop
    except ImportError:
        return None
    return uvloop.new_event_loop

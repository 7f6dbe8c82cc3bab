"""A TCP proxy that holds each HTTP response's first byte until a fixed latency after its request arrived.

nginx has no per-response delay for static files (``echo_sleep`` is not in Debian's build), so the
politeness-bound benchmark puts this in front of it, one listening port per site. It does not parse HTTP:
on a keep-alive connection the client (httpx, aiohttp) sends a request only after reading the whole
previous response, so the first bytes from the client after a response mark a new request and the first
bytes from nginx after that start its response. Connecting is not delayed; only time to first byte is.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import signal
import sys

__all__ = ["main"]

ADDRESS = "127.0.0.1"
CHUNK = 65536


async def _pipe_requests(reader: asyncio.StreamReader, writer: asyncio.StreamWriter, state: dict[str, float]) -> None:
    loop = asyncio.get_running_loop()
    while data := await reader.read(CHUNK):
        if not state.get("requested"):
            state["requested"] = loop.time()
        writer.write(data)
        await writer.drain()
    with contextlib.suppress(OSError):
        writer.write_eof()


async def _pipe_responses(
    reader: asyncio.StreamReader, writer: asyncio.StreamWriter, state: dict[str, float], latency: float
) -> None:
    loop = asyncio.get_running_loop()
    while data := await reader.read(CHUNK):
        requested = state.get("requested")
        if requested:
            state["requested"] = 0.0
            wait = requested + latency - loop.time()
            if wait > 0:
                await asyncio.sleep(wait)
        writer.write(data)
        await writer.drain()
    writer.close()


async def _handle(
    client_reader: asyncio.StreamReader, client_writer: asyncio.StreamWriter, target: int, latency: float
) -> None:
    try:
        upstream_reader, upstream_writer = await asyncio.open_connection(ADDRESS, target)
    except OSError:
        client_writer.close()
        return
    state: dict[str, float] = {}
    try:
        await asyncio.gather(
            _pipe_requests(client_reader, upstream_writer, state),
            _pipe_responses(upstream_reader, client_writer, state, latency),
        )
    except (OSError, asyncio.IncompleteReadError):
        pass
    finally:
        upstream_writer.close()
        client_writer.close()


async def serve(mapping: dict[int, int], latency: float) -> None:
    servers = []
    # asyncio drops its own reference to a handler when the client hangs up; keep one until it ends.
    running: set[asyncio.Task[object]] = set()
    for listen, target in mapping.items():

        async def handler(r: asyncio.StreamReader, w: asyncio.StreamWriter, target: int = target) -> None:
            task = asyncio.current_task()
            if task is not None:
                running.add(task)
            try:
                await _handle(r, w, target, latency)
            finally:
                running.discard(task)

        servers.append(await asyncio.start_server(handler, ADDRESS, listen, backlog=1024))
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    await stop.wait()
    for server in servers:
        server.close()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--latency", type=float, default=0.05, help="seconds from request to first response byte")
    parser.add_argument("ports", nargs="+", metavar="LISTEN=TARGET", help="a listening port and nginx's port behind it")
    args = parser.parse_args(argv)
    mapping = {int(a): int(b) for a, _, b in (p.partition("=") for p in args.ports)}
    asyncio.run(serve(mapping, args.latency))
    return 0


if __name__ == "__main__":
    sys.exit(main())

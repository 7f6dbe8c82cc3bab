"""A tiny scriptable HTTP(S) server on 127.0.0.1 for crawler tests: routes by (host, path), injects faults.

Faults a route can ask for: a delay before the answer (slower than the client's timeout), a reset
of the connection after part of the body, and a body streamed from a generator (a 50 MB page is
never held in memory). The server records, per host, every request's start time and headers and
the peak number of requests it was serving at once, so politeness can be checked from its side.
"""

from __future__ import annotations

import socket
import ssl
import struct
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass
class Reply:
    status: int = 200
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=lambda: {"Content-Type": "text/html; charset=utf-8"})
    delay: float = 0.0  # seconds to wait before answering
    reset_after: int | None = None  # send this many body bytes, then reset the connection
    stream: Callable[[], Iterable[bytes]] | None = None  # body chunks, sent after a Content-Length of `length`
    length: int | None = None
    conditional: bool = False  # a request whose If-None-Match is this reply's ETag gets a 304, as from a real server


@dataclass(frozen=True)
class Seen:
    """One request as the server saw it."""

    host: str
    path: str
    started: float  # time.monotonic() when the request line was read
    headers: dict[str, str]


Route = Callable[[int], Reply]  # called with how many times this route was hit before


@dataclass
class ScriptedServer:
    routes: dict[tuple[str, str], Route]
    port: int = 0
    hits: Counter[tuple[str, str]] = field(default_factory=Counter)
    lock: threading.Lock = field(default_factory=threading.Lock)
    seen: list[Seen] = field(default_factory=list)
    inflight: Counter[str] = field(default_factory=Counter)
    peak: Counter[str] = field(default_factory=Counter)

    def connect_map(self, *hosts: str) -> dict[str, tuple[str, int]]:
        return dict.fromkeys(hosts, ("127.0.0.1", self.port))

    def hits_for_host(self, host: str) -> int:
        with self.lock:
            return sum(n for (h, _), n in self.hits.items() if h == host)


def closed_port() -> int:
    """A port on 127.0.0.1 with nothing listening."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
    return port


def _reset(connection: socket.socket) -> None:
    """Close with RST instead of FIN: what a crashing server or a middlebox does mid-body."""
    connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    connection.close()


class _QuietServer(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: object, client_address: object) -> None:
        return None  # clients hanging up and failed TLS handshakes are what these tests provoke


@contextmanager
def serve(routes: dict[tuple[str, str], Route], *, tls: ssl.SSLContext | None = None) -> Iterator[ScriptedServer]:
    state = ScriptedServer(routes)

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: object) -> None:
            return None

        def do_HEAD(self) -> None:
            self.do_GET()

        def do_GET(self) -> None:
            host = (self.headers.get("Host") or "").split(":")[0].lower()
            key = (host, self.path)
            with state.lock:
                count = state.hits[key]
                state.hits[key] += 1
                state.seen.append(Seen(host, self.path, time.monotonic(), dict(self.headers.items())))
                for counted in (host, "*"):  # "*": every host together
                    state.inflight[counted] += 1
                    state.peak[counted] = max(state.peak[counted], state.inflight[counted])
            counted_out = False

            def done() -> None:
                # Called just before the write that completes the response, not after it: a client
                # that has read the whole response may send its next request before this thread runs
                # again, which counted one request too many in flight (seen on a loaded machine).
                nonlocal counted_out
                if not counted_out:
                    counted_out = True
                    with state.lock:
                        state.inflight[host] -= 1
                        state.inflight["*"] -= 1

            try:
                route = state.routes.get(key)
                reply = route(count) if route else Reply(404, b"<html><body>404</body></html>")
                etag = reply.headers.get("ETag")
                if reply.conditional and etag is not None and self.headers.get("If-None-Match") == etag:
                    reply = Reply(304, headers={"ETag": etag})
                self._answer(reply, done)
            except OSError:
                pass  # the client hung up (a capped body, a timeout): normal for these tests
            finally:
                done()

        def _answer(self, reply: Reply, done: Callable[[], None]) -> None:
            if reply.delay:
                time.sleep(reply.delay)
            self.send_response(reply.status)
            for name, value in reply.headers.items():
                self.send_header(name, value)
            length = reply.length if reply.stream is not None else len(reply.body)
            self.send_header("Content-Length", str(length))
            if self.command == "HEAD" or not length:
                done()  # the headers complete the response
            self.end_headers()
            if self.command == "HEAD":
                return
            if reply.reset_after is not None:
                done()
                self.wfile.write(reply.body[: reply.reset_after])
                self.wfile.flush()
                _reset(self.connection)
                self.close_connection = True
                return
            if reply.stream is not None:
                # Counted out after the last chunk (by the caller): which chunk is last is known only
                # then, and no test reads the peak of a streamed reply.
                for chunk in reply.stream():
                    self.wfile.write(chunk)
                return
            done()
            self.wfile.write(reply.body)

    server = _QuietServer(("127.0.0.1", 0), Handler)
    if tls is not None:
        server.socket = tls.wrap_socket(server.socket, server_side=True)
    state.port = server.server_address[1]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield state
    finally:
        server.shutdown()
        server.server_close()

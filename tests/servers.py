"""A tiny scriptable HTTP server on 127.0.0.1 for crawler tests: routes by (host, path)."""

from __future__ import annotations

import socket
import threading
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass
class Reply:
    status: int = 200
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=lambda: {"Content-Type": "text/html; charset=utf-8"})


Route = Callable[[int], Reply]  # called with how many times this route was hit before


@dataclass
class ScriptedServer:
    routes: dict[tuple[str, str], Route]
    port: int = 0
    hits: Counter[tuple[str, str]] = field(default_factory=Counter)
    lock: threading.Lock = field(default_factory=threading.Lock)

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


@contextmanager
def serve(routes: dict[tuple[str, str], Route]) -> Iterator[ScriptedServer]:
    state = ScriptedServer(routes)

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: object) -> None:
            return None

        def do_GET(self) -> None:
            host = (self.headers.get("Host") or "").split(":")[0].lower()
            key = (host, self.path)
            with state.lock:
                count = state.hits[key]
                state.hits[key] += 1
            route = state.routes.get(key)
            reply = route(count) if route else Reply(404, b"<html><body>404</body></html>")
            self.send_response(reply.status)
            for name, value in reply.headers.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(reply.body)))
            self.end_headers()
            self.wfile.write(reply.body)

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    state.port = server.server_address[1]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield state
    finally:
        server.shutdown()
        server.server_close()

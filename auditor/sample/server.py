"""Serves the sample portal on 127.0.0.1, routing by Host header, for the demo and the tests."""

from __future__ import annotations

import argparse
import socket
import sys
import threading
from collections import Counter
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any
from urllib.parse import urlsplit

from auditor.sample.portal import Portal, build_portal, default_sites_yaml, load_agencies

__all__ = ["LOGGED_HEADERS", "RequestRecord", "SamplePortalServer", "main", "serve"]

LOGGED_HEADERS = ("If-None-Match", "If-Modified-Since", "User-Agent", "Accept", "Range")


@dataclass(frozen=True)
class RequestRecord:
    """One request as the server saw it."""

    host: str
    method: str
    path: str
    headers: tuple[tuple[str, str], ...]

    def header(self, name: str) -> str | None:
        """A logged request header, case-insensitively."""
        return next((v for k, v in self.headers if k.lower() == name.lower()), None)


def _closed_port() -> int:
    """A port on 127.0.0.1 where nothing listens: bound once, then released."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    return port


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    portal: Portal
    owner: SamplePortalServer

    def handle_error(self, request: Any, client_address: Any) -> None:
        # Clients that hang up mid-response are normal for crawlers; keep stderr quiet.
        return


class _Handler(BaseHTTPRequestHandler):
    server: _Server
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: Any) -> None:
        return

    def _answer(self) -> None:
        target = self.path
        raw_host = self.headers.get("Host", "")
        if target.startswith(("http://", "https://")):
            # Absolute-form request line (as sent to proxies): it names the host itself.
            parts = urlsplit(target)
            raw_host = parts.netloc
            target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        host = raw_host.rsplit(":", 1)[0] if not raw_host.startswith("[") else raw_host
        host = host.strip().lower().rstrip(".")
        logged = tuple((n, v) for n in LOGGED_HEADERS if (v := self.headers.get(n)) is not None)
        self.server.owner._log(RequestRecord(host, self.command, target, logged))
        site = self.server.portal.get(host)
        if site is None:
            body = b"Not Found: unknown host\n"
            self.send_response_only(404)
            self.send_header("Content-Type", "text/plain; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.send_header("Date", self.date_time_string())
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(body)
            return
        length = int(self.headers.get("Content-Length") or 0)
        if length:
            self.rfile.read(length)  # keep the connection usable for the next request
        request_headers = dict(self.headers.items())
        response = site.handle(self.command, target, request_headers)
        self.send_response_only(response.status)
        self.send_header("Date", self.date_time_string())
        for name, value in response.headers:
            self.send_header(name, value)
        if response.status == 304 or response.header("Content-Length") is None:
            self.send_header("Content-Length", "0" if response.status == 304 else str(len(response.body)))
        self.end_headers()
        if response.body:
            self.wfile.write(response.body)

    do_GET = _answer
    do_HEAD = _answer
    do_POST = _answer
    do_PUT = _answer
    do_DELETE = _answer
    do_OPTIONS = _answer


class SamplePortalServer:
    """The sample portal on an ephemeral port of 127.0.0.1, as a context manager."""

    def __init__(self, portal: Portal | None = None, *, port: int = 0) -> None:
        self.portal = portal or build_portal(load_agencies(default_sites_yaml()))
        self._requested_port = port
        self._httpd: _Server | None = None
        self._thread: threading.Thread | None = None
        self._dead_port = 0
        self._lock = threading.Lock()
        self._requests: list[RequestRecord] = []

    def start(self) -> SamplePortalServer:
        """Bind and serve in a daemon thread."""
        httpd = _Server(("127.0.0.1", self._requested_port), _Handler)
        httpd.portal = self.portal
        httpd.owner = self
        self._httpd = httpd
        self._dead_port = _closed_port()
        self._thread = threading.Thread(target=httpd.serve_forever, name="sample-portal", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving and release the port."""
        if self._httpd is not None:
            self._httpd.shutdown()
            self._httpd.server_close()
            self._httpd = None
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None

    def __enter__(self) -> SamplePortalServer:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop()

    @property
    def port(self) -> int:
        """The listening port."""
        if self._httpd is None:
            raise RuntimeError("server not started")
        port: int = self._httpd.server_address[1]
        return port

    @property
    def dead_port(self) -> int:
        """The port unreachable hosts resolve to."""
        return self._dead_port

    def resolve_map(self) -> dict[str, tuple[str, int]]:
        """Every served host name -> where to connect; unreachable sites get a closed port."""
        return {
            host: ("127.0.0.1", self._dead_port if host in self.portal.unreachable_hosts else self.port)
            for host in sorted(self.portal)
        }

    def _log(self, record: RequestRecord) -> None:
        with self._lock:
            self._requests.append(record)

    @property
    def requests(self) -> list[RequestRecord]:
        """A copy of the request log, oldest first."""
        with self._lock:
            return list(self._requests)

    def clear_requests(self) -> None:
        """Forget the request log (between test phases)."""
        with self._lock:
            self._requests.clear()

    def counts_by_host(self) -> dict[str, int]:
        """Number of requests per host name."""
        with self._lock:
            return dict(Counter(r.host for r in self._requests))


def serve(port: int = 8080) -> None:
    """Serve the portal until interrupted and print how to reach each host with curl."""
    with SamplePortalServer(port=port) as server:
        print(f"Sample portal on http://127.0.0.1:{server.port}/ (route by Host header)", flush=True)
        for host, (address, target_port) in server.resolve_map().items():
            note = "  # unreachable" if target_port != server.port else ""
            print(f"curl --resolve {host}:{target_port}:{address} http://{host}:{target_port}/{note}", flush=True)
        try:
            threading.Event().wait()
        except KeyboardInterrupt:
            print("stopped", file=sys.stderr)


def main(argv: list[str] | None = None) -> None:
    """python -m auditor.sample.server [--port N]"""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--port", type=int, default=8080)
    serve(parser.parse_args(argv).port)


if __name__ == "__main__":
    main()

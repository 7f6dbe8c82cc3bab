"""Serve a generated corpus with nginx on 127.0.0.1 (one port per site), optionally behind the latency proxy."""

from __future__ import annotations

import os
import pwd
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from .corpus import Corpus

__all__ = ["Served", "ensure_debian_tool", "ensure_nginx", "free_ports", "serve"]

ADDRESS = "127.0.0.1"
# Responses carry Vietnamese HTML under .aspx paths, as the "/portal/Pages" platform serves them.
_CONFIG = """\
daemon off;
master_process on;
worker_processes {workers};
{user}pid {scratch}/nginx.pid;
error_log {scratch}/error.log warn;
events {{ worker_connections 4096; }}
http {{
    types {{ text/html html aspx; text/plain txt; application/pdf pdf; image/png png; image/jpeg jpg; }}
    default_type application/octet-stream;
    charset utf-8;
    log_format bench '$msec $server_port $status $body_bytes_sent $request_uri';
    access_log {scratch}/access.log bench;
    client_body_temp_path {scratch}/tmp/body;
    proxy_temp_path {scratch}/tmp/proxy;
    fastcgi_temp_path {scratch}/tmp/fastcgi;
    uwsgi_temp_path {scratch}/tmp/uwsgi;
    scgi_temp_path {scratch}/tmp/scgi;
    sendfile on;
    tcp_nopush on;
    keepalive_timeout 65;
    keepalive_requests 100000;
    open_file_cache max=50000 inactive=120s;
{servers}
}}
"""
# List pages are addressed as ?Page=N, like the portal's pager; each page is its own file.
_SERVER = """\
    server {{
        listen {address}:{port};
        server_name {host};
        root {root};
        index index.html;
        location /portal/KenhTin/ {{
            if ($arg_Page ~ "^[0-9]+$") {{
                rewrite ^/portal/KenhTin/(.+)\\.aspx$ /portal/KenhTin/$1/Page$arg_Page.aspx break;
            }}
        }}
    }}
"""


def ensure_debian_tool(binary: str, package: str | None = None) -> str:
    """The path of ``binary``; its Debian package is installed when it is missing (the harness runs as root)."""
    package = package or binary
    found = shutil.which(binary) or next((p for p in (f"/usr/sbin/{binary}",) if Path(p).exists()), None)
    if found:
        return found
    if os.geteuid() != 0:
        raise SystemExit(f"{binary} is missing: install it with `apt-get install -y {package}` (needs root)")
    print(f"installing {package} from Debian's packages (apt-get)...", file=sys.stderr)
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    subprocess.run(["apt-get", "update", "-qq"], check=True, env=env)
    subprocess.run(["apt-get", "install", "-y", "-qq", package], check=True, env=env)
    found = shutil.which(binary) or f"/usr/sbin/{binary}"
    if not Path(found).exists():
        raise SystemExit(f"apt-get installed {package} but no {binary} binary was found")
    return found


def ensure_nginx() -> str:
    """The nginx binary, installed from Debian's packages when missing."""
    return ensure_debian_tool("nginx")


def free_ports(count: int) -> list[int]:
    """Ports that are free on 127.0.0.1 now (all held open together, so they are distinct)."""
    sockets = []
    try:
        for _ in range(count):
            sock = socket.socket()
            sock.bind((ADDRESS, 0))
            sockets.append(sock)
        return [s.getsockname()[1] for s in sockets]
    finally:
        for sock in sockets:
            sock.close()


def _wait_listening(ports: list[int], process: subprocess.Popen[bytes], what: str, timeout: float = 15.0) -> None:
    deadline = time.monotonic() + timeout
    pending = list(ports)
    while pending:
        if process.poll() is not None:
            raise RuntimeError(f"{what} exited with code {process.returncode} before listening")
        try:
            with socket.create_connection((ADDRESS, pending[0]), timeout=0.5):
                pending.pop(0)
        except OSError:
            if time.monotonic() > deadline:
                raise RuntimeError(f"{what} is not listening on {ADDRESS}:{pending[0]}") from None
            time.sleep(0.05)


def _stop(process: subprocess.Popen[bytes]) -> None:
    """SIGTERM: nginx's fast shutdown, and the proxy's way out."""
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@dataclass
class Served:
    """A running corpus: where each host connects, and the nginx access log of every request."""

    corpus: Corpus
    ports: dict[str, int]  # host -> the port clients connect to (nginx, or the latency proxy in front)
    nginx_ports: dict[str, int]  # host -> nginx's own port
    access_log: Path

    def connect_to(self) -> list[str]:
        """``--connect-to`` flags for the auditor and the reference crawler."""
        args = []
        for host, port in self.ports.items():
            args += ["--connect-to", f"{host}={ADDRESS}:{port}"]
        return args

    def log_offset(self) -> int:
        return self.access_log.stat().st_size if self.access_log.exists() else 0

    def requests_since(self, offset: int) -> tuple[Counter[str], float, float]:
        """Requests per host logged after ``offset``, and the first and last request times."""
        host_of_port = {str(port): host for host, port in self.nginx_ports.items()}
        counts: Counter[str] = Counter()
        first, last = float("inf"), 0.0
        with self.access_log.open("rb") as log:
            log.seek(offset)
            for line in log:
                fields = line.split(b" ", 2)
                if len(fields) < 2:
                    continue
                stamp = float(fields[0])
                counts[host_of_port.get(fields[1].decode(), "?")] += 1
                first, last = min(first, stamp), max(last, stamp)
        return counts, first, last


@contextmanager
def serve(corpus: Corpus, scratch: Path, *, latency: float = 0.0, workers: int = 2) -> Iterator[Served]:
    """Start nginx (and, with ``latency``, the delay proxy in front of it); stop both on exit, Ctrl-C included."""
    nginx = ensure_nginx()
    scratch.mkdir(parents=True, exist_ok=True)
    for sub in ("body", "proxy", "fastcgi", "uwsgi", "scgi"):
        (scratch / "tmp" / sub).mkdir(parents=True, exist_ok=True)
    ports = free_ports(len(corpus.sites) * (2 if latency else 1))
    nginx_ports = {site.host: ports[i] for i, site in enumerate(corpus.sites)}
    servers = "".join(
        _SERVER.format(address=ADDRESS, port=nginx_ports[s.host], host=s.host, root=s.folder.resolve())
        for s in corpus.sites
    )
    # As root, nginx's workers would drop to "nobody"; keep the caller's user so they can read the corpus.
    user = f"user {pwd.getpwuid(os.geteuid()).pw_name};\n" if os.geteuid() == 0 else ""
    config = scratch / "nginx.conf"
    config.write_text(
        _CONFIG.format(workers=workers, user=user, scratch=scratch.resolve(), servers=servers), encoding="utf-8"
    )
    access_log = scratch / "access.log"
    access_log.unlink(missing_ok=True)
    processes: list[subprocess.Popen[bytes]] = []
    try:
        server = subprocess.Popen(
            [
                nginx,
                "-p",
                str(scratch.resolve()),
                "-c",
                str(config.resolve()),
                "-e",
                str((scratch / "error.log").resolve()),
            ],
            stdin=subprocess.DEVNULL,
        )
        processes.append(server)
        _wait_listening(list(nginx_ports.values()), server, "nginx")
        client_ports = dict(nginx_ports)
        if latency:
            proxy_ports = {site.host: ports[len(corpus.sites) + i] for i, site in enumerate(corpus.sites)}
            mapping = [f"{proxy_ports[h]}={nginx_ports[h]}" for h in nginx_ports]
            proxy = subprocess.Popen(
                [sys.executable, "-m", "benchmarks.latency_proxy", "--latency", str(latency), *mapping],
                stdin=subprocess.DEVNULL,
                cwd=Path(__file__).resolve().parent.parent,
            )
            processes.append(proxy)
            _wait_listening(list(proxy_ports.values()), proxy, "latency proxy")
            client_ports = proxy_ports
        yield Served(corpus, client_ports, nginx_ports, access_log)
    finally:
        for process in reversed(processes):
            _stop(process)

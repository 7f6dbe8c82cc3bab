"""Fault injection: one audit of sites that each fail in a different way, over real sockets on 127.0.0.1.

Every agency must end with the right site status, the host outside the audit must receive no
request, and the auditor's peak memory must stay bounded although one site serves a 50 MB page and
another a gzip bomb (1 GiB of zeros in about 1 MB). The audit runs in a child process so that its
peak RSS is its own.
"""

from __future__ import annotations

import json
import shutil
import ssl
import subprocess
import sys
import time
import zlib
from collections.abc import Iterator
from functools import cache
from pathlib import Path
from typing import Any

import pytest

from .conftest import ROOT
from .servers import Reply, ScriptedServer, closed_port, serve

PAGE = (
    "<html><head><title>Sở Thử nghiệm</title></head><body><main><h1>Trang chủ</h1>"
    "<p>Cổng thông tin điện tử của cơ quan nhà nước, nội dung thử nghiệm.</p></main></body></html>"
).encode()
BIG_PAGE_BYTES = 50 * 1024 * 1024
BOMB_BYTES = 1024 * 1024 * 1024
RSS_LIMIT_MB = 250

# host -> (expected site status, text the site detail must contain)
EXPECTED = {
    "slow.test.gov.vn": ("timeout", "timeout"),
    "drip.test.gov.vn": ("timeout", "in total"),
    "reset.test.gov.vn": ("unreachable", "connection_reset"),
    "busy.test.gov.vn": ("reachable", ""),
    "ratelimit.test.gov.vn": ("reachable", ""),
    "loop.test.gov.vn": ("unreachable", "redirect_loop"),
    "offsite.test.gov.vn": ("unreachable", "redirect_out_of_scope"),
    "huge.test.gov.vn": ("reachable", ""),
    "bomb.test.gov.vn": ("reachable", ""),
    "calendar.test.gov.vn": ("reachable", ""),
    "norobots.test.gov.vn": ("robots_disallowed", "robots.txt"),
    "forbidden.test.gov.vn": ("blocked_403", "403"),
    "selfsigned.test.gov.vn": ("tls_error", "self"),
    "selfsigned-ok.test.gov.vn": ("reachable", "tls_verify: false"),
    "dead.test.gov.vn": ("unreachable:refused", "refused"),
}
OFF_SCOPE = "elsewhere.example.org"

CHILD = """
import asyncio, json, sys
from pathlib import Path
from auditor.config import load_registry, load_rules
from auditor.pipeline import AuditOptions, audit, default_settings
import datetime as dt

spec = json.loads(Path(sys.argv[1]).read_text())
registry = load_registry(Path(spec["sites"]))
rules = load_rules(Path(spec["rules"]), province=registry.province.id)
options = AuditOptions(
    as_of=dt.date(2026, 11, 1),
    settings=default_settings(**spec["settings"]),
    resolve={h: tuple(a) for h, a in spec["resolve"].items()},
)
run = asyncio.run(audit(registry, rules, options))
sites = {
    card.agency.host: {
        "status": card.site_status.value,
        "detail": card.site_reason,
        "findings": sorted({(f.status.value, f.reason) for f in card.findings}),
    }
    for card in run.scorecards
}
# VmHWM, not ru_maxrss: Linux carries ru_maxrss across exec, so it would report at least the RSS of
# the test process that spawned this one (over 250 MB once the sample-portal tests have run).
with open("/proc/self/status", encoding="ascii") as status:
    peak_kb = next(int(line.split()[1]) for line in status if line.startswith("VmHWM:"))
print(json.dumps({"sites": sites, "peak_rss_mb": peak_kb / 1024}))
"""


@cache
def _gzip_bomb() -> bytes:
    """1 GiB of zeros, gzip-compressed to about 1 MB."""
    packer = zlib.compressobj(9, zlib.DEFLATED, 31)
    zeros = b"\0" * (1 << 20)
    parts = [packer.compress(zeros) for _ in range(BOMB_BYTES >> 20)]
    parts.append(packer.flush())
    return b"".join(parts)


def _fifty_megabytes() -> Iterator[bytes]:
    chunk = b"<p>" + b"x" * (65536 - 7) + b"</p>"
    sent = 0
    yield b"<html><body>"
    sent += 12
    while sent + len(chunk) <= BIG_PAGE_BYTES:
        yield chunk
        sent += len(chunk)
    yield b" " * (BIG_PAGE_BYTES - sent)


def _drip() -> Iterator[bytes]:
    """A byte every 0.4 s: never slower than the read timeout, always slower than the page timeout."""
    for _ in range(50):
        yield b" "
        time.sleep(0.4)


def _self_signed(tmp: Path) -> ssl.SSLContext:
    if shutil.which("openssl") is None:
        pytest.skip("openssl is needed to make a self-signed certificate")
    key, cert = tmp / "key.pem", tmp / "cert.pem"
    subprocess.run(
        [
            "openssl",
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-keyout",
            str(key),
            "-out",
            str(cert),
            "-days",
            "30",
            "-subj",
            "/CN=selfsigned.test.gov.vn",
            "-addext",
            "subjectAltName=DNS:selfsigned.test.gov.vn,DNS:selfsigned-ok.test.gov.vn",
        ],
        check=True,
        capture_output=True,
        timeout=60,
    )
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)
    return context


def _routes() -> dict[tuple[str, str], Any]:
    ok = lambda n: Reply(body=PAGE)  # noqa: E731
    routes: dict[tuple[str, str], Any] = {
        ("slow.test.gov.vn", "/"): lambda n: Reply(body=PAGE, delay=4.0),
        ("drip.test.gov.vn", "/"): lambda n: Reply(stream=_drip, length=50),
        ("reset.test.gov.vn", "/"): lambda n: Reply(body=PAGE * 50, reset_after=200),
        ("busy.test.gov.vn", "/"): lambda n: Reply(503, b"busy") if n == 0 else Reply(body=PAGE),
        ("ratelimit.test.gov.vn", "/"): lambda n: (
            Reply(429, b"slow down", {"Retry-After": "1"}) if n == 0 else Reply(body=PAGE)
        ),
        ("loop.test.gov.vn", "/"): lambda n: Reply(302, b"", {"Location": "/a"}),
        ("loop.test.gov.vn", "/a"): lambda n: Reply(302, b"", {"Location": "/b"}),
        ("loop.test.gov.vn", "/b"): lambda n: Reply(302, b"", {"Location": "/a"}),
        ("offsite.test.gov.vn", "/"): lambda n: Reply(302, b"", {"Location": f"http://{OFF_SCOPE}/"}),
        (OFF_SCOPE, "/"): ok,
        ("huge.test.gov.vn", "/"): lambda n: Reply(stream=_fifty_megabytes, length=BIG_PAGE_BYTES),
        ("bomb.test.gov.vn", "/"): lambda n: Reply(
            body=_gzip_bomb(), headers={"Content-Type": "text/html", "Content-Encoding": "gzip"}
        ),
        ("norobots.test.gov.vn", "/robots.txt"): lambda n: Reply(
            body=b"User-agent: *\nDisallow: /\n", headers={"Content-Type": "text/plain"}
        ),
        ("norobots.test.gov.vn", "/"): ok,
        ("forbidden.test.gov.vn", "/"): lambda n: Reply(403, b"<html>Forbidden</html>"),
    }
    # An endless calendar: every month links to the next, and an endless "next page" list.
    calendar = (
        '<html><body><main><h1>Lịch công tác</h1><a href="/calendar?month=2026-12">Tháng sau</a>'
        '<a href="/lich?tuan={n}">Tuần sau</a></main></body></html>'
    )
    routes[("calendar.test.gov.vn", "/")] = lambda n: Reply(body=calendar.format(n=1).encode())
    for week in range(1, 200):
        routes[("calendar.test.gov.vn", f"/lich?tuan={week}")] = lambda n, w=week: Reply(
            body=calendar.format(n=w + 1).encode()
        )
    routes[("selfsigned.test.gov.vn", "/")] = ok
    routes[("selfsigned-ok.test.gov.vn", "/")] = ok
    return routes


def _sites_yaml(path: Path) -> None:
    lines = ["province: {id: faults, name: Thử nghiệm}", "agencies:"]
    for i, host in enumerate(EXPECTED):
        scheme = "https" if host.startswith("selfsigned") else "http"
        lines += [
            f"  - id: site_{i:02d}",
            f"    name: Sở thử nghiệm {i}",
            "    type: department",
            "    functions: [finance]",
            f"    url: {scheme}://{host}/",
            "    page_budget: 20",
        ]
        if host == "selfsigned-ok.test.gov.vn":
            lines.append("    tls_verify: false")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def _run_child(tmp: Path, server: ScriptedServer, tls_server: ScriptedServer) -> dict[str, Any]:
    resolve = dict.fromkeys([*EXPECTED, OFF_SCOPE], ("127.0.0.1", server.port))
    resolve["selfsigned.test.gov.vn"] = ("127.0.0.1", tls_server.port)
    resolve["selfsigned-ok.test.gov.vn"] = ("127.0.0.1", tls_server.port)
    resolve["dead.test.gov.vn"] = ("127.0.0.1", closed_port())
    spec = {
        "sites": str(tmp / "sites.yaml"),
        "rules": str(ROOT / "rules"),
        "resolve": resolve,
        "settings": {
            "delay": 0.0,
            "connect_timeout": 1.0,
            "read_timeout": 1.0,
            "page_timeout": 3.0,
            "site_timeout": 60.0,
            "retries": 2,
        },
    }
    (tmp / "spec.json").write_text(json.dumps(spec), encoding="utf-8")
    child = subprocess.run(
        [sys.executable, "-c", CHILD, str(tmp / "spec.json")],
        capture_output=True,
        text=True,
        timeout=240,
        cwd=ROOT,
    )
    assert child.returncode == 0, child.stderr[-3000:]
    result: dict[str, Any] = json.loads(child.stdout.strip().splitlines()[-1])
    return result


@pytest.fixture(scope="module")
def fault_audit(tmp_path_factory: pytest.TempPathFactory) -> tuple[dict[str, Any], ScriptedServer, float]:
    tmp = tmp_path_factory.mktemp("faults")
    _sites_yaml(tmp / "sites.yaml")
    routes = _routes()
    _gzip_bomb()
    with serve(routes) as server, serve(routes, tls=_self_signed(tmp)) as tls_server:
        started = time.monotonic()
        result = _run_child(tmp, server, tls_server)
        elapsed = time.monotonic() - started
    return result, server, elapsed


@pytest.mark.parametrize("host", sorted(EXPECTED))
def test_each_faulty_site_gets_its_site_status(
    fault_audit: tuple[dict[str, Any], ScriptedServer, float], host: str
) -> None:
    sites = fault_audit[0]["sites"]
    status, detail = EXPECTED[host]
    assert sites[host]["status"] == status, sites[host]
    assert detail in sites[host]["detail"], sites[host]


@pytest.mark.parametrize("host", sorted(h for h, (status, _) in EXPECTED.items() if status != "reachable"))
def test_a_site_that_could_not_be_checked_has_unknown_findings_never_missing(
    fault_audit: tuple[dict[str, Any], ScriptedServer, float], host: str
) -> None:
    findings = fault_audit[0]["sites"][host]["findings"]
    assert findings
    assert {status for status, _ in findings} == {"unknown"}, findings


def test_the_host_outside_the_audit_receives_no_request(
    fault_audit: tuple[dict[str, Any], ScriptedServer, float],
) -> None:
    assert fault_audit[1].hits_for_host(OFF_SCOPE) == 0


def test_retries_what_may_change_and_honours_retry_after(
    fault_audit: tuple[dict[str, Any], ScriptedServer, float],
) -> None:
    server = fault_audit[1]
    assert server.hits[("busy.test.gov.vn", "/")] == 2
    limited = [s.started for s in server.seen if s.host == "ratelimit.test.gov.vn" and s.path == "/"]
    assert len(limited) == 2
    assert limited[1] - limited[0] >= 0.9  # Retry-After: 1
    assert server.hits[("forbidden.test.gov.vn", "/")] == 1  # a 403 cannot change: not retried


def test_trap_guards_stop_the_endless_calendar(fault_audit: tuple[dict[str, Any], ScriptedServer, float]) -> None:
    seen = [s.path for s in fault_audit[1].seen if s.host == "calendar.test.gov.vn"]
    assert not any(path.startswith("/calendar") for path in seen)
    assert len(seen) <= 21  # robots.txt and at most the page budget


def test_peak_memory_stays_bounded_with_a_50_mb_page_and_a_gzip_bomb(
    fault_audit: tuple[dict[str, Any], ScriptedServer, float],
) -> None:
    assert fault_audit[0]["peak_rss_mb"] < RSS_LIMIT_MB, fault_audit[0]["peak_rss_mb"]


def test_the_whole_faulty_audit_completes_in_bounded_time(
    fault_audit: tuple[dict[str, Any], ScriptedServer, float],
) -> None:
    assert fault_audit[2] < 120

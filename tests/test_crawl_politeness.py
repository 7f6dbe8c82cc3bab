"""Politeness seen from the server's side: per-host concurrency, the delay, Crawl-delay, a global limit."""

from __future__ import annotations

import asyncio
import datetime as dt
import itertools
from pathlib import Path

from auditor import __version__
from auditor.config import load_registry, load_rules
from auditor.crawl import defaults
from auditor.models import AuditRun
from auditor.pipeline import AuditOptions, audit, default_settings

from .conftest import ROOT
from .servers import Reply, ScriptedServer, Seen, serve

PAGES = 10
PAGE = b"<html><body><main><h1>Trang</h1><p>Noi dung.</p></main></body></html>"
SLOW = 0.3  # each page takes this long to serve, so concurrent requests overlap
# The server sees request starts a little less than `delay` apart when the client's clock and the
# network jitter; this much slack still catches a missing delay.
SLACK = 0.05


def _site(host: str, robots: bytes = b"") -> dict[tuple[str, str], object]:
    links = "".join(f'<li><a href="/trang-{i}">Trang số {i}</a></li>' for i in range(PAGES))
    home = f"<html><body><main><h1>Trang chủ</h1><ul>{links}</ul></main></body></html>".encode()
    routes: dict[tuple[str, str], object] = {(host, "/"): lambda n: Reply(body=home)}
    for i in range(PAGES):
        routes[(host, f"/trang-{i}")] = lambda n: Reply(body=PAGE, delay=SLOW)
    if robots:
        routes[(host, "/robots.txt")] = lambda n: Reply(body=robots, headers={"Content-Type": "text/plain"})
    return routes


def _audit(tmp: Path, server: ScriptedServer, hosts: list[str], **settings: object) -> AuditRun:
    lines = ["province: {id: polite, name: Lịch sự}", "agencies:"]
    for i, host in enumerate(hosts):
        lines += [
            f"  - id: site_{i}",
            f"    name: Sở {i}",
            "    type: department",
            "    functions: [finance]",
            f"    url: http://{host}/",
        ]
    (tmp / "sites.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    registry = load_registry(tmp / "sites.yaml")
    rules = load_rules(ROOT / "rules", province=registry.province.id)
    options = AuditOptions(
        as_of=dt.date(2026, 11, 1),
        settings=default_settings(mode="full", retries=0, **settings),
        resolve=server.connect_map(*hosts),
    )
    return asyncio.run(asyncio.wait_for(audit(registry, rules, options), 120))


def _gaps(seen: list[Seen], host: str) -> list[float]:
    starts = sorted(s.started for s in seen if s.host == host)
    return [b - a for a, b in itertools.pairwise(starts)]


def test_per_host_concurrency_and_delay_hold(tmp_path: Path) -> None:
    with serve(_site("a.test.gov.vn")) as server:  # type: ignore[arg-type]
        _audit(tmp_path, server, ["a.test.gov.vn"], per_host_concurrency=2, delay=0.2)
        seen = list(server.seen)
        peak = server.peak["a.test.gov.vn"]
    # robots.txt, sitemap.xml (a full crawl looks for one), the home page and every page it links to
    assert len(seen) == PAGES + 3
    assert 1 <= peak <= 2
    assert min(_gaps(seen, "a.test.gov.vn")) >= 0.2 - SLACK


def test_robots_crawl_delay_wins_over_a_shorter_delay(tmp_path: Path) -> None:
    robots = b"User-agent: *\nCrawl-delay: 0.5\n"
    with serve(_site("b.test.gov.vn", robots)) as server:  # type: ignore[arg-type]
        _audit(tmp_path, server, ["b.test.gov.vn"], per_host_concurrency=2, delay=0.05, page_budget=4)
        gaps = _gaps(server.seen, "b.test.gov.vn")
    # The first gap is robots.txt to the home page, before the Crawl-delay was known.
    assert min(gaps[1:]) >= 0.5 - SLACK


def test_global_concurrency_caps_every_host_together(tmp_path: Path) -> None:
    hosts = ["c.test.gov.vn", "d.test.gov.vn", "e.test.gov.vn"]
    routes: dict[tuple[str, str], object] = {}
    for host in hosts:
        routes.update(_site(host))
    with serve(routes) as server:  # type: ignore[arg-type]
        _audit(tmp_path, server, hosts, per_host_concurrency=2, global_concurrency=3, delay=0.0)
        assert server.peak["*"] <= 3
        assert all(server.peak[h] <= 2 for h in hosts)


def test_user_agent_names_the_tool_its_version_and_a_contact_url(tmp_path: Path) -> None:
    with serve(_site("f.test.gov.vn")) as server:  # type: ignore[arg-type]
        _audit(tmp_path, server, ["f.test.gov.vn"], delay=0.0, page_budget=1)
        agents = {s.headers.get("User-Agent") for s in server.seen}
    assert agents == {defaults.USER_AGENT}
    assert f"auditor/{__version__}" in defaults.USER_AGENT
    assert defaults.CONTACT_URL in defaults.USER_AGENT


def test_a_site_waiting_out_its_crawl_delay_holds_no_request_slot_another_site_needs(tmp_path: Path) -> None:
    # Two request slots for the whole run. The slow site asks for 1.5 s between requests; while
    # it waits for its turns, the other site must be able to use both slots.
    slow, quick = "g.test.gov.vn", "h.test.gov.vn"
    routes = {**_site(slow, robots=b"User-agent: *\nCrawl-delay: 1.5\n"), **_site(quick)}
    with serve(routes) as server:  # type: ignore[arg-type]
        _audit(tmp_path, server, [slow, quick], per_host_concurrency=2, global_concurrency=2, delay=0.0, page_budget=6)
        seen = list(server.seen)
    slow_starts = sorted(s.started for s in seen if s.host == slow)
    quick_starts = sorted(s.started for s in seen if s.host == quick)
    assert len(slow_starts) >= 4
    assert len(quick_starts) >= 4
    # The slow site's third request (after robots.txt and the home page) waits 1.5 s for its turn.
    # With both slots the quick site is done by then with time to spare (about 0.6 s: pairs of
    # 0.3 s pages); with one slot held by the sleeping request it needed all of it.
    assert quick_starts[-1] < slow_starts[2] - 0.4
    assert min(_gaps(seen, slow)[1:]) >= 1.5 - SLACK  # the Crawl-delay still holds


def test_the_delay_holds_when_requests_wait_for_the_runs_request_slots(tmp_path: Path) -> None:
    # One request slot for three hosts: requests often get it after their host's turn has come,
    # and must still start no closer than the delay to the host's previous request.
    # Pages answer at once, so both requests a host has in flight are ready when its turn comes.
    hosts = ["i.test.gov.vn", "j.test.gov.vn", "k.test.gov.vn"]
    routes: dict[tuple[str, str], object] = {}
    for host in hosts:
        routes.update({key: (lambda n: Reply(body=PAGE)) for key in _site(host) if key[1] != "/"})
        routes[(host, "/")] = _site(host)[(host, "/")]
    with serve(routes) as server:  # type: ignore[arg-type]
        _audit(tmp_path, server, hosts, per_host_concurrency=2, global_concurrency=1, delay=0.3, page_budget=6)
        seen = list(server.seen)
        assert server.peak["*"] <= 1
    for host in hosts:
        assert len([s for s in seen if s.host == host]) >= 6
        assert min(_gaps(seen, host)) >= 0.3 - SLACK, host

"""kill -9 in the middle of an audit of the sample portal, then the same command again.

The rerun must write the same results.json, byte for byte, as an uninterrupted run, and must not
ask the server again for any page the killed run had already stored.
"""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from contextlib import closing
from dataclasses import replace
from pathlib import Path
from urllib.parse import urlsplit

from auditor.config import load_registry
from auditor.crawl.cache import DATABASE, HttpCache
from auditor.demo import SampleTarget, sample_target
from auditor.models import Agency
from auditor.pipeline import FETCH_STATS_FILE

from .conftest import ROOT

AGENCIES = ("ninhthuan", "stc", "sgtvt", "thuannam", "ninhhai", "skhdt", "snv", "phanrang")
FULL = load_registry(ROOT / "sites.yaml")
REGISTRY = replace(FULL, agencies=tuple(a for a in FULL.agencies if a.id in AGENCIES))


def _yaml(agency: Agency) -> list[str]:
    lines = [
        f"  - id: {agency.id}",
        f"    name: {json.dumps(agency.name, ensure_ascii=False)}",
        f"    type: {agency.type.value}",
        f"    functions: {json.dumps(list(agency.functions))}",
        f"    url: {agency.url}",
    ]
    if agency.extra_hosts:
        lines.append(f"    extra_hosts: {json.dumps(list(agency.extra_hosts))}")
    if agency.page_budget is not None:
        lines.append(f"    page_budget: {agency.page_budget}")
    if agency.crawl_delay is not None:
        lines.append(f"    crawl_delay: {agency.crawl_delay}")
    return lines


def _sites(path: Path) -> Path:
    province = REGISTRY.province
    lines = [f"province: {{id: {province.id}, name: {json.dumps(province.name, ensure_ascii=False)}}}", "agencies:"]
    for agency in REGISTRY.agencies:
        lines += _yaml(agency)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _command(sites: Path, out: Path, cache: Path, target: SampleTarget) -> list[str]:
    command = [sys.executable, "-m", "auditor", "audit", "--sites", str(sites), "--out", str(out)]
    command += ["--as-of", "2026-11-01", "--cache", str(cache), "--plain-http", "--quiet"]
    command += ["--delay", "0.02", "--per-host-concurrency", "2"]
    for host, (address, port) in sorted(target.resolve.items()):
        command += ["--connect-to", f"{host}={address}:{port}"]
    return command


def _query(cache: Path, sql: str) -> list[tuple[object, ...]]:
    """Rows of the cache's database (see ``auditor.crawl.cache``)."""
    with closing(sqlite3.connect(cache / DATABASE)) as db:
        return db.execute(sql).fetchall()


def _stored(cache: Path) -> set[tuple[str, str]]:
    """(host, path) of every response the cache holds."""
    stored = set()
    for (url,) in _query(cache, "SELECT url FROM entries"):
        parts = urlsplit(str(url))
        stored.add(((parts.hostname or "").lower(), parts.path + (f"?{parts.query}" if parts.query else "")))
    return stored


def _alive_in_group(group: int) -> list[int]:
    """Processes of the process group that still run (zombies, already ended, are not counted)."""
    proc = Path("/proc")
    if not proc.is_dir():  # not Linux: a member, ended or not, keeps the group alive until reaped
        try:
            os.killpg(group, 0)
        except ProcessLookupError:
            return []
        return [group]
    alive = []
    for entry in proc.iterdir():
        try:
            # "pid (comm) state ppid pgrp ...": comm may hold spaces and parentheses.
            fields = (entry / "stat").read_text(encoding="ascii", errors="replace").rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue  # not a process, or one that has just ended
        if fields[0] != "Z" and int(fields[2]) == group:
            alive.append(int(entry.name))
    return alive


def _wait_for_group_to_end(group: int, seconds: float) -> list[int]:
    """Wait until no process of the group runs; those still running after ``seconds``."""
    deadline = time.monotonic() + seconds
    while (alive := _alive_in_group(group)) and time.monotonic() < deadline:
        time.sleep(0.02)
    return alive


def test_kill_9_mid_audit_then_rerun_gives_the_same_results_without_refetching(tmp_path: Path) -> None:
    sites = _sites(tmp_path / "sites.yaml")
    with sample_target(REGISTRY) as target:
        # Separate folders: nothing of one run may be visible to the other (reports compare with
        # earlier reports found next to them).
        reference = _command(sites, tmp_path / "a" / "out", tmp_path / "a" / "cache", target)
        subprocess.run(reference, cwd=ROOT, check=True, timeout=300, capture_output=True)
        expected = (tmp_path / "a" / "out" / "results.json").read_bytes()
        total = len(_stored(tmp_path / "a" / "cache"))
        assert total > 100

        out, cache = tmp_path / "b" / "out", tmp_path / "b" / "cache"
        # A session of its own: its worker processes can be told from any other process.
        first = subprocess.Popen(
            _command(sites, out, cache, target),
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        watch = HttpCache(cache, "watching")  # never begun: it only counts
        try:
            deadline = time.monotonic() + 120
            while time.monotonic() < deadline and first.poll() is None:
                if watch.entry_count() >= total // 3:
                    break
                time.sleep(0.02)
            assert first.poll() is None, "the audit finished before it could be interrupted"
            first.send_signal(signal.SIGKILL)
        finally:
            first.kill()
            first.wait(timeout=30)
        assert first.returncode == -signal.SIGKILL
        # Only the parent was killed: its workers must notice and end on their own (see
        # auditor.workers), or they would go on storing pages beside the rerun.
        assert not _wait_for_group_to_end(first.pid, 30), "worker processes outlived the killed audit"
    assert not (out / "results.json").exists()
    stored = _stored(cache)
    assert total // 3 <= len(stored) < total

    # The rerun asks another server of the same portal: a request the killed run sent just before
    # it died may reach the first server's log later (the CI once saw one counted as the rerun's).
    # The server's address is no part of the run's arguments, so the rerun still resumes.
    with sample_target(REGISTRY) as target:
        subprocess.run(_command(sites, out, cache, target), cwd=ROOT, check=True, timeout=300, capture_output=True)
        again = {(r.host, r.path) for r in target.server.requests}

    assert (out / "results.json").read_bytes() == expected
    assert not again & stored, sorted(again & stored)[:5]
    stats = json.loads((cache / FETCH_STATS_FILE).read_text(encoding="utf-8"))
    assert stats["resumed"] is True
    assert stats["total"]["replayed"] >= len(stored)
    # The run completed: the next one with the same arguments revalidates instead of replaying.
    assert _query(cache, "SELECT count(*) FROM runs") == [(0,)]

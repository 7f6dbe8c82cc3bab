"""The real sites.yaml with no network: every agency unknown/site_unreachable, exit 0, no traceback."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

from auditor.config import load_registry

from .conftest import ROOT, CliResult
from .servers import closed_port


def test_real_registry_without_network_is_all_unknown_site_unreachable(
    tmp_path: Path, run_cli: Callable[..., CliResult]
) -> None:
    registry = load_registry(ROOT / "sites.yaml")
    port = closed_port()  # every host leads to 127.0.0.1 where nothing listens: a network that is down
    connect = [f"--connect-to={host}=127.0.0.1:{port}" for agency in registry.agencies for host in agency.hosts]
    out = tmp_path / "out"
    result = run_cli("audit", "--as-of", "2026-11-26", "--out", str(out), "--quiet", *connect)
    assert result.code == 0, result.stderr
    assert "Traceback" not in result.stderr
    data = json.loads((out / "results.json").read_text(encoding="utf-8"))
    assert len(data["agencies"]) == 34
    for agency in data["agencies"]:
        assert agency["site_status"] == "unreachable:refused"
        assert agency["scored"] is False
        assert agency["findings"], agency["id"]
        for finding in agency["findings"]:
            assert finding["status"] == "unknown", (agency["id"], finding)
            assert finding["reason"] == "site_unreachable"
            assert finding["latest_date"] is None
    assert (out / "summary.md").is_file()
    assert (out / "index.html").is_file()

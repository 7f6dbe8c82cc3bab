"""End to end: `auditor demo` audits the bundled sample portal over real HTTP on 127.0.0.1.

Every planted finding of the ground truth must come out as planted, with its newest date and
reason, and no finding may appear that the ground truth does not know.
"""

from __future__ import annotations

import contextlib
import io
import json
import sys
from pathlib import Path
from typing import Any

import pytest

from auditor.cli import main
from auditor.config import load_registry, load_rules
from auditor.sample import SAMPLE_AS_OF
from auditor.sample.truth import Expected, expected_findings

from .conftest import ROOT

REGISTRY = load_registry(ROOT / "sites.yaml")
RULES = load_rules(ROOT / "rules", province=REGISTRY.province.id)
EXPECTED = expected_findings(REGISTRY.agencies)
CONTRACT_AGENCY_KEYS = {"id", "name", "type", "url", "score", "findings"}
CONTRACT_FINDING_KEYS = {"category", "status", "evidence_url", "latest_date", "reason", "legal_basis"}


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str, int]:
    """Run the real `auditor demo` command once for the whole module."""
    out = tmp_path_factory.mktemp("demo")
    stdout = io.StringIO()
    with (
        pytest.MonkeyPatch.context() as patch,
        contextlib.redirect_stdout(stdout),
        contextlib.redirect_stderr(io.StringIO()),
    ):
        patch.setattr(sys, "argv", ["auditor", "demo", "--out", str(out), "--quiet"])
        patch.chdir(ROOT)
        with pytest.raises(SystemExit) as exit_info:
            main()
    code = exit_info.value.code
    return out, stdout.getvalue(), code if isinstance(code, int) else 1


@pytest.fixture(scope="module")
def results(demo: tuple[Path, str, int]) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((demo[0] / "results.json").read_text(encoding="utf-8"))
    return data


def _findings(results: dict[str, Any]) -> dict[tuple[str, str], dict[str, Any]]:
    return {(a["id"], f["category"]): f for a in results["agencies"] for f in a["findings"]}


def _required(agency_id: str, category: str) -> bool:
    agency = next(a for a in REGISTRY.agencies if a.id == agency_id)
    return any(o.category.id == category for o in RULES.obligations(agency, SAMPLE_AS_OF))


CHECKED = sorted(k for k in EXPECTED if _required(*k))


def test_demo_exits_0_and_prints_the_score_table(demo: tuple[Path, str, int]) -> None:
    out, stdout, code = demo
    assert code == 0
    assert stdout.count("Ninh Thuận (2026-11-01)") == 1  # the score table, once
    assert "Sở Tài chính" in stdout
    assert {p.name for p in out.iterdir()} == {
        "results.json",
        "run-summary.json",
        "results.schema.json",
        "summary.md",
        "index.html",
        "scorecards.xlsx",
        "scorecards.csv",
        "junit.xml",
    }


def test_results_follow_the_contract(results: dict[str, Any]) -> None:
    assert results["schema_version"] == 1
    assert results["as_of"] == "2026-11-01"
    assert results["province"] == {"id": "ninhthuan", "name": "Ninh Thuận"}
    assert [a["id"] for a in results["agencies"]] == sorted(a.id for a in REGISTRY.agencies)
    for agency in results["agencies"]:
        assert agency.keys() >= CONTRACT_AGENCY_KEYS
        assert isinstance(agency["score"], int)
        assert 0 <= agency["score"] <= 100
        assert agency["type"] in {"provincial_portal", "department", "district", "commune", "party_org"}
        for finding in agency["findings"]:
            assert finding.keys() >= CONTRACT_FINDING_KEYS
            assert finding["status"] in {"ok", "stale", "empty", "broken", "missing", "unknown"}
            assert finding["latest_date"] is None or len(finding["latest_date"]) == 10
            assert finding["legal_basis"]
            assert finding["reason"]


def test_every_applicable_category_has_exactly_one_finding(results: dict[str, Any]) -> None:
    for agency in results["agencies"]:
        registered = next(a for a in REGISTRY.agencies if a.id == agency["id"])
        wanted = [o.category.id for o in RULES.obligations(registered, SAMPLE_AS_OF)]
        assert [f["category"] for f in agency["findings"]] == wanted


@pytest.mark.parametrize("key", CHECKED, ids=[f"{a}/{c}" for a, c in CHECKED])
def test_planted_finding(results: dict[str, Any], key: tuple[str, str]) -> None:
    expected: Expected = EXPECTED[key]
    finding = _findings(results)[key]
    latest = expected.latest_date.isoformat() if expected.latest_date else None
    got = (finding["status"], finding["latest_date"], finding["reason"] if expected.reason else None)
    assert got == (expected.status, latest, expected.reason), finding


def test_no_finding_outside_the_ground_truth(results: dict[str, Any]) -> None:
    assert sorted(k for k in _findings(results) if k not in EXPECTED) == []


def test_every_status_is_planted_and_found(results: dict[str, Any]) -> None:
    statuses = {f["status"] for f in _findings(results).values()}
    assert statuses == {"ok", "stale", "empty", "broken", "missing", "unknown"}


def test_could_not_check_is_never_missing(results: dict[str, Any]) -> None:
    for agency in results["agencies"]:
        if agency["site_status"] != "reachable":
            assert {f["status"] for f in agency["findings"]} == {"unknown"}
            assert agency["scored"] is False

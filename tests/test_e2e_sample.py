"""End to end on the bundled sample portal over real HTTP on 127.0.0.1: every planted finding, no false ones."""

from __future__ import annotations

import asyncio
import datetime as dt

import pytest

from auditor.config import load_registry, load_rules
from auditor.demo import sample_target
from auditor.models import AuditRun, Finding
from auditor.pipeline import AuditOptions, audit, default_settings
from auditor.sample import SAMPLE_AS_OF
from auditor.sample.truth import Expected, expected_findings

from .conftest import ROOT

REGISTRY = load_registry(ROOT / "sites.yaml")
RULES = load_rules(ROOT / "rules", province=REGISTRY.province.id)
EXPECTED = expected_findings(REGISTRY.agencies)


@pytest.fixture(scope="module")
def run() -> AuditRun:
    with sample_target(REGISTRY) as target:
        options = AuditOptions(
            as_of=SAMPLE_AS_OF,
            settings=default_settings(delay=0.0, per_host_concurrency=4, retries=1),
            resolve=target.resolve,
            plain_http=True,
        )
        return asyncio.run(audit(REGISTRY, RULES, options))


def _findings(run: AuditRun) -> dict[tuple[str, str], Finding]:
    return {(card.agency.id, f.category): f for card in run.scorecards for f in card.findings}


def _required(agency_id: str, category: str) -> bool:
    agency = next(a for a in REGISTRY.agencies if a.id == agency_id)
    return any(o.category.id == category for o in RULES.obligations(agency, SAMPLE_AS_OF))


CHECKED = sorted(k for k in EXPECTED if _required(*k))


@pytest.mark.parametrize("key", CHECKED, ids=[f"{a}/{c}" for a, c in CHECKED])
def test_planted_finding(run: AuditRun, key: tuple[str, str]) -> None:
    expected: Expected = EXPECTED[key]
    finding = _findings(run)[key]
    got = (finding.status.value, finding.latest_date, finding.reason if expected.reason else None)
    want = (expected.status, expected.latest_date, expected.reason)
    assert got == want, f"{key}: evidence {finding.evidence_url} {finding.evidence}"


def test_no_finding_outside_the_ground_truth(run: AuditRun) -> None:
    extra = sorted(k for k in _findings(run) if k not in EXPECTED)
    assert extra == []


def test_every_status_is_planted_and_found(run: AuditRun) -> None:
    statuses = {f.status.value for f in _findings(run).values()}
    assert statuses == {"ok", "stale", "empty", "broken", "missing", "unknown"}


def test_as_of_is_the_sample_date(run: AuditRun) -> None:
    assert run.as_of == SAMPLE_AS_OF == dt.date(2026, 11, 1)

"""On part of the sample portal: links off scope are never fetched, and reruns are byte-identical."""

from __future__ import annotations

import asyncio
from dataclasses import replace

from auditor.config import load_registry, load_rules
from auditor.demo import sample_target
from auditor.models import AuditRun
from auditor.pipeline import AuditOptions, audit, default_settings
from auditor.report import FORMATS
from auditor.sample import SAMPLE_AS_OF

from .conftest import ROOT

# Sites that link off scope: the provincial service portal, a draft system, vbpl.vn (no Crawl-delay).
AGENCIES = ("sgtvt", "thuannam", "ninhhai")
FULL = load_registry(ROOT / "sites.yaml")
REGISTRY = replace(FULL, agencies=tuple(a for a in FULL.agencies if a.id in AGENCIES))
RULES = load_rules(ROOT / "rules", province=REGISTRY.province.id)


def _audit() -> tuple[AuditRun, dict[str, int]]:
    with sample_target(REGISTRY) as target:
        options = AuditOptions(
            as_of=SAMPLE_AS_OF,
            settings=default_settings(delay=0.0, per_host_concurrency=4, retries=1),
            resolve=target.resolve,
            plain_http=True,
        )
        run = asyncio.run(audit(REGISTRY, RULES, options))
        return run, target.server.counts_by_host()


def test_only_registered_hosts_receive_requests_and_reruns_are_identical() -> None:
    first, hits = _audit()
    registered = {h for a in REGISTRY.agencies for h in a.hosts}
    assert hits, "the sample portal saw no request"
    assert set(hits) <= registered, set(hits) - registered
    reasons = {(c.agency.id, f.category): f.reason for c in first.scorecards for f in c.findings}
    assert reasons[("thuannam", "draft_consultation")] == "out_of_scope"
    assert reasons[("sgtvt", "admin_procedures_online_services")] == "out_of_scope"

    second, _ = _audit()
    for name, fmt in FORMATS.items():
        assert fmt.render(first, "vi") == fmt.render(second, "vi"), name
        assert fmt.render(first, "en") == fmt.render(second, "en"), name

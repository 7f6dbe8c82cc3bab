"""On part of the sample portal: links off scope are never fetched, and reruns are byte-identical."""

from __future__ import annotations

from dataclasses import replace

from auditor.config import load_registry
from auditor.report import FORMATS

from .conftest import ROOT, audit_sample_counted

# Sites that link off scope: the provincial service portal, a draft system, vbpl.vn (no Crawl-delay).
AGENCIES = ("sgtvt", "thuannam", "ninhhai")
FULL = load_registry(ROOT / "sites.yaml")
REGISTRY = replace(FULL, agencies=tuple(a for a in FULL.agencies if a.id in AGENCIES))


def test_only_registered_hosts_receive_requests_and_reruns_are_identical() -> None:
    first, hits = audit_sample_counted(AGENCIES)
    registered = {h for a in REGISTRY.agencies for h in a.hosts}
    assert hits, "the sample portal saw no request"
    assert set(hits) <= registered, set(hits) - registered
    reasons = {(c.agency.id, f.category): f.reason for c in first.scorecards for f in c.findings}
    assert reasons[("thuannam", "draft_consultation")] == "out_of_scope"
    assert reasons[("sgtvt", "admin_procedures_online_services")] == "out_of_scope"

    second, _ = audit_sample_counted(AGENCIES)
    for name, fmt in FORMATS.items():
        assert fmt.render(first, "vi") == fmt.render(second, "vi"), name
        assert fmt.render(first, "en") == fmt.render(second, "en"), name

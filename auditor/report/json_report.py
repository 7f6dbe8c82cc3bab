"""results.json: the machine-readable contract (schema_version 1) that other tools read."""

from __future__ import annotations

import json
from typing import Any

from ..models import AuditRun, Finding, Scorecard
from .context import ReportContext

__all__ = ["SCHEMA_VERSION", "render", "run_to_dict"]

SCHEMA_VERSION = 1


def _finding(finding: Finding) -> dict[str, Any]:
    evidence = finding.evidence
    return {
        "category": finding.category,
        "status": finding.status.value,
        "evidence_url": finding.evidence_url,
        "latest_date": finding.latest_date.isoformat() if finding.latest_date else None,
        "reason": finding.reason,
        "legal_basis": finding.legal_basis,
        "requirements": list(finding.requirements),
        "max_age_days": finding.max_age_days,
        "weight": finding.weight,
        "advisory": finding.advisory,
        "evidence": {
            "pages": list(evidence.pages),
            "link_text": evidence.link_text,
            "found_via": evidence.found_via,
            "newest_title": evidence.newest_title,
            "newest_url": evidence.newest_url,
            "date_signal": evidence.date_signal,
            "items_seen": evidence.items_seen,
        },
    }


def _agency(card: Scorecard) -> dict[str, Any]:
    agency = card.agency
    return {
        "id": agency.id,
        "name": agency.name,
        "type": agency.type.value,
        "url": agency.url,
        "functions": list(agency.functions),
        "score": card.score,
        "scored": card.scored,
        "advisory": agency.advisory_only,
        "site_status": card.site_status.value,
        "site_detail": card.site_reason,
        "pages_fetched": card.pages_fetched,
        "findings": [_finding(f) for f in card.findings],
    }


def run_to_dict(run: AuditRun, context: ReportContext | None = None) -> dict[str, Any]:
    context = context or ReportContext()
    data: dict[str, Any] = {
        "schema_version": SCHEMA_VERSION,
        "as_of": run.as_of.isoformat(),
        "province": {"id": run.province.id, "name": run.province.name},
        "tool_version": run.tool_version,
        "ruleset_version": run.ruleset_version,
        "instruments": [
            {
                "id": i.id,
                "short": i.short,
                "effective_from": i.effective_from.isoformat(),
                "effective_until": i.effective_until.isoformat() if i.effective_until else None,
                "verified": i.verified,
            }
            for i in run.instruments
        ],
        "agencies": [_agency(card) for card in run.scorecards],
        # Added fields: category names for re-rendering, and the approved exceptions applied.
        "categories": [
            {
                "id": c.id,
                "name": {"vi": c.name.vi, "en": c.name.en},
                "fix": {"vi": c.fix.vi, "en": c.fix.en},
                "dated": c.dated,
            }
            for c in run.categories
        ],
        "exceptions": [
            {
                "agency": w.agency,
                "category": w.category,
                "kind": w.kind.value,
                "url": w.url,
                "reason": w.reason,
                "approved_by": w.approved_by,
                "expires": w.expires.isoformat(),
                "active": w.active(run.as_of),
            }
            for w in context.waivers
        ],
    }
    if context.comparison is not None:
        comparison = context.comparison
        data["previous_as_of"] = comparison.old_as_of.isoformat()
        data["changes"] = [
            {
                "agency": c.agency,
                "category": c.category,
                "change": c.kind.value,
                "before": c.before.value if c.before else None,
                "after": c.after.value if c.after else None,
            }
            for c in comparison.changes
        ]
    return data


def render(run: AuditRun, lang: str = "vi", context: ReportContext | None = None) -> str:
    """Deterministic JSON: fixed key order, agencies by id, no timestamps but as_of."""
    del lang  # the contract is language-neutral: codes, not sentences
    return json.dumps(run_to_dict(run, context), ensure_ascii=False, indent=2) + "\n"

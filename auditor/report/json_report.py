"""results.json: the machine-readable contract (schema_version 1) that other tools read."""

from __future__ import annotations

import json
from typing import Any

from ..models import AuditRun, Finding, Scorecard
from .context import ReportContext

__all__ = ["SCHEMA_VERSION", "render", "run_to_dict"]

SCHEMA_VERSION = 1
_INDENT = "  "  # json.dumps(indent=2)


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
    """The whole document as one tree (``render`` writes the same, an agency at a time)."""
    return _document(run, context, [_agency(card) for card in run.scorecards])


def _document(run: AuditRun, context: ReportContext | None, agencies: list[dict[str, Any]]) -> dict[str, Any]:
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
        "agencies": agencies,
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
    """Deterministic JSON: fixed key order, agencies by id, no timestamps but as_of.

    The text of ``json.dumps(run_to_dict(run, context), ensure_ascii=False, indent=2)``, written an
    agency at a time: the whole tree and its text held at once took 213 MB at the peak and 1.10 s
    of CPU for 1,000 agencies (a national run has 4,000); this holds the text twice, 123 MB, and
    takes 0.73 s (``benchmarks/history.py``'s runs).
    """
    del lang  # the contract is language-neutral: codes, not sentences
    pieces = ["{"]
    for key, value in _document(run, context, []).items():
        pieces += (",\n" if len(pieces) > 1 else "\n", _INDENT, _dumps(key), ": ")
        if key == "agencies" and run.scorecards:
            pieces.append("[")
            for i, card in enumerate(run.scorecards):
                pieces += ("," if i else "", "\n", _INDENT * 2, _dumps(_agency(card), _INDENT * 2))
            pieces += ("\n", _INDENT, "]")
        else:
            pieces.append(_dumps(value, _INDENT))
    pieces.append("\n}\n")
    return "".join(pieces)


def _dumps(value: Any, indent: str = "") -> str:
    """``value`` as ``json.dumps(..., indent=2)`` writes it where its lines begin with ``indent``."""
    text = json.dumps(value, ensure_ascii=False, indent=len(_INDENT))
    # A JSON string never holds a line break (it is escaped as \\n): every one is the layout's.
    return text.replace("\n", "\n" + indent) if indent else text

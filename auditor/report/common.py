"""Helpers shared by the renderers: row order, score breakdown, spreadsheet-safe cells."""

from __future__ import annotations

from dataclasses import dataclass, replace

from ..models import AuditRun, Finding, Scorecard, Status
from ..score import CREDIT
from .context import ReportContext, Waiver, WaiverKind

__all__ = ["Breakdown", "active_waiver", "breakdown", "category_columns", "neutralise", "number", "report_order"]

# A spreadsheet treats a cell starting with these as a formula (CSV injection, OWASP).
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(text: str) -> str:
    """Scraped text as inert spreadsheet text: a leading quote stops formula evaluation."""
    return "'" + text if text.startswith(_FORMULA_STARTS) else text


def number(value: float, lang: str) -> str:
    """0.25 in English, 0,25 in Vietnamese (a comma is the decimal mark)."""
    text = f"{value:g}"
    return text if lang == "en" else text.replace(".", ",")


def report_order(run: AuditRun) -> list[Scorecard]:
    """Ranked agencies first, then the advisory (Party and mass-organisation) sites by id."""
    return [*run.ranked(), *(c for c in run.scorecards if c.agency.advisory_only)]


def category_columns(run: AuditRun) -> list[str]:
    """Every category judged for at least one agency, in catalogue order (then first seen)."""
    judged = {f.category for c in run.scorecards for f in c.findings}
    order = [c.id for c in run.categories if c.id in judged]
    for card in run.scorecards:
        for finding in card.findings:
            if finding.category not in order:
                order.append(finding.category)
    return order


def active_waiver(context: ReportContext, run: AuditRun, agency: str, finding: Finding) -> Waiver | None:
    waiver = context.waiver(agency, finding.category, run.as_of)
    return waiver if waiver is not None and waiver.active(run.as_of) else None


@dataclass(frozen=True)
class Breakdown:
    """How one score was computed: per status the findings, their weight and credit."""

    rows: tuple[tuple[Status, int, int, float], ...]  # status, findings, total weight, credit
    earned: float
    total: int
    unknown: int
    advisory: int
    waived: int


def breakdown(run: AuditRun, card: Scorecard, context: ReportContext) -> Breakdown:
    """The same arithmetic as ``auditor.score.score_findings``, under the active exceptions."""
    counted: list[Finding] = []
    waived = 0
    for finding in card.findings:
        waiver = active_waiver(context, run, card.agency.id, finding)
        if waiver is None:
            counted.append(finding)
        else:
            waived += 1
            if waiver.kind is WaiverKind.PUBLISHED_AT:
                counted.append(replace(finding, status=Status.OK))
    binding = [f for f in counted if not f.advisory]
    scored = binding or counted
    advisory = len(counted) - len(binding) if binding else 0
    rows = []
    for status, credit in CREDIT.items():
        of_status = [f for f in scored if f.status is status]
        if of_status:
            rows.append((status, len(of_status), sum(f.weight for f in of_status), credit))
    earned = sum(w * c for _, _, w, c in rows)
    total = sum(w for _, _, w, _ in rows)
    unknown = sum(1 for f in scored if f.status is Status.UNKNOWN)
    return Breakdown(tuple(rows), earned, total, unknown, advisory, waived)

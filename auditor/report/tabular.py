"""The rows of scorecards.csv and scorecards.xlsx: one per finding, with localised headers."""

from __future__ import annotations

from ..models import AuditRun, Finding, Scorecard
from .common import active_waiver, report_order
from .context import ReportContext, WaiverKind
from .i18n import explain, status_name, t

__all__ = ["finding_headers", "finding_row", "ranking_headers", "ranking_rows"]

Cell = str | int | None


def ranking_headers(lang: str) -> list[str]:
    return [
        t("rank", lang),
        t("agency_id", lang),
        t("agency", lang),
        t("type", lang),
        t("score", lang),
        t("site", lang),
    ]


def ranking_rows(run: AuditRun, lang: str) -> list[list[Cell]]:
    rows: list[list[Cell]] = []
    for position, card in enumerate(report_order(run), start=1):
        rank: Cell = position if not card.agency.advisory_only else t("advisory", lang)
        score: Cell = card.score if card.scored else t("not_scored", lang)
        rows.append([rank, card.agency.id, card.agency.name, card.agency.type.value, score, card.site_status.value])
    return rows


def finding_headers(lang: str) -> list[str]:
    return [
        t("agency_id", lang),
        t("agency", lang),
        t("category_id", lang),
        t("category", lang),
        t("status", lang),
        t("latest", lang),
        t("reason", lang),
        t("evidence", lang),
        t("newest_item", lang),
        t("legal", lang),
        t("weight", lang),
        t("advisory", lang),
        t("exception", lang),
        t("escalated", lang),
    ]


def _waiver_text(run: AuditRun, card: Scorecard, finding: Finding, context: ReportContext, lang: str) -> str:
    waiver = context.waiver(card.agency.id, finding.category, run.as_of)
    if waiver is None:
        return ""
    what = t("not_applicable", lang) if waiver.kind is WaiverKind.NOT_APPLICABLE else t("published_at", lang)
    if waiver.url:
        what += f" {waiver.url}"
    state = t("active", lang) if active_waiver(context, run, card.agency.id, finding) else t("expired", lang)
    return f"{what}; {waiver.reason}; {waiver.approved_by}; {t('expires', lang)} {waiver.expires.isoformat()} ({state})"


def finding_row(run: AuditRun, card: Scorecard, finding: Finding, context: ReportContext, lang: str) -> list[Cell]:
    return [
        card.agency.id,
        card.agency.name,
        finding.category,
        run.category_name(finding.category, lang),
        status_name(finding.status, lang),
        finding.latest_date.isoformat() if finding.latest_date else "",
        explain(finding, lang),
        finding.evidence_url or "",
        finding.evidence.newest_title,
        finding.legal_basis,
        finding.weight,
        t("advisory", lang) if finding.advisory else "",
        _waiver_text(run, card, finding, context, lang),
        t("escalated", lang) if context.escalated(card.agency.id, finding, run.as_of) else "",
    ]

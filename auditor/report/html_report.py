"""index.html: a self-contained, offline report; every scraped string is escaped."""

from __future__ import annotations

from html import escape
from urllib.parse import urlsplit

from ..models import AuditRun, Finding, Scorecard, Status
from .i18n import explain, status_name, t

__all__ = ["render"]

_COLOURS = {
    Status.OK: "#2e7d32",
    Status.STALE: "#f9a825",
    Status.EMPTY: "#ef6c00",
    Status.BROKEN: "#c62828",
    Status.MISSING: "#6a1b9a",
    Status.UNKNOWN: "#757575",
}
_CSS = """
body{font-family:system-ui,'Segoe UI',Roboto,Arial,sans-serif;margin:2rem;color:#212121}
table{border-collapse:collapse;margin:1rem 0}td,th{border:1px solid #ccc;padding:.3rem .5rem;text-align:left}
th{background:#f5f5f5}.s{color:#fff;padding:.1rem .4rem;border-radius:.2rem;white-space:nowrap}
.small{color:#616161;font-size:.85rem}@media print{a{color:inherit}}
""" + "".join(f".s-{s.value}{{background:{c}}}" for s, c in _COLOURS.items())


def _safe_href(url: str | None) -> str | None:
    """Only http(s) links reach the report: a scraped ``javascript:`` URL must never become clickable."""
    if not url or urlsplit(url).scheme not in ("http", "https"):
        return None
    return escape(url, quote=True)


def _badge(status: Status, lang: str) -> str:
    return f'<span class="s s-{status.value}">{escape(status_name(status, lang))}</span>'


def _finding_row(run: AuditRun, finding: Finding, lang: str) -> str:
    href = _safe_href(finding.evidence_url)
    evidence = f'<a href="{href}" rel="noopener noreferrer">{escape(finding.evidence_url or "")}</a>' if href else "—"
    newest = ""
    if finding.evidence.newest_title:
        newest = f'<div class="small">{escape(finding.evidence.newest_title)}</div>'
    latest = finding.latest_date.isoformat() if finding.latest_date else "—"
    advisory = f' <span class="small">({escape(t("advisory", lang))})</span>' if finding.advisory else ""
    return (
        f"<tr><td>{escape(run.category_name(finding.category, lang))}{advisory}</td>"
        f"<td>{_badge(finding.status, lang)}</td><td>{latest}{newest}</td>"
        f"<td>{escape(explain(finding, lang))}</td><td>{evidence}</td><td>{escape(finding.legal_basis)}</td></tr>"
    )


def _agency_section(run: AuditRun, card: Scorecard, lang: str) -> str:
    rows = "".join(_finding_row(run, f, lang) for f in card.findings)
    score = str(card.score) if card.scored else escape(t("not_scored", lang))
    return (
        f'<section id="{escape(card.agency.id)}"><h2>{escape(card.agency.name)}</h2>'
        f'<p class="small">{escape(card.agency.url)} · {escape(t("site", lang))}: {escape(card.site_status.value)}'
        f" · {escape(t('score', lang))}: {score} · {escape(t('pages', lang))}: {card.pages_fetched}</p>"
        f"<table><tr><th>{escape(t('category', lang))}</th><th>{escape(t('status', lang))}</th>"
        f"<th>{escape(t('latest', lang))}</th><th>{escape(t('reason', lang))}</th>"
        f"<th>{escape(t('evidence', lang))}</th><th>{escape(t('legal', lang))}</th></tr>{rows}</table></section>"
    )


def render(run: AuditRun, lang: str = "vi") -> str:
    ranking = "".join(
        f'<tr><td>{i}</td><td><a href="#{escape(c.agency.id)}">{escape(c.agency.name)}</a></td>'
        f"<td>{c.score if c.scored else escape(t('not_scored', lang))}</td><td>{escape(c.site_status.value)}</td></tr>"
        for i, c in enumerate(run.ranked(), start=1)
    )
    instruments = ", ".join(
        escape(i.short) + ("" if i.verified else f" ({escape(t('unverified', lang))})") for i in run.instruments
    )
    sections = "".join(_agency_section(run, card, lang) for card in run.scorecards)
    return (
        f'<!DOCTYPE html><html lang="{"en" if lang == "en" else "vi"}"><head><meta charset="utf-8">'
        f'<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{escape(t('title', lang))} — {escape(run.province.name)}</title><style>{_CSS}</style></head><body>"
        f"<h1>{escape(t('title', lang))} — {escape(run.province.name)}</h1>"
        f'<p class="small">{escape(t("as_of", lang))}: {run.as_of.isoformat()} · {escape(t("ruleset", lang))}: '
        f"{escape(run.ruleset_version)} · {escape(t('instruments', lang))}: {instruments}</p>"
        f'<p class="small">{escape(t("scoring", lang))}</p>'
        f"<table><tr><th>#</th><th>{escape(t('agency', lang))}</th><th>{escape(t('score', lang))}</th>"
        f"<th>{escape(t('site', lang))}</th></tr>{ranking}</table>{sections}</body></html>\n"
    )

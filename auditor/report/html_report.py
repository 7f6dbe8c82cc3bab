"""index.html: the province overview (ranking, heatmap, filters) and one page per agency, offline and printable.

Every string that comes from a crawled site or a results file is escaped; links are kept only when
they are http(s); the page's only script is ours, allowed by its hash in the Content-Security-Policy,
so even a markup mistake could not run a script from scraped content.
"""

from __future__ import annotations

import base64
import hashlib
from html import escape
from urllib.parse import urlsplit

from ..models import AuditRun, Finding, Scorecard, Status
from .common import Breakdown, active_waiver, breakdown, category_columns, number, report_order
from .context import ChangeKind, ReportContext, WaiverKind
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
table{border-collapse:collapse;margin:1rem 0}td,th{border:1px solid #ccc;padding:.3rem .5rem;text-align:left;
vertical-align:top}th{background:#f5f5f5}.s{color:#fff;padding:.1rem .4rem;border-radius:.2rem;white-space:nowrap}
.small{color:#616161;font-size:.85rem}.esc{color:#b71c1c;font-weight:bold}.exc{color:#0d47a1}
#heatmap th.col{writing-mode:vertical-rl;transform:rotate(180deg);font-weight:normal;font-size:.8rem;max-height:14rem}
#heatmap td.cell{width:1.4rem;height:1.4rem;padding:0;text-align:center}#heatmap td.cell a{display:block;color:#fff;
text-decoration:none;font-size:.7rem}#heatmap td.na{background:#fff}.filters label{margin-right:1rem}
.stale,.s-stale{color:#212121}svg.spark{vertical-align:middle}
@media print{.filters,script{display:none}section.agency{break-before:page}tr{break-inside:avoid}a{color:inherit}
body{margin:0}}
""" + "".join(f".s-{s.value}{{background:{c}}}" for s, c in _COLOURS.items())

# Filtering is progressive: without the script every row stays visible.
_SCRIPT = """(function(){
var st=document.getElementById('f-status'),ty=document.getElementById('f-type'),q=document.getElementById('f-text');
function apply(){var sv=st.value,tv=ty.value,qv=q.value.toLowerCase();
document.querySelectorAll('#heatmap tbody tr').forEach(function(r){
var show=(!tv||r.getAttribute('data-type')===tv)&&(!qv||r.getAttribute('data-name').indexOf(qv)>=0);
if(show&&sv){show=r.querySelector('td[data-status="'+sv+'"]')!==null;}
r.hidden=!show;});}
[st,ty,q].forEach(function(e){e.addEventListener('input',apply);e.addEventListener('change',apply);});
})();"""
_SCRIPT_HASH = base64.b64encode(hashlib.sha256(_SCRIPT.encode()).digest()).decode()
_CSP = (
    "default-src 'none'; style-src 'unsafe-inline'; img-src data:; "
    f"script-src 'sha256-{_SCRIPT_HASH}'; base-uri 'none'; form-action 'none'"
)


def _e(text: object) -> str:
    return escape(str(text), quote=True)


def _safe_href(url: str | None) -> str | None:
    """Only http(s) links reach the report: a scraped ``javascript:`` URL must never become clickable."""
    if not url or urlsplit(url.strip()).scheme.lower() not in ("http", "https"):
        return None
    return _e(url)


def _link(url: str | None, text: str | None = None) -> str:
    href = _safe_href(url)
    shown = _e(text if text is not None else url or "")
    return f'<a href="{href}" rel="noopener noreferrer">{shown}</a>' if href else shown or "—"


def _badge(status: Status, lang: str) -> str:
    return f'<span class="s s-{status.value}">{_e(status_name(status, lang))}</span>'


def _anchor(agency_id: str) -> str:
    return "a-" + "".join(ch if ch.isalnum() or ch in "-_" else "_" for ch in agency_id)


def _score(card: Scorecard, lang: str) -> str:
    return str(card.score) if card.scored else _e(t("not_scored", lang))


def _spark(run: AuditRun, card: Scorecard, context: ReportContext, lang: str) -> str:
    """The agency's score over the past runs and this one, as a small inline SVG."""
    agency = card.agency.id
    # A look-up per past run: walking every past run's scorecards for each agency was quadratic in
    # the agencies (2.8 s of the page's 3.9 for 1,000 agencies and a year of monthly runs).
    points = [
        (past.as_of.isoformat(), score) for past in context.history if (score := past.scores.get(agency)) is not None
    ]
    if card.scored:
        points.append((run.as_of.isoformat(), card.score))
    if not points:
        return ""
    width, height = 120, 32
    step = (width - 10) / max(len(points) - 1, 1)
    xy = [(5 + i * step, height - 4 - score * (height - 8) / 100) for i, (_, score) in enumerate(points)]
    line = " ".join(f"{x:.1f},{y:.1f}" for x, y in xy)
    dots = "".join(
        f'<circle cx="{x:.1f}" cy="{y:.1f}" r="2.5"><title>{_e(day)}: {score}</title></circle>'
        for (x, y), (day, score) in zip(xy, points, strict=True)
    )
    return (
        f'<svg class="spark" role="img" aria-label="{_e(t("history", lang))}" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}"><polyline fill="none" stroke="#1565c0" stroke-width="1.5" points="{line}"/>'
        f'<g fill="#1565c0">{dots}</g></svg>'
    )


def _waiver_note(run: AuditRun, card: Scorecard, finding: Finding, context: ReportContext, lang: str) -> str:
    waiver = context.waiver(card.agency.id, finding.category, run.as_of)
    if waiver is None:
        return ""
    if waiver.kind is WaiverKind.NOT_APPLICABLE:
        what = _e(t("not_applicable", lang))
    else:
        what = f"{_e(t('published_at', lang))} {_link(waiver.url)}"
    state = t("active", lang) if active_waiver(context, run, card.agency.id, finding) else t("expired", lang)
    return (
        f'<div class="exc">{_e(t("exception", lang))}: {what} — {_e(waiver.reason)} · {_e(t("approved_by", lang))}: '
        f"{_e(waiver.approved_by)} · {_e(t('expires', lang))}: {waiver.expires.isoformat()} ({_e(state)})</div>"
    )


def _finding_row(run: AuditRun, card: Scorecard, finding: Finding, context: ReportContext, lang: str) -> str:
    fixes = {c.id: c.fix.get(lang) for c in run.categories}
    evidence = _link(finding.evidence_url)
    newest = ""
    if finding.evidence.newest_title:
        newest = f'<div class="small">{_link(finding.evidence.newest_url or None, finding.evidence.newest_title)}</div>'
    latest = finding.latest_date.isoformat() if finding.latest_date else "—"
    advisory = f' <span class="small">({_e(t("advisory", lang))})</span>' if finding.advisory else ""
    notes = _waiver_note(run, card, finding, context, lang)
    if context.escalated(card.agency.id, finding, run.as_of):
        since = context.failing_since[(card.agency.id, finding.category)]
        notes += (
            f'<div class="esc">{_e(t("escalated", lang))} ({_e(t("failing_since", lang))} {since.isoformat()})</div>'
        )
    todo = _e(fixes.get(finding.category, "")) if finding.status is not Status.OK else ""
    return (
        f'<tr data-status="{finding.status.value}"><td>{_e(run.category_name(finding.category, lang))}{advisory}</td>'
        f"<td>{_badge(finding.status, lang)}{notes}</td><td>{latest}{newest}</td>"
        f"<td>{_e(explain(finding, lang))}</td><td>{evidence}</td><td>{_e(finding.legal_basis)}</td>"
        f"<td>{todo}</td></tr>"
    )


def _breakdown_table(parts: Breakdown, card: Scorecard, lang: str) -> str:
    rows = "".join(
        f"<tr><td>{_badge(status, lang)}</td><td>{count}</td><td>{weight}</td><td>{number(credit, lang)}</td>"
        f"<td>{number(weight * credit, lang)}</td></tr>"
        for status, count, weight, credit in parts.rows
    )
    apart = [
        (t("unknown_apart", lang), parts.unknown),
        (t("advisory_apart", lang), parts.advisory),
        (t("waived_apart", lang), parts.waived),
    ]
    notes = "".join(f"<li>{_e(label)}: {n}</li>" for label, n in apart if n)
    result = (
        f"{number(parts.earned, lang)} / {parts.total} × 100 = {_score(card, lang)}"
        if parts.total
        else _e(t("not_scored", lang))
    )
    return (
        f"<h3>{_e(t('how_scored', lang))}</h3><table><tr><th>{_e(t('status', lang))}</th>"
        f"<th>{_e(t('counted', lang))}</th><th>{_e(t('weight', lang))}</th><th>{_e(t('credit', lang))}</th>"
        f"<th>{_e(t('earned', lang))}</th></tr>{rows}</table>"
        f'<p class="small">{_e(t("computed", lang))}: {result}</p><ul class="small">{notes}</ul>'
    )


def _agency_section(run: AuditRun, card: Scorecard, context: ReportContext, lang: str) -> str:
    rows = "".join(_finding_row(run, card, f, context, lang) for f in card.findings)
    advisory = f'<p class="small">{_e(t("advisory_note", lang))}</p>' if card.agency.advisory_only else ""
    headings = "".join(
        f"<th>{_e(t(k, lang))}</th>"
        for k in ("category", "status", "latest", "reason", "evidence", "legal", "what_to_do")
    )
    return (
        f'<section class="agency" id="{_anchor(card.agency.id)}"><h2>{_e(card.agency.name)}</h2>'
        f'<p class="small">{_link(card.agency.url)} · {_e(t("site", lang))}: {_e(card.site_status.value)}'
        f" · {_e(t('score', lang))}: <strong>{_score(card, lang)}</strong> · {_e(t('pages', lang))}: "
        f"{card.pages_fetched} {_spark(run, card, context, lang)}</p>{advisory}"
        f"{_breakdown_table(breakdown(run, card, context), card, lang)}"
        f"<table><tr>{headings}</tr>{rows}</table>"
        f'<p class="small"><a href="#top">{_e(t("back", lang))}</a></p></section>'
    )


def _heatmap(run: AuditRun, context: ReportContext, lang: str) -> str:
    columns = category_columns(run)
    bases: dict[str, list[str]] = {c: [] for c in columns}
    for card in run.scorecards:
        for finding in card.findings:
            if finding.legal_basis not in bases[finding.category]:
                bases[finding.category].append(finding.legal_basis)
    head = "".join(
        f'<th class="col" scope="col" title="{_e(" | ".join(bases[c]))}">{_e(run.category_name(c, lang))}</th>'
        for c in columns
    )
    body = []
    for card in report_order(run):
        by_category = {f.category: f for f in card.findings}
        cells = []
        for column in columns:
            judged = by_category.get(column)
            if judged is None:
                cells.append('<td class="na"></td>')
                continue
            label = f"{run.category_name(column, lang)}: {status_name(judged.status, lang)}"
            mark = "!" if context.escalated(card.agency.id, judged, run.as_of) else ""
            if active_waiver(context, run, card.agency.id, judged):
                mark += "*"
            cells.append(
                f'<td class="cell s-{judged.status.value}" data-status="{judged.status.value}" title="{_e(label)}">'
                f'<a href="#{_anchor(card.agency.id)}">{_e(mark) or "&nbsp;"}</a></td>'
            )
        rank = "*" if card.agency.advisory_only else ""
        body.append(
            f'<tr data-type="{_e(card.agency.type.value)}" data-name="{_e(card.agency.name.lower())}">'
            f'<th scope="row"><a href="#{_anchor(card.agency.id)}">{_e(card.agency.name)}</a>{rank}</th>'
            f"<td>{_score(card, lang)}</td>{''.join(cells)}</tr>"
        )
    legend = "".join(
        f"<tr><td>{_e(run.category_name(c, lang))}</td><td>{_e('; '.join(bases[c]))}</td></tr>" for c in columns
    )
    statuses = "".join(f'<option value="{s.value}">{_e(status_name(s, lang))}</option>' for s in Status)
    types = "".join(
        f'<option value="{_e(v)}">{_e(v)}</option>' for v in sorted({c.agency.type.value for c in run.scorecards})
    )
    filters = (
        f'<div class="filters"><label>{_e(t("filter_status", lang))} <select id="f-status"><option value="">'
        f"{_e(t('all', lang))}</option>{statuses}</select></label><label>{_e(t('filter_type', lang))} "
        f'<select id="f-type"><option value="">{_e(t("all", lang))}</option>{types}</select></label>'
        f'<label>{_e(t("filter_text", lang))} <input id="f-text" type="search"></label></div>'
    )
    key = " ".join(_badge(s, lang) for s in Status)
    return (
        f'<h2>{_e(t("heatmap", lang))}</h2>{filters}<p class="small">{key} · ! {_e(t("escalated", lang))}'
        f" · * {_e(t('exception', lang))}</p>"
        f'<table id="heatmap"><thead><tr><th>{_e(t("agency", lang))}</th><th>{_e(t("score", lang))}</th>{head}'
        f"</tr></thead><tbody>{''.join(body)}</tbody></table>"
        f"<h3>{_e(t('columns_legal', lang))}</h3><table><tr><th>{_e(t('category', lang))}</th>"
        f"<th>{_e(t('legal', lang))}</th></tr>{legend}</table>"
    )


def _comparison(run: AuditRun, context: ReportContext, lang: str) -> str:
    comparison = context.comparison
    if comparison is None:
        return f'<section id="changes"><h2>{_e(t("changes", lang))}</h2><p>{_e(t("no_previous", lang))}</p></section>'
    names = {c.agency.id: c.agency.name for c in run.scorecards}
    parts = []
    for kind in (ChangeKind.NEWLY_FAILING, ChangeKind.FIXED, ChangeKind.UNCHANGED):
        changes = comparison.of_kind(kind)
        items = "".join(
            f'<li data-change="{kind.value}">{_e(names.get(c.agency, c.agency))}: '
            f"{_e(run.category_name(c.category, lang))}"
            f" ({_e(status_name(c.before, lang) if c.before else '—')} → "
            f"{_e(status_name(c.after, lang) if c.after else '—')})</li>"
            for c in changes
        )
        parts.append(f"<h3>{_e(t(kind.value, lang))}: {len(changes)}</h3><ul>{items}</ul>")
    return (
        f'<section id="changes"><h2>{_e(t("changes", lang))}</h2><p class="small">{_e(t("previous", lang))}: '
        f"{comparison.old_as_of.isoformat()}</p>{''.join(parts)}</section>"
    )


def _waivers(run: AuditRun, context: ReportContext, lang: str) -> str:
    if not context.waivers:
        return ""
    rows = "".join(
        f"<tr><td>{_e(w.agency)}</td><td>{_e(run.category_name(w.category, lang))}</td><td>"
        + (
            _e(t("not_applicable", lang))
            if w.kind is WaiverKind.NOT_APPLICABLE
            else f"{_e(t('published_at', lang))} {_link(w.url)}"
        )
        + f"</td><td>{_e(w.reason)}</td><td>{_e(w.approved_by)}</td><td>{w.expires.isoformat()} "
        f"({_e(t('active', lang) if w.active(run.as_of) else t('expired', lang))})</td></tr>"
        for w in context.waivers
    )
    return (
        f'<section id="exceptions"><h2>{_e(t("exceptions", lang))}</h2><table><tr><th>{_e(t("agency", lang))}</th>'
        f"<th>{_e(t('category', lang))}</th><th>{_e(t('exception', lang))}</th><th>{_e(t('reason', lang))}</th>"
        f"<th>{_e(t('approved_by', lang))}</th><th>{_e(t('expires', lang))}</th></tr>{rows}</table></section>"
    )


def render(run: AuditRun, lang: str = "vi", context: ReportContext | None = None) -> str:
    context = context or ReportContext()
    ranked = run.ranked()
    ranking = "".join(
        f'<tr><td>{i}</td><td><a href="#{_anchor(c.agency.id)}">{_e(c.agency.name)}</a></td>'
        f"<td>{_e(c.agency.type.value)}</td><td>{_score(c, lang)}</td><td>{_e(c.site_status.value)}</td>"
        f"<td>{_spark(run, c, context, lang)}</td></tr>"
        for i, c in enumerate(ranked, start=1)
    )
    scores = [c.score for c in ranked if c.scored]
    province = str(round(sum(scores) / len(scores))) if scores else _e(t("not_scored", lang))
    instruments = ", ".join(
        _e(i.short) + ("" if i.verified else f" ({_e(t('unverified', lang))})") for i in run.instruments
    )
    sections = "".join(_agency_section(run, card, context, lang) for card in report_order(run))
    return (
        f'<!DOCTYPE html><html lang="{"en" if lang == "en" else "vi"}"><head><meta charset="utf-8">'
        f'<meta http-equiv="Content-Security-Policy" content="{_e(_CSP)}">'
        f'<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{_e(t('title', lang))} — {_e(run.province.name)}</title><style>{_CSS}</style></head>"
        f'<body id="top"><h1>{_e(t("title", lang))} — {_e(run.province.name)}</h1>'
        f'<p class="small">{_e(t("as_of", lang))}: {run.as_of.isoformat()} · {_e(t("ruleset", lang))}: '
        f"{_e(run.ruleset_version)} · {_e(t('instruments', lang))}: {instruments}</p>"
        f"<p>{_e(t('province_score', lang))}: <strong>{province}</strong></p>"
        f'<p class="small">{_e(t("scoring", lang))} {_e(t("advisory_note", lang))}.</p>'
        f"{_comparison(run, context, lang)}"
        f"<h2>{_e(t('ranking', lang))}</h2><table><tr><th>#</th><th>{_e(t('agency', lang))}</th>"
        f"<th>{_e(t('type', lang))}</th><th>{_e(t('score', lang))}</th><th>{_e(t('site', lang))}</th>"
        f"<th>{_e(t('history', lang))}</th></tr>{ranking}</table>"
        f"{_heatmap(run, context, lang)}{_waivers(run, context, lang)}{sections}"
        f"<script>{_SCRIPT}</script></body></html>\n"
    )

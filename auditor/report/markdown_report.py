"""summary.md: the ranking and every finding that needs action, short enough for a CI job summary."""

from __future__ import annotations

from ..models import AuditRun, Status
from .common import active_waiver, breakdown, number
from .context import ChangeKind, ReportContext
from .i18n import explain, status_name, t

__all__ = ["render"]


def _cell(text: str) -> str:
    # Scraped text must not break the table or inject markup.
    return text.replace("\\", "\\\\").replace("|", "\\|").replace("<", "&lt;").replace("\n", " ")


def _changes(run: AuditRun, context: ReportContext, lang: str) -> list[str]:
    comparison = context.comparison
    if comparison is None:
        return [f"{t('no_previous', lang)}", ""]
    lines = [f"## {t('changes', lang)} ({t('previous', lang)}: {comparison.old_as_of.isoformat()})", ""]
    for kind in (ChangeKind.NEWLY_FAILING, ChangeKind.FIXED, ChangeKind.UNCHANGED):
        changes = comparison.of_kind(kind)
        lines.append(f"- **{t(kind.value, lang)}**: {len(changes)}")
        if kind is not ChangeKind.UNCHANGED:
            for c in changes:
                before = status_name(c.before, lang) if c.before else "—"
                after = status_name(c.after, lang) if c.after else "—"
                lines.append(
                    f"  - {_cell(c.agency)}: {_cell(run.category_name(c.category, lang))} ({before} → {after})"
                )
    return [*lines, ""]


def render(run: AuditRun, lang: str = "vi", context: ReportContext | None = None) -> str:
    context = context or ReportContext()
    lines = [
        f"# {t('title', lang)} — {_cell(run.province.name)}",
        "",
        f"{t('as_of', lang)}: {run.as_of.isoformat()} · {t('ruleset', lang)}: {_cell(run.ruleset_version)}",
        "",
        # Escaped too: rules are ours, but `auditor report` renders any results.json it is given.
        f"{t('instruments', lang)}: "
        + ", ".join(
            f"{_cell(i.short)}{'' if i.verified else ' (' + t('unverified', lang) + ')'}" for i in run.instruments
        ),
        "",
        f"| # | {t('agency', lang)} | {t('score', lang)} | {t('site', lang)} | "
        + " | ".join(status_name(s, lang) for s in Status)
        + " |",
        "|---:|---|---:|---|" + "---:|" * len(Status),
    ]
    ranked = run.ranked()
    advisory = [c for c in run.scorecards if c.agency.advisory_only]
    for position, card in enumerate([*ranked, *advisory], start=1):
        counts = [sum(1 for f in card.findings if f.status is s) for s in Status]
        score = str(card.score) if card.scored else t("not_scored", lang)
        rank = str(position) if not card.agency.advisory_only else f"({t('advisory', lang)})"
        lines.append(
            f"| {rank} | {_cell(card.agency.name)} | {score} | {card.site_status.value} | "
            + " | ".join(str(n) for n in counts)
            + " |"
        )
    lines += ["", t("scoring", lang), "", *_changes(run, context, lang)]
    for card in run.scorecards:
        failing = [f for f in card.findings if f.status is not Status.OK]
        if not failing:
            continue
        lines += [f"## {_cell(card.agency.name)} ({card.agency.id})", ""]
        parts = breakdown(run, card, context)
        if parts.total:
            lines += [f"{t('computed', lang)}: {number(parts.earned, lang)} / {parts.total} × 100 = {card.score}", ""]
        lines.append(
            f"| {t('category', lang)} | {t('status', lang)} | {t('latest', lang)} | "
            f"{t('reason', lang)} | {t('legal', lang)} |"
        )
        lines.append("|---|---|---|---|---|")
        for finding in failing:
            latest = finding.latest_date.isoformat() if finding.latest_date else "—"
            status = status_name(finding.status, lang)
            if context.escalated(card.agency.id, finding, run.as_of):
                status += f" — **{t('escalated', lang)}**"
            waiver = context.waiver(card.agency.id, finding.category, run.as_of)
            if waiver is not None:
                state = (
                    t("active", lang) if active_waiver(context, run, card.agency.id, finding) else t("expired", lang)
                )
                status += f" ({t('exception', lang)}, {t('expires', lang)} {waiver.expires.isoformat()}: {state})"
            lines.append(
                f"| {_cell(run.category_name(finding.category, lang))} | {status} | "
                f"{latest} | {_cell(explain(finding, lang))} | {_cell(finding.legal_basis)} |"
            )
        lines.append("")
    return "\n".join(lines).rstrip() + "\n"

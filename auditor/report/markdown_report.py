"""summary.md: the ranking and every finding that needs action, short enough for a CI job summary."""

from __future__ import annotations

from ..models import AuditRun, Status
from .i18n import explain, status_name, t

__all__ = ["render"]


def _cell(text: str) -> str:
    # Scraped text must not break the table or inject markup.
    return text.replace("\\", "\\\\").replace("|", "\\|").replace("<", "&lt;").replace("\n", " ")


def render(run: AuditRun, lang: str = "vi") -> str:
    lines = [
        f"# {t('title', lang)} — {_cell(run.province.name)}",
        "",
        f"{t('as_of', lang)}: {run.as_of.isoformat()} · {t('ruleset', lang)}: {run.ruleset_version}",
        "",
        f"{t('instruments', lang)}: "
        + ", ".join(f"{i.short}{'' if i.verified else ' (' + t('unverified', lang) + ')'}" for i in run.instruments),
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
    lines += ["", t("scoring", lang), ""]
    for card in run.scorecards:
        failing = [f for f in card.findings if f.status is not Status.OK]
        if not failing:
            continue
        lines += [f"## {_cell(card.agency.name)} ({card.agency.id})", ""]
        lines.append(
            f"| {t('category', lang)} | {t('status', lang)} | {t('latest', lang)} | "
            f"{t('reason', lang)} | {t('legal', lang)} |"
        )
        lines.append("|---|---|---|---|---|")
        for finding in failing:
            latest = finding.latest_date.isoformat() if finding.latest_date else "—"
            lines.append(
                f"| {_cell(run.category_name(finding.category, lang))} | {status_name(finding.status, lang)} | "
                f"{latest} | {_cell(explain(finding, lang))} | {_cell(finding.legal_basis)} |"
            )
        lines.append("")
    return "\n".join(lines).rstrip() + "\n"

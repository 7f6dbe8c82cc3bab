"""junit.xml: one test case per agency × category, so CI shows each obligation as a test.

missing, stale, empty and broken are failures; unknown is skipped (not judged); an active exception
is skipped with its reason.
"""

from __future__ import annotations

from xml.sax.saxutils import quoteattr

from ..models import AuditRun, Status
from .common import active_waiver, report_order
from .context import FAILING, ReportContext
from .i18n import explain, status_name, t

__all__ = ["render"]


def _text(value: str) -> str:
    # Characters XML 1.0 cannot carry are dropped; scraped text may contain them.
    return "".join(ch for ch in value if ch in "\t\n\r" or ord(ch) >= 0x20)


def _attr(value: str) -> str:
    return quoteattr(_text(value))


def render(run: AuditRun, lang: str = "vi", context: ReportContext | None = None) -> str:
    context = context or ReportContext()
    suites = []
    total = failures = skipped = 0
    for card in report_order(run):
        cases = []
        suite_failures = suite_skipped = 0
        for finding in card.findings:
            name = f"{finding.category}: {run.category_name(finding.category, lang)}"
            body = ""
            waiver = active_waiver(context, run, card.agency.id, finding)
            detail = (
                f"{status_name(finding.status, lang)}: {explain(finding, lang)}. {t('legal', lang)}: "
                f"{finding.legal_basis}. {t('evidence', lang)}: {finding.evidence_url or '-'}"
            )
            if waiver is not None:
                suite_skipped += 1
                body = f"<skipped message={_attr(t('exception', lang) + ': ' + waiver.reason)}/>"
            elif finding.status is Status.UNKNOWN:
                suite_skipped += 1
                body = f"<skipped message={_attr(detail)}/>"
            elif finding.status in FAILING and finding.advisory:
                suite_skipped += 1  # Party and mass-organisation sites: advisory, never a failure
                body = f"<skipped message={_attr(t('advisory', lang) + ': ' + detail)}/>"
            elif finding.status in FAILING:
                suite_failures += 1
                body = f"<failure message={_attr(detail)} type={_attr(finding.status.value)}/>"
            cases.append(
                f'    <testcase classname={_attr("auditor." + card.agency.id)} name={_attr(name)} time="0">'
                f"{body}</testcase>"
            )
        total += len(cases)
        failures += suite_failures
        skipped += suite_skipped
        suites.append(
            f'  <testsuite name={_attr(card.agency.id + " " + card.agency.name)} tests="{len(cases)}" '
            f'failures="{suite_failures}" errors="0" skipped="{suite_skipped}" timestamp="{run.as_of.isoformat()}">\n'
            + "\n".join(cases)
            + "\n  </testsuite>"
        )
    title = _attr(t("title", lang) + " — " + run.province.name)
    head = (
        f'<?xml version="1.0" encoding="UTF-8"?>\n<testsuites name={title} '
        f'tests="{total}" failures="{failures}" errors="0" skipped="{skipped}">\n'
    )
    return head + "\n".join(suites) + "\n</testsuites>\n"

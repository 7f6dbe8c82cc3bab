"""scorecards.csv: one row per agency × category, formula-like text neutralised, UTF-8 with a BOM for Excel."""

from __future__ import annotations

import csv
import io

from ..models import AuditRun
from .common import neutralise, report_order
from .context import ReportContext
from .tabular import finding_headers, finding_row

__all__ = ["render"]


def render(run: AuditRun, lang: str = "vi", context: ReportContext | None = None) -> str:
    context = context or ReportContext()
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(finding_headers(lang))
    for card in report_order(run):
        for finding in card.findings:
            row = finding_row(run, card, finding, context, lang)
            writer.writerow([neutralise(c) if isinstance(c, str) else c for c in row])
    return "\ufeff" + buffer.getvalue()

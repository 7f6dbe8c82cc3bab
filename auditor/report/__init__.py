"""Report renderers: one module per format, each ``render(run, lang, context) -> str | bytes``, never writing files."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from ..models import AuditRun
from . import csv_report, html_report, json_report, junit_report, markdown_report, schema_file, xlsx_report
from .context import ReportContext

__all__ = ["DEFAULT_FORMATS", "FORMATS", "Format", "Renderer", "ReportContext"]


class Renderer(Protocol):
    def __call__(self, run: AuditRun, lang: str = ..., context: ReportContext | None = ...) -> str | bytes: ...


@dataclass(frozen=True)
class Format:
    """A report format: the file it becomes and the pure function that renders it."""

    name: str
    filename: str
    render: Renderer
    # Rendered in another process when an idle one is at hand (see auditor.pipeline.write_reports):
    # the workbook takes about half of the reports' time, while this process renders the others.
    apart: bool = False


FORMATS: dict[str, Format] = {
    f.name: f
    for f in (
        Format("json", "results.json", json_report.render),
        Format("schema", "results.schema.json", schema_file.render),
        Format("markdown", "summary.md", markdown_report.render),
        Format("html", "index.html", html_report.render),
        Format("csv", "scorecards.csv", csv_report.render),
        Format("xlsx", "scorecards.xlsx", xlsx_report.render, apart=True),
        Format("junit", "junit.xml", junit_report.render),
    )
}

# What ``auditor audit`` and ``auditor report`` write unless --format narrows it.
DEFAULT_FORMATS: tuple[str, ...] = tuple(FORMATS)

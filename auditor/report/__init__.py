"""Report renderers: one module per format, each ``render(run, lang) -> str | bytes``, never writing files."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from ..models import AuditRun
from . import html_report, json_report, markdown_report

__all__ = ["FORMATS", "Format"]


@dataclass(frozen=True)
class Format:
    """A report format: the file it becomes and the pure function that renders it."""

    name: str
    filename: str
    render: Callable[[AuditRun, str], str | bytes]


FORMATS: dict[str, Format] = {
    f.name: f
    for f in (
        Format("json", "results.json", json_report.render),
        Format("markdown", "summary.md", markdown_report.render),
        Format("html", "index.html", html_report.render),
    )
}

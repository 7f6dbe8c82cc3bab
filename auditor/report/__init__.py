"""Report renderers: one module per format, each ``render(run, lang, context) -> str | bytes``, never writing files."""

from __future__ import annotations

import importlib
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Protocol, cast

from ..models import AuditRun
from . import summary_file
from .context import ReportContext

__all__ = ["DEFAULT_FORMATS", "FORMATS", "Format", "Renderer", "ReportContext", "files_of"]


class Renderer(Protocol):
    def __call__(self, run: AuditRun, lang: str = ..., context: ReportContext | None = ...) -> str | bytes: ...


@dataclass(frozen=True)
class Format:
    """A report format: the file it becomes and the module of this package whose ``render`` makes it."""

    name: str
    filename: str
    # Imported on first use, not with the package: the model of a report (its context, its words)
    # is wanted where nothing is rendered, as in a worker process or before an audit starts, and the
    # renderers with their libraries (XlsxWriter, the XML escapes) are 0.05 s of every start.
    module: str
    # Rendered in another process when an idle one is at hand (see auditor.pipeline.write_reports),
    # while this one renders the others and prints the score table: for the benchmark's 34
    # agencies the workbook and the two tables take 0.15 s there (the workbook 0.13), JSON, the
    # page and the summary 0.07 s here, and the score table 0.08.
    apart: bool = False

    @property
    def render(self) -> Renderer:
        """The format's pure function ``render(run, lang, context) -> str | bytes``."""
        return self.load()

    def load(self) -> Renderer:
        """The renderer, its module imported now if it was not yet (ahead of rendering, where time allows)."""
        return cast(Renderer, importlib.import_module(f"{__name__}.{self.module}").render)


FORMATS: dict[str, Format] = {
    f.name: f
    for f in (
        Format("json", "results.json", "json_report"),
        Format("schema", "results.schema.json", "schema_file"),
        Format("markdown", "summary.md", "markdown_report"),
        Format("html", "index.html", "html_report"),
        Format("csv", "scorecards.csv", "csv_report", apart=True),
        Format("xlsx", "scorecards.xlsx", "xlsx_report", apart=True),
        Format("junit", "junit.xml", "junit_report", apart=True),
    )
}

# What ``auditor audit`` and ``auditor report`` write unless --format narrows it.
DEFAULT_FORMATS: tuple[str, ...] = tuple(FORMATS)


def files_of(formats: Iterable[str]) -> tuple[str, ...]:
    """The files a run folder gets for ``formats``: each one's, and run-summary.json beside results.json."""
    chosen = tuple(formats)
    names = tuple(FORMATS[name].filename for name in chosen)
    return (*names, summary_file.FILENAME) if "json" in chosen else names

"""results.schema.json: the JSON Schema of results.json, copied into every run folder for other tools."""

from __future__ import annotations

from importlib.resources import files

from ..models import AuditRun
from .context import ReportContext

__all__ = ["SCHEMA_TEXT", "render"]

SCHEMA_TEXT = files(__package__).joinpath("results.schema.json").read_text(encoding="utf-8")


def render(run: AuditRun, lang: str = "vi", context: ReportContext | None = None) -> str:
    del run, lang, context  # the same schema for every run
    return SCHEMA_TEXT

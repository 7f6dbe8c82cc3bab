"""Reading a results.json back into an AuditRun (for ``auditor report``, ``auditor diff`` and history)."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from pathlib import Path
from typing import Any

from ..errors import ConfigError
from ..models import (
    Agency,
    AgencyType,
    AuditRun,
    Category,
    Cues,
    Evidence,
    Finding,
    Instrument,
    LocalText,
    Province,
    Scorecard,
    SiteStatus,
    Status,
)
from . import summary_file
from .context import RunSummary, Waiver, WaiverKind
from .json_report import SCHEMA_VERSION

__all__ = ["load_results", "load_summary", "load_waivers_of"]


class _Node:
    """A JSON value with the path to it, so every error names the file and the key."""

    def __init__(self, value: Any, path: str, key: str) -> None:
        self.value = value
        self.path = path
        self.key = key

    def error(self, message: str, key: str | None = None) -> ConfigError:
        return ConfigError(message, path=self.path, key=key if key is not None else self.key)

    def _sub(self, key: str | int) -> str:
        if isinstance(key, int):
            return f"{self.key}[{key}]"
        return f"{self.key}.{key}" if self.key else key

    def child(self, key: str) -> _Node:
        if not isinstance(self.value, dict):
            raise self.error("expected an object")
        if key not in self.value:
            raise self.error("required key is missing", self._sub(key))
        return _Node(self.value[key], self.path, self._sub(key))

    def optional(self, key: str, default: Any) -> _Node:
        if isinstance(self.value, dict) and key in self.value and self.value[key] is not None:
            return self.child(key)
        return _Node(default, self.path, self._sub(key))

    def items(self) -> list[_Node]:
        if not isinstance(self.value, list):
            raise self.error("expected a list")
        return [_Node(v, self.path, self._sub(i)) for i, v in enumerate(self.value)]

    def text(self) -> str:
        if not isinstance(self.value, str):
            raise self.error(f"expected a string, got {json.dumps(self.value)[:40]}")
        if not self.value.isascii():
            try:
                self.value.encode("utf-8")
            except UnicodeEncodeError as exc:  # JSON's "\ud800" escape: no report could be written with it
                raise self.error(f"a lone surrogate (\\u{ord(exc.object[exc.start]):04x}) is no text") from None
        return self.value

    def maybe_text(self) -> str | None:
        return None if self.value is None else self.text()

    def integer(self) -> int:
        if isinstance(self.value, bool) or not isinstance(self.value, int):
            raise self.error(f"expected an integer, got {json.dumps(self.value)[:40]}")
        return self.value

    def maybe_integer(self) -> int | None:
        return None if self.value is None else self.integer()

    def boolean(self) -> bool:
        if not isinstance(self.value, bool):
            raise self.error("expected true or false")
        return self.value

    def date(self) -> dt.date:
        try:
            return dt.date.fromisoformat(self.text())
        except ValueError:
            raise self.error(f"{self.value!r} is not a date; use YYYY-MM-DD") from None

    def maybe_date(self) -> dt.date | None:
        return None if self.value is None else self.date()

    def choice(self, allowed: type[Any]) -> Any:
        value = self.text()
        try:
            return allowed(value)
        except ValueError:
            names = ", ".join(m.value for m in allowed)
            raise self.error(f"{value!r} is not allowed; one of: {names}") from None

    def local(self, fallback: str) -> LocalText:
        if isinstance(self.value, dict):
            return LocalText(self.child("vi").text(), self.child("en").text())
        return LocalText(fallback, fallback)


def _finding(node: _Node) -> Finding:
    ev = node.optional("evidence", {})
    return Finding(
        category=node.child("category").text(),
        status=node.child("status").choice(Status),
        evidence_url=node.child("evidence_url").maybe_text(),
        latest_date=node.child("latest_date").maybe_date(),
        reason=node.child("reason").text(),
        legal_basis=node.child("legal_basis").text(),
        requirements=tuple(n.text() for n in node.optional("requirements", []).items()),
        max_age_days=node.optional("max_age_days", None).maybe_integer(),
        weight=node.optional("weight", 1).integer(),
        advisory=node.optional("advisory", False).boolean(),
        evidence=Evidence(
            pages=tuple(n.text() for n in ev.optional("pages", []).items()),
            link_text=ev.optional("link_text", "").text(),
            found_via=ev.optional("found_via", "").text(),
            newest_title=ev.optional("newest_title", "").text(),
            newest_url=ev.optional("newest_url", "").text(),
            date_signal=ev.optional("date_signal", "").text(),
            items_seen=ev.optional("items_seen", 0).integer(),
        ),
    )


def _scorecard(node: _Node) -> Scorecard:
    agency = Agency(
        id=node.child("id").text(),
        name=node.child("name").text(),
        type=node.child("type").choice(AgencyType),
        functions=tuple(n.text() for n in node.optional("functions", []).items()),
        url=node.child("url").text(),
    )
    findings = tuple(_finding(n) for n in node.child("findings").items())
    score = node.child("score").integer()
    return Scorecard(
        agency=agency,
        site_status=node.optional("site_status", "reachable").choice(SiteStatus),
        site_reason=node.optional("site_detail", "").text(),
        findings=findings,
        score=score,
        scored=node.optional("scored", True).boolean(),
        pages_fetched=node.optional("pages_fetched", 0).integer(),
    )


def _instrument(node: _Node) -> Instrument:
    short = node.child("short").text()
    return Instrument(
        id=node.child("id").text(),
        short=short,
        title=LocalText(short, short),
        effective_from=node.child("effective_from").date(),
        effective_until=node.optional("effective_until", None).maybe_date(),
        verified=node.optional("verified", False).boolean(),
        source="",
    )


def _category(node: _Node) -> Category:
    category_id = node.child("id").text()
    return Category(
        id=category_id,
        name=node.child("name").local(category_id),
        description=LocalText("", ""),
        fix=node.optional("fix", None).local(""),
        dated=node.optional("dated", False).boolean(),
        cues=Cues(labels=()),
    )


def _waiver(node: _Node) -> Waiver:
    return Waiver(
        agency=node.child("agency").text(),
        category=node.child("category").text(),
        kind=node.child("kind").choice(WaiverKind),
        reason=node.child("reason").text(),
        approved_by=node.child("approved_by").text(),
        expires=node.child("expires").date(),
        url=node.optional("url", None).maybe_text(),
    )


def _read(path: Path) -> _Node:
    shown = str(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfigError("no such file", path=shown) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"cannot read: {exc}", path=shown) from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ConfigError(f"not JSON: {exc.msg} (column {exc.colno})", path=shown, line=exc.lineno) from None
    root = _Node(data, shown, "")
    if not isinstance(data, dict):
        raise root.error("expected a results.json object")
    version = root.child("schema_version").integer()
    if version != SCHEMA_VERSION:
        raise root.error(
            f"schema_version {version} is not supported; this auditor reads {SCHEMA_VERSION}", "schema_version"
        )
    return root


def load_results(path: Path) -> AuditRun:
    """A results.json as an AuditRun; a file that is not one raises ConfigError naming file and key."""
    root = _read(path)
    province = root.child("province")
    return AuditRun(
        as_of=root.child("as_of").date(),
        province=Province(id=province.child("id").text(), name=province.child("name").text()),
        ruleset_version=root.optional("ruleset_version", "").text(),
        instruments=tuple(_instrument(n) for n in root.optional("instruments", []).items()),
        scorecards=tuple(_scorecard(n) for n in root.child("agencies").items()),
        tool_version=root.optional("tool_version", "").text(),
        categories=tuple(_category(n) for n in root.optional("categories", []).items()),
    )


def load_summary(path: Path) -> tuple[str, RunSummary]:
    """A results.json's province id and what the history keeps of it, read without building the run.

    Only what a summary holds is read and checked, with the same messages as :func:`load_results`:
    every audit reads its history at the end, and rebuilding each past run whole took a year of
    monthly runs of 1,000 agencies 19 s of CPU and 552 MB at the peak (``benchmarks/history.py``).
    The run-summary.json written beside it is read instead when it matches the file byte for byte.
    """
    known = _summary_beside(path)
    if known is not None:
        return known
    root = _read(path)
    as_of = root.child("as_of").date()
    province = root.child("province").child("id").text()
    scores: dict[str, int | None] = {}
    statuses: dict[str, dict[str, Status]] = {}
    for card in root.child("agencies").items():
        agency = card.child("id").text()
        score = card.child("score").integer()
        scores[agency] = score if card.optional("scored", True).boolean() else None
        statuses[agency] = {
            finding.child("category").text(): finding.child("status").choice(Status)
            for finding in card.child("findings").items()
        }
    return province, RunSummary(as_of, scores, statuses)


def _summary_beside(path: Path) -> tuple[str, RunSummary] | None:
    """The run-summary.json beside ``path``, if it was written with these very bytes; else None (read the file)."""
    side = path.with_name(summary_file.FILENAME)
    try:
        size = path.stat().st_size
        if side.stat().st_size > size:  # a summary is always the smaller: this one is not of this file
            return None
        document = json.loads(side.read_bytes())
        summary = _summary_of(document, size)
        if summary is None:
            return None
        with path.open("rb") as results:
            digest = hashlib.file_digest(results, "sha256").hexdigest()
    except (OSError, ValueError):  # ValueError: not JSON, or not UTF-8
        return None
    return summary if digest == document["results_sha256"] else None


def _summary_of(document: Any, size: int) -> tuple[str, RunSummary] | None:
    """What a run-summary.json says, if it is one of ours made for a results.json of ``size`` bytes."""
    if not (
        isinstance(document, dict)
        and document.get("kind") == summary_file.KIND
        and document.get("version") == summary_file.VERSION
        and document.get("results_size") == size
        and isinstance(document.get("results_sha256"), str)
        and _is_text(document.get("province"))
        and isinstance(document.get("as_of"), str)
        and isinstance(document.get("agencies"), dict)
    ):
        return None
    scores: dict[str, int | None] = {}
    statuses: dict[str, dict[str, Status]] = {}
    for agency, entry in document["agencies"].items():
        score = entry.get("score") if isinstance(entry, dict) else False
        of = entry.get("statuses") if isinstance(entry, dict) else None
        if isinstance(score, bool) or not (score is None or isinstance(score, int)) or not isinstance(of, dict):
            return None
        if not (_is_text(agency) and all(_is_text(c) and isinstance(v, str) for c, v in of.items())):
            return None
        scores[agency] = score
        statuses[agency] = {category: Status(status) for category, status in of.items()}  # ValueError: not one
    return document["province"], RunSummary(dt.date.fromisoformat(document["as_of"]), scores, statuses)


def _is_text(value: object) -> bool:
    """A string a report can be written with (see _Node.text): JSON may spell a lone surrogate."""
    if not isinstance(value, str):
        return False
    if not value.isascii():
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            return False
    return True


def load_waivers_of(path: Path) -> tuple[Waiver, ...]:
    """The exceptions a results.json was rendered with (its ``exceptions`` list)."""
    return tuple(_waiver(n) for n in _read(path).optional("exceptions", []).items())

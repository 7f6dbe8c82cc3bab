"""Approved exceptions (exceptions.yaml next to sites.yaml): a category not applicable, or published elsewhere.

An exception names the agency and category, what it declares (``not_applicable``, or ``published_at``
with the URL), why, who approved it and until when. It is shown in every report; once expired it no
longer counts and the finding is scored as judged.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from .errors import ConfigError
from .models import AuditRun, Scorecard, Status
from .report.context import Waiver, WaiverKind
from .score import score_findings
from .yamlsafe import line_of, load_yaml

__all__ = ["EXCEPTIONS_FILE", "apply_waivers", "load_waivers"]

EXCEPTIONS_FILE = "exceptions.yaml"
_KEYS = ("agency", "category", "kind", "url", "reason", "approved_by", "expires")


def _error(path: Path, node: Any, key: str, where: str, message: str) -> ConfigError:
    return ConfigError(message, path=str(path), line=line_of(node, key), key=f"{where}.{key}" if key else where)


def _text(path: Path, node: dict[str, Any], key: str, where: str) -> str:
    value = node.get(key)
    if not isinstance(value, str) or not value.strip():
        raise _error(path, node, key, where, "required: a non-empty string")
    return value.strip()


def _waiver(path: Path, node: Any, where: str) -> Waiver:
    if not isinstance(node, dict):
        raise ConfigError("expected a mapping", path=str(path), line=line_of(node), key=where)
    for key in node:
        if key not in _KEYS:
            raise _error(path, node, key, where, f"unknown key; allowed: {', '.join(_KEYS)}")
    kind_text = _text(path, node, "kind", where)
    try:
        kind = WaiverKind(kind_text)
    except ValueError:
        raise _error(path, node, "kind", where, f"{kind_text!r}: use not_applicable or published_at") from None
    url = node.get("url")
    if kind is WaiverKind.PUBLISHED_AT:
        url = _text(path, node, "url", where)
        if urlsplit(url).scheme not in ("http", "https") or not urlsplit(url).hostname:
            raise _error(path, node, "url", where, f"{url!r} is not an http(s) URL")
    elif url is not None:
        raise _error(path, node, "url", where, "only a published_at exception has a url")
    expires = node.get("expires")
    if not isinstance(expires, dt.date) or isinstance(expires, dt.datetime):
        raise _error(path, node, "expires", where, "required: a date YYYY-MM-DD")
    return Waiver(
        agency=_text(path, node, "agency", where),
        category=_text(path, node, "category", where),
        kind=kind,
        reason=_text(path, node, "reason", where),
        approved_by=_text(path, node, "approved_by", where),
        expires=expires,
        url=url,
    )


def load_waivers(
    path: Path, agencies: frozenset[str] | None = None, categories: frozenset[str] | None = None
) -> tuple[Waiver, ...]:
    """Read exceptions.yaml; every error names file:line and key. Unknown agencies or categories are errors."""
    root = load_yaml(path)
    if not isinstance(root, dict) or set(root) != {"exceptions"}:
        raise ConfigError("expected one key, exceptions: a list", path=str(path), line=line_of(root))
    items = root["exceptions"] or []
    if not isinstance(items, list):
        raise _error(path, root, "exceptions", "", "expected a list")
    waivers: list[Waiver] = []
    seen: set[tuple[str, str]] = set()
    for i, node in enumerate(items):
        where = f"exceptions[{i}]"
        waiver = _waiver(path, node, where)
        if agencies is not None and waiver.agency not in agencies:
            raise _error(path, node, "agency", where, f"{waiver.agency!r} is not an agency of sites.yaml")
        if categories is not None and waiver.category not in categories:
            raise _error(path, node, "category", where, f"{waiver.category!r} is not a category of rules/")
        if (waiver.agency, waiver.category) in seen:
            raise _error(path, node, "category", where, "a second exception for the same agency and category")
        seen.add((waiver.agency, waiver.category))
        waivers.append(waiver)
    return tuple(sorted(waivers, key=lambda w: (w.agency, w.category)))


def _rescore(card: Scorecard, active: dict[str, Waiver]) -> Scorecard:
    if not active:
        return card
    counted = []
    for finding in card.findings:
        waiver = active.get(finding.category)
        if waiver is None:
            counted.append(finding)
        elif waiver.kind is WaiverKind.PUBLISHED_AT:
            counted.append(replace(finding, status=Status.OK))
        # not_applicable: left out of the score, neither a pass nor a failure
    score, scored = score_findings(counted)
    return replace(card, score=score, scored=scored)


def apply_waivers(run: AuditRun, waivers: tuple[Waiver, ...]) -> AuditRun:
    """The run with scores recomputed under the exceptions active on its date; findings stay as judged."""
    cards = []
    for card in run.scorecards:
        active = {w.category: w for w in waivers if w.agency == card.agency.id and w.active(run.as_of)}
        cards.append(_rescore(card, active))
    return replace(run, scorecards=tuple(cards))

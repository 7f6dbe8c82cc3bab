"""Sharding a national audit: a deterministic partition of the agencies, and merging the shards back."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace

from .errors import ConfigError
from .models import AuditRun, Registry

__all__ = ["merge_runs", "parse_shard", "select_shard"]

_SHARD = re.compile(r"^\s*(\d+)\s*/\s*(\d+)\s*$")


def parse_shard(value: str) -> tuple[int, int]:
    """``"K/N"`` → (K, N), 1 ≤ K ≤ N."""
    match = _SHARD.match(value)
    if match is None or not 1 <= int(match.group(1)) <= int(match.group(2)):
        raise ConfigError(f"{value!r} is not a shard; use K/N with 1 <= K <= N, e.g. 2/8", key="--shard")
    return int(match.group(1)), int(match.group(2))


def select_shard(registry: Registry, shard: int, shards: int) -> Registry:
    """Shard K of N: the agencies at positions K, K+N, K+2N… of the registry sorted by id.

    Depends on nothing but the ids, so every machine of a CI matrix computes the same partition, and
    dealing by position keeps the shards within one agency of the same size.
    """
    ordered = sorted(registry.agencies, key=lambda a: a.id)
    return replace(registry, agencies=tuple(ordered[shard - 1 :: shards]))


def merge_runs(runs: Sequence[AuditRun], sources: Sequence[str]) -> AuditRun:
    """One run from the runs of several shards of the same audit; anything that differs is refused."""
    if not runs:
        raise ConfigError("nothing to merge: give the run folders of the shards", key="RUN_DIR")
    first = runs[0]
    seen: dict[str, str] = {}
    for run, source in zip(runs, sources, strict=True):
        for field in ("as_of", "province", "ruleset_version", "tool_version", "instruments", "categories"):
            if getattr(run, field) != getattr(first, field):
                raise ConfigError(
                    f"{field} differs from {sources[0]}: these are not shards of one audit", path=source, key=field
                )
        for card in run.scorecards:
            if card.agency.id in seen:
                raise ConfigError(
                    f"agency {card.agency.id!r} is also in {seen[card.agency.id]}: shards must not overlap",
                    path=source,
                    key="agencies",
                )
            seen[card.agency.id] = source
    cards = sorted((c for run in runs for c in run.scorecards), key=lambda c: c.agency.id)
    return replace(first, scorecards=tuple(cards))

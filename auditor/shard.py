"""Sharding a national audit: a deterministic partition of the agencies, and merging the shards back."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace

from .errors import ConfigError
from .hostgroups import host_groups
from .models import Agency, AuditRun, Registry

__all__ = ["merge_runs", "parse_shard", "select_shard"]

_SHARD = re.compile(r"^\s*(\d+)\s*/\s*(\d+)\s*$")


def parse_shard(value: str) -> tuple[int, int]:
    """``"K/N"`` → (K, N), 1 ≤ K ≤ N."""
    match = _SHARD.match(value)
    if match is None or not 1 <= int(match.group(1)) <= int(match.group(2)):
        raise ConfigError(f"{value!r} is not a shard; use K/N with 1 <= K <= N, e.g. 2/8", key="--shard")
    return int(match.group(1)), int(match.group(2))


def select_shard(registry: Registry, shard: int, shards: int) -> Registry:
    """Shard K of N: whole host groups, in order of their first id, each dealt to the emptiest shard.

    The emptiest shard is the one with the fewest agencies so far (ties: the lowest K); a shard's
    agencies come sorted by id. A host group is agencies whose scopes share a host (auditor.hostgroups).

    Politeness limits (per-host concurrency, delay) hold per host within one process, so two machines
    of a CI matrix must never crawl the same host at once: agencies sharing a host share a shard.
    Depends only on the registry, never on timing or machine, so every machine computes the same
    partition. Where no agencies share a host, shard K is the agencies at positions K, K+N, K+2N… in
    id order; in general the shards' sizes differ by at most the size of the largest group.
    """
    hand = _deal(host_groups(registry.agencies), shards)[shard - 1]
    return replace(registry, agencies=tuple(sorted(hand, key=lambda a: a.id)))


def _deal(groups: Sequence[Sequence[Agency]], shards: int) -> list[list[Agency]]:
    # Counted in agencies, not pages: the partition then depends on the registry alone, not on crawl options.
    hands: list[list[Agency]] = [[] for _ in range(shards)]
    for group in groups:
        fewest = min(range(shards), key=lambda k: (len(hands[k]), k))
        hands[fewest].extend(group)
    return hands


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

"""Scores from findings: a weighted share of what the law asks that the site delivers."""

from __future__ import annotations

from collections.abc import Iterable

from .models import Finding, Status

__all__ = ["CREDIT", "score_findings"]

# Partial credit: a stale or empty page is published but not kept up; a broken link shows intent.
CREDIT: dict[Status, float] = {
    Status.OK: 1.0,
    Status.STALE: 0.5,
    Status.EMPTY: 0.25,
    Status.BROKEN: 0.25,
    Status.MISSING: 0.0,
}


def score_findings(findings: Iterable[Finding]) -> tuple[int, bool]:
    """(score 0-100, scored): unknown findings neither pass nor fail.

    Advisory findings count only on sites that have nothing else (Party and mass-organisation
    sites, whose score is itself advisory). A site with nothing judged gets score 0 and ``scored``
    False, so a site that could not be checked is never mistaken for a compliant or a failing one.
    """
    findings = list(findings)
    binding = [f for f in findings if not f.advisory]
    earned = total = 0.0
    for finding in binding or findings:
        if finding.status is Status.UNKNOWN:
            continue
        total += finding.weight
        earned += finding.weight * CREDIT[finding.status]
    if total == 0:
        return 0, False
    return round(100 * earned / total), True

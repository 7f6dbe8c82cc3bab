"""What a report shows besides the run itself: approved exceptions, the comparison with the previous run, history."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum

from ..models import AuditRun, Finding, Status

__all__ = [
    "ESCALATE_AFTER_DAYS",
    "FAILING",
    "Change",
    "ChangeKind",
    "Comparison",
    "ReportContext",
    "RunSummary",
    "Waiver",
    "WaiverKind",
]

# A finding that has been failing for more than a quarter is escalated to the head of the agency.
ESCALATE_AFTER_DAYS = 92

FAILING: frozenset[Status] = frozenset({Status.STALE, Status.EMPTY, Status.BROKEN, Status.MISSING})


class WaiverKind(StrEnum):
    """How an approved exception changes the verdict on one category of one agency."""

    NOT_APPLICABLE = "not_applicable"  # the category does not apply: left out of the score
    PUBLISHED_AT = "published_at"  # published at a URL the crawl could not find: counted as ok


@dataclass(frozen=True, slots=True)
class Waiver:
    """An exception declared in exceptions.yaml, with who approved it and until when."""

    agency: str
    category: str
    kind: WaiverKind
    reason: str
    approved_by: str
    expires: dt.date
    url: str | None = None

    def active(self, on: dt.date) -> bool:
        """An exception counts up to and including its expiry date."""
        return on <= self.expires


class ChangeKind(StrEnum):
    NEWLY_FAILING = "newly_failing"  # failing now, and not failing (or less so) before
    FIXED = "fixed"  # failing before, ok now
    UNCHANGED = "unchanged"  # failing before and now


@dataclass(frozen=True, slots=True)
class Change:
    """One category of one agency whose verdict matters between two runs."""

    agency: str
    category: str
    kind: ChangeKind
    before: Status | None
    after: Status | None


@dataclass(frozen=True, slots=True)
class Comparison:
    """A run compared with the previous one."""

    old_as_of: dt.date
    new_as_of: dt.date
    changes: tuple[Change, ...]
    scores: tuple[tuple[str, int | None, int | None], ...]  # (agency, old score, new score), None if not scored

    def of_kind(self, kind: ChangeKind) -> tuple[Change, ...]:
        return tuple(c for c in self.changes if c.kind is kind)

    @property
    def regressed(self) -> bool:
        return bool(self.of_kind(ChangeKind.NEWLY_FAILING))


@dataclass(frozen=True, slots=True)
class RunSummary:
    """What the history keeps of an earlier run: its date, each agency's score and each finding's status.

    Never the run itself: a national audit's results.json is tens of megabytes, and a year of monthly
    runs held whole (and sent to the process that renders the workbook) would outgrow the audit.
    """

    as_of: dt.date
    scores: Mapping[str, int | None]  # agency id -> score, None when not scored
    statuses: Mapping[str, Mapping[str, Status]]  # agency id -> category -> status

    @classmethod
    def of(cls, run: AuditRun) -> RunSummary:
        return cls(
            run.as_of,
            {card.agency.id: card.score if card.scored else None for card in run.scorecards},
            {card.agency.id: {f.category: f.status for f in card.findings} for card in run.scorecards},
        )

    def status(self, agency: str, category: str) -> Status | None:
        return self.statuses.get(agency, {}).get(category)

    def by_finding(self) -> dict[tuple[str, str], Status]:
        """Every finding's status by (agency, category)."""
        return {(agency, category): status for agency, of in self.statuses.items() for category, status in of.items()}


@dataclass(frozen=True, slots=True)
class ReportContext:
    """Everything a renderer may show beyond ``AuditRun``; empty for a run rendered on its own."""

    waivers: tuple[Waiver, ...] = ()
    comparison: Comparison | None = None
    history: tuple[RunSummary, ...] = ()  # earlier runs, oldest first, for the score charts
    failing_since: dict[tuple[str, str], dt.date] = field(default_factory=dict)

    def waiver(self, agency: str, category: str, on: dt.date) -> Waiver | None:
        """The exception declared for this category of this agency, active or not."""
        for waiver in self.waivers:
            if waiver.agency == agency and waiver.category == category:
                return waiver
        return None

    def escalated(self, agency: str, finding: Finding, on: dt.date) -> bool:
        """Failing for more than one quarter (judged on consecutive earlier runs)."""
        since = self.failing_since.get((agency, finding.category))
        return finding.status in FAILING and since is not None and (on - since).days > ESCALATE_AFTER_DAYS

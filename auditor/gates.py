"""CI gates: thresholds a run must meet; a failed gate makes the command exit 1."""

from __future__ import annotations

from dataclasses import dataclass

from .errors import ConfigError
from .models import AuditRun, Status
from .report.context import Comparison
from .report.i18n import t

__all__ = ["Gates", "parse_fail_under", "province_score", "unknown_count"]


def province_score(run: AuditRun) -> int | None:
    """The province's score: the mean of the ranked agencies' scores (advisory and unscored sites left out)."""
    scores = [c.score for c in run.ranked() if c.scored]
    return round(sum(scores) / len(scores)) if scores else None


def unknown_count(run: AuditRun) -> int:
    """Binding findings that could not be determined."""
    return sum(1 for c in run.ranked() for f in c.findings if f.status is Status.UNKNOWN and not f.advisory)


def parse_fail_under(values: list[str]) -> tuple[int | None, dict[str, int]]:
    """``--fail-under 60`` (province) and ``--fail-under stc=70`` (one agency), repeatable."""
    province: int | None = None
    agencies: dict[str, int] = {}
    for value in values:
        agency, _, number = value.rpartition("=")
        if not number.isdigit() or not 0 <= int(number) <= 100 or (value.count("=") and not agency):
            raise ConfigError(f"{value!r}: use SCORE or AGENCY=SCORE, with SCORE 0-100", key="--fail-under")
        if agency:
            agencies[agency] = int(number)
        else:
            province = int(number)
    return province, agencies


@dataclass(frozen=True)
class Gates:
    """The thresholds requested on the command line; empty means none."""

    fail_under: int | None = None
    fail_under_agency: tuple[tuple[str, int], ...] = ()
    fail_on_regression: bool = False
    fail_on_unknown: int | None = None

    def check(self, run: AuditRun, comparison: Comparison | None, lang: str = "vi") -> list[str]:
        """One sentence per failed gate; an unknown agency id is a ConfigError."""
        failures = []
        if self.fail_under is not None:
            score = province_score(run)
            if score is None or score < self.fail_under:
                shown = score if score is not None else "-"
                failures.append(t("gate_province", lang).format(score=shown, threshold=self.fail_under))
        cards = {c.agency.id: c for c in run.scorecards}
        for agency, threshold in self.fail_under_agency:
            if agency not in cards:
                raise ConfigError(f"{agency!r} is not an agency of this run", key="--fail-under")
            card = cards[agency]
            if not card.scored or card.score < threshold:
                shown = card.score if card.scored else "-"
                failures.append(t("gate_agency", lang).format(agency=agency, score=shown, threshold=threshold))
        if self.fail_on_regression and comparison is not None and comparison.regressed:
            failures.append(t("gate_regression", lang).format(date=comparison.old_as_of.isoformat()))
        if self.fail_on_unknown is not None and unknown_count(run) > self.fail_on_unknown:
            failures.append(t("gate_unknown", lang).format(count=unknown_count(run), limit=self.fail_on_unknown))
        return failures

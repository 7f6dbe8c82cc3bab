"""Accuracy of the newest-date extraction on a labelled set of list and article pages.

The set lives in tests/data/newest_dates/: hand-written pages (hw*) in the styles of the field notes and
pages written by tests/data/newest_dates/generate.py (gen_*), each labelled in labels.yaml with the newest
genuine publication date a careful reader sees: the newest item of the page's own list, or the article's
own date. The measure is the aggregate, computed exactly as the audit takes a category's newest date.
Run with ``pytest -s`` to see the figures and every miss.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml

from auditor.extract.page import extract_page

DATA = Path(__file__).resolve().parent / "data" / "newest_dates"
DEFAULT_CONTENT_TYPE = "text/html; charset=utf-8"
MIN_PRECISION = 0.95
MIN_RECALL = 0.95
MIN_PAGES = 60
MIN_STYLES = 6


@dataclass(frozen=True)
class Case:
    file: str
    url: str
    as_of: dt.date
    expected: dt.date | None
    kind: str
    style: str
    note: str
    content_type: str


@dataclass(frozen=True)
class Outcome:
    case: Case
    got: dt.date | None

    @property
    def correct(self) -> bool:
        return self.got == self.case.expected


def _date(value: object) -> dt.date | None:
    if value is None:
        return None
    if isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value))


def load_cases() -> list[Case]:
    labels = yaml.safe_load((DATA / "labels.yaml").read_text(encoding="utf-8"))
    cases = []
    for name, entry in sorted(labels.items()):
        as_of = _date(entry["as_of"])
        assert as_of is not None, f"{name}: as_of is required"
        cases.append(
            Case(
                file=name,
                url=entry["url"],
                as_of=as_of,
                expected=_date(entry["expected"]),
                kind=entry["kind"],
                style=entry["style"],
                note=entry.get("note", ""),
                content_type=entry.get("content_type", DEFAULT_CONTENT_TYPE),
            )
        )
    return cases


def newest_date(case: Case) -> dt.date | None:
    """The category's newest date exactly as the audit takes it from one page."""
    body = (DATA / case.file).read_bytes()
    facts = extract_page(case.url, 200, body, content_type=case.content_type, as_of=case.as_of)
    dated = [i.date for i in facts.items if i.date is not None]
    return max(dated) if dated else facts.page_date


def measure(outcomes: list[Outcome]) -> tuple[float, float]:
    predicted = [o for o in outcomes if o.got is not None]
    labelled = [o for o in outcomes if o.case.expected is not None]
    hits = sum(1 for o in predicted if o.correct)
    precision = hits / len(predicted) if predicted else 1.0
    recall = hits / len(labelled) if labelled else 1.0
    return precision, recall


def report(outcomes: list[Outcome]) -> tuple[str, list[str]]:
    precision, recall = measure(outcomes)
    lines = [
        "",
        f"newest-date accuracy on {len(outcomes)} pages "
        f"({sum(o.case.expected is not None for o in outcomes)} with a date, "
        f"{sum(o.got is not None for o in outcomes)} predicted)",
        f"{'style':<14} {'pages':>5} {'correct':>7}",
    ]
    by_style = Counter(o.case.style for o in outcomes)
    right = Counter(o.case.style for o in outcomes if o.correct)
    for style in sorted(by_style):
        lines.append(f"{style:<14} {by_style[style]:>5} {right[style]:>7}")
    lines.append(f"precision {precision:.3f}  recall {recall:.3f}")
    misses = [
        f"{o.case.file}: expected {o.case.expected} got {o.got} ({o.case.kind}, {o.case.style}) - {o.case.note}"
        for o in outcomes
        if not o.correct
    ]
    lines.append(f"misses: {len(misses)}")
    lines.extend(f"  {m}" for m in misses)
    return "\n".join(lines), misses


@pytest.fixture(scope="module")
def cases() -> list[Case]:
    return load_cases()


def test_labelled_set_is_large_and_varied(cases: list[Case]) -> None:
    files = {p.name for p in DATA.iterdir() if p.suffix == ".html"}
    labelled = {c.file for c in cases}
    assert files == labelled, f"unlabelled: {sorted(files - labelled)}; missing files: {sorted(labelled - files)}"
    assert len(cases) >= MIN_PAGES
    assert len({c.style for c in cases}) >= MIN_STYLES
    assert {c.kind for c in cases} == {"list", "article"}
    assert sum(c.file.startswith("hw") for c in cases) >= 25
    assert any(c.expected is None for c in cases)
    for case in cases:
        size = (DATA / case.file).stat().st_size
        assert size < 60_000, f"{case.file} is {size} bytes"
        assert case.expected is None or case.expected <= case.as_of, case.file


def test_newest_date_precision_and_recall(cases: list[Case]) -> None:
    outcomes = [Outcome(case, newest_date(case)) for case in cases]
    text, misses = report(outcomes)
    print(text)
    precision, recall = measure(outcomes)
    message = (
        f"precision {precision:.3f} recall {recall:.3f} (need {MIN_PRECISION} and {MIN_RECALL}); misses:\n"
        + "\n".join(misses)
    )
    assert precision >= MIN_PRECISION, message
    assert recall >= MIN_RECALL, message

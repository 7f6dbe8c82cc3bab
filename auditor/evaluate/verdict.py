"""Judging each obligation of a site from what the crawl saw: one finding per category."""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Mapping
from dataclasses import dataclass, replace

from ..models import Evidence, Finding, Obligation, PageFacts, SiteStatus, Status

__all__ = ["Candidate", "PageRecord", "SiteCrawl", "judge_candidate", "judge_site", "site_reason"]

# Fewer characters than this in the main area, and no list items: the page says nothing.
MIN_CONTENT_CHARS = 200
# A static page (contacts: an address, a phone number) says what it must in fewer.
MIN_STATIC_CHARS = 60
# Verdicts from the most to the least favourable: the best candidate page speaks for the category.
_PREFERENCE = (Status.OK, Status.STALE, Status.EMPTY, Status.UNKNOWN, Status.BROKEN)


@dataclass(frozen=True, slots=True)
class Candidate:
    """A page that may hold a category, and how it was recognised."""

    category: str
    url: str
    found_via: str  # text | title | alt | image | slug | context | breadcrumb | heading
    label: str
    on_page: str
    rank: int  # 0: a menu, box or footer link, or the page naming itself; 1: a headline in a list
    in_scope: bool = True
    menu: bool = False  # linked from a menu, box or footer somewhere, or named by its own heading
    strength: int = 0  # length of the label phrase that named it: "Quy hoạch - Kế hoạch" names less than a full title


@dataclass(frozen=True, slots=True)
class PageRecord:
    """A fetched URL: its facts, or why there are none."""

    url: str
    status_code: int = 0
    facts: PageFacts | None = None
    error: str | None = None
    robots_blocked: bool = False


@dataclass(frozen=True, slots=True)
class SiteCrawl:
    """Everything the crawl of one site saw, with the HTML long gone."""

    site_status: SiteStatus
    site_detail: str
    pages: Mapping[str, PageRecord]  # by the URL asked for, and by a redirect's target (the same record)
    candidates: tuple[Candidate, ...]
    complete: bool  # every page the "missing" verdict depends on was examined


@dataclass(frozen=True, slots=True)
class _Verdict:
    status: Status
    reason: str
    latest: dt.date | None = None
    newest_title: str = ""
    newest_url: str = ""
    signal: str = ""
    items: int = 0
    pages: tuple[str, ...] = ()


def site_reason(status: SiteStatus) -> str:
    """The finding reason for every category of a site that could not be audited."""
    if status in (
        SiteStatus.UNREACHABLE,
        SiteStatus.UNREACHABLE_DNS,
        SiteStatus.UNREACHABLE_REFUSED,
    ):
        return "site_unreachable"
    return status.value


def _newest(facts: PageFacts, pages: Mapping[str, PageRecord], foreign: Collection[str]) -> _Verdict | None:
    """The newest dated item of a list page, reading followed item pages where items show no date.

    Items that are themselves another category's page (a side menu inside the content area) are
    not this category's items.
    """
    best: tuple[dt.date, str, str, str] | None = None
    read = [facts.url]
    for item in facts.items:
        if item.url in foreign:
            continue
        date, signal = item.date, item.date_signal
        if date is None:
            child = pages.get(item.url)
            if child is not None and child.facts is not None:
                read.append(item.url)
                child_facts = child.facts
                dated = [i for i in child_facts.items if i.date is not None]
                if child_facts.page_date is not None and not dated:
                    date, signal = (
                        child_facts.page_date,
                        f"item_page:{child_facts.page_date_signal}",
                    )
                elif dated:
                    top = max(dated, key=lambda i: i.date or dt.date.min)
                    date, signal = top.date, f"sub_list:{top.date_signal}"
        if date is not None and (best is None or date > best[0]):
            best = (date, signal, item.title, item.url)
    if best is None:
        if facts.page_date is not None and not facts.items:
            return _Verdict(
                Status.OK,
                "",
                facts.page_date,
                facts.title,
                facts.url,
                facts.page_date_signal,
                1,
                (facts.url,),
            )
        return None
    return _Verdict(Status.OK, "", best[0], best[2], best[3], best[1], len(facts.items), tuple(read))


def judge_candidate(
    candidate: Candidate,
    obligation: Obligation,
    pages: Mapping[str, PageRecord],
    as_of: dt.date,
    foreign: Collection[str] = (),
) -> _Verdict:
    """The verdict one candidate page supports."""
    if not candidate.in_scope:
        return _Verdict(Status.UNKNOWN, "out_of_scope", pages=(candidate.url,))
    record = pages.get(candidate.url)
    if record is None:
        return _Verdict(Status.UNKNOWN, "page_budget_exhausted", pages=(candidate.url,))
    if record.robots_blocked:
        return _Verdict(Status.UNKNOWN, "robots_disallowed", pages=(candidate.url,))
    if record.error is not None:
        if record.error in ("redirect_loop", "bad_redirect", "redirect_out_of_scope"):
            return _Verdict(Status.BROKEN, record.error, pages=(candidate.url,))
        return _Verdict(Status.UNKNOWN, record.error, pages=(candidate.url,))
    if record.status_code >= 400:
        return _Verdict(Status.BROKEN, f"http_{record.status_code}", pages=(candidate.url,))
    facts = record.facts
    if facts is None:
        return _Verdict(Status.UNKNOWN, "not_html", pages=(candidate.url,))
    if facts.not_found:
        return _Verdict(Status.BROKEN, "soft_404", pages=(candidate.url,))
    if facts.placeholder:
        return _Verdict(Status.EMPTY, "placeholder_text", pages=(candidate.url,))
    least = MIN_CONTENT_CHARS if obligation.category.dated else MIN_STATIC_CHARS
    if not facts.attachment and not facts.items and facts.main_text_chars < least:
        return _Verdict(Status.EMPTY, "no_content", pages=(candidate.url,))
    if facts.attachment:
        newest = _Verdict(
            Status.OK,
            "",
            facts.page_date,
            candidate.label,
            facts.url,
            facts.page_date_signal,
            1,
            (facts.url,),
        )
    else:
        newest = _newest(facts, pages, foreign) or _Verdict(Status.OK, "", items=len(facts.items), pages=(facts.url,))
    max_age = obligation.max_age_days
    if not obligation.category.dated:
        # A static page (structure, contacts) has no publication cycle: its dates mean nothing here.
        return _Verdict(Status.OK, "present", items=newest.items, pages=newest.pages)
    if max_age is None:
        return replace(newest, status=Status.OK, reason="present")
    if newest.latest is None:
        return _Verdict(Status.UNKNOWN, "no_date_found", items=newest.items, pages=newest.pages)
    age = (as_of - newest.latest).days
    if age <= max_age:
        return replace(newest, status=Status.OK, reason="fresh")
    return replace(newest, status=Status.STALE, reason="older_than_max_age")


def _finding(
    obligation: Obligation,
    status: Status,
    reason: str,
    *,
    url: str | None = None,
    verdict: _Verdict | None = None,
    candidate: Candidate | None = None,
) -> Finding:
    evidence = Evidence()
    if verdict is not None and candidate is not None:
        evidence = Evidence(
            pages=verdict.pages,
            link_text=candidate.label,
            found_via=f"{candidate.found_via} on {candidate.on_page}",
            newest_title=verdict.newest_title,
            newest_url=verdict.newest_url,
            date_signal=verdict.signal,
            items_seen=verdict.items,
        )
    return Finding(
        category=obligation.category.id,
        status=status,
        evidence_url=url,
        latest_date=verdict.latest if verdict is not None and status in (Status.OK, Status.STALE) else None,
        reason=reason,
        legal_basis=obligation.legal_basis,
        requirements=tuple(r.id for r in obligation.requirements),
        max_age_days=obligation.max_age_days,
        weight=obligation.weight,
        advisory=obligation.advisory,
        evidence=evidence,
    )


def judge_obligation(obligation: Obligation, crawl: SiteCrawl, as_of: dt.date) -> Finding:
    """One finding for one category of one site."""
    if crawl.site_status is not SiteStatus.REACHABLE:
        return _finding(obligation, Status.UNKNOWN, site_reason(crawl.site_status))
    candidates = [c for c in crawl.candidates if c.category == obligation.category.id]
    if not candidates:
        if not crawl.complete:
            return _finding(obligation, Status.UNKNOWN, "page_budget_exhausted")
        return _finding(obligation, Status.MISSING, "no_evidence")
    best_rank = min(c.rank for c in candidates)
    # Another category's page (a side menu inside the content area) is never this category's item.
    foreign = {c.url for c in crawl.candidates if c.category != obligation.category.id and c.menu}
    judged = [
        (judge_candidate(c, obligation, crawl.pages, as_of, foreign), c) for c in candidates if c.rank == best_rank
    ]
    verdict, candidate = min(
        judged,
        # The best verdict; among equals, a page the site's menus lead to, named most fully, then the newest.
        key=lambda vc: (
            _PREFERENCE.index(vc[0].status),
            not vc[1].menu,
            -vc[1].strength,
            -(vc[0].latest or dt.date.min).toordinal(),
        ),
    )
    return _finding(
        obligation,
        verdict.status,
        verdict.reason,
        url=candidate.url,
        verdict=verdict,
        candidate=candidate,
    )


def judge_site(obligations: tuple[Obligation, ...], crawl: SiteCrawl, as_of: dt.date) -> tuple[Finding, ...]:
    return tuple(judge_obligation(o, crawl, as_of) for o in obligations)

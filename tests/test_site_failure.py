"""A site the auditor itself fails on is that site's unknown findings; the rest of the audit goes on."""

from __future__ import annotations

from typing import Any

import pytest

from auditor.crawl.urls import host_of
from auditor.extract import page
from auditor.models import SiteStatus, Status
from auditor.report import FORMATS

from .conftest import audit_sample

AGENCIES = ("stc", "sgtvt", "thuannam")
FAILING = "sgtvt"


def test_an_exception_on_one_site_is_its_unknown_findings_and_the_others_are_audited(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    healthy = {card.agency.id: card for card in audit_sample(AGENCIES).scorecards}
    failing_host = host_of(healthy[FAILING].agency.url)
    extract = page.extract_page  # what every parse calls (auditor.extract.parse_page), cached or not

    def broken(url: str, *args: Any, **kwargs: Any) -> Any:
        if host_of(url) == failing_host:
            raise KeyError("a bug the auditor has on this site's pages")
        return extract(url, *args, **kwargs)

    monkeypatch.setattr(page, "extract_page", broken)
    run = audit_sample(AGENCIES)
    cards = {card.agency.id: card for card in run.scorecards}

    failed = cards[FAILING]
    assert failed.site_status is SiteStatus.AUDIT_ERROR
    assert "internal error at test_site_failure.py" in failed.site_reason
    assert "KeyError" in failed.site_reason
    assert failed.findings
    assert {f.status for f in failed.findings} == {Status.UNKNOWN}
    assert {f.reason for f in failed.findings} == {"audit_error"}
    assert healthy[FAILING].site_status is SiteStatus.REACHABLE  # it was the bug, not the site
    for agency_id, card in cards.items():
        if agency_id != FAILING:
            assert card == healthy[agency_id]
    for name, fmt in FORMATS.items():
        rendered = fmt.render(run, "vi")
        assert rendered, name
    assert "Lỗi của công cụ kiểm tra" in str(FORMATS["html"].render(run, "vi"))

"""What the auditor must report on the sample: one Expected per agency and category."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Protocol

from auditor.sample.agencies import SampleAgency
from auditor.sample.categories import applicable_categories
from auditor.sample.content import items_for, newest_date
from auditor.sample.spec import CategorySpec, GroundTruth, load_ground_truth

__all__ = ["Expected", "expected_findings", "plants_for"]

# Site-level failures turn every finding of the agency into "unknown" with this reason.
_SITE_REASONS = {
    "unreachable": "site_unreachable",
    "robots_disallowed": "robots_disallowed",
    "server_error": "server_error",
}


class _AgencyLike(Protocol):
    @property
    def id(self) -> str: ...
    @property
    def name(self) -> str: ...
    @property
    def type(self) -> str: ...
    @property
    def url(self) -> str: ...


@dataclass(frozen=True)
class Expected:
    """The finding the auditor must produce for one (agency, category)."""

    status: str
    latest_date: datetime.date | None
    reason: str | None


def _as_sample(agency: _AgencyLike) -> SampleAgency:
    if isinstance(agency, SampleAgency):
        return agency
    extra = tuple(str(h).lower() for h in getattr(agency, "extra_hosts", ()) or ())
    return SampleAgency(str(agency.id), str(agency.name), str(agency.type), str(agency.url), extra)


def _expected(agency: SampleAgency, category_id: str, kind: str, spec: CategorySpec) -> Expected:
    latest = None
    if spec.status in ("ok", "stale") and kind == "dated":
        # Same generator as the pages: the newest genuine publish date of the list.
        latest = newest_date(items_for(agency, category_id, spec))
        if spec.latest_date is not None and latest != spec.latest_date:
            raise AssertionError(f"{agency.id}/{category_id}: planted {spec.latest_date}, generated {latest}")
    return Expected(spec.status, latest, spec.reason)


def expected_findings(
    agencies: Iterable[_AgencyLike], truth: GroundTruth | None = None
) -> dict[tuple[str, str], Expected]:
    """Every (agency id, category id) the sample publishes or deliberately lacks.

    Categories are those the agency type is audited for (categories.applicable_categories):
    Party and mass-organisation sites only the general ones, official_gazette on the
    provincial portal only, locality_profile on the portal and districts, commune_disclosures
    on districts only. Undated pages (structure, leaders, contacts, locality, access section,
    English version) expect latest_date None.
    """
    truth = truth or load_ground_truth()
    findings: dict[tuple[str, str], Expected] = {}
    for raw in agencies:
        agency = _as_sample(raw)
        spec = truth.agencies[agency.id]
        for category in applicable_categories(agency.type):
            key = (agency.id, category.id)
            if spec.site != "ok":
                findings[key] = Expected("unknown", None, _SITE_REASONS[spec.site])
            else:
                findings[key] = _expected(agency, category.id, category.kind, spec.category(category.id))
    return findings


def plants_for(agency_id: str, category_id: str, truth: GroundTruth | None = None) -> frozenset[str]:
    """How the finding was planted (names documented in ground_truth.yaml), for test ids."""
    truth = truth or load_ground_truth()
    return truth.agencies[agency_id].category(category_id).plants

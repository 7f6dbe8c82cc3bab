"""Typed reading of ground_truth.yaml, the spec both the generator and the truth follow."""

from __future__ import annotations

import datetime
import functools
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from auditor.sample.categories import CATEGORY_BY_ID

__all__ = [
    "GROUND_TRUTH_PATH",
    "PLANTS",
    "PLATFORMS",
    "SITE_STATES",
    "STATUSES",
    "AgencySpec",
    "CategorySpec",
    "GroundTruth",
    "GroundTruthError",
    "SiteOptions",
    "load_ground_truth",
]

GROUND_TRUTH_PATH = Path(__file__).with_name("ground_truth.yaml")

PLATFORMS = frozenset({"portal_pages", "liferay", "nukeviet", "dotnetnuke", "drupal", "plain_php", "news_cms"})
SITE_STATES = frozenset({"ok", "unreachable", "robots_disallowed", "server_error"})
STATUSES = frozenset({"ok", "stale", "empty", "broken", "missing", "unknown"})
REASONS = frozenset({"out_of_scope", "site_unreachable", "robots_disallowed", "server_error"})
PLANTS = frozenset(
    {
        "image_only",
        "footer_only",
        "slug_only_no_d",
        "sitemap_only",
        "opaque_link",
        "offsite_only",
        "pdf_only_list",
        "file_name_dates",
        "undated_list",
        "title_dates_trap",
        "title_dates_old",
        "js_dates",
        "legacy_time",
        "http_404",
        "http_500",
        "soft_404",
        "empty_updating",
        "empty_nodata",
        "empty_list",
        "no_link",
    }
)
_OPTION_KEYS = frozenset(
    {
        "bom",
        "entities",
        "menu_case",
        "ascii_side",
        "html_sitemap",
        "sitemap_xml",
        "crawl_delay",
        "legal_host",
    }
)
_CATEGORY_KEYS = frozenset({"status", "latest_date", "reason", "plant", "label", "slug", "offsite_url"})
_AGENCY_KEYS = frozenset({"platform", "site", "options", "categories"})


class GroundTruthError(ValueError):
    """The ground-truth file does not follow its documented format."""


@dataclass(frozen=True)
class CategorySpec:
    """What was planted for one category of one agency."""

    status: str = "ok"
    latest_date: datetime.date | None = None
    reason: str | None = None
    plants: frozenset[str] = frozenset()
    label: str | None = None
    slug: str | None = None
    offsite_url: str | None = None


@dataclass(frozen=True)
class SiteOptions:
    """Rendering quirks of one site."""

    bom: bool = False
    entities: bool = False
    menu_case: str = "normal"
    ascii_side: bool = False
    html_sitemap: bool | None = None
    sitemap_xml: bool = False
    crawl_delay: float | None = None
    legal_host: str | None = None


@dataclass(frozen=True)
class AgencySpec:
    """Platform, site-level state and planted categories of one agency."""

    id: str
    platform: str
    site: str
    options: SiteOptions
    categories: Mapping[str, CategorySpec] = field(default_factory=dict)

    def category(self, category_id: str) -> CategorySpec:
        """The planted spec, or the default: present and fresh."""
        return self.categories.get(category_id, CategorySpec())


@dataclass(frozen=True)
class GroundTruth:
    """The whole file."""

    as_of: datetime.date
    agencies: Mapping[str, AgencySpec]


def _fail(where: str, message: str) -> GroundTruthError:
    return GroundTruthError(f"invalid ground truth: {where}: {message}")


def _check_keys(where: str, data: Mapping[str, Any], allowed: frozenset[str]) -> None:
    unknown = sorted(set(data) - allowed)
    if unknown:
        raise _fail(where, f'unknown key "{unknown[0]}" (allowed: {", ".join(sorted(allowed))})')


def _parse_category(where: str, data: Any) -> CategorySpec:
    if not isinstance(data, dict):
        raise _fail(where, "expected a mapping")
    _check_keys(where, data, _CATEGORY_KEYS)
    status = data.get("status", "ok")
    if status not in STATUSES:
        raise _fail(where, f'unknown status "{status}"')
    latest = data.get("latest_date")
    if latest is not None and not isinstance(latest, datetime.date):
        raise _fail(where, "latest_date must be a date (YYYY-MM-DD)")
    reason = data.get("reason")
    if (status == "unknown") != (reason is not None):
        raise _fail(where, "reason is required for status unknown and only for it")
    if reason is not None and reason not in REASONS:
        raise _fail(where, f'unknown reason "{reason}"')
    raw_plants = data.get("plant", [])
    plants = frozenset([raw_plants] if isinstance(raw_plants, str) else raw_plants)
    bad = sorted(plants - PLANTS)
    if bad:
        raise _fail(where, f'unknown plant "{bad[0]}"')
    if status == "stale" and latest is None:
        raise _fail(where, "a stale category needs its latest_date")
    return CategorySpec(
        status=status,
        latest_date=latest,
        reason=reason,
        plants=plants,
        label=data.get("label"),
        slug=data.get("slug"),
        offsite_url=data.get("offsite_url"),
    )


def _parse_agency(agency_id: str, data: Any) -> AgencySpec:
    where = f"agencies.{agency_id}"
    if not isinstance(data, dict):
        raise _fail(where, "expected a mapping")
    _check_keys(where, data, _AGENCY_KEYS)
    platform = data.get("platform")
    if platform not in PLATFORMS:
        raise _fail(where, f'unknown platform "{platform}"')
    site = data.get("site", "ok")
    if site not in SITE_STATES:
        raise _fail(where, f'unknown site state "{site}"')
    raw_options = data.get("options") or {}
    _check_keys(f"{where}.options", raw_options, _OPTION_KEYS)
    options = SiteOptions(**raw_options)
    categories: dict[str, CategorySpec] = {}
    for category_id, raw in (data.get("categories") or {}).items():
        if category_id not in CATEGORY_BY_ID:
            raise _fail(f"{where}.categories", f'unknown category "{category_id}"')
        categories[category_id] = _parse_category(f"{where}.categories.{category_id}", raw)
    return AgencySpec(agency_id, platform, site, options, categories)


@functools.cache
def load_ground_truth(path: Path = GROUND_TRUTH_PATH) -> GroundTruth:
    """Read and validate the ground-truth file (cached: it is read by every build)."""
    with path.open(encoding="utf-8") as handle:
        data = yaml.safe_load(handle)
    if not isinstance(data, dict) or not isinstance(data.get("as_of"), datetime.date):
        raise _fail(str(path), "expected a mapping with as_of and agencies")
    agencies = {str(k): _parse_agency(str(k), v) for k, v in (data.get("agencies") or {}).items()}
    return GroundTruth(as_of=data["as_of"], agencies=agencies)

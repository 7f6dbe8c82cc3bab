"""The auditor's data model: frozen dataclasses passed from one pipeline stage to the next."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass, field
from enum import StrEnum
from urllib.parse import urlsplit

__all__ = [
    "AGENCY_FUNCTIONS",
    "Agency",
    "AgencyType",
    "AuditRun",
    "Category",
    "CrawlSettings",
    "Cues",
    "Evidence",
    "Finding",
    "Instrument",
    "Item",
    "Link",
    "LocalText",
    "Obligation",
    "PageFacts",
    "Province",
    "Registry",
    "Requirement",
    "RuleSet",
    "Scope",
    "Scorecard",
    "Selector",
    "SiteStatus",
    "Status",
]


class AgencyType(StrEnum):
    """Kinds of site in a provincial e-portal (sites.yaml ``type``)."""

    PROVINCIAL_PORTAL = "provincial_portal"
    DEPARTMENT = "department"
    DISTRICT = "district"
    COMMUNE = "commune"
    PARTY_ORG = "party_org"


AGENCY_FUNCTIONS: tuple[str, ...] = (
    "planning_investment",
    "finance",
    "natural_resources_environment",
    "construction",
    "industry_trade",
    "agriculture",
    "transport",
    "information_communications",
    "home_affairs",
    "justice",
    "health",
    "education",
    "labour_social_affairs",
    "culture_sports_tourism",
    "science_technology",
    "foreign_affairs",
    "inspectorate",
    "ethnic_affairs",
    "industrial_zones",
    "office",
)


class Status(StrEnum):
    """A finding's verdict (results.json contract; meanings in README.md)."""

    OK = "ok"
    STALE = "stale"
    EMPTY = "empty"
    BROKEN = "broken"
    MISSING = "missing"
    UNKNOWN = "unknown"


class SiteStatus(StrEnum):
    """How the crawl of one site ended; anything but REACHABLE makes its findings unknown."""

    REACHABLE = "reachable"
    UNREACHABLE_DNS = "unreachable:dns"
    UNREACHABLE_REFUSED = "unreachable:refused"
    UNREACHABLE = "unreachable"
    TIMEOUT = "timeout"
    TLS_ERROR = "tls_error"
    BLOCKED_403 = "blocked_403"
    SERVER_ERROR = "server_error"
    ROBOTS_DISALLOWED = "robots_disallowed"
    NOT_HTML = "not_html"
    # The auditor itself failed on this site (a bug to report); the rest of the audit went on.
    AUDIT_ERROR = "audit_error"


@dataclass(frozen=True, slots=True)
class LocalText:
    """A text in Vietnamese with its English translation."""

    vi: str
    en: str

    def get(self, lang: str) -> str:
        return self.en if lang == "en" else self.vi


# ---------------------------------------------------------------- registry (sites.yaml)


@dataclass(frozen=True, slots=True)
class Province:
    id: str
    name: str


@dataclass(frozen=True, slots=True)
class Scope:
    """The registered hosts of an agency, plus subdomains of its own host (vbpq.<host> for documents).

    Subdomains of ``extra_hosts`` are not included: the portal lists ninhthuan.gov.vn, whose
    subdomains are every other agency's site.
    """

    hosts: frozenset[str]
    own_host: str

    def __contains__(self, host: object) -> bool:
        if not isinstance(host, str):
            return False
        return host in self.hosts or (bool(self.own_host) and host.endswith("." + self.own_host))

    def __iter__(self) -> Iterator[str]:
        return iter(sorted(self.hosts))


@dataclass(frozen=True, slots=True)
class Agency:
    """One component site of the portal, as registered in sites.yaml."""

    id: str
    name: str
    type: AgencyType
    functions: tuple[str, ...]
    url: str
    extra_hosts: tuple[str, ...] = ()
    page_budget: int | None = None
    tls_verify: bool = True
    obey_robots: bool = True
    crawl_delay: float | None = None

    @property
    def host(self) -> str:
        return (urlsplit(self.url).hostname or "").lower()

    @property
    def hosts(self) -> Scope:
        """Host names in the audit's scope for this agency: links elsewhere are never fetched."""
        return Scope(frozenset((self.host, *self.extra_hosts)), self.host)

    @property
    def advisory_only(self) -> bool:
        # Party and mass-organisation sites are not bound by the disclosure laws.
        return self.type is AgencyType.PARTY_ORG


@dataclass(frozen=True, slots=True)
class CrawlSettings:
    """Crawl limits and politeness; defaults live in ``auditor.crawl.defaults``."""

    page_budget: int
    max_depth: int
    per_host_concurrency: int
    global_concurrency: int
    delay: float
    connect_timeout: float
    read_timeout: float
    page_timeout: float
    site_timeout: float
    retries: int
    max_page_bytes: int
    user_agent: str
    obey_robots: bool = True
    mode: str = "focused"


@dataclass(frozen=True, slots=True)
class Registry:
    """The parsed sites.yaml."""

    province: Province
    agencies: tuple[Agency, ...]
    source: str = ""


# ---------------------------------------------------------------- rules


@dataclass(frozen=True, slots=True)
class Cues:
    """How a category is recognised: label phrases, extra slugs, page titles and negative phrases."""

    labels: tuple[str, ...]
    slugs: tuple[str, ...] = ()
    titles: tuple[str, ...] = ()
    negative: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Category:
    """A kind of information that must be published (rules/categories.yaml)."""

    id: str
    name: LocalText
    description: LocalText
    fix: LocalText
    dated: bool
    cues: Cues


@dataclass(frozen=True, slots=True)
class Instrument:
    """A legal instrument (decree, law, circular) and the period it is in force."""

    id: str
    short: str
    title: LocalText
    effective_from: dt.date
    effective_until: dt.date | None
    verified: bool
    source: str
    replaces: tuple[str, ...] = ()
    province: str | None = None  # set on a province's overlay

    def in_force(self, on: dt.date) -> bool:
        return self.effective_from <= on and (self.effective_until is None or on <= self.effective_until)


@dataclass(frozen=True, slots=True)
class Selector:
    """Which agencies a requirement binds: a type, optionally narrowed to some functions."""

    type: AgencyType
    functions: frozenset[str] = frozenset()

    def matches(self, agency: Agency) -> bool:
        if agency.type is not self.type:
            return False
        return not self.functions or bool(self.functions.intersection(agency.functions))


@dataclass(frozen=True, slots=True)
class Requirement:
    """One article of one instrument requiring one category of some agencies."""

    id: str
    instrument: Instrument
    category: str
    citation: str
    verified: bool
    applies_to: tuple[Selector, ...]
    max_age_days: int | None
    weight: int
    advisory: bool = False
    deadline: LocalText | None = None
    note: LocalText | None = None

    def applies(self, agency: Agency, on: dt.date) -> bool:
        return self.instrument.in_force(on) and any(s.matches(agency) for s in self.applies_to)

    @property
    def legal_basis(self) -> str:
        return f"{self.instrument.short} {self.citation}"


@dataclass(frozen=True, slots=True)
class Obligation:
    """A category an agency must publish on the audit date, with every requirement behind it."""

    category: Category
    requirements: tuple[Requirement, ...]

    @property
    def max_age_days(self) -> int | None:
        """The strictest applicable maximum age (a category is evaluated once, cites all)."""
        ages = [r.max_age_days for r in self.requirements if r.max_age_days is not None]
        return min(ages) if ages else None

    @property
    def weight(self) -> int:
        return max(r.weight for r in self.requirements)

    @property
    def advisory(self) -> bool:
        return all(r.advisory for r in self.requirements)

    @property
    def legal_basis(self) -> str:
        return "; ".join(r.legal_basis for r in self.requirements)


@dataclass(frozen=True, slots=True)
class RuleSet:
    """Every category and requirement of rules/, validated."""

    version: str
    categories: tuple[Category, ...]
    requirements: tuple[Requirement, ...]
    source: str = ""

    def category(self, category_id: str) -> Category:
        for category in self.categories:
            if category.id == category_id:
                return category
        raise KeyError(category_id)

    def instruments_in_force(self, on: dt.date) -> tuple[Instrument, ...]:
        seen = {r.instrument.id: r.instrument for r in self.requirements if r.instrument.in_force(on)}
        return tuple(seen[k] for k in sorted(seen))

    def obligations(self, agency: Agency, on: dt.date) -> tuple[Obligation, ...]:
        """The categories this agency must publish on ``on``, in catalogue order."""
        by_category: dict[str, list[Requirement]] = {}
        for requirement in self.requirements:
            if requirement.applies(agency, on):
                by_category.setdefault(requirement.category, []).append(requirement)
        return tuple(
            Obligation(c, tuple(sorted(by_category[c.id], key=lambda r: r.id)))
            for c in self.categories
            if c.id in by_category
        )


# ---------------------------------------------------------------- extracted page facts


@dataclass(frozen=True, slots=True)
class Link:
    """A hyperlink and every clue to what it leads to."""

    url: str
    text: str = ""
    title: str = ""
    image_alt: str = ""
    image_src: str = ""
    region: str = "main"  # header | nav | side | main | footer | pager
    # The hash, worked out on first use: the crawl looks each link of a page up among those it has
    # weighed, and a rerun's links are mostly the same objects page after page (menus, footers).
    # 0 until then; a real hash of 0 is worked out each time, which is still right. A field only
    # because a slots dataclass has no other room for it: a copy is made from the init fields.
    _hash: int = field(default=0, init=False, repr=False, compare=False)

    def __hash__(self) -> int:
        known = self._hash
        if known:
            return known
        known = hash(self._fields())
        object.__setattr__(self, "_hash", known)
        return known

    def __reduce__(self) -> tuple[type[Link], tuple[str, str, str, str, str, str]]:
        # Rebuilt from its fields, never with the hash: another process hashes strings differently.
        return Link, self._fields()

    def _fields(self) -> tuple[str, str, str, str, str, str]:
        """The init fields in order: what equality compares and a copy is made from."""
        return (self.url, self.text, self.title, self.image_alt, self.image_src, self.region)


@dataclass(frozen=True, slots=True)
class Item:
    """One entry of a list page: a news item, a document, an attachment."""

    title: str
    url: str
    date: dt.date | None
    date_signal: str = ""
    attachment: bool = False


@dataclass(frozen=True, slots=True)
class PageFacts:
    """What one fetched page says, with the HTML itself already dropped."""

    url: str
    status_code: int
    title: str = ""
    headings: tuple[str, ...] = ()
    breadcrumb: tuple[str, ...] = ()
    links: tuple[Link, ...] = ()
    items: tuple[Item, ...] = ()
    # None for a list of two or more items some of which are dated: nothing reads it there.
    page_date: dt.date | None = None
    page_date_signal: str = ""
    # Counted up to auditor.extract.page.MAIN_TEXT_HEAD (3000): only thresholds below read it.
    main_text_chars: int = 0
    placeholder: bool = False
    not_found: bool = False
    attachment: bool = False
    next_pages: tuple[str, ...] = ()


# ---------------------------------------------------------------- findings and scores


@dataclass(frozen=True, slots=True)
class Evidence:
    """Where a verdict was read: the pages, the newest item and the signal that dated it."""

    pages: tuple[str, ...] = ()
    link_text: str = ""
    found_via: str = ""  # how the page was recognised: text, image, slug, title, breadcrumb
    newest_title: str = ""
    newest_url: str = ""
    date_signal: str = ""
    items_seen: int = 0


@dataclass(frozen=True, slots=True)
class Finding:
    """The verdict on one category of one agency."""

    category: str
    status: Status
    evidence_url: str | None
    latest_date: dt.date | None
    reason: str
    legal_basis: str
    requirements: tuple[str, ...] = ()
    max_age_days: int | None = None
    weight: int = 1
    advisory: bool = False
    evidence: Evidence = field(default_factory=Evidence)


@dataclass(frozen=True, slots=True)
class Scorecard:
    """One agency's findings and score."""

    agency: Agency
    site_status: SiteStatus
    site_reason: str
    findings: tuple[Finding, ...]
    score: int
    scored: bool
    pages_fetched: int = 0


@dataclass(frozen=True, slots=True)
class AuditRun:
    """A whole audit: what the reports are rendered from."""

    as_of: dt.date
    province: Province
    ruleset_version: str
    instruments: tuple[Instrument, ...]
    scorecards: tuple[Scorecard, ...]
    tool_version: str
    categories: tuple[Category, ...] = ()

    def category_name(self, category_id: str, lang: str) -> str:
        for category in self.categories:
            if category.id == category_id:
                return category.name.get(lang)
        return category_id

    def ranked(self) -> list[Scorecard]:
        """Scorecards in ranking order: binding sites only, scored ones by score, then by id."""
        cards = [c for c in self.scorecards if not c.agency.advisory_only]
        return sorted(cards, key=lambda c: (not c.scored, -c.score, c.agency.id))

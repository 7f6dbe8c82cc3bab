"""Per-site plan: which categories exist, under which label and slug, linked from where."""

from __future__ import annotations

from dataclasses import dataclass, field

from auditor.sample.agencies import SampleAgency
from auditor.sample.categories import Category, applicable_categories
from auditor.sample.content import Item, items_for
from auditor.sample.spec import AgencySpec, CategorySpec
from auditor.sample.text import rng_for

__all__ = [
    "FOOTER",
    "HEADER",
    "HOME_BOX",
    "IMAGE_ONLY",
    "MENU",
    "OFFSITE",
    "OPAQUE",
    "SIDE_IMAGE",
    "SIDE_TEXT",
    "SITEMAP",
    "SLUG_ICON",
    "CategoryPlan",
    "SitePlan",
    "plan_site",
]

# Where a link to a category can sit.
MENU = "menu"  # top menu or its dropdown
SIDE_TEXT = "side_text"  # text link in a side box
SIDE_IMAGE = "side_image"  # banner image with an alt text naming the category
FOOTER = "footer"
SITEMAP = "sitemap"  # the HTML site map page ("Sơ đồ cổng")
HOME_BOX = "home_box"  # a box of latest items on the home page, titled with a link
HEADER = "header"  # language flag in the header
IMAGE_ONLY = "image_only"  # banner with alt="", the file name is the only clue
SLUG_ICON = "slug_icon"  # icon with a meaningless name; the slug is the only clue
OPAQUE = "opaque"  # meaningless image and URL; only the target's heading names it
OFFSITE = "offsite"  # a labelled link to another host only

_ACCESS_PLANTS = {
    "image_only": frozenset({IMAGE_ONLY}),
    "footer_only": frozenset({FOOTER}),
    "slug_only_no_d": frozenset({SLUG_ICON}),
    "sitemap_only": frozenset({SITEMAP}),
    "opaque_link": frozenset({OPAQUE}),
    "offsite_only": frozenset({OFFSITE}),
    "no_link": frozenset(),
}
_HTML_SITEMAP_BY_PLATFORM = {
    "portal_pages": True,
    "liferay": True,
    "nukeviet": True,
    "dotnetnuke": True,
    "drupal": True,
    "plain_php": False,
    "news_cms": False,
}


@dataclass
class CategoryPlan:
    """One category on one site; path and url are filled in by the platform."""

    category: Category
    spec: CategorySpec
    label: str
    slug: str
    target: str  # list | static | empty | http_404 | http_500 | soft_404 | offsite | none
    items: tuple[Item, ...]
    placements: frozenset[str]
    image: str
    path: str = ""
    url: str = ""

    @property
    def id(self) -> str:
        """The category id."""
        return self.category.id

    @property
    def plants(self) -> frozenset[str]:
        """Plant names from the ground truth."""
        return self.spec.plants

    @property
    def restricted(self) -> bool:
        """True when an access plant limits where the category is linked."""
        return bool(self.spec.plants & set(_ACCESS_PLANTS))


@dataclass
class SitePlan:
    """Everything platform-independent about one agency's site."""

    agency: SampleAgency
    spec: AgencySpec
    categories: dict[str, CategoryPlan]
    html_sitemap: bool
    peers: tuple[SampleAgency, ...]
    uid_rank: dict[str, int] = field(default_factory=dict)

    @property
    def news(self) -> CategoryPlan:
        """The news category, present on every site."""
        return self.categories["news_events"]

    def linked(self, placement: str) -> list[CategoryPlan]:
        """Categories linked from that kind of place, in table order."""
        return [c for c in self.categories.values() if placement in c.placements]


def _history_label(agency: SampleAgency, rng_pick: int) -> str:
    if agency.type == "provincial_portal":
        own = "Lãnh đạo tỉnh"
    elif agency.type == "district":
        own = "Lãnh đạo UBND"
    elif agency.type == "party_org":
        own = "Ban Thường vụ"
    elif agency.name.startswith("Sở"):
        own = "Lãnh đạo Sở"
    elif agency.name.startswith("Ban"):
        own = "Lãnh đạo Ban"
    else:
        own = "Ban lãnh đạo"
    return (own, own, "Lịch sử hình thành", "Ban lãnh đạo")[rng_pick % 4]


def _locality_label(agency: SampleAgency, rng_pick: int) -> str:
    if agency.type == "provincial_portal":
        options = ("Tổng quan về tỉnh", "Giới thiệu chung", "Điều kiện tự nhiên")
    elif "thành phố" in agency.name:
        options = ("Giới thiệu về thành phố", "Tổng quan", "Điều kiện tự nhiên, xã hội")
    else:
        options = ("Tổng quan về huyện", "Giới thiệu chung", "Điều kiện tự nhiên")
    return options[rng_pick % len(options)]


def _target(category: Category, spec: CategorySpec, site_state: str) -> str:
    # A site that cannot be audited (unreachable, robots, 503) still carries normal content:
    # what the auditor must say about it comes from the site state, not from the pages.
    if site_state != "ok":
        return "static" if category.kind == "static" else "list"
    if spec.status == "missing":
        return "none"
    if "offsite_only" in spec.plants:
        return "offsite"
    for failure in ("http_404", "http_500", "soft_404"):
        if failure in spec.plants:
            return failure
    if spec.status == "empty":
        return "empty"
    return "static" if category.kind == "static" else "list"


def _default_placements(category: Category, plan_rng_pick: float, extra_pick: float) -> set[str]:
    if category.id == "english_content":
        return {HEADER}
    if category.id == "news_events":
        return {MENU, HOME_BOX}
    if category.id == "contact_info":
        return {MENU, FOOTER}
    if category.group == "gioithieu":
        return {MENU}
    places = {MENU if plan_rng_pick < 0.55 else SIDE_TEXT if plan_rng_pick < 0.8 else SIDE_IMAGE}
    if category.id == "recruitment_personnel" and extra_pick < 0.5:
        places.add(FOOTER)
    if category.id in ("direction_operation", "legal_documents") or (category.kind == "dated" and extra_pick < 0.12):
        places.add(HOME_BOX)
    return places


def plan_site(agency: SampleAgency, spec: AgencySpec, peers: tuple[SampleAgency, ...]) -> SitePlan:
    """Decide labels, slugs, targets and link places of every category of the site."""
    sitemap_plant = any("sitemap_only" in c.plants for c in spec.categories.values())
    html_sitemap = spec.options.html_sitemap
    if html_sitemap is None:
        html_sitemap = _HTML_SITEMAP_BY_PLATFORM[spec.platform]
    html_sitemap = html_sitemap or sitemap_plant
    categories: dict[str, CategoryPlan] = {}
    for category in applicable_categories(agency.type):
        cat_spec = spec.category(category.id)
        if spec.site != "ok":
            cat_spec = CategorySpec()
        rng = rng_for(agency.id, category.id, "plan")
        pick = rng.randrange(1000)
        if cat_spec.label:
            label = cat_spec.label
        elif category.id == "agency_history_leaders":
            label = _history_label(agency, pick)
        elif category.id == "locality_profile":
            label = _locality_label(agency, pick)
        else:
            # The first label is the most common one on real sites.
            weights = [4] + [1] * (len(category.labels) - 1)
            label = rng.choices(category.labels, weights=weights)[0]
        slug = cat_spec.slug or rng.choice(category.slugs)
        access = [p for p in cat_spec.plants if p in _ACCESS_PLANTS]
        if access:
            placements = set(_ACCESS_PLANTS[access[0]])
        else:
            placements = _default_placements(category, rng.random(), rng.random())
            if html_sitemap:
                placements.add(SITEMAP)
        target = _target(category, cat_spec, spec.site)
        # Image-only plants use the banner names seen on real sites (congkhaingansach.jpg, …).
        image = category.images[0] if "image_only" in cat_spec.plants else rng.choice(category.images)
        categories[category.id] = CategoryPlan(
            category=category,
            spec=cat_spec,
            label=label,
            slug=slug,
            target=target,
            items=items_for(agency, category.id, cat_spec),
            placements=frozenset(placements),
            image=image,
        )
    plan = SitePlan(agency, spec, categories, html_sitemap, peers)
    # Ids grow with publish time, as auto-increment ids do on real CMSs.
    every = sorted((item.published, item.key) for cp in categories.values() for item in cp.items)
    plan.uid_rank = {key: rank for rank, (_, key) in enumerate(every)}
    return plan

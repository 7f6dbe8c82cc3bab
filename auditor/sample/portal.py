"""Builds the whole sample portal: one deterministic Site per registered host."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator, Mapping
from pathlib import Path

from auditor.sample.agencies import SampleAgency, load_agencies
from auditor.sample.plan import SitePlan, plan_site
from auditor.sample.platforms import PLATFORM_CLASSES
from auditor.sample.platforms.base import Platform
from auditor.sample.platforms.documents import DocumentSystem
from auditor.sample.spec import GroundTruth, load_ground_truth
from auditor.sample.web import Response, Site, redirect

__all__ = [
    "Portal",
    "Response",
    "SampleAgency",
    "Site",
    "build_portal",
    "default_sites_yaml",
    "load_agencies",
    "portal_digest",
]


def default_sites_yaml() -> Path:
    """The registry the sample reproduces: the repository's sites.yaml, or the bundled copy."""
    here = Path(__file__).resolve()
    for candidate in (here.parents[2] / "sites.yaml", here.parents[1] / "_bundled" / "sites.yaml"):
        if candidate.is_file():
            return candidate
    raise FileNotFoundError("sites.yaml not found next to the package")


class Portal(Mapping[str, Site]):
    """Lower-case host name -> Site, plus which hosts belong to which agency."""

    def __init__(
        self,
        sites: dict[str, Site],
        agency_hosts: dict[str, tuple[str, ...]],
        unreachable_hosts: frozenset[str],
        plans: dict[str, SitePlan],
    ) -> None:
        self._sites = sites
        self.agency_hosts = agency_hosts
        self.unreachable_hosts = unreachable_hosts
        self.plans = plans

    def __getitem__(self, host: str) -> Site:
        return self._sites[host.lower()]

    def __iter__(self) -> Iterator[str]:
        return iter(self._sites)

    def __len__(self) -> int:
        return len(self._sites)

    def site_for(self, agency_id: str) -> Site:
        """The main site of an agency."""
        return self._sites[self.agency_hosts[agency_id][0]]


def _alias(host: str, canonical: str, server: str, agency_id: str, platform: str) -> Site:
    # Bare and alternative host names redirect permanently to the registered one.
    def fallback(target: str) -> Response:
        return redirect(f"https://{canonical}{target}", server=server, status=301)

    return Site(
        host=host,
        agency_id=agency_id,
        platform=platform,
        state="ok",
        server=server,
        routes={},
        fallback=fallback,
    )


def build_portal(agencies: list[SampleAgency], truth: GroundTruth | None = None) -> Portal:
    """Generate every agency's site as the ground truth plans it (pure and deterministic)."""
    truth = truth or load_ground_truth()
    peers = tuple(agencies)
    sites: dict[str, Site] = {}
    agency_hosts: dict[str, tuple[str, ...]] = {}
    unreachable: set[str] = set()
    plans: dict[str, SitePlan] = {}
    for agency in agencies:
        spec = truth.agencies.get(agency.id)
        if spec is None:
            raise KeyError(f"ground truth has no entry for agency {agency.id!r}")
        plan = plan_site(agency, spec, peers)
        plans[agency.id] = plan
        platform: Platform = PLATFORM_CLASSES[spec.platform](plan)
        host = agency.host
        category_urls = {cp.id: (cp.url or None) for cp in plan.categories.values()}
        routes = platform.build_routes()
        sites[host] = Site(
            host=host,
            agency_id=agency.id,
            platform=spec.platform,
            state=spec.site,
            server=platform.server,
            routes=routes,
            fallback=platform.fallback,
            case_insensitive=platform.case_insensitive,
            category_urls=category_urls,
            category_pages=platform.category_pages,
        )
        hosts = [host]
        for extra in agency.extra_hosts:
            sites[extra] = _alias(extra, host, platform.server, agency.id, spec.platform)
            hosts.append(extra)
        if spec.options.legal_host:
            documents = DocumentSystem(plan, spec.options.legal_host)
            sites[documents.host] = Site(
                host=documents.host,
                agency_id=agency.id,
                platform="documents",
                state=spec.site,
                server=documents.server,
                routes=documents.build_routes(),
                fallback=documents.fallback,
            )
            hosts.append(documents.host)
        agency_hosts[agency.id] = tuple(hosts)
        if spec.site == "unreachable":
            unreachable.update(hosts)
    return Portal(sites, agency_hosts, frozenset(unreachable), plans)


def portal_digest(portal: Portal) -> str:
    """SHA-256 over every route of every site: equal digests mean byte-identical portals."""
    digest = hashlib.sha256()
    for host in sorted(portal):
        site = portal[host]
        for path in site.paths():
            response = site.render(path)
            digest.update(f"{host}\n{path}\n{response.status}\n{response.headers}\n".encode())
            digest.update(response.body)
    return digest.hexdigest()

"""A minimal reference crawler (aiohttp + selectolax): same-site breadth-first per site, links and dates parsed.

It is the yardstick of the benchmark: what a plain, fast crawler costs on the same corpus with the same limits.
It reads the auditor's sites.yaml (only ``url`` and ``extra_hosts``) and takes the same ``--connect-to``
flags, then prints one JSON line: pages fetched, links and dates seen, errors.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import re
import socket
import sys
from collections import Counter, deque
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urljoin, urlsplit, urlunsplit

import aiohttp
import yaml
from aiohttp.abc import AbstractResolver, ResolveResult
from selectolax.lexbor import LexborHTMLParser

__all__ = ["main"]

DATE = re.compile(r"\b(\d{1,2})/(\d{1,2})/(\d{4})\b", re.ASCII)
# Attachments are not pages: the auditor does not read them either unless they name a category.
SKIPPED_SUFFIXES = (".pdf", ".doc", ".docx", ".xls", ".xlsx", ".odt", ".ods", ".rar", ".zip", ".jpg", ".png")


class _MappedResolver(AbstractResolver):
    """Sends each registered host to its address and port, like the auditor's --connect-to; refuses others."""

    def __init__(self, mapping: dict[str, tuple[str, int]]) -> None:
        self.mapping = mapping

    async def resolve(
        self, host: str, port: int = 0, family: socket.AddressFamily = socket.AF_INET
    ) -> list[ResolveResult]:
        target = self.mapping.get(host.lower())
        if target is None:
            raise OSError(f"host {host!r} is not in the connect-to map")
        address, mapped_port = target
        return [
            {
                "hostname": host,
                "host": address,
                "port": mapped_port,
                "family": socket.AF_INET,
                "proto": 0,
                "flags": socket.AI_NUMERICHOST,
            }
        ]

    async def close(self) -> None:
        return None


@dataclass
class Totals:
    """What the crawl saw, summed over every site."""

    pages: int = 0
    errors: Counter[str] = field(default_factory=Counter)
    links: int = 0
    dates: int = 0
    bytes: int = 0
    per_site: dict[str, int] = field(default_factory=dict)


def _page_url(base: str, href: str) -> str | None:
    """An absolute http(s) URL without its fragment, or None for what is not a page."""
    url = urljoin(base, href.strip())
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return None
    if parts.path.lower().endswith(SKIPPED_SUFFIXES):
        return None
    return urlunsplit((parts.scheme, parts.netloc.lower(), parts.path or "/", parts.query, ""))


def parse(url: str, body: bytes, totals: Totals) -> list[str]:
    """Every link of the page (a[href]) and every dd/mm/yyyy date of its text."""
    tree = LexborHTMLParser(body)
    links = []
    for node in tree.css("a[href]"):
        href = node.attributes.get("href")
        if href:
            target = _page_url(url, href)
            if target is not None:
                links.append(target)
    text = tree.body.text(separator=" ") if tree.body is not None else ""
    for match in DATE.finditer(text):
        day, month = int(match.group(1)), int(match.group(2))
        if 1 <= day <= 31 and 1 <= month <= 12:
            totals.dates += 1
    totals.links += len(links)
    return links


async def crawl_site(
    session: aiohttp.ClientSession,
    in_flight: asyncio.Semaphore,
    home: str,
    hosts: frozenset[str],
    concurrency: int,
    budget: int,
    totals: Totals,
) -> None:
    """Breadth-first over the site's hosts, ``concurrency`` requests at a time, at most ``budget`` pages."""
    queue: deque[str] = deque([home])
    seen = {home}
    inflight: set[asyncio.Task[None]] = set()
    fetched = 0

    async def fetch(url: str) -> None:
        try:
            # The request's timeout starts once it holds a global slot, not while it queues for one.
            async with in_flight, session.get(url, allow_redirects=True) as response:
                body = await response.read()
                totals.bytes += len(body)
                if response.status >= 400:
                    totals.errors[f"HTTP {response.status}"] += 1
                    return
                if "html" not in response.headers.get("content-type", "html"):
                    return
        except (aiohttp.ClientError, OSError, TimeoutError) as exc:
            totals.errors[type(exc).__name__] += 1
            return
        for link in parse(url, body, totals):
            if link not in seen and (urlsplit(link).hostname or "") in hosts:
                seen.add(link)
                queue.append(link)

    while queue or inflight:
        while queue and len(inflight) < concurrency and fetched < budget:
            fetched += 1
            task = asyncio.ensure_future(fetch(queue.popleft()))
            inflight.add(task)
        if not inflight:
            break
        done, inflight = await asyncio.wait(inflight, return_when=asyncio.FIRST_COMPLETED)
        for task in done:
            task.result()
    totals.pages += fetched
    totals.per_site[home] = fetched


def _sites(path: Path) -> list[tuple[str, frozenset[str]]]:
    registry: dict[str, Any] = yaml.safe_load(path.read_text(encoding="utf-8"))
    sites = []
    for agency in registry["agencies"]:
        url = str(agency["url"])
        hosts = {(urlsplit(url).hostname or "").lower(), *(h.lower() for h in agency.get("extra_hosts", []))}
        sites.append((url, frozenset(hosts)))
    return sites


def _connect_map(entries: list[str]) -> dict[str, tuple[str, int]]:
    mapping = {}
    for entry in entries:
        host, _, target = entry.partition("=")
        address, _, port = target.rpartition(":")
        mapping[host.lower()] = (address, int(port))
    return mapping


async def run(args: argparse.Namespace) -> Totals:
    totals = Totals()
    # Requests in flight over all sites; each site also keeps at most --per-host-concurrency of its own.
    in_flight = asyncio.Semaphore(args.global_concurrency)
    connector = aiohttp.TCPConnector(limit=0, resolver=_MappedResolver(_connect_map(args.connect_to)))
    timeout = aiohttp.ClientTimeout(total=45, connect=10)
    async with aiohttp.ClientSession(connector=connector, timeout=timeout) as session:
        await asyncio.gather(
            *(
                crawl_site(session, in_flight, url, hosts, args.per_host_concurrency, args.page_budget, totals)
                for url, hosts in _sites(args.sites)
            )
        )
    return totals


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sites", type=Path, required=True)
    parser.add_argument("--connect-to", action="append", default=[], metavar="HOST=ADDRESS:PORT")
    parser.add_argument("--per-host-concurrency", type=int, default=4)
    parser.add_argument("--global-concurrency", type=int, default=16)
    parser.add_argument("--page-budget", type=int, default=1000)
    args = parser.parse_args(argv)
    totals = asyncio.run(run(args))
    report = {
        "pages": totals.pages,
        "errors": sum(totals.errors.values()),
        "error_kinds": dict(totals.errors),
        "links": totals.links,
        "dates": totals.dates,
        "bytes": totals.bytes,
    }
    print(json.dumps(report))
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Micro-benchmarks of two parts of the auditor, page extraction and HTTP fetching, each next to a bare reference.

Usage: ``.venv/bin/python -m benchmarks.parts [--sites 6] [--pages 300] [--rounds 3] [--only extract|fetch]``
(see "Micro-benchmarks" in benchmarks/README.md for what every row means).
"""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import gc
import importlib.util
import re
import shutil
import statistics
import sys
import time
from collections.abc import Awaitable, Callable, Coroutine
from pathlib import Path
from typing import Any

import aiohttp
import httpx
from selectolax.lexbor import LexborHTMLParser

from auditor.crawl import defaults
from auditor.crawl.cache import CachedResponse, HttpCache
from auditor.crawl.fetcher import Fetcher
from auditor.extract.page import extract_page
from auditor.pipeline import default_settings

from . import corpus as corpus_mod
from .corpus import Corpus, Site
from .reference_crawler import DATE
from .run import REFERENCE_LIMITS
from .server import ADDRESS, serve

__all__ = ["main"]

ROOT = Path(__file__).resolve().parent.parent
# The main corpus of benchmarks.run has this many sites (its default): measuring a sample of its sites
# reuses the copy the harness already generated instead of building another.
CORPUS_SITES = 34
PER_HOST = int(REFERENCE_LIMITS["per_host_concurrency"])
GLOBAL = defaults.GLOBAL_CONCURRENCY
HEADERS = {"User-Agent": "benchmarks.parts", "Accept-Encoding": "gzip, deflate", "Accept-Language": "vi,en;q=0.5"}
# List pages after the first are files of their own, which the portal's pager asks for as ?Page=N.
_LIST_PAGE = re.compile(r"^(/portal/KenhTin/[^/]+)/Page(\d+)\.aspx$")

Plan = dict[str, list[str]]  # host -> the paths to fetch from it
Client = Callable[[Plan, dict[str, int], Path], Coroutine[Any, Any, int]]  # (plan, host -> port, scratch) -> requests


def page_paths(site: Site) -> list[tuple[str, Path]]:
    """Every HTML page of a site: the path a client asks for, and the file nginx serves for it."""
    pages = []
    for file in sorted(site.folder.rglob("*")):
        if file.suffix in (".aspx", ".html"):
            path = "/" + file.relative_to(site.folder).as_posix().removesuffix("index.html")
            pages.append((_LIST_PAGE.sub(r"\1.aspx?Page=\2", path), file))
    return pages


def cpu_ms_per_item(work: Callable[[], int]) -> float:
    """CPU ms (user + system of this process) per item of one call of ``work``, which returns its item count."""
    gc.collect()
    start = time.process_time()
    items = work()
    return (time.process_time() - start) * 1000 / items


def median_rounds(variants: dict[str, Callable[[], int]], rounds: int, part: str) -> dict[str, float]:
    """Median CPU ms per item of each variant; variants alternate within a round so drift hits all alike."""
    samples: dict[str, list[float]] = {name: [] for name in variants}
    for round_no in range(1, rounds + 1):
        for name, work in variants.items():
            samples[name].append(cpu_ms_per_item(work))
            print(f"  {part} round {round_no}: {name:<34} {samples[name][-1]:7.3f} CPU ms", file=sys.stderr, flush=True)
    return {name: statistics.median(values) for name, values in samples.items()}


def bare_parse(body: bytes) -> int:
    """The reference crawler's per-page work without its URL handling: links and dd/mm/yyyy dates found."""
    tree = LexborHTMLParser(body)
    links = [node.attributes.get("href") for node in tree.css("a[href]")]
    text = tree.body.text(separator=" ") if tree.body is not None else ""
    return len(links) + len(DATE.findall(text))


def measure_extract(sites: list[Site], rounds: int) -> dict[str, float]:
    """CPU ms per page of ``extract_page`` and of the bare parse over every HTML page of ``sites``."""
    pages = [(f"http://{site.host}{path}", file.read_bytes()) for site in sites for path, file in page_paths(site)]

    def auditor() -> int:
        for url, body in pages:
            extract_page(url, 200, body, content_type="text/html; charset=utf-8", as_of=corpus_mod.AS_OF)
        return len(pages)

    def bare() -> int:
        for _, body in pages:
            bare_parse(body)
        return len(pages)

    variants = {"bare parse": bare, "extract_page": auditor}
    for work in variants.values():
        work()  # warm-up: imports, regex and selector caches
    return median_rounds(variants, rounds, "extract")


async def crawl(plan: Plan, fetch_one: Callable[[str, str], Awaitable[None]]) -> int:
    """Fetch every path of ``plan``, PER_HOST workers per site and all sites at once; the request count."""

    async def worker(host: str, queue: list[str]) -> None:
        while queue:
            await fetch_one(host, queue.pop())

    queues = {host: list(reversed(paths)) for host, paths in plan.items()}
    await asyncio.gather(*(worker(host, queue) for host, queue in queues.items() for _ in range(PER_HOST)))
    return sum(len(paths) for paths in plan.values())


async def auditor_fetcher(
    plan: Plan,
    ports: dict[str, int],
    cache: HttpCache | None,
    body_needed: Callable[[CachedResponse], bool] | None = None,
) -> int:
    """The auditor's Fetcher with the reference's limits (its own per-host slots and global limit)."""
    settings = default_settings(per_host_concurrency=PER_HOST, delay=REFERENCE_LIMITS["delay"])
    fetcher = Fetcher(settings, resolve={host: (ADDRESS, port) for host, port in ports.items()}, cache=cache)
    scopes = {host: frozenset({host}) for host in plan}

    async def one(host: str, path: str) -> None:
        result = await fetcher.fetch(f"http://{host}{path}", scopes[host], body_needed=body_needed)
        if not result.ok:
            raise RuntimeError(f"{result.url}: {result.status_code} {result.error} {result.detail}")

    try:
        return await crawl(plan, one)
    finally:
        await fetcher.aclose()


async def fetcher_plain(plan: Plan, ports: dict[str, int], scratch: Path) -> int:
    """The Fetcher without a cache."""
    return await auditor_fetcher(plan, ports, None)


async def fetcher_cached(plan: Plan, ports: dict[str, int], scratch: Path) -> int:
    """The Fetcher with an empty HttpCache, as on a first audit: every response is looked up, then stored."""
    folder = scratch / "http-cache"
    shutil.rmtree(folder, ignore_errors=True)
    cache = HttpCache(folder, "benchmarks.parts")
    cache.begin()
    count = await auditor_fetcher(plan, ports, cache)
    cache.finish()
    return count


async def fetcher_revalidating(plan: Plan, ports: dict[str, int], scratch: Path) -> int:
    """The Fetcher asking again about every page a finished run cached, as a rerun does.

    nginx answers 304; the body stays in the cache, as in an audit whose facts cache knows the page.
    The first pass (unmeasured, see ``measure_fetch``) fills the cache; each pass is a run of its own.
    """
    folder = scratch / "http-cache-revalidating"
    passes = len(list(folder.glob("pass-*"))) if folder.exists() else 0
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"pass-{passes}").touch()
    cache = HttpCache(folder, f"benchmarks.parts pass {passes}")
    cache.begin()
    count = await auditor_fetcher(plan, ports, cache, body_needed=lambda entry: False)
    cache.finish()
    return count


async def raw_httpx(
    plan: Plan, ports: dict[str, int], new_client: Callable[[], httpx.AsyncClient], per_host: bool
) -> int:
    """Plain GETs through httpx.AsyncClient: one shared client, or one per host (a pool of PER_HOST to scan)."""
    limit = asyncio.Semaphore(GLOBAL)
    clients = {host: new_client() for host in plan} if per_host else dict.fromkeys(plan, new_client())

    async def one(host: str, path: str) -> None:
        async with limit:
            response = await clients[host].get(f"http://{ADDRESS}:{ports[host]}{path}", headers={"Host": host})
        response.raise_for_status()

    try:
        return await crawl(plan, one)
    finally:
        for client in set(clients.values()):
            await client.aclose()


async def httpx_shared(plan: Plan, ports: dict[str, int], scratch: Path) -> int:
    """Raw httpx, one client for every host."""
    return await raw_httpx(plan, ports, lambda: httpx.AsyncClient(headers=HEADERS), per_host=False)


async def httpx_per_host(plan: Plan, ports: dict[str, int], scratch: Path) -> int:
    """Raw httpx, one client per host."""
    return await raw_httpx(plan, ports, lambda: httpx.AsyncClient(headers=HEADERS), per_host=True)


async def httpx_over_aiohttp(plan: Plan, ports: dict[str, int], scratch: Path) -> int:
    """httpx's client over the httpx-aiohttp transport (not a dependency: only run when installed)."""
    from httpx_aiohttp import AiohttpTransport

    return await raw_httpx(
        plan, ports, lambda: httpx.AsyncClient(headers=HEADERS, transport=AiohttpTransport()), per_host=False
    )


async def raw_aiohttp(plan: Plan, ports: dict[str, int], scratch: Path) -> int:
    """Plain GETs through one aiohttp session, the reference crawler's client."""
    limit = asyncio.Semaphore(GLOBAL)
    async with aiohttp.ClientSession(headers=HEADERS) as session:

        async def one(host: str, path: str) -> None:
            url = f"http://{ADDRESS}:{ports[host]}{path}"
            async with limit, session.get(url, headers={"Host": host}) as response:
                response.raise_for_status()
                await response.read()

        return await crawl(plan, one)


def measure_fetch(corpus: Corpus, sites: list[Site], rounds: int, work: Path) -> dict[str, float]:
    """CPU ms per request of the Fetcher and of raw clients over nginx serving ``sites``."""
    plan = {site.host: [path for path, _ in page_paths(site)] for site in sites}
    clients: dict[str, Client] = {
        "raw aiohttp": raw_aiohttp,
        "raw httpx, one client": httpx_shared,
        "raw httpx, one client per host": httpx_per_host,
        "Fetcher": fetcher_plain,
        "Fetcher + HttpCache": fetcher_cached,
        "Fetcher + HttpCache, revalidating (304s)": fetcher_revalidating,
    }
    if importlib.util.find_spec("httpx_aiohttp") is not None:
        clients["raw httpx over httpx-aiohttp"] = httpx_over_aiohttp
    scratch = work / "parts"
    scratch.mkdir(parents=True, exist_ok=True)
    try:
        # nginx is stopped on leaving the block, on errors and Ctrl-C too.
        with serve(dataclasses.replace(corpus, sites=tuple(sites)), work / "nginx-parts") as served:

            def run(client: Client) -> Callable[[], int]:
                return lambda: asyncio.run(client(plan, served.ports, scratch))  # a fresh event loop per pass

            run(raw_aiohttp)()  # warm-up: the corpus into the page cache and nginx's open-file cache
            run(fetcher_revalidating)()  # fills the cache that its measured passes revalidate
            return median_rounds({name: run(client) for name, client in clients.items()}, rounds, "fetch")
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def render(results: dict[str, tuple[str, dict[str, float]]]) -> str:
    """A Markdown table: one row per variant, its ratio to the part's first (reference) row."""
    lines = ["| part | variant | CPU ms | × reference |", "|---|---|---:|---:|"]
    for part, (unit, medians) in results.items():
        reference = next(iter(medians.values()))
        for name, value in medians.items():
            lines.append(f"| {part} ({unit}) | {name} | {value:.3f} | {value / reference:.2f} |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    """Parse flags, generate (or reuse) the corpus, measure, print the table."""
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.parts", description="Micro-benchmarks of page extraction and HTTP fetching"
    )
    parser.add_argument("--sites", type=int, default=6, help="sites measured, spread over the corpus (default 6)")
    parser.add_argument("--pages", type=int, default=300, help="pages per site of the corpus (default 300)")
    parser.add_argument("--rounds", type=int, default=3, help="measured rounds; the table shows medians (default 3)")
    parser.add_argument("--only", choices=("extract", "fetch"), help="measure one part only")
    parser.add_argument("--work", type=Path, default=ROOT / "benchmarks" / ".work", help="scratch folder (gitignored)")
    args = parser.parse_args(argv)
    if not 1 <= args.sites <= CORPUS_SITES:
        parser.error(f"--sites must be between 1 and {CORPUS_SITES}")
    work = args.work.resolve()
    print(f"generating (or reusing) the corpus under {work} ...", file=sys.stderr, flush=True)
    corpus = corpus_mod.generate(work, CORPUS_SITES, args.pages)
    sites = [corpus.sites[i * CORPUS_SITES // args.sites] for i in range(args.sites)]
    results: dict[str, tuple[str, dict[str, float]]] = {}
    if args.only in (None, "extract"):
        results["extract"] = ("per page", measure_extract(sites, args.rounds))
    if args.only in (None, "fetch"):
        results["fetch"] = ("per request", measure_fetch(corpus, sites, args.rounds, work))
    pages = sum(len(page_paths(site)) for site in sites)
    print(f"\n{pages} HTML pages of {len(sites)} sites ({args.pages} pages each), median of {args.rounds} rounds\n")
    print(render(results))
    return 0


if __name__ == "__main__":
    sys.exit(main())

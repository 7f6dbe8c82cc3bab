"""Every crawl default in one place, with the reason for each value."""

from __future__ import annotations

from .. import __version__

__all__ = [
    "BREAKER_FAILURES",
    "CONNECT_TIMEOUT",
    "CONTACT_URL",
    "DELAY",
    "GLOBAL_CONCURRENCY",
    "MAX_CRAWL_DELAY",
    "MAX_DEPTH",
    "MAX_PAGE_BYTES",
    "MAX_REDIRECTS",
    "MAX_RETRY_AFTER",
    "PAGE_BUDGET",
    "PAGE_TIMEOUT",
    "PER_HOST_CONCURRENCY",
    "READ_TIMEOUT",
    "RETRIES",
    "RETRY_HTTP_CODES",
    "SITE_TIMEOUT",
    "USER_AGENT",
]

# Government servers are slow and some block bursts: two requests at a time per host, one second apart.
PER_HOST_CONCURRENCY = 2
DELAY = 1.0
# Sites are independent: many can be crawled at once without burdening any one of them.
GLOBAL_CONCURRENCY = 16
# Categories are usually one or two clicks from the home page; the budget covers the home page,
# every page it links to, and the candidates found there, on a typical provincial site.
PAGE_BUDGET = 200
MAX_DEPTH = 4
CONNECT_TIMEOUT = 10.0
READ_TIMEOUT = 20.0
PAGE_TIMEOUT = 45.0
# A site that has not finished in this long is reported with what was found, never silently dropped.
SITE_TIMEOUT = 900.0
RETRIES = 2
RETRY_HTTP_CODES = frozenset({408, 429, 500, 502, 503, 504, 522, 524})
MAX_RETRY_AFTER = 30.0
# A robots.txt Crawl-delay is honoured up to this (a minute between requests already lets a
# site's audit read only 15 pages in SITE_TIMEOUT); a longer one is capped and said in the report.
MAX_CRAWL_DELAY = 60.0
MAX_REDIRECTS = 5
# Connection failures (after retries) in a row before an origin is given up for the rest of the run:
# a dead server is not knocked on once per queued page.
BREAKER_FAILURES = 5
# Real list pages are 30-300 KB; anything past 5 MB is not a page a person reads.
MAX_PAGE_BYTES = 5 * 1024 * 1024
# Names the tool, its version and where to read about it, so webmasters can see who is visiting.
CONTACT_URL = "https://github.com/auditor-vn/auditor"
USER_AGENT = f"auditor/{__version__} (+{CONTACT_URL}; disclosure audit of state agency websites)"

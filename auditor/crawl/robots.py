"""robots.txt rules per origin, parsed by protego (the parser Scrapy uses), and the sitemaps it names."""

from __future__ import annotations

import html
import re
from dataclasses import dataclass

from protego import Protego

__all__ = ["RobotsPolicy", "parse_robots", "sitemap_locations"]

MAX_ROBOTS_BYTES = 500_000
_LOC = re.compile(rb"<(?:[A-Za-z0-9_-]+:)?loc>\s*([^<\s]{1,2048})\s*</(?:[A-Za-z0-9_-]+:)?loc>")


@dataclass(frozen=True)
class RobotsPolicy:
    """What one origin's robots.txt allows our user agent, and the crawl delay it asks for."""

    parser: Protego | None
    user_agent: str

    def allows(self, url: str) -> bool:
        return self.parser is None or bool(self.parser.can_fetch(url, self.user_agent))

    @property
    def crawl_delay(self) -> float | None:
        if self.parser is None:
            return None
        delay = self.parser.crawl_delay(self.user_agent)
        return float(delay) if delay is not None else None

    @property
    def sitemaps(self) -> tuple[str, ...]:
        return tuple(self.parser.sitemaps) if self.parser is not None else ()


def parse_robots(body: bytes | None, user_agent: str) -> RobotsPolicy:
    """A policy from a robots.txt body; no file (or an unreadable one) allows everything."""
    if not body:
        return RobotsPolicy(None, user_agent)
    text = body[:MAX_ROBOTS_BYTES].decode("utf-8", errors="replace")
    return RobotsPolicy(Protego.parse(text), user_agent.split("/", 1)[0])


def sitemap_locations(body: bytes) -> list[str]:
    """The ``<loc>`` URLs of a sitemap.xml or sitemap index, in document order.

    A regular expression rather than an XML parser: sitemaps in the wild are often not well-formed,
    and no entity or DTD in them is ever expanded.
    """
    return [html.unescape(m.group(1).decode("utf-8", errors="replace")) for m in _LOC.finditer(body)]

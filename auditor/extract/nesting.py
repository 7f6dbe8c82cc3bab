"""Where a page's HTML is cut so that parsing it stays cheap however deeply a hostile page nests."""

from __future__ import annotations

import itertools
import re

__all__ = ["MAX_NESTING_WORK", "bounded_nesting", "cheap_to_parse", "nesting_work"]

# lexbor's tree builder looks down the stack of open elements on many start tags (the HTML
# standard's "has a p element in button scope" on every <div>, <p>, <ul>...), so a parse costs
# about the sum of the nesting depths at the start tags: 20,000 nested <div> take 1.3 s, 20,000
# nested <dl><dt> 6 s, and the 800,000 characters a page may have (extract.page.MAX_TEXT_CHARS)
# would take minutes, with every other site of the process waiting. Real pages nest a few dozen
# deep: a government list page of 5,000 tags at depth 40 is 200,000; the 1,164 pages of three
# benchmark sites reach 3,119. At this bound lexbor takes about 50 ms at worst.
MAX_NESTING_WORK = 5_000_000

# A tag's name; what follows "<" in a script (a < b) may look like one, which only makes the
# estimate higher.
_TAG = re.compile(r"<(/?)([A-Za-z][A-Za-z0-9]*)")
_VOID, _SIBLING, _CONTAINER = 0, 1, 2
# Elements that never stay open.
_VOIDS = (
    "area", "base", "basefont", "bgsound", "br", "col", "embed", "frame", "hr", "image", "img", "input",
    "isindex", "keygen", "link", "meta", "param", "source", "track", "wbr",
)  # fmt: skip
# Elements that close a sibling of their kind when left open (a list of <li> without </li>): they
# stay a level inside their container, which is counted.
_SIBLINGS = (
    "caption", "colgroup", "dd", "dt", "li", "optgroup", "option", "p", "rb", "rp", "rt", "rtc", "tbody",
    "td", "tfoot", "th", "thead", "tr",
)  # fmt: skip
_KIND = {**dict.fromkeys(_VOIDS, _VOID), **dict.fromkeys(_SIBLINGS, _SIBLING)}


def nesting_work(html: str, limit: int = MAX_NESTING_WORK) -> tuple[int, int | None]:
    """The estimated parse work of ``html`` (open elements summed over start tags), and where it passes ``limit``.

    An estimate: end tags close what they name, nothing else closes but a sibling of the same
    kind, and an element left open counts to the end. Nested lists count their lists, not their
    items, which the bound allows for.
    """
    depth = work = 0
    kind_of = _KIND.get
    # findall, not finditer: no match object per tag, a third less time on a page of many tags.
    for index, (end, name) in enumerate(_TAG.findall(html)):
        kind = kind_of(name)
        if kind is None:
            kind = kind_of(name.lower(), _CONTAINER)
        if kind == _VOID:
            continue
        if end:
            if kind == _CONTAINER and depth:
                depth -= 1
            continue
        work += depth
        if work > limit:
            return work, next(itertools.islice(_TAG.finditer(html), index, None)).start()
        if kind == _CONTAINER:
            depth += 1
    return work, None


def cheap_to_parse(markup: str | bytes) -> bool:
    """Whether ``markup`` cannot cost more than MAX_NESTING_WORK to parse, told by counting alone.

    n tags that are no end tags cost at most n²/2, and there are no more of them than "<" characters
    (one count where two took 82 µs of a 54 KB page). Bytes count as their UTF-8 text does: "<" is
    never part of a longer sequence.
    """
    opened = markup.count("<") if isinstance(markup, str) else markup.count(b"<")
    if opened * opened // 2 <= MAX_NESTING_WORK:
        return True
    starts = opened - (markup.count("</") if isinstance(markup, str) else markup.count(b"</"))
    return starts * starts // 2 <= MAX_NESTING_WORK


def bounded_nesting(html: str) -> str:
    """``html`` as it is, or cut before the start tag where parsing it would cost more than MAX_NESTING_WORK.

    Counting first (:func:`cheap_to_parse`) keeps this free for nearly every page.
    """
    if cheap_to_parse(html):
        return html
    _, cut = nesting_work(html)
    return html if cut is None else html[:cut]

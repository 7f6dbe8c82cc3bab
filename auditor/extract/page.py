"""HTML bytes to PageFacts: links with every clue, headings, breadcrumb, list items and their dates."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Collection, Iterable, Iterator
from functools import lru_cache
from urllib.parse import unquote, urljoin, urlsplit, urlunsplit

from selectolax.lexbor import LexborHTMLParser, LexborNode

from ..generations import Generations
from ..models import Item, Link, PageFacts
from ..textnorm import fold, nfc, tokens
from .attachments import ATTACHMENT_EXTENSIONS, is_attachment_url
from .dates import (
    HEAD_SCAN_CHARS,
    FoundDate,
    best_date,
    date_from_url,
    find_dates,
    labelled_date_in_head,
    parse_http_date,
    parse_iso_datetime,
)
from .decode import decode_html_checked, utf8_as_declared
from .nesting import bounded_nesting, cheap_to_parse

__all__ = ["ATTACHMENT_EXTENSIONS", "extract_page", "is_attachment_url"]

_ATTACHMENT_TYPES = ("application/pdf", "application/msword", "application/vnd.", "application/zip")
_SKIP_SCHEMES = ("javascript:", "mailto:", "tel:", "data:", "#")
# Texts above this are not scanned further: a list page's facts are in its first part.
MAX_TEXT_CHARS = 400_000
MAX_LINKS = 2_000
# Characters besides the heading and breadcrumb that make a block the page's content.
MIN_CONTENT_BEYOND_HEADING = 20

_NOT_FOUND = tuple(
    fold(p)
    for p in (
        "không tìm thấy trang",
        "không tìm thấy nội dung",
        "không tìm thấy dữ liệu",
        "trang bạn yêu cầu không tồn tại",
        "trang bạn tìm kiếm không tồn tại",
        "nội dung không tồn tại",
        "bài viết không tồn tại",
        "đường dẫn không hợp lệ",
        "lỗi 404",
        "page not found",
        "404 not found",
        "not found",
        "the page you requested",
        "error 404",
    )
)
_PLACEHOLDER = tuple(
    fold(p)
    for p in (
        "nội dung đang được cập nhật",
        "đang được cập nhật",
        "đang cập nhật",
        "chưa có dữ liệu",
        "không có dữ liệu",
        "chưa có bài viết",
        "không có bài viết",
        "chưa có thông tin",
        "chưa có nội dung",
        "không có tin bài",
        "không tìm thấy bài viết nào",
        "no data",
        "no items",
        "content is being updated",
        "under construction",
    )
)
_PAGER_WORDS = frozenset(
    fold(w)
    for w in (
        "đầu tiên",
        "trước",
        "tiếp",
        "sau",
        "cuối cùng",
        "cuối",
        "trang sau",
        "trang trước",
        "xem thêm",
        "first",
        "previous",
        "prev",
        "next",
        "last",
        "more",
        "»",
        "«",
        ">",
        "<",
        ">>",
        "<<",
    )
)
# "Xem thêm >>" under a home-page box: the box's heading is the link's real label.
_MORE_WORDS = frozenset(
    fold(w) for w in ("xem thêm", "xem tiếp", "chi tiết", "more", "read more", "xem tất cả", "tất cả", ">>", "»")
)
# A box is small; past this many characters an ancestor is a column or the whole page.
MAX_BOX_CHARS = 3000
_NEXT_WORDS = frozenset(fold(w) for w in ("tiếp", "sau", "trang sau", "next", "»", ">", ">>", "tiếp theo"))

_REGION_TAGS = {"header": "header", "nav": "nav", "footer": "footer", "aside": "side"}
_REGION_CLASSES: dict[str, str] = {}
for _region_name, _names in {
    "footer": (
        "footer",
        "site-footer",
        "page-footer",
        "bottom",
        "chantrang",
        "chan-trang",
        "copyright",
        "foot",
        "footer-wrapper",
        "ft",
    ),
    "nav": (
        "menu",
        "nav",
        "navbar",
        "navigation",
        "mainmenu",
        "main-menu",
        "topmenu",
        "top-menu",
        "megamenu",
        "mega-menu",
        "menutop",
        "menu-top",
        "dropdown-menu",
        "submenu",
        "sub-menu",
        "navmenu",
    ),
    "header": (
        "header",
        "site-header",
        "page-header",
        "banner",
        "top-header",
        "header-top",
        "topbar",
        "top-bar",
        "logo",
    ),
    "side": (
        "sidebar",
        "side-bar",
        "sidebox",
        "side-box",
        "left",
        "right",
        "col-left",
        "col-right",
        "colleft",
        "colright",
        "left-col",
        "right-col",
        "leftcol",
        "rightcol",
        "leftcolumn",
        "rightcolumn",
        "box-left",
        "box-right",
        "cot-trai",
        "cot-phai",
        "cottrai",
        "cotphai",
        "widget",
        "aside",
        "lienket",
        "lien-ket",
        "weblink",
        "banner-right",
        "banner-left",
        "quangcao",
    ),
}.items():
    for _name in _names:
        _REGION_CLASSES[_name] = _region_name
_BREADCRUMB = re.compile(r"breadcrumb|duong-?dan|navpath|nav-path|crumb", re.IGNORECASE)


@lru_cache(maxsize=4096)
def _names_breadcrumb(names: str) -> bool:
    """Whether class and id words (`names`) name a breadcrumb; asked of every named element of every page."""
    return _BREADCRUMB.search(names) is not None


# Control characters that are not whitespace (str.split() takes \t\n\v\f\r and \x1c-\x1f): pages
# carry stray ones, and XML, which the xlsx and junit reports are, cannot hold them.
_CONTROLS = re.compile(r"[\x00-\x08\x0e-\x1b\x7f]")
# From this length a text is collapsed without splitting it into words (see _collapse_printable).
LONG_TEXT_CHARS = 256
# The blanks of a page's text besides the space: its markup's line breaks and indents, &nbsp;.
_COMMON_BLANKS = ("\n", "\t", "\r", "\xa0")


def _collapse_printable(text: str) -> str | None:
    """``" ".join(text.split())`` of a text printable once its common blanks are spaces; None for another.

    Splitting a main text's 4,000-character head made a string of each of its 800 words, and was
    most of the cost of cleaning it (100 µs of 120). Every whitespace character but the space is
    unprintable, so in a printable text runs of spaces are all there is to collapse.
    """
    for blank in _COMMON_BLANKS:
        if blank in text:
            text = text.replace(blank, " ")
    if not text.isprintable():
        return None  # a rarer blank, or a control character: the general way
    while "  " in text:
        text = text.replace("  ", " ")
    return text.strip(" ")


def _clean(text: str | None) -> str:
    """Entities decoded, NFC, control characters dropped, whitespace collapsed."""
    if not text:
        return ""  # most links have no title
    text = nfc(text)
    if len(text) >= LONG_TEXT_CHARS:
        collapsed = _collapse_printable(text)
        if collapsed is not None:
            return collapsed
    # str.split() and the regex \s agree on whitespace; split and join is several times faster.
    cleaned = " ".join(text.split())
    # Once blanks are single spaces, a text without controls is printable: a method call instead of a
    # regex search for each of a page's many short texts (links, titles), 20 µs instead of 33 for a
    # main text's 4,000-character head. Dropping controls after collapsing, then collapsing again,
    # keeps the same words: "a \x01 b" is "a b" either way.
    if not cleaned.isprintable() and _CONTROLS.search(cleaned):
        cleaned = " ".join(_CONTROLS.sub("", cleaned).split())
    return cleaned


# The not-found and placeholder checks read the first CHECKED_CHARS of the main text, the
# date's first look HEAD_SCAN_CHARS + 1; past this head the text is not read at all, and cleaned
# up to MAIN_TEXT_DATE_CHARS only for a page whose date is not labelled near the top.
CHECKED_CHARS = 3000
MAIN_TEXT_HEAD = max(CHECKED_CHARS, HEAD_SCAN_CHARS + 1)
MAIN_TEXT_DATE_CHARS = 20_000
# A soft 404 is a message page: a main text this long or longer is content, whatever it says.
NOT_FOUND_MAX_CHARS = 2500
# Below that, the message must be what the page says: its title or heading, or nearly all of its
# text (besides the heading, under MESSAGE_PAGE_CHARS). A news item of a few paragraphs that
# mentions "không tìm thấy dữ liệu" is content, and judging it a dead link would report as broken
# what the agency has published.
MESSAGE_PAGE_CHARS = 300
# A title part or heading names the message when it is the phrase and at most this much besides
# ("Lỗi 404 - Không tìm thấy trang"); a headline that merely contains the phrase is longer.
MESSAGE_SLACK = 24
_TITLE_PARTS = re.compile(r"\s+[-|:\u2013\u2014]+\s+")
# A placeholder ("Nội dung đang được cập nhật") is all a page says besides its heading. A page with
# more text than this is content in which one field is still to come: a contacts page's "Email: đang
# cập nhật", a vacant "Phó Giám đốc: đang cập nhật"; judging it empty would report as unpublished what
# the agency has published.
PLACEHOLDER_MAX_CHARS = 300


def _clean_head(raw: str, chars: int) -> tuple[str, int]:
    """The first `chars` characters of _clean(raw), and its length counted up to `chars`.

    Nothing reads the length of a main text past a few thousand characters (the thresholds are
    60, 200 and 2500), and counting the rest of a long page cost 4 % of a full audit's CPU.
    """
    # Cut at a space a little past `chars` (cleaning drops blanks, so the cleaned start may fall
    # short; then clean it all). A cut before a space splits no word, entity or NFC composition.
    cut = raw.find(" ", chars + 1000) if len(raw) > chars + 4000 else -1
    if cut > 0:
        head = _clean(raw[:cut])
        if len(head) >= chars:
            return head[:chars], chars
    text = _clean(raw)
    return text[:chars], min(len(text), chars)


def _text_date(raw: str, head: str, as_of: dt.date) -> FoundDate | None:
    """best_date of the first MAIN_TEXT_DATE_CHARS of _clean(raw), whose start is `head`."""
    early = labelled_date_in_head(head, as_of=as_of)
    if early is not None:
        return early
    text = head if len(head) < MAIN_TEXT_HEAD else _clean_head(raw, MAIN_TEXT_DATE_CHARS)[0]
    # Both texts start with the same head, where no labelled date was found just above.
    return best_date(text, as_of=as_of, head_checked=True)


def _sectioned(node: LexborNode) -> bool:
    """Inside an article, section or main element: a <header> or <footer> there belongs to that block."""
    current = node.parent
    while current is not None:
        if current.tag in ("article", "section", "main"):
            return True
        current = current.parent
    return False


def _region_of_attrs(node: LexborNode, names: str) -> str | None:
    """The region an element opens, from its tag or its class and id words (`names`)."""
    tag = node.tag or ""
    region = _REGION_TAGS.get(tag)
    if region:
        if tag in ("header", "footer") and _sectioned(node):
            return None
        return region
    return _region_of_names(names)


# A site's class and id names are the same on every page of it: each is read once.
@lru_cache(maxsize=4096)
def _region_of_names(names: str) -> str | None:
    """The region that class and id words (`names`) name, if any."""
    for name in names.lower().split():
        hit = _REGION_CLASSES.get(name)
        if hit:
            return hit
        if "footer" in name:
            return "footer"
        if "sidebar" in name:
            return "side"
        if "menu" in name and "content" not in name:
            return "nav"
    return None


# A link this many levels or more below a header, menu, side box or footer is not counted in it.
MAX_REGION_DEPTH = 40


def _region(node: LexborNode, roots: dict[int, str], walked: dict[int, tuple[str, int]]) -> str:
    """The region of the nearest enclosing header, menu, side box or footer; "main" otherwise.

    `walked` remembers, per element, where the walk up from it ends (a region and how many levels
    up, or "main"), so the links of one list share the walk above their common ancestor. It starts
    with the page's body and html elements as ("main", 0): the walk ends there, told by their ids
    where reading every element's tag cost a fifth of the walk.
    """
    path: list[int] = []
    current: LexborNode | None = node
    while True:
        if current is None:
            end = ("main", 0)
            break
        key = current.mem_id
        known = walked.get(key)
        if known is not None:
            end = known
            break
        region = roots.get(key)
        if region:
            end = (region, 0)
            break
        path.append(key)
        current = current.parent
    region, levels = end
    for steps, key in enumerate(reversed(path), 1):
        walked[key] = (region, levels + steps)
    return region if levels + len(path) < MAX_REGION_DEPTH else "main"


@lru_cache(maxsize=4096)
def _image_file(src: str) -> str:
    path = unquote(urlsplit(src).path)
    return path.rsplit("/", 1)[-1]


def _origin(base: str) -> str:
    """The "https://host/" of an http(s) page URL: all that absolute and root-relative hrefs need of it."""
    try:
        parts = urlsplit(base)
    except ValueError:
        return base
    if parts.scheme in ("http", "https") and parts.netloc:
        return f"{parts.scheme}://{parts.netloc}/"
    return base


def _resolve(base: str, href: str) -> str | None:
    href = href.strip()
    # Every skipped scheme but "#" has its colon within 11 characters: lower-case only those hrefs.
    if not href or href[0] == "#" or (":" in href[:11] and href.lower().startswith(_SKIP_SCHEMES)):
        return None
    if href.startswith(("/", "http://", "https://")):
        # Menus repeat these hrefs on every page of a site: resolve them once per site.
        return _join(_origin_cached(base), href)
    return _join(base, href)


# Asked once per link with the page's URL: only the pages being parsed need to be remembered.
@lru_cache(maxsize=256)
def _origin_cached(base: str) -> str:
    return _origin(base)


# Reached only for anchors _described has not seen (menus are described once per site): few repeat.
@lru_cache(maxsize=2048)
def _join(base: str, href: str) -> str | None:
    """The absolute http(s) URL of a stripped href, without its fragment, or None."""
    try:
        joined = urljoin(base, href)
        parts = urlsplit(joined)
    except ValueError:
        return None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return None
    return urlunsplit((parts.scheme, parts.netloc.lower(), parts.path or "/", parts.query, ""))


def _box_heading(node: LexborNode, lengths: dict[int, int]) -> str:
    """The heading of the box a generic "Xem thêm" link sits in: the label real sites rely on."""
    current = node.parent
    for _ in range(4):
        if current is None or current.tag in ("body", "html", "form") or _text_len(current, lengths) > MAX_BOX_CHARS:
            return ""
        heading = current.css_first("h2, h3, h4, .title, .box-title, .tieude, .header-title, .panel-heading")
        if heading is not None and heading.mem_id != node.mem_id:
            text = _clean(heading.text(deep=True, separator=" "))
            if 0 < len(text) <= 120:
                return text
        current = current.parent
    return ""


def _first_images(root: LexborNode, anchors: list[LexborNode]) -> dict[int, LexborNode]:
    """The first image inside each anchor that holds one, by node id: one query instead of one per link."""
    anchor_ids = {anchor.mem_id for anchor in anchors}
    firsts: dict[int, LexborNode] = {}
    for image in root.css("img"):
        current = image.parent
        while current is not None:
            if current.mem_id in anchor_ids:
                # Images come in document order: an anchor's first one is the one seen first.
                firsts.setdefault(current.mem_id, image)
            current = current.parent
    return firsts


_NO_ATTRIBUTES: dict[str, str | None] = {}


# A link's URL, text, title, image alt and file name cleaned, its folded text, and whether that is a
# "more" link's or a pager's word.
_Described = tuple[str, str, str, str, str, str, bool, bool]


@lru_cache(maxsize=8192)
def _described(
    base: str, href: str, text: str, title: str | None, alt: str | None, src: str | None
) -> _Described | None:
    """What a link says (see _Described), cleaned and folded; None for no URL.

    Menus, side boxes and footers repeat the same anchors on every page of a site: each is worked
    out once. Bounded, so memory stays flat over a long crawl.
    """
    url = _resolve(base, href)
    if url is None:
        return None
    cleaned = _clean(text)
    folded = fold(cleaned)
    more = bool(cleaned) and folded.strip(" >».…") in _MORE_WORDS
    # "Đầu tiên", "Tiếp", "2": followed for pagination, never evidence of a category.
    pager = _pager_word(folded)
    return url, cleaned, _clean(title), _clean(alt), _image_file(src) if src else "", folded, more, pager


# The links of a site's menus, side boxes and footers, one object each: a frozen dataclass takes
# 2.8 µs to build, 126 µs of a page's 45 links, and the crawl's lookups find a shared one by identity.
_SHARED_LINKS: Generations[tuple[_Described, str, str], Link] = Generations(8192)


def _links(root: LexborNode, base: str, roots: dict[int, str], lengths: dict[int, int]) -> list[Link]:
    links: list[Link] = []
    anchors = root.css("a[href]")
    images = _first_images(root, anchors)
    # Links are looked for below the body (or the root without one): the body and what holds it end a walk.
    walked: dict[int, tuple[str, int]] = {}
    top: LexborNode | None = root
    while top is not None:
        walked[top.mem_id] = ("main", 0)
        top = top.parent
    origin = _origin_cached(base)
    for anchor in anchors:
        attributes = anchor.attributes
        image = images.get(anchor.mem_id)
        image_attributes = image.attributes if image is not None else _NO_ATTRIBUTES
        href = attributes.get("href") or ""
        # Absolute and root-relative hrefs (menus) resolve against the origin alone: one entry per site.
        shared = href.lstrip().startswith(("/", "http://", "https://"))
        described = _described(
            origin if shared else base,
            href,
            anchor.text(deep=True, separator=" "),
            attributes.get("title"),
            image_attributes.get("alt"),
            image_attributes.get("src"),
        )
        if described is None:
            continue
        url, text, title, alt, src, _, more, pager_word = described
        if more:
            context = _box_heading(anchor, lengths)
            if context:
                title = f"{title} {context}".strip()
        region = "pager" if pager_word and not image else _region(anchor, roots, walked)
        key = (described, title, region)
        link = _SHARED_LINKS.get(key)
        if link is None:
            link = Link(url, text, title, alt, src, region)
            _SHARED_LINKS.put(key, link)
        links.append(link)
        if len(links) >= MAX_LINKS:
            break
    return links


def _named_elements(tree: LexborHTMLParser) -> list[tuple[LexborNode, str]]:
    """Every element that may open a region or hold the breadcrumb, with its "class id" words, in order."""
    named: list[tuple[LexborNode, str]] = []
    last = 0
    for node in tree.css("header, nav, footer, aside, [class], [id]"):
        # Lexbor lists an element once per selector it matches, one right after the other.
        if node.mem_id == last:
            continue
        last = node.mem_id
        attrs = node.attributes
        named.append((node, f"{attrs.get('class') or ''} {attrs.get('id') or ''}"))
    return named


def _crumbs(node: LexborNode | None) -> tuple[str, ...]:
    if node is None:
        return ()
    parts = [_clean(n.text(deep=True, separator=" ")) for n in node.css("a, span, li, strong")]
    parts = [p.strip(" >»/|›").strip() for p in parts]
    parts = [p for p in parts if p]
    if not parts:
        parts = [p for p in re.split(r"\s*[>»/|›]\s*", _clean(node.text(deep=True, separator=" "))) if p]
    # Nested elements repeat their parents' text; keep each crumb once, in order.
    return tuple(dict.fromkeys(parts))


def _inside(node: LexborNode, ids: Collection[int]) -> bool:
    current: LexborNode | None = node
    while current is not None:
        if current.mem_id in ids:
            return True
        current = current.parent
    return False


def _anchor_heading(tree: LexborHTMLParser, roots: dict[int, str], crumbs: tuple[str, ...]) -> LexborNode | None:
    """The page's own title heading: an h1 outside the header and menus, else the heading naming the last crumb."""
    for node in tree.css("h1"):
        if not _inside(node, roots) and _clean(node.text(deep=True)):
            return node
    last = tokens(fold(crumbs[-1])) if crumbs else ()
    headings = [n for n in tree.css("h2, h3, .title, .page-title") if not _inside(n, roots)]
    for node in headings:
        if last and tokens(fold(_clean(node.text(deep=True, separator=" ")))) == last:
            return node
    return None


def _content_root(anchor: LexborNode, breadcrumb: LexborNode | None, lengths: dict[int, int]) -> LexborNode:
    """The smallest block around the page's heading that holds something besides heading and breadcrumb.

    Sidebars ("Tin mới nhất", category menus) sit beside this block, often in columns with no
    telling class ("col-md-8"); anchoring on the heading keeps their items and dates out.
    """
    heading_chars = _text_len(anchor, lengths)
    current = anchor
    while current.parent is not None and current.tag not in ("body", "html"):
        current = current.parent
        crumb_chars = (
            _text_len(breadcrumb, lengths) if breadcrumb is not None and _inside(breadcrumb, {current.mem_id}) else 0
        )
        if _text_len_reaches(current, heading_chars + crumb_chars + MIN_CONTENT_BEYOND_HEADING, lengths):
            return current
    return current


# Text nodes read at most by _text_len_reaches before it measures the whole text instead.
_PEEK_NODES = 200


def _text_len_reaches(node: LexborNode, minimum: int, lengths: dict[int, int]) -> bool:
    """Whether _text_len(node) >= minimum (> 0); a big block's text is read only as far as that takes."""
    known = lengths.get(node.mem_id)
    if known is not None:
        return known >= minimum
    parts: list[str] = []
    size = 0
    # Depth-first, as node.text() walks: the parts joined are the start of the node's text, and
    # stripping the whole text never leaves fewer characters than stripping its start.
    for visited, child in enumerate(node.traverse(include_text=True)):
        if visited > _PEEK_NODES:
            break
        if child.tag == "-text":
            part = child.text_content or ""
            parts.append(part)
            size += len(part) + 1
            if size > minimum and len(" ".join(parts).strip()) >= minimum:
                return True
    return _text_len(node, lengths) >= minimum


def _text_len(node: LexborNode, lengths: dict[int, int]) -> int:
    """Characters of a node's text; `lengths` remembers them while the tree is unchanged."""
    length = lengths.get(node.mem_id)
    if length is None:
        length = lengths[node.mem_id] = len(node.text(deep=True, separator=" ").strip())
    return length


# Element children of one parent beyond which they are measured once for all of them instead of for
# each side box among them: a page of thousands of boxes in one column compared each box with every
# other (4,000 boxes: 8 s; 18,000, about what 800,000 characters hold: 126 s).
MANY_SIBLINGS = 16


def _holders(nodes: Iterable[LexborNode]) -> set[int]:
    """The ids of ``nodes`` and of every element that holds one of them."""
    found: set[int] = set()
    for node in nodes:
        current: LexborNode | None = node
        while current is not None and current.mem_id not in found:
            found.add(current.mem_id)
            current = current.parent
    return found


def _element_children(parent: LexborNode) -> list[LexborNode]:
    return [c for c in parent.iter() if c.tag not in ("-text", "#text")]


def _longest_children(
    parent: LexborNode, lengths: dict[int, int], memo: dict[int, list[tuple[int, int]]]
) -> list[tuple[int, int]]:
    """The two longest element children of ``parent``, as (text length, node id), longest first; once per parent."""
    found = memo.get(parent.mem_id)
    if found is None:
        sizes = [(_text_len(c, lengths), c.mem_id) for c in _element_children(parent)]
        found = memo[parent.mem_id] = sorted(sizes, reverse=True)[:2]
    return found


def _is_content_column(
    node: LexborNode, lengths: dict[int, int], landmarks: set[int], widths: dict[int, list[tuple[int, int]]]
) -> bool:
    """A "col-left" or "right" wrapper that holds the page's own content is the main area, not a side box.

    `landmarks` holds the page's h1 and breadcrumb elements and every element above them: one holding
    either is the content column. `widths` remembers the longest children of parents of many.
    """
    if node.mem_id in landmarks:
        return True
    parent = node.parent
    if parent is None:
        return False
    own = _text_len(node, lengths)
    if own == 0:
        return False  # no sibling is shorter than nothing
    if parent.mem_id not in widths:
        siblings = [c for c in _element_children(parent) if c.mem_id != node.mem_id]
        if len(siblings) < MANY_SIBLINGS:
            # A sibling as long as this box is told after reading that much of it, however long it is.
            return bool(siblings) and not any(_text_len_reaches(c, own, lengths) for c in siblings)
    longest = next((size for size, mem_id in _longest_children(parent, lengths, widths) if mem_id != node.mem_id), None)
    return longest is not None and longest < own


def _region_roots(
    tree: LexborHTMLParser, named: list[tuple[LexborNode, str]], crumbs: list[LexborNode], lengths: dict[int, int]
) -> dict[int, str]:
    """The outermost header, menu, side-box and footer elements, by node id, with their region."""
    body = tree.body
    if body is None:
        return {}
    total = _text_len(body, lengths) or 1
    landmarks: set[int] | None = None
    widths: dict[int, list[tuple[int, int]]] = {}
    roots: dict[int, str] = {}
    under: dict[int, bool] = {}  # node id -> whether a root is that node or above it
    for node, names in named:
        region = _region_of_attrs(node, names)
        if region is None or _under_root(node, under):
            continue
        # A wrapper may hold the whole content column; never take most of the page for a side box.
        if _text_len(node, lengths) > 0.5 * total:
            continue
        if region == "side":
            if landmarks is None:
                landmarks = _holders([*tree.css("h1"), *crumbs])
            if _is_content_column(node, lengths, landmarks, widths):
                continue
        roots[node.mem_id] = region
        under[node.mem_id] = True
    return roots


def _under_root(node: LexborNode, under: dict[int, bool]) -> bool:
    """Whether an ancestor of ``node`` is a region root; ``under`` remembers the answer for every node walked.

    Nodes come in document order, so a root is never added above a node already answered: each
    node is walked once, where walking every ancestor of every element was quadratic in the nesting.
    """
    walked: list[int] = []
    ancestor, found = node.parent, False
    while ancestor is not None:
        known = under.get(ancestor.mem_id)
        if known is not None:
            found = known
            break
        walked.append(ancestor.mem_id)
        ancestor = ancestor.parent
    for mem_id in walked:
        under[mem_id] = found
    return found


def _drop(elements: list[tuple[LexborNode, str]], roots: dict[int, str]) -> None:
    """Remove the region roots from the tree, found among the page's named elements instead of by another query.

    A root that went with an element removed before (a breadcrumb, an <svg>) is detached already, and
    removing it again does nothing: selectolax detaches nodes and frees them only with the tree.
    """
    for node, _ in elements:
        if node.mem_id in roots:
            node.decompose()


def _best(dates: Iterable[FoundDate]) -> FoundDate | None:
    best: FoundDate | None = None
    for found in dates:
        if found.signal == "reference":
            continue
        if best is None or found.confidence > best.confidence:
            best = found
    return best


_TRAILING_DATE = re.compile(r"\(\s*(\d{1,2}[/.-]\d{1,2}[/.-]\d{4})[^)]{0,12}\)\s*$")


def _item_date(member: LexborNode, title: str, url: str, as_of: dt.date) -> tuple[dt.date | None, str]:
    text = _clean(member.text(deep=True, separator=" "))
    outside = text.replace(title, " ", 1) if title else text
    found = _best(find_dates(outside, as_of=as_of))
    if found is None and title:
        # "Tiêu đề (24/08/2022)": the list's own date printed right after the title.
        match = _TRAILING_DATE.search(title)
        if match:
            found = _best(find_dates(match.group(1), as_of=as_of))
    if found is None:
        found = date_from_url(url, as_of=as_of)
    return (found.value, found.signal) if found else (None, "")


def _pager_word(folded: str) -> bool:
    """Whether a folded link text is a pager's: "dau tien", "tiep", "2"."""
    return folded in _PAGER_WORDS or folded.isdigit()


def _is_pager(text: str) -> bool:
    folded = fold(text)
    return _pager_word(folded) or not folded


# Nodes a "related news" heading may hold (its text, a link, a span or two).
MAX_LABEL_NODES = 32
_RELATED = frozenset(
    fold(p)
    for p in (
        "các tin khác", "tin khác", "tin liên quan", "bài viết liên quan", "tin cùng chuyên mục",
        "tin cùng chủ đề", "những tin mới hơn", "những tin cũ hơn", "tin đã đưa", "các tin đã đưa",
        "xem thêm các tin", "các bài viết khác", "bài viết khác", "tin mới hơn", "tin cũ hơn",
        "related news", "related articles", "other news",
    )
)  # fmt: skip


def _next_element(node: LexborNode) -> LexborNode | None:
    sibling = node.next
    while sibling is not None and not sibling.is_element_node:
        sibling = sibling.next
    return sibling


def _drop_related(main: LexborNode) -> None:
    """An article's "Các tin khác" list is other articles, not items of the page: remove it."""
    doomed: dict[int, LexborNode] = {}
    for heading in main.css("h2, h3, h4, h5, strong, b, .title, [class*=title], [class*=heading]"):
        # A label is a few nodes; reading every nested <b>'s whole text was quadratic in the nesting.
        if not _few_nodes(heading, MAX_LABEL_NODES):
            continue
        if fold(_clean(heading.text(deep=True, separator=" "))).strip(" :»>") not in _RELATED:
            continue
        container = heading.parent
        if container is not None and container.mem_id != main.mem_id:
            doomed[container.mem_id] = container
            continue
        # Heading straight in the content block: the list right after it is the related block.
        for node in (heading, _next_element(heading)):
            if node is not None:
                doomed[node.mem_id] = node
    outermost = [n for n in doomed.values() if not _inside_any(n.parent, doomed)]
    for node in outermost:
        node.decompose()


def _few_nodes(node: LexborNode, limit: int) -> bool:
    """Whether ``node`` holds at most ``limit`` nodes (text included); reads no more than that many."""
    return all(count <= limit for count, _ in enumerate(node.traverse(include_text=True)))


def _inside_any(node: LexborNode | None, ids: Collection[int]) -> bool:
    return node is not None and _inside(node, ids)


def _items(main: LexborNode, base: str, as_of: dt.date) -> list[Item]:
    groups: dict[tuple[int, str, str], list[LexborNode]] = {}
    for node in main.css("li, tr, div[class], article, p[class], dl, section[class]"):
        parent = node.parent
        if parent is None:
            continue
        key = (parent.mem_id, node.tag or "", node.attributes.get("class") or "")
        groups.setdefault(key, []).append(node)
    items: dict[str, Item] = {}
    for members in groups.values():
        if len(members) < 2:
            continue
        for member in members:
            anchors = [a for a in member.css("a[href]") if not _is_pager(a.text(deep=True))]
            if not anchors or len(anchors) > 4:
                continue
            anchor = max(anchors, key=lambda a: len(a.text(deep=True)))
            url = _resolve(base, anchor.attributes.get("href") or "")
            if url is None:
                continue
            title = _clean(anchor.text(deep=True, separator=" "))
            date, signal = _item_date(member, title, url, as_of)
            previous = items.get(url)
            if previous is not None and (previous.date is not None or date is None):
                continue
            items[url] = Item(
                title=title,
                url=url,
                date=date,
                date_signal=signal,
                attachment=is_attachment_url(url),
            )
    return list(items.values())


# A list filled by JavaScript passes each item's date as a whole quoted argument: addItem(…,'10/11/2025',…).
_QUOTED_DATE = re.compile(r"""(['"])(\d{1,2}/\d{1,2}/\d{4})\1""", re.ASCII)


def _script_dates(scripts: Iterable[str], as_of: dt.date) -> list[FoundDate]:
    """Item dates of lists that scripts fill: whole quoted dates repeated in one script.

    A clock ('Thứ Năm, 26/11/2026'), a build stamp or a date inside a quoted title is not one.
    """
    found: list[FoundDate] = []
    for script in scripts:
        quoted = [m.group(2) for m in _QUOTED_DATE.finditer(script[:MAX_TEXT_CHARS])]
        if len(quoted) < 2:
            continue
        for text in quoted:
            found.extend(d for d in find_dates(text, as_of=as_of) if d.signal != "reference")
    return found


_META_DATES = (
    ('meta[property="article:published_time"]', "content", "meta"),
    ('meta[name="pubdate"]', "content", "meta"),
    ('meta[itemprop="datePublished"]', "content", "meta"),
    ("time[datetime]", "datetime", "time_element"),
)
_ANY_META_DATE = ", ".join(selector for selector, _, _ in _META_DATES)


def _meta_date(tree: LexborHTMLParser, as_of: dt.date) -> FoundDate | None:
    # Most pages have none of these: one walk of the tree tells, instead of one per kind.
    if tree.css_first(_ANY_META_DATE) is None:
        return None
    for selector, attr, signal in _META_DATES:
        node = tree.css_first(selector)
        if node is not None:
            value = parse_iso_datetime(node.attributes.get(attr) or "", as_of=as_of)
            if value is not None:
                return FoundDate(value=value, signal=signal, confidence=0.9, start=0, end=0, text="")
    return None


def _next_pages(links: Iterable[Link], base: str) -> tuple[str, ...]:
    pages = [link.url for link in links if link.region == "pager" and fold(link.text) in _NEXT_WORDS]
    return tuple(dict.fromkeys(u for u in pages if u != base))


def _contains_any(text: str, phrases: Iterable[str]) -> bool:
    return any(p in text for p in phrases)


def _names_not_found(title: str, headings: Iterable[str]) -> bool:
    """Whether a part of the title or a heading is a not-found message (see MESSAGE_SLACK)."""
    for text in (*_TITLE_PARTS.split(title), *headings):
        folded = fold(text)
        if any(p in folded and len(folded) <= len(p) + MESSAGE_SLACK for p in _NOT_FOUND):
            return True
    return False


def _parsed(body: bytes, content_type: str) -> LexborHTMLParser:
    """The tree of a page, or of its start where the markup is cut (2 × MAX_TEXT_CHARS, bounded nesting)."""
    # lexbor reads bytes as UTF-8, replacing what is not as decoding would: a page that declares
    # UTF-8 and is parsed whole is given as it is, undecoded (decoding took 70 µs of a 50 KB page's
    # 1.9 ms), and one that is its text's own UTF-8 too, where a str would be encoded again.
    if len(body) <= MAX_TEXT_CHARS * 2 and utf8_as_declared(body, content_type) and cheap_to_parse(body):
        return LexborHTMLParser(body)
    text, utf8 = decode_html_checked(body, content_type)
    html = bounded_nesting(text[: MAX_TEXT_CHARS * 2])
    return LexborHTMLParser(body if utf8 and html is text else html)


def extract_page(
    url: str,
    status_code: int,
    body: bytes,
    *,
    content_type: str = "",
    last_modified: str | None = None,
    as_of: dt.date,
) -> PageFacts:
    """Everything the evaluator needs from one response; the HTML is not kept."""
    if "html" not in content_type.lower() and (
        content_type.lower().startswith(_ATTACHMENT_TYPES) or is_attachment_url(url)
    ):
        modified = parse_http_date(last_modified, as_of=as_of) if last_modified else None
        named = date_from_url(url, as_of=as_of)
        value = named.value if named else modified
        signal = named.signal if named else ("http_last_modified" if modified else "")
        return PageFacts(
            url=url,
            status_code=status_code,
            attachment=True,
            page_date=value,
            page_date_signal=signal,
            main_text_chars=len(body),
        )
    tree = _parsed(body, content_type)
    title_node = tree.css_first("title")
    title = _clean(title_node.text()) if title_node is not None else ""
    root = tree.body or tree.root
    # Text lengths of the untouched tree, shared by the region and link passes.
    lengths: dict[int, int] = {}
    elements = _named_elements(tree)
    crumb_nodes = [node for node, names in elements if _names_breadcrumb(names)]
    roots = _region_roots(tree, elements, crumb_nodes, lengths)
    links = _links(root, url, roots, lengths) if root is not None else []
    breadcrumb_node = crumb_nodes[0] if crumb_nodes else None
    breadcrumb = _crumbs(breadcrumb_node)
    meta_date = _meta_date(tree, as_of)
    doomed = tree.css("script, style, noscript, template, iframe, svg")
    # Every script's text is read before anything is removed: a script inside an <svg> goes with it.
    scripts = [s.text() for s in doomed if s.tag == "script" and not s.attributes.get("src")]
    for node in doomed:
        node.decompose()
    anchor = _anchor_heading(tree, roots, breadcrumb)
    anchor_text = _clean(anchor.text(deep=True, separator=" ")) if anchor is not None else ""
    content = _content_root(anchor, breadcrumb_node, {}) if anchor is not None else None
    if (
        breadcrumb_node is not None
        and not _inside(breadcrumb_node, roots)
        and (anchor is None or not _inside(anchor, {breadcrumb_node.mem_id}))
        and (content is None or not _inside(content, {breadcrumb_node.mem_id}))
    ):
        # Crumbs are navigation; as list items they would pass "Trang chủ" off as an entry.
        breadcrumb_node.decompose()
    _drop(elements, roots)
    main = content if content is not None else tree.body
    headings: tuple[str, ...] = ()
    items: list[Item] = []
    main_raw, main_text, main_chars = "", "", 0
    if main is not None:
        others = (_clean(n.text(deep=True, separator=" ")) for n in main.css("h1, h2, h3"))
        headings = tuple(dict.fromkeys(h for h in (anchor_text, *others) if h))[:12]
        # What urljoin(url, "/") gives for the http(s) URL of a fetched page (item URLs are all such),
        # already worked out for the page's links.
        site_root = _origin_cached(url)
        _drop_related(main)
        items = [i for i in _items(main, url, as_of) if i.url not in (site_root, url)]
        main_raw = main.text(deep=True, separator=" ")
        main_text, main_chars = _clean_head(main_raw, MAIN_TEXT_HEAD)
    message = main_chars < NOT_FOUND_MAX_CHARS
    # Without a content root the main text is the whole body's (menus and boxes the regions left):
    # its length says nothing of the message's, and any page that short may be one.
    short = content is None or main_chars - len(anchor_text) < MESSAGE_PAGE_CHARS
    bare = not items and main_chars - len(anchor_text) < PLACEHOLDER_MAX_CHARS
    # Folding is costly for long texts (an article's head took 7 % of extraction): only for a page
    # short enough for one of the two checks below.
    folded_main = fold(main_text[:CHECKED_CHARS]) if (message and short) or bare else ""
    says_not_found = message and short and _contains_any(f"{fold(title)} {folded_main}", _NOT_FOUND)
    not_found = status_code >= 400 or says_not_found or (message and _names_not_found(title, headings[:1]))
    placeholder = bare and _contains_any(folded_main, _PLACEHOLDER)
    if not items:
        script_dates = _script_dates(scripts, as_of)
        items = [Item(title="", url=url, date=d.value, date_signal="script") for d in script_dates]
    # A list with dated items is judged by those dates: its own date is read by nothing (the
    # verdicts read a page's date only when it lists no dated item, the crawl only below two items),
    # and a list page seldom labels one near the top, so looking cost the whole text (2 ms).
    listed = len(items) >= 2 and any(item.date is not None for item in items)
    page_date = None
    if not listed:
        page_date = meta_date or _text_date(main_raw, main_text, as_of) or date_from_url(url, as_of=as_of)
    return PageFacts(
        url=url,
        status_code=status_code,
        title=title,
        headings=headings,
        breadcrumb=breadcrumb,
        links=tuple(links),
        items=tuple(items),
        page_date=page_date.value if page_date else None,
        page_date_signal=page_date.signal if page_date else "",
        main_text_chars=main_chars,
        placeholder=placeholder,
        not_found=not_found,
        next_pages=_next_pages(links, url),
    )


def iter_item_links(facts: PageFacts) -> Iterator[str]:
    """Item URLs of a list page, newest-looking first (in page order)."""
    for item in facts.items:
        if item.url != facts.url:
            yield item.url

"""Recognising disclosure categories in links and page headings, however a site labels them."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property
from urllib.parse import unquote, urlsplit

from ..models import Category, Link, PageFacts
from ..textnorm import fold, fold_drop_d, tokens

__all__ = ["Match", "Recogniser", "RememberedMatches"]

# Joined forms ("congkhaingansach") are searched inside longer file-name and slug words; shorter
# ones ("lienhe", "hoidap") only match a whole word, as they occur by accident inside others.
MIN_JOINED = 8
MIN_WHOLE_WORD = 5
_CAMEL = re.compile(r"(?<=[a-z])(?=[A-Z])|(?<=[A-Za-z])(?=[0-9])|(?<=[0-9])(?=[A-Za-z])")
# A link whose text is long and mostly about something else (a news headline) is weak evidence.
MIN_TEXT_COVERAGE = 0.35
# A page names its category in a short heading or crumb; an article's title merely mentions it.
MIN_PAGE_COVERAGE = 0.35
# Headings and crumbs whose matches are remembered per run: list pages repeat theirs page after page.
MAX_REMEMBERED_PAGES = 1024
# Link texts of up to this many words ("Xem thêm", "Chi tiết", "icon") say nothing of the target.
MAX_GENERIC_WORDS = 2
_SOURCES_BY_STRENGTH = (
    "text",
    "title",
    "alt",
    "breadcrumb",
    "heading",
    "page_title",
    "image",
    "slug",
    "context",
)


@dataclass(frozen=True, slots=True)
class Match:
    """A category recognised on a link or page, and how strongly."""

    category: str
    source: str  # text | title | alt | image | slug | breadcrumb | heading | page_title | context
    phrase: str
    strength: int  # characters of the matched phrase: the longest phrase wins among categories


@dataclass(frozen=True, slots=True)
class _Phrase:
    category: str
    words: tuple[str, ...]
    length: int
    second: str = ""  # the word that must follow the first: see Recogniser._paired


class Recogniser:
    """Every category's cues compiled once per run."""

    def __init__(self, categories: tuple[Category, ...]) -> None:
        # What the answers depend on besides the texts judged and this module's code (in order: the
        # first category to claim a joined form keeps it).
        self.cues_digest = hashlib.sha256(repr([(c.id, c.cues) for c in categories]).encode()).hexdigest()
        by_first: dict[str, list[_Phrase]] = {}
        title_by_first: dict[str, list[_Phrase]] = {}
        self._negative: dict[str, list[tuple[str, ...]]] = {}
        joined: dict[str, tuple[str, int]] = {}
        for category in categories:
            cues = category.cues
            for label in cues.labels:
                for form in {fold(label), fold_drop_d(label)}:
                    self._add(by_first, category.id, tokens(form))
                    self._add(title_by_first, category.id, tokens(form))
                    self._add_joined(joined, category.id, "".join(tokens(form)))
            for slug in cues.slugs:
                words = tokens(fold(slug))
                self._add(by_first, category.id, words)
                self._add_joined(joined, category.id, "".join(words))
            for title in cues.titles:
                for form in {fold(title), fold_drop_d(title)}:
                    self._add(title_by_first, category.id, tokens(form))
            self._negative[category.id] = [
                tokens(form) for phrase in cues.negative for form in {fold(phrase), fold_drop_d(phrase)}
            ]
        self._joined = joined
        self._by_pair = self._paired(by_first)
        self._title_by_pair = self._paired(title_by_first)
        # What match_page found for a (heading, crumb, title): Match is frozen, so a hit is shared safely.
        self._page_memo: dict[tuple[str | None, str | None, str], tuple[Match, ...]] = {}

    @cached_property
    def _joined_re(self) -> re.Pattern[str] | None:
        """Every joined form in one pattern, longest first: compiled when first needed.

        About 14 ms, in every process; a rerun whose answers were all kept never judges a text.
        """
        ordered = sorted((j for j in self._joined if len(j) >= MIN_JOINED), key=len, reverse=True)
        return re.compile("|".join(re.escape(j) for j in ordered), re.ASCII) if ordered else None

    @staticmethod
    def _add(index: dict[str, list[_Phrase]], category: str, words: tuple[str, ...]) -> None:
        if words:
            second = words[1] if len(words) > 1 else ""
            index.setdefault(words[0], []).append(_Phrase(category, words, len("".join(words)), second))

    @staticmethod
    def _add_joined(joined: dict[str, tuple[str, int]], category: str, form: str) -> None:
        if len(form) >= MIN_WHOLE_WORD and form not in joined:
            joined[form] = (category, len(form))

    @staticmethod
    def _paired(index: dict[str, list[_Phrase]]) -> dict[str, dict[str, list[_Phrase]]]:
        """Phrases by first word, then by the word that must follow it ("" when none is needed).

        Each list keeps the phrases a text can match there in their original order, one-word
        phrases among them: a common first word ("quy", "van") begins dozens of phrases, and most
        texts match none of them past that word.
        """
        paired: dict[str, dict[str, list[_Phrase]]] = {}
        for first, phrases in index.items():
            by_second = paired[first] = {"": [p for p in phrases if not p.second]}
            for second in {p.second for p in phrases if p.second}:
                by_second[second] = [p for p in phrases if p.second in ("", second)]
        return paired

    def _phrases(self, words: tuple[str, ...], index: dict[str, dict[str, list[_Phrase]]]) -> dict[str, _Phrase]:
        best: dict[str, _Phrase] = {}
        last = len(words) - 1
        for i, word in enumerate(words):
            by_second = index.get(word)
            if by_second is None:
                continue
            phrases = by_second.get(words[i + 1]) if i < last else None
            for phrase in by_second[""] if phrases is None else phrases:
                n = len(phrase.words)
                if n <= 2 or words[i : i + n] == phrase.words:
                    current = best.get(phrase.category)
                    if current is None or phrase.length > current.length:
                        best[phrase.category] = phrase
        return best

    def _negated(self, category: str, word_sets: list[tuple[str, ...]]) -> bool:
        for negative in self._negative.get(category, ()):
            n = len(negative)
            first = negative[0] if n else None
            for words in word_sets:
                # The first word looked for at C speed before sliding a window: most texts lack it.
                if first is not None and first not in words:
                    continue
                if any(words[i : i + n] == negative for i in range(len(words) - n + 1)):
                    return True
        return False

    def _joined_hits(self, words: tuple[str, ...]) -> dict[str, _Phrase]:
        best: dict[str, _Phrase] = {}

        def keep(form: str) -> None:
            category, length = self._joined[form]
            current = best.get(category)
            if current is None or length > current.length:
                best[category] = _Phrase(category, (form,), length)

        for word in words:
            if word in self._joined:
                keep(word)
            if len(word) > MIN_JOINED and self._joined_re is not None:
                for hit in self._joined_re.finditer(word):
                    keep(hit.group(0))
        return best

    def _resolve(self, candidates: dict[str, tuple[str, _Phrase]], negatives: list[tuple[str, ...]]) -> list[Match]:
        candidates = {c: v for c, v in candidates.items() if not self._negated(c, negatives)}
        if not candidates:
            return []
        longest = max(p.length for _, p in candidates.values())
        return [
            Match(category=c, source=s, phrase=" ".join(p.words), strength=p.length)
            for c, (s, p) in sorted(candidates.items())
            if p.length == longest
        ]

    def match_link(self, link: Link) -> list[Match]:
        """Categories a link leads to, judged from its text, title, image and URL."""
        if link.region == "pager":
            return []
        candidates: dict[str, tuple[str, _Phrase]] = {}
        negatives: list[tuple[str, ...]] = []
        text_words = tokens(fold(link.text))
        for source, words in (
            ("text", text_words),
            ("title", tokens(fold(link.title))),
            ("alt", tokens(fold(link.image_alt))),
        ):
            if not words:
                continue
            negatives.append(words)
            for category, phrase in self._phrases(words, self._by_pair).items():
                if source == "text" and phrase.length < MIN_TEXT_COVERAGE * len("".join(words)):
                    continue
                self._keep(candidates, category, source, phrase)
        # A slug or file name is the clue of image-only and "Xem thêm" links; a link with a headline
        # of its own is judged by that headline, not by the slug made from it.
        slug_counts = not candidates and len(text_words) <= MAX_GENERIC_WORDS
        if link.image_src:
            image = link.image_src.rsplit(".", 1)[0]
            self._keep_all(candidates, "image", self._split_hits(image))
        # Most links are headlines that name nothing: their URL is read only when it can count,
        # as a clue or to veto a match (a negative phrase in the slug).
        if not slug_counts and not candidates:
            return []
        parts = urlsplit(link.url)
        path = unquote(f"{parts.path} {parts.query}")
        path_words = tokens(fold(_CAMEL.sub(" ", path)))
        if slug_counts:
            self._keep_all(candidates, "slug", self._split_hits(path, path_words))
        negatives.append(path_words)
        return self._resolve(candidates, negatives)

    def _split_hits(self, raw: str, split_words: tuple[str, ...] | None = None) -> dict[str, _Phrase]:
        """Phrases in a slug or file name: "LayYKienDuThao357X50" is read split, joined forms from both."""
        if split_words is None:
            split_words = tokens(fold(_CAMEL.sub(" ", raw)))
        if not split_words:
            return {}
        found = self._phrases(split_words, self._by_pair)
        for category, phrase in self._joined_hits(split_words + tokens(fold(raw))).items():
            found.setdefault(category, phrase)
        return found

    def _keep_all(self, candidates: dict[str, tuple[str, _Phrase]], source: str, found: dict[str, _Phrase]) -> None:
        for category, phrase in found.items():
            self._keep(candidates, category, source, phrase)

    def match_page(self, facts: PageFacts) -> list[Match]:
        """Categories a page names itself: by its own heading, its last crumb, or its title.

        Each source is judged on its own and every match says which it came from: an article's
        breadcrumb ends with its category ("Trang chủ > Thủ tục hành chính") while its heading is the
        article's title, and the crawler weighs the two differently.
        """
        return list(self._page_matches(_page_key(facts)))

    def _page_matches(self, key: PageKey) -> tuple[Match, ...]:
        # List pages and their crumbs repeat these strings page after page: remembered (see __init__).
        found = self._page_memo.get(key)
        if found is None:
            found = self._page_memo[key] = self._judge_page(*key)
            if len(self._page_memo) > MAX_REMEMBERED_PAGES:
                del self._page_memo[next(iter(self._page_memo))]  # the oldest: memory stays flat
        return found

    def _judge_page(self, heading: str | None, crumb: str | None, title: str) -> tuple[Match, ...]:
        sources: list[tuple[str, str]] = []
        if heading is not None:
            sources.append(("heading", heading))
        if crumb is not None:
            sources.append(("breadcrumb", crumb))
        if not sources:
            # "Sở Tài chính - Công khai ngân sách": each part of the title on its own.
            sources.extend(("page_title", part) for part in re.split(r"\s+[-|:–»]\s+", title) if part)
        found: list[Match] = []
        for source, value in sources:
            words = tokens(fold(value))
            candidates: dict[str, tuple[str, _Phrase]] = {}
            for category, phrase in self._phrases(words, self._title_by_pair).items():
                if phrase.length >= MIN_PAGE_COVERAGE * len("".join(words)):
                    self._keep(candidates, category, source, phrase)
            found.extend(m for m in self._resolve(candidates, [words]) if m.category not in {f.category for f in found})
        return tuple(found)

    @staticmethod
    def _keep(candidates: dict[str, tuple[str, _Phrase]], category: str, source: str, phrase: _Phrase) -> None:
        current = candidates.get(category)
        if current is None or phrase.length > current[1].length:
            candidates[category] = (source, phrase)


# What match_page reads of a page: its heading, last crumb and title (see _page_key).
PageKey = tuple[str | None, str | None, str]
# A match as kept between runs: category, source, phrase, strength.
_Row = tuple[str, str, str, int]
# What a site's answers are kept as, plain data for ``marshal``: the digests of the texts that named
# no category, one after the other, and the matches of those that named some, by digest.
KeptMatches = tuple[bytes, dict[bytes, tuple[_Row, ...]]]
# Bytes of a digest: 128 bits, so that two texts of a site never share one.
DIGEST_SIZE = 16


def _page_key(facts: PageFacts) -> PageKey:
    """The page's own heading, its last crumb, and its title when it has neither."""
    heading = facts.headings[0] if facts.headings else None
    crumb = facts.breadcrumb[-1] if facts.breadcrumb else None
    return heading, crumb, facts.title if heading is None and crumb is None else ""


def _digest(key: tuple[str | None, ...]) -> bytes:
    # repr tells the fields apart whatever characters they hold, and is the same in every process
    # (marshal is not: it writes a string seen twice as a reference, depending on its reference count).
    return hashlib.blake2b(repr(key).encode("utf-8", "surrogatepass"), digest_size=DIGEST_SIZE).digest()


class RememberedMatches:
    """One site's link and page matches; those an earlier run kept are answered without judging again.

    A site shows next month mostly what it shows now (menus, boxes, list pages, the same articles),
    and judging each link and heading again was about a tenth of a rerun's CPU. An answer depends
    on the text judged, the categories' cues and the code alone, so answers kept under the same
    cues and code (see :meth:`auditor.factcache.FactsCache.matches_of`) are this run's answers.
    What is judged is known by a digest of all it reads, and most texts name no category: a site's
    thousand links cost a set of digests, not a copy of their texts. The crawl asks about a link
    once, so this run's answers are only written down for the next, in 16 bytes each.
    """

    def __init__(self, recogniser: Recogniser, earlier: object = None) -> None:
        self.recogniser = recogniser
        self._earlier_none, self._earlier_found = _read_kept(earlier)
        # This run's answers, as they will be kept: digests one after the other, and the matches of
        # those that named a category.
        self._none = bytearray()
        self._found = bytearray()
        self._found_matches: list[tuple[Match, ...]] = []  # of each digest in _found, in order
        self._made: dict[tuple[Match, ...], tuple[Match, ...]] = {}
        self.judged = 0  # answers the earlier run had not kept

    def _answer(self, key: tuple[str | None, ...], judge: Callable[[], tuple[Match, ...]]) -> list[Match]:
        digest = _digest(key)
        found = () if digest in self._earlier_none else self._earlier_found.get(digest)
        if found is None:
            judged = judge()
            found = self._made.setdefault(judged, judged)  # links to one page under one label: one answer
            self.judged += 1
        if found:
            self._found += digest
            self._found_matches.append(found)
        else:
            self._none += digest
        return list(found)

    def match_link(self, link: Link) -> list[Match]:
        """:meth:`Recogniser.match_link`."""
        key = ("link", link.url, link.text, link.title, link.image_alt, link.image_src, link.region)
        return self._answer(key, lambda: tuple(self.recogniser.match_link(link)))

    def match_page(self, facts: PageFacts) -> list[Match]:
        """:meth:`Recogniser.match_page`."""
        key = _page_key(facts)
        return self._answer(("page", *key), lambda: self.recogniser._page_matches(key))

    def to_keep(self) -> KeptMatches | None:
        """The answers this run used, to keep for the next; None when nothing new was judged."""
        if not self.judged:
            return None
        found = dict(zip(_digests(self._found), self._found_matches, strict=True))
        rows = {digest: tuple(_row(m) for m in found[digest]) for digest in sorted(found)}
        return b"".join(sorted(set(_digests(self._none)))), rows


def _digests(joined: bytes | bytearray) -> list[bytes]:
    return [bytes(joined[i : i + DIGEST_SIZE]) for i in range(0, len(joined), DIGEST_SIZE)]


def _row(match: Match) -> _Row:
    return match.category, match.source, match.phrase, match.strength


def _read_kept(kept: object) -> tuple[set[bytes], dict[bytes, tuple[Match, ...]]]:
    """What :meth:`RememberedMatches.to_keep` gave; nothing at all if any of it is not in that shape."""
    if not (isinstance(kept, tuple) and len(kept) == 2):
        return set(), {}
    none, found = kept
    if not (isinstance(none, bytes) and len(none) % DIGEST_SIZE == 0 and isinstance(found, dict)):
        return set(), {}
    # Many links lead to the same page under the same label: their answers are made once.
    made: dict[tuple[object, ...], tuple[Match, ...]] = {}
    try:
        matches = {
            _kept_digest(digest): made.get(rows) or made.setdefault(rows, _matches(rows))
            for digest, rows in found.items()
        }
    except (TypeError, ValueError):
        return set(), {}
    return set(_digests(none)), matches


def _kept_digest(digest: object) -> bytes:
    if not (isinstance(digest, bytes) and len(digest) == DIGEST_SIZE):
        raise TypeError("not a digest")
    return digest


def _matches(rows: object) -> tuple[Match, ...]:
    if not isinstance(rows, tuple) or not rows:
        raise TypeError("not rows")
    found = []
    for row in rows:
        category, source, phrase, strength = row
        if not (isinstance(category, str) and isinstance(source, str) and isinstance(phrase, str)):
            raise TypeError("not a match")
        if not isinstance(strength, int):
            raise TypeError("not a strength")
        found.append(Match(category, source, phrase, strength))
    return tuple(found)

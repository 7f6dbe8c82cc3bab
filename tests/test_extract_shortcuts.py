"""The shortcuts extraction takes for speed give exactly what the plain computations give."""

from __future__ import annotations

import codecs
import datetime as dt
import random
import sys
import unicodedata
from urllib.parse import unquote, urlsplit

import pytest

from auditor.extract import dates as dates_module
from auditor.extract import page as page_module
from auditor.extract.dates import HEAD_SCAN_CHARS, FoundDate, best_date, labelled_date_in_head
from auditor.extract.decode import decode_html, decode_html_checked, utf8_as_declared
from auditor.extract.page import MAX_REGION_DEPTH, _clean, _clean_head, extract_page, is_attachment_url
from auditor.sample.portal import build_portal, default_sites_yaml, load_agencies
from auditor.textnorm import fold, fold_drop_d, nfc

AS_OF = dt.date(2026, 11, 1)
# Every character str.split() splits on, marks Vietnamese uses and others, an entity, a lone
# surrogate, an emoji.
SPACES = "".join(chr(cp) for cp in range(0x3001) if chr(cp).isspace())
ALPHABET = SPACES + "\u200b aáàđĐƠờ\u0301\u0300\u0345\u20d0&amp;#x41;\ud800😀x1/"


def random_texts(count: int, longest: int) -> list[str]:
    rnd = random.Random(7)  # noqa: S311 - reproducible test data, not secrets
    return ["".join(rnd.choice(ALPHABET) for _ in range(rnd.randint(0, longest))) for _ in range(count)]


def reference_fold(text: str, d_replacement: str) -> str:
    """Folding spelled out: NFC, lower case, decomposed, every combining mark (Mn) dropped."""
    lowered = unicodedata.normalize("NFD", nfc(text).lower())
    stripped = "".join(ch for ch in lowered if unicodedata.category(ch) != "Mn")
    return " ".join(stripped.replace("đ", d_replacement).split())


def test_fold_drops_every_combining_mark() -> None:
    for text in [*random_texts(2000, 20), "Lãnh đạo Sở", "Q\u0323UY\u0300 Ở\u0345 " * 80]:
        assert fold(text) == reference_fold(text, "d"), repr(text)
        assert fold_drop_d(text) == reference_fold(text, ""), repr(text)


def test_clean_drops_controls_and_collapses_blanks_in_any_order_they_come() -> None:
    controls = "\x00\x01\x08\x0e\x1b\x7f"
    blanks = " \t\n\r\x0b\x0c\x1c\x1f\xa0\u2028\u3000"
    rnd = random.Random(11)  # noqa: S311 - reproducible test data, not secrets
    for _ in range(3000):
        raw = "".join(rnd.choice([*controls, *blanks, "a", "ệ", "e\u0302\u0301", "&amp;", "\u200b"]) for _ in range(12))
        # Spelled out: entities and NFC, controls dropped, then the words one space apart.
        spelled = " ".join("".join(ch for ch in nfc(raw) if ch not in controls).split())
        assert _clean(raw) == spelled, repr(raw)


def test_clean_of_a_long_text_is_the_same_whichever_blanks_and_controls_it_holds() -> None:
    # From LONG_TEXT_CHARS on, a text is collapsed without splitting it when it is printable once
    # its common blanks are spaces: the other blanks and the controls must take the general way.
    controls = "\x00\x01\x08\x0e\x1b\x7f"
    rnd = random.Random(13)  # noqa: S311 - reproducible test data, not secrets
    words = ["a", "ệ", "e\u0302\u0301", "&amp;", "\u200b", "Sở", "x" * 40]
    long_texts = 0
    for _ in range(400):
        # Mostly words and spaces, as a page's text is, with one kind of rarer character in some.
        rare = rnd.choice(["", "", *SPACES, *controls])
        pieces = [*words, " ", " ", "  " * rnd.randint(1, 40), "\n", "\t", "\r", "\xa0", rare]
        raw = "".join(rnd.choice(pieces) for _ in range(rnd.randint(60, 400)))
        normal = nfc(raw)
        long_texts += len(normal) >= page_module.LONG_TEXT_CHARS
        spelled = " ".join("".join(ch for ch in normal if ch not in controls).split())
        assert _clean(raw) == spelled, repr(raw)
    assert long_texts > 300  # the long-text way is what this test is for


def test_every_blank_but_the_space_is_unprintable() -> None:
    # What the long-text way of _clean relies on: a printable text has no blank but the space.
    assert [ch for ch in map(chr, range(sys.maxunicode + 1)) if ch.isspace() and ch.isprintable()] == [" "]


@pytest.mark.parametrize(
    "text",
    [
        "may 17, 2024 and 17 may 2024",
        "sept. 3 2024, september.   3, 2024; dec 1st, 2023 oct 2 2020",
        "10:30 may 17, 2024 | 14:05 - 17/05/2024 luc 08:00",
        "ngay 12 thang 3 nam 2024 12 thang 03, 2024 2024-05-17t08:00:00+07:00",
        "so 45/2024/nd-cp 1/2/3/2024 123456789 17.05.24 2024/5/17 mayday 5, 2024 amay 5, 2024",
        "27/7/1947 - 27/7/2022 jan5, 2024 jan 5,2024 0jan 5, 2024 _may 5, 2024",
    ],
)
def test_date_matches_are_those_of_the_pattern_everywhere(text: str) -> None:
    expected = [m.span() for m in dates_module._DATE_RE.finditer(text)]
    assert [m.span() for m in dates_module._date_matches(text)] == expected
    assert expected  # each case has dates


def random_date_texts(count: int) -> list[str]:
    """Texts of dates in the shapes the pattern knows, run together with digits, words and blanks."""
    rnd = random.Random(17)  # noqa: S311 - reproducible test data, not secrets
    months = ["may", "sept", "september", "dec", "jan", "mayday", "amay"]

    def piece() -> str:
        day, month, year = rnd.choice(["1", "17", "5"]), rnd.choice(["05", "3", "12"]), rnd.choice(["2024", "24"])
        sep, blanks = rnd.choice("/.-"), " " * rnd.randint(0, 4)
        return rnd.choice(
            [
                f"{day}{sep}{month}{sep}{year}",
                f"{year}{sep}{month}{sep}{day}",
                f"{rnd.choice(months)}{rnd.choice(['', '.'])}{blanks}{day}{rnd.choice(['', 'st', ','])} {year}",
                f"{day} {rnd.choice(months)} {year}",
                f"{day} thang {month} nam {year}",
                f"{rnd.choice(['10:30', '8h05', '14:05:33 pm'])}{rnd.choice([' ', ' - ', ' | '])}",
                rnd.choice(["123", "0", "ngay ", "luc ", " ", "  ", ",", "x", "1/", "so 45/"]),
            ]
        )

    return ["".join(piece() + rnd.choice(["", " ", "  "]) for _ in range(rnd.randint(1, 12))) for _ in range(count)]


def test_date_matches_are_those_of_the_pattern_in_random_texts() -> None:
    matched = by_month = 0
    for text in random_date_texts(3000):
        found = list(dates_module._DATE_RE.finditer(text))
        expected = [m.span() for m in found]
        assert [m.span() for m in dates_module._date_matches(text)] == expected, repr(text)
        matched += bool(expected)
        by_month += any(m.group("emon2") for m in found)
    # The texts hold dates of every kind.
    assert matched > 2000
    assert by_month > 300


@pytest.mark.parametrize("chars", [5, 300])
def test_clean_head_is_the_start_and_length_up_to_its_end_of_the_cleaned_text(chars: int) -> None:
    for raw in random_texts(300, 60):
        text, long_text = _clean(raw), _clean(raw * 200)
        assert _clean_head(raw * 200, chars * 10) == (long_text[: chars * 10], min(len(long_text), chars * 10))
        assert _clean_head(raw, chars) == (text[:chars], min(len(text), chars))


def test_labelled_date_in_head_needs_only_the_start_of_the_text() -> None:
    labelled = "Trang chủ Tin tức Ngày đăng: 12/05/2025 " + "nội dung bài viết " * 400
    unlabelled = "Trang chủ 12/05/2025 " + "nội dung bài viết " * 400 + "Cập nhật 03/06/2025"
    start = labelled[: HEAD_SCAN_CHARS + 1]
    assert labelled_date_in_head(start, as_of=AS_OF) == best_date(labelled, as_of=AS_OF) is not None
    assert labelled_date_in_head(unlabelled[: HEAD_SCAN_CHARS + 1], as_of=AS_OF) is None


def head_variants() -> list[str]:
    """Texts whose labelled date sits before, at and past the first look's reach, among what may change it."""
    filler = "Nội dung bài viết về kế hoạch năm. "
    labels = ["Ngày đăng 05/10/2020 | 08:31 AM", "Cập nhật: 12/5/2025", "Ngày đăng: 27/7/1947 - 27/7/2025"]
    spoilers = [
        "",
        "\u200b" * 16,  # folds to a long blank: the head is not trusted, the whole text is read
        "  " * 9,
        "\ufeff \u200b " * 8,
        "Quyết định số 12/QĐ-UBND ngày 31/3/2020 ",
        "o\u0301",  # not NFC
        "15/3/2024 - ",  # a range with the labelled date
        "(27/7/1947 - 27/7/2026) ",
    ]
    texts = []
    for offset in (0, 60, 200, 230, 250, 260, 300, 700, 1000, 1100):
        for label in labels:
            for spoiler in spoilers:
                for where in (offset - 40, offset + 40, 900, 1400):
                    text = (filler * 60)[:offset] + " " + label + " " + filler * 60
                    at = max(0, where)
                    texts.append(text[:at] + spoiler + text[at:])
    return texts


def whole_head_look(text: str) -> FoundDate | None:
    """labelled_date_in_head spelled out: the whole head folded, then its conditions checked on the fold."""
    if len(text) <= HEAD_SCAN_CHARS:
        return None
    head = dates_module._prepare(text[:HEAD_SCAN_CHARS])
    if head.norm_starts or dates_module._LONG_BLANK.search(head.folded):
        return None
    for end, found in dates_module._found_dates(head, AS_OF, None):
        if end > HEAD_SCAN_CHARS - dates_module._HEAD_MARGIN:
            break
        if found.signal == "labelled":
            return found
    return None


def test_labelled_date_in_head_first_looks_at_less_and_finds_the_same() -> None:
    texts = head_variants()
    quick = [labelled_date_in_head(text, as_of=AS_OF) for text in texts]
    assert quick == [whole_head_look(text) for text in texts]
    # The variants reach every outcome: found in the first look, found past it, and none.
    ends = [found.end for found in quick if found is not None]
    assert min(ends) < 256 < max(ends)
    assert None in quick


def test_is_attachment_url_agrees_with_urlsplit_and_unquote() -> None:
    rnd = random.Random(11)  # noqa: S311 - reproducible test data, not secrets
    pieces = ["http://", "https://", "ftp://", "HTTP://", "a.gov.vn", "b.zip", "/", "/x", ".pdf", ".PDF", ".docx",
              ".zip", "%2Epdf", "?a=1.pdf", "#p.pdf", "[::1]", " ", "\t", "tài-liệu", ".doc", "x"]  # fmt: skip
    urls = ["".join(rnd.choice(pieces) for _ in range(rnd.randint(1, 6))) for _ in range(5000)]
    urls += ["https://example.zip", "https://example.zip/", "https://a.gov.vn/b.pdf", "http://a.gov.vn/T%C3%A0i.PDF"]

    def plain(url: str) -> bool | None:
        try:
            return unquote(urlsplit(url).path).lower().endswith(page_module.ATTACHMENT_EXTENSIONS)
        except ValueError:
            return None

    for url in urls:
        expected = plain(url)
        if expected is None:
            with pytest.raises(ValueError, match="IPv6"):
                is_attachment_url(url)
        else:
            assert is_attachment_url(url) is expected, url
    assert sum(map(is_attachment_url, urls)) > 500


def nested_link_page(depth: int) -> bytes:
    links = '<a href="/a">A</a><ul><li><a href="/b">B</a></li></ul>'
    body = f'<div class="menu">{"<div>" * depth}{links}{"</div>" * depth}</div><p>{"Nội dung trang. " * 40}</p>'
    return f"<html><body>{body}</body></html>".encode()


@pytest.mark.parametrize(
    ("depth", "regions"),
    [
        (0, ["nav", "nav"]),
        (MAX_REGION_DEPTH - 4, ["nav", "nav"]),
        (MAX_REGION_DEPTH - 2, ["nav", "main"]),
        (MAX_REGION_DEPTH - 1, ["main", "main"]),
    ],
)
def test_a_link_too_deep_below_a_menu_counts_as_main(depth: int, regions: list[str]) -> None:
    facts = extract_page(
        "https://a.gov.vn/", 200, nested_link_page(depth), content_type="text/html; charset=utf-8", as_of=AS_OF
    )
    assert [link.region for link in facts.links] == regions


def side_boxes_page(count: int, seed: int) -> bytes:
    """One column of many side boxes of varied lengths around the page's content, a heading in some."""
    rnd = random.Random(seed)  # noqa: S311 - reproducible test data, not secrets
    boxes = []
    for i in range(count):
        words = " ".join(["Văn bản chỉ đạo"] * rnd.randint(0, 40))
        heading = "<h1>Thông báo</h1>" if rnd.random() < 0.05 else ""
        boxes.append(
            f'<div class="{rnd.choice(["box-right", "sidebar", "item"])}"><a href="/b{i}">{words}</a>{heading}</div>'
        )
    content = '<div class="content"><h2>Tin tức</h2>' + "<p>Nội dung bài viết.</p>" * rnd.randint(0, 60) + "</div>"
    at = rnd.randint(0, count)
    return (
        f"<html><body><div class='row'>{''.join(boxes[:at])}{content}{''.join(boxes[at:])}</div></body></html>".encode()
    )


@pytest.mark.parametrize("count", [3, page_module.MANY_SIBLINGS - 1, page_module.MANY_SIBLINGS + 1, 200])
def test_many_side_boxes_in_one_column_are_judged_as_one_by_one(count: int, monkeypatch: pytest.MonkeyPatch) -> None:
    pages = [side_boxes_page(count, seed) for seed in range(8)]
    measured_once = [extract_page("https://a.gov.vn/", 200, p, content_type="text/html", as_of=AS_OF) for p in pages]
    monkeypatch.setattr(page_module, "MANY_SIBLINGS", 10**9)  # every box compared with each sibling
    one_by_one = [extract_page("https://a.gov.vn/", 200, p, content_type="text/html", as_of=AS_OF) for p in pages]
    assert measured_once == one_by_one
    assert any(link.region == "side" for facts in one_by_one for link in facts.links)


def test_a_column_of_thousands_of_side_boxes_lists_its_children_once(monkeypatch: pytest.MonkeyPatch) -> None:
    calls = 0
    element_children = page_module._element_children

    def counting(parent: object) -> object:
        nonlocal calls
        calls += 1
        return element_children(parent)  # type: ignore[arg-type]

    monkeypatch.setattr(page_module, "_element_children", counting)
    body = ("<html><body>" + '<div class="box-right"><a href="/x">Văn bản</a></div>' * 3000).encode()
    facts = extract_page("https://a.gov.vn/", 200, body, content_type="text/html", as_of=AS_OF)
    assert {link.region for link in facts.links} == {"side"}
    assert calls <= 2  # was once per box, each listing all 3,000 (3,000 boxes: 6 s)


VIETNAMESE = (
    "<html><head><title>Lãnh đạo Sở</title></head><body><h1>Thông báo</h1><p>Ngày đăng: 03/07/2026</p></body></html>"
)


@pytest.mark.parametrize(
    ("body", "content_type", "own_utf8"),
    [
        (VIETNAMESE.encode(), "text/html; charset=utf-8", True),
        (VIETNAMESE.encode(), "text/html", True),
        (VIETNAMESE.encode(), "text/html; charset=iso-8859-1", True),  # servers say latin-1 for UTF-8
        (b"\xef\xbb\xbf" + VIETNAMESE.encode(), "text/html; charset=utf-8", False),  # the BOM is not text
        (VIETNAMESE.encode("utf-16"), "text/html", False),
        (VIETNAMESE.encode("cp1258", errors="replace"), "text/html", False),  # not UTF-8: Windows-1258
        (VIETNAMESE.encode("cp1258", errors="replace"), "text/html; charset=utf-8", False),  # replaced
        (VIETNAMESE.encode(), "text/html; charset=windows-1258", False),  # taken at its word
        (b"<p>plain</p>", "", True),
    ],
)
def test_a_body_is_said_to_be_its_texts_utf8_only_when_it_is(body: bytes, content_type: str, own_utf8: bool) -> None:
    text, utf8 = decode_html_checked(body, content_type)
    assert (text, utf8) == (decode_html(body, content_type), own_utf8)
    if utf8:
        assert text.encode("utf-8") == body


def test_a_page_parsed_from_its_bytes_has_the_facts_of_its_text(monkeypatch: pytest.MonkeyPatch) -> None:
    portal = build_portal(load_agencies(default_sites_yaml()))
    pages = []
    for host in sorted(portal):
        site = portal[host]
        for path in site.paths()[::7]:
            response = site.render(path)
            if "html" in (response.header("Content-Type") or ""):
                pages.append((f"https://{host}{path}", response.body, response.header("Content-Type") or ""))
    assert len(pages) > 200

    def facts() -> list[object]:
        return [extract_page(url, 200, body, content_type=kind, as_of=AS_OF) for url, body, kind in pages]

    from_bytes = facts()
    checked = page_module.decode_html_checked
    monkeypatch.setattr(page_module, "utf8_as_declared", lambda body, kind: False)
    monkeypatch.setattr(page_module, "decode_html_checked", lambda body, kind: (checked(body, kind)[0], False))
    assert facts() == from_bytes


# Bytes that are no UTF-8, where pages carry them: in text, a title, an attribute, a link's text,
# cut short before a tag, and a lone continuation byte.
BAD_UTF8 = (
    b'<html><head><meta charset="utf-8"><title>L\xe3nh \xc4\x91\xe1\xba\xa1o S\xe1\xbb</title></head><body>'
    b'<div class="menu\xff"><a href="/tin/\xe1\xba.html" title="Th\xf4ng b\xe1o">Tin t\xe1\xbb\xa9c \x80</a></div>'
    b"<h1>Th\xc3\xb4ng b\xc3\xa1o \xe1\xba</h1><p>Ng\xc3\xa0y \xc4\x91\xc4\x83ng: 03/07/2026 \xed\xa0\x80</p>"
    b"<ul><li><a href='/a/1.html'>M\xe1\xbb\x99t \xc0</a> (01/07/2026)</li>"
    b"<li><a href='/a/2.html'>Hai</a> 02/07/2026</li></ul>"
    b"</body></html>"
)


@pytest.mark.parametrize("content_type", ["text/html; charset=utf-8", "text/html", "text/html; charset=UTF8"])
def test_a_page_declaring_utf8_with_bad_bytes_has_the_facts_of_its_decoded_text(content_type: str) -> None:
    # Parsed from its bytes, which lexbor reads as UTF-8, replacing what is not as decoding does.
    facts = extract_page("https://a.gov.vn/tin/1.html", 200, BAD_UTF8, content_type=content_type, as_of=AS_OF)
    replaced = BAD_UTF8.decode("utf-8", errors="replace").encode("utf-8")
    assert facts == extract_page("https://a.gov.vn/tin/1.html", 200, replaced, content_type=content_type, as_of=AS_OF)
    assert "\ufffd" in facts.title
    assert [item.date for item in facts.items] == [dt.date(2026, 7, 1), dt.date(2026, 7, 2)]


def test_only_a_body_declared_utf8_without_a_byte_order_mark_is_read_undecoded() -> None:
    meta = b'<html><head><meta charset="utf-8">'
    assert utf8_as_declared(meta, "text/html")
    assert utf8_as_declared(b"<p>x</p>", "text/html; charset=utf-8")
    assert utf8_as_declared(meta, "text/html; charset=nonsense")  # an unknown name is no declaration
    assert not utf8_as_declared(meta, "text/html; charset=iso-8859-1")  # the header comes first
    assert not utf8_as_declared(b"<p>x</p>", "text/html")  # nothing declared: UTF-8 or Windows-1258
    assert not utf8_as_declared(codecs.BOM_UTF8 + meta, "text/html; charset=utf-8")
    assert not utf8_as_declared(b'<meta charset="windows-1258">', "text/html")


def list_page(items: list[str]) -> bytes:
    entries = "".join(
        f'<li><a href="/tin/{i}.html">Thông báo số {i} về kế hoạch</a> {date}</li>' for i, date in enumerate(items)
    )
    return (
        '<html><body><div class="content"><h1>Thông báo</h1><p>Ngày đăng: 01/02/2026</p>'
        f"<ul class='list-news'>{entries}</ul></div></body></html>"
    ).encode()


@pytest.mark.parametrize(
    ("items", "page_date"),
    [
        (["(05/03/2026)", "(04/03/2026)", ""], None),  # judged by its items' dates
        ([], dt.date(2026, 2, 1)),  # an article
        (["", "", ""], dt.date(2026, 2, 1)),  # no dated item: the page's own date stands in
    ],
)
def test_only_a_list_with_dated_items_goes_without_its_own_date(items: list[str], page_date: dt.date | None) -> None:
    facts = extract_page(
        "https://a.gov.vn/thong-bao", 200, list_page(items), content_type="text/html; charset=utf-8", as_of=AS_OF
    )
    assert len(facts.items) == len(items)
    assert sum(item.date is not None for item in facts.items) == sum(bool(date) for date in items)
    assert facts.page_date == page_date

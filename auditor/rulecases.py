"""Recognition cases kept as data next to the rules (rules/cases/*.yaml), and running them."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from .config import Fields, yaml_files
from .errors import ConfigError
from .evaluate.recognise import Recogniser
from .extract.page import extract_page
from .models import RuleSet
from .yamlsafe import load_yaml

__all__ = ["DEFAULT_BASE_URL", "RuleCase", "load_cases", "recognised"]

DEFAULT_BASE_URL = "https://stc.ninhthuan.gov.vn/"
# Case HTML carries no dates that matter; any fixed date keeps the run deterministic.
_CASE_DATE = dt.date(2026, 11, 1)


@dataclass(frozen=True, slots=True)
class RuleCase:
    """One fragment of HTML in which a category must (or must not) be recognised."""

    category: str
    name: str
    html: str
    expect_match: bool
    page: bool
    base_url: str
    source: str

    @property
    def id(self) -> str:
        kind = "match" if self.expect_match else "no_match"
        return f"{self.category}:{kind}:{self.name}"


def load_cases(rules_dir: Path, rules: RuleSet) -> list[RuleCase]:
    """Every case of rules/cases/*.yaml, validated against the catalogue."""
    known = {c.id for c in rules.categories}
    cases: list[RuleCase] = []
    for path in yaml_files(rules_dir / "cases"):
        root = Fields(load_yaml(path), str(path), "")
        root.check_keys(("category",), ("match", "no_match"))
        category = root.get("category", str)
        if category not in known:
            raise root.error("category", f"unknown category {category!r}")
        for key, expect in (("match", True), ("no_match", False)):
            if key not in root.value:
                continue
            for node in root.children(key):
                node.check_keys(("name", "html"), ("page", "base_url"))
                cases.append(
                    RuleCase(
                        category=category,
                        name=node.text("name"),
                        html=node.text("html"),
                        expect_match=expect,
                        page=node.get("page", bool, False),
                        base_url=node.get("base_url", str, DEFAULT_BASE_URL),
                        source=f"{path}:{node.line}",
                    )
                )
    if not cases:
        raise ConfigError("no recognition cases (cases/*.yaml)", path=str(rules_dir))
    return cases


def recognised(case: RuleCase, recogniser: Recogniser) -> set[str]:
    """Categories recognised in the case's fragment: on its links, or on the page itself."""
    body = case.html if "<html" in case.html.lower() else f"<html><body>{case.html}</body></html>"
    url = case.base_url if not case.page else case.base_url.rstrip("/") + "/chuyen-muc"
    facts = extract_page(url, 200, body.encode("utf-8"), content_type="text/html; charset=utf-8", as_of=_CASE_DATE)
    if case.page:
        return {m.category for m in recogniser.match_page(facts)}
    return {m.category for link in facts.links for m in recogniser.match_link(link)}

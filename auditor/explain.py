"""Plain-language views of the rule packs: what binds whom, since when, and how a category is recognised."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from .models import Category, Requirement, RuleSet, Selector

__all__ = ["CategoryRow", "category_rows", "explain_category", "selector_text"]


def selector_text(selector: Selector) -> str:
    if not selector.functions:
        return selector.type.value
    return f"{selector.type.value}[{', '.join(sorted(selector.functions))}]"


def _basis(requirement: Requirement, lang: str) -> str:
    marker = "unverified" if lang == "en" else "chưa đối chiếu"
    checked = requirement.verified and requirement.instrument.verified
    unverified = "" if checked or marker in requirement.citation else f" ({marker})"
    return f"{requirement.legal_basis}{unverified}"


@dataclass(frozen=True)
class CategoryRow:
    """One line of ``auditor rules list``."""

    category: str
    name: str
    binds: str
    max_age_days: int | None
    legal_basis: str


def category_rows(rules: RuleSet, on: dt.date, lang: str) -> list[CategoryRow]:
    """Every category with the requirements in force on ``on``: who they bind and the strictest age."""
    rows = []
    for category in rules.categories:
        reqs = [r for r in rules.requirements if r.category == category.id and r.instrument.in_force(on)]
        if not reqs:
            continue
        binds = sorted({selector_text(s) + (" (advisory)" if r.advisory else "") for r in reqs for s in r.applies_to})
        ages = [r.max_age_days for r in reqs if r.max_age_days is not None]
        rows.append(
            CategoryRow(
                category=category.id,
                name=category.name.get(lang),
                binds=", ".join(binds),
                max_age_days=min(ages) if ages else None,
                legal_basis="; ".join(_basis(r, lang) for r in reqs),
            )
        )
    return rows


def explain_category(rules: RuleSet, category: Category, on: dt.date, lang: str) -> list[tuple[str, str]]:
    """Sections of ``auditor rules explain``: (heading, text) pairs, Vietnamese unless lang is en."""
    en = lang == "en"
    sections: list[tuple[str, str]] = [
        ("What" if en else "Là gì", f"{category.name.get(lang)} ({category.id}): {category.description.get(lang)}")
    ]
    lines = []
    for requirement in (r for r in rules.requirements if r.category == category.id):
        instrument = requirement.instrument
        period = f"{instrument.effective_from.isoformat()} → {instrument.effective_until or ('…')}"
        state = (
            ("in force" if en else "đang có hiệu lực")
            if instrument.in_force(on)
            else ("not in force" if en else "không áp dụng")
        )
        if requirement.max_age_days:
            age = (
                f"newest item at most {requirement.max_age_days} days old"
                if en
                else f"mục mới nhất không quá {requirement.max_age_days} ngày"
            )
        else:
            age = "presence is enough" if en else "chỉ cần có nội dung"
        binds = ", ".join(selector_text(s) for s in requirement.applies_to)
        deadline = f"; {requirement.deadline.get(lang)}" if requirement.deadline else ""
        lines.append(f"- {_basis(requirement, lang)} [{period}, {state} {on.isoformat()}]: {binds}; {age}{deadline}")
    sections.append(("Why (legal basis)" if en else "Vì sao (căn cứ pháp lý)", "\n".join(lines)))
    cues = category.cues
    recognised = [
        ("labels" if en else "nhãn", ", ".join(cues.labels)),
        ("slugs", ", ".join(cues.slugs)),
        ("page titles" if en else "tiêu đề trang", ", ".join(cues.titles)),
        ("not when" if en else "trừ khi có", ", ".join(cues.negative)),
    ]
    sections.append(
        (
            "How it is recognised" if en else "Cách nhận biết",
            "\n".join(f"- {k}: {v}" for k, v in recognised if v)
            + (
                "\n(also without diacritics, with đ as d or dropped, in URL slugs and image file names)"
                if en
                else "\n(kể cả không dấu, đ viết thành d hoặc bỏ đ, trong đường dẫn URL và tên tệp ảnh)"
            ),
        )
    )
    sections.append(("How to fix" if en else "Cách khắc phục", category.fix.get(lang)))
    return sections

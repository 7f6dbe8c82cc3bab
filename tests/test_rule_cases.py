"""Every recognition case of rules/cases/ as its own test: HTML that must and must not match."""

from __future__ import annotations

import pytest

from auditor.config import load_rules
from auditor.evaluate.recognise import Recogniser
from auditor.rulecases import RuleCase, load_cases, recognised

from .conftest import ROOT

RULES = load_rules(ROOT / "rules")
CASES = load_cases(ROOT / "rules", RULES)
RECOGNISER = Recogniser(RULES.categories)


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_case(case: RuleCase) -> None:
    found = recognised(case, RECOGNISER)
    if case.expect_match:
        assert case.category in found, f"{case.source}: not recognised; got {sorted(found)}"
    else:
        assert case.category not in found, f"{case.source}: wrongly recognised; got {sorted(found)}"


def test_every_category_has_both_kinds_of_case() -> None:
    for category in RULES.categories:
        kinds = {c.expect_match for c in CASES if c.category == category.id}
        assert kinds == {True, False}, category.id
        assert sum(c.expect_match for c in CASES if c.category == category.id) >= 3, category.id
        assert sum(not c.expect_match for c in CASES if c.category == category.id) >= 3, category.id

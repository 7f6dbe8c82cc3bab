"""The rule packs: every category traced to the law, instruments applied only while in force."""

from __future__ import annotations

import datetime as dt
import json
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml

from auditor.config import load_registry, load_rules
from auditor.errors import ConfigError
from auditor.models import AgencyType

from .conftest import ROOT, CliResult

RULES = load_rules(ROOT / "rules")
REGISTRY = load_registry(ROOT / "sites.yaml")
CATEGORY_IDS = [
    "org_structure_functions", "agency_history_leaders", "locality_profile", "contact_info", "news_events",
    "direction_operation", "legal_documents", "official_gazette", "law_dissemination",
    "admin_procedures_online_services", "socioeconomic_strategies_plans", "annual_work_programs_reports",
    "sector_planning", "investment_incentives_opportunities", "construction_urban_planning", "land_use_planning",
    "natural_resource_exploitation", "waste_management_planning", "waste_sources_hazardous_waste",
    "polluted_areas_incident_risk", "environment_reports_inspections", "budget_disclosure",
    "public_investment_procurement", "draft_consultation", "qa_feedback", "statistics", "annual_financial_report",
    "science_programs", "recruitment_personnel", "fees_charges_funds", "access_to_information_section",
    "english_content", "commune_disclosures",
]  # fmt: skip


def test_the_catalogue_has_every_category() -> None:
    assert [c.id for c in RULES.categories] == CATEGORY_IDS


def test_every_requirement_cites_an_article_and_says_whether_it_was_checked() -> None:
    for requirement in RULES.requirements:
        assert "Điều" in requirement.citation or requirement.instrument.id == "advisory", requirement.id
        assert isinstance(requirement.verified, bool)
        assert requirement.instrument.source


def _as_json(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _as_json(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_as_json(v) for v in value]
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


@pytest.mark.parametrize(
    ("pattern", "schema"),
    [
        ("categories.yaml", "categories.schema.json"),
        ("requirements/*.yaml", "requirements.schema.json"),
        ("cases/*.yaml", "cases.schema.json"),
    ],
)
def test_rule_files_follow_their_json_schema(pattern: str, schema: str) -> None:
    validator = json.loads((ROOT / "rules" / "schema" / schema).read_text(encoding="utf-8"))
    files = sorted((ROOT / "rules").glob(pattern))
    assert files
    for path in files:
        jsonschema.validate(_as_json(yaml.safe_load(path.read_text(encoding="utf-8"))), validator)


@pytest.mark.parametrize(
    ("as_of", "present", "absent"),
    [
        ("2020-06-01", "NĐ 43/2011/NĐ-CP", "NĐ 42/2022/NĐ-CP"),
        ("2023-01-01", "NĐ 42/2022/NĐ-CP", "NĐ 43/2011/NĐ-CP"),
        ("2026-11-26", "NĐ 224/2026/NĐ-CP (chưa đối chiếu văn bản gốc)", "NĐ 42/2022/NĐ-CP"),
    ],
)
def test_rules_list_applies_the_instruments_in_force(
    run_cli: Callable[..., CliResult], as_of: str, present: str, absent: str
) -> None:
    result = run_cli(
        "rules", "list", "--as-of", as_of, "--sites", str(ROOT / "sites.yaml"), "--rules", str(ROOT / "rules")
    )
    assert result.code == 0, result.stderr
    instruments = next(line for line in result.stdout.splitlines() if line.startswith("Văn bản áp dụng:"))
    assert present in instruments
    assert absent not in instruments


def test_explain_budget_names_tt343_and_its_deadlines(run_cli: Callable[..., CliResult]) -> None:
    result = run_cli("rules", "explain", "budget_disclosure", "--rules", str(ROOT / "rules"), "--as-of", "2024-01-01")
    assert result.code == 0, result.stderr
    assert "TT 343/2016/TT-BTC" in result.stdout
    assert "15 ngày sau kỳ" in result.stdout
    assert "30 ngày" in result.stdout
    assert "Cách khắc phục" in result.stdout


def test_explain_unknown_category_is_exit_2(run_cli: Callable[..., CliResult]) -> None:
    result = run_cli("rules", "explain", "no_such", "--rules", str(ROOT / "rules"))
    assert result.code == 2
    assert "unknown category 'no_such'" in result.stderr


def test_rules_test_command_runs_every_case(run_cli: Callable[..., CliResult]) -> None:
    result = run_cli("rules", "test", "--rules", str(ROOT / "rules"))
    assert result.code == 0, result.stdout
    assert result.stdout.strip().endswith("0 failed")


def test_a_category_required_twice_is_judged_once_with_the_strictest_age() -> None:
    portal = next(a for a in REGISTRY.agencies if a.type is AgencyType.PROVINCIAL_PORTAL)
    obligations = {o.category.id: o for o in RULES.obligations(portal, dt.date(2020, 6, 1))}
    legal = obligations["legal_documents"]
    ages = [r.max_age_days for r in legal.requirements if r.max_age_days is not None]
    assert len(legal.requirements) >= 2
    assert legal.max_age_days == min(ages)
    assert all(r.legal_basis in legal.legal_basis for r in legal.requirements)


def test_party_sites_are_bound_only_by_advisory_requirements() -> None:
    for agency in REGISTRY.agencies:
        if agency.type is AgencyType.PARTY_ORG:
            obligations = RULES.obligations(agency, dt.date(2026, 11, 26))
            assert obligations
            assert all(o.advisory for o in obligations)


def test_department_functions_select_the_planning_items_of_nd43() -> None:
    on = dt.date(2020, 6, 1)
    by_id = {a.id: a for a in REGISTRY.agencies}
    skhdt = {o.category.id for o in RULES.obligations(by_id["skhdt"], on)}
    syt = {o.category.id for o in RULES.obligations(by_id["syt"], on)}
    assert "investment_incentives_opportunities" in skhdt
    assert "investment_incentives_opportunities" not in syt
    assert "land_use_planning" in {o.category.id for o in RULES.obligations(by_id["stnmt"], on)}


def _copy_rules(tmp_path: Path) -> Path:
    target = tmp_path / "rules"
    shutil.copytree(ROOT / "rules", target)
    return target


def test_overlapping_validity_of_a_replaced_instrument_is_refused(tmp_path: Path) -> None:
    rules = _copy_rules(tmp_path)
    path = rules / "requirements" / "nd43_2011.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("effective_until: 2022-08-14", "effective_until: 2023-12-31", 1), encoding="utf-8")
    with pytest.raises(ConfigError) as info:
        load_rules(rules)
    assert info.value.path.endswith("nd42_2022.yaml")
    assert "validity overlaps the instrument it replaces: nd43_2011 is in force until 2023-12-31" in str(info.value)


OVERLAY = """\
schema_version: 1
instrument:
  id: qd_ninhthuan_test
  short: "QĐ thử nghiệm"
  title: {vi: "Quyết định của tỉnh (thử nghiệm)", en: "Provincial decision (test)"}
  effective_from: 2020-01-01
  effective_until: null
  verified: false
  source: "test overlay"
  province: PROVINCE
requirements:
  - category: news_events
    citation: "Điều 3 khoản 1"
    verified: false
    applies_to: [{type: department}]
    max_age_days: 7
    weight: 3
"""


@pytest.mark.parametrize(("province", "applies"), [("ninhthuan", True), ("khanhhoa", False)])
def test_a_province_overlay_tightens_only_its_own_province(tmp_path: Path, province: str, applies: bool) -> None:
    rules = _copy_rules(tmp_path)
    (rules / "overlays").mkdir()
    (rules / "overlays" / "ninhthuan.yaml").write_text(OVERLAY.replace("PROVINCE", province), encoding="utf-8")
    ruleset = load_rules(rules, province="ninhthuan")
    stc = next(a for a in REGISTRY.agencies if a.id == "stc")
    news = next(o for o in ruleset.obligations(stc, dt.date(2026, 11, 26)) if o.category.id == "news_events")
    assert (news.max_age_days == 7) is applies
    assert ("QĐ thử nghiệm Điều 3 khoản 1" in news.legal_basis) is applies


def test_an_overlay_without_a_province_is_refused(tmp_path: Path) -> None:
    rules = _copy_rules(tmp_path)
    (rules / "overlays").mkdir()
    (rules / "overlays" / "x.yaml").write_text(OVERLAY.replace("  province: PROVINCE\n", ""), encoding="utf-8")
    with pytest.raises(ConfigError, match=r"a province overlay needs instrument\.province"):
        load_rules(rules)

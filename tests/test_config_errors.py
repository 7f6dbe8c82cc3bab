"""Bad sites.yaml and rule files: one located line, exit code 2, nothing written."""

from __future__ import annotations

import itertools
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from auditor.config import load_registry, load_rules
from auditor.errors import ConfigError
from auditor.rulecases import load_cases

from .conftest import ROOT, CliResult

GOOD_AGENCY = """\
province: {id: ninhthuan, name: Ninh Thuận}
agencies:
  - id: stc
    name: Sở Tài chính
    type: department
    functions: [finance]
    url: https://stc.ninhthuan.gov.vn/
"""

# (case id, sites.yaml text, expected "file:line" suffix, fragment of the message)
BAD_SITES = [
    ("yaml_syntax", GOOD_AGENCY + "  - id: [unclosed\n", ":9", "(while parsing a flow sequence started on line 8)"),
    ("duplicate_key", GOOD_AGENCY + "    url: https://x.gov.vn/\n", ":8", "duplicate key (first defined on line 7)"),
    (
        "unknown_type",
        GOOD_AGENCY.replace("type: department", "type: ministry"),
        ":5",
        "'ministry' is not allowed; one of: provincial_portal, department, district, commune, party_org",
    ),
    (
        "unknown_function",
        GOOD_AGENCY.replace("[finance]", "[finance, banking]"),
        ":6",
        "unknown function 'banking'; one of: planning_investment",
    ),
    ("duplicate_id", GOOD_AGENCY + GOOD_AGENCY.split("agencies:\n", 1)[1], ":8", "duplicate agency id 'stc'"),
    (
        "missing_url",
        GOOD_AGENCY.replace("    url: https://stc.ninhthuan.gov.vn/\n", ""),
        ":3",
        "missing required key 'url'",
    ),
    ("ftp_scheme", GOOD_AGENCY.replace("https://stc", "ftp://stc"), ":7", "only http:// and https:// URLs"),
    ("unknown_key", GOOD_AGENCY + "    colour: blue\n", ":8", "unknown key; allowed: id, name, type, functions, url"),
    (
        "python_tag",
        GOOD_AGENCY.replace("name: Sở Tài chính", "name: !!python/object/apply:os.system ['true']"),
        ":4",
        "tag 'tag:yaml.org,2002:python/object/apply:os.system' is not allowed",
    ),
    (
        "yaml_bomb",
        'a: &a ["x","x","x","x","x","x","x","x","x","x"]\n'
        + "".join(
            f"{c}: &{c} [*{p},*{p},*{p},*{p},*{p},*{p},*{p},*{p},*{p},*{p}]\n"
            for p, c in itertools.pairwise("abcdefghi")
        )
        + GOOD_AGENCY,
        ":",
        "document expands to more than",
    ),
    ("empty_file", "", ":1", "file is empty"),
    ("not_a_mapping", "- just\n- a list\n", "", "expected a mapping"),
    ("bad_host", GOOD_AGENCY.replace("https://stc.ninhthuan.gov.vn/", "https://exa mple/"), ":7", "no valid host"),
    # urlsplit raises for these: they used to end in a traceback.
    ("bad_ipv6_url", GOOD_AGENCY.replace("https://stc.ninhthuan.gov.vn/", "'http://[::1'"), ":7", "not a valid URL"),
    ("bad_port", GOOD_AGENCY.replace("ninhthuan.gov.vn/", "ninhthuan.gov.vn:99999/"), ":7", "not a valid URL"),
    # PyYAML lets datetime's ValueError through for a date that does not exist.
    ("impossible_date", GOOD_AGENCY + "    note: 2025-02-29\n", ":8", "'2025-02-29' is not a valid date"),
    ("nul_byte", GOOD_AGENCY + "    note: a\x00b\n", ":8", "character '\\x00' is not allowed in YAML"),
]


@pytest.mark.parametrize(("text", "where", "message"), [c[1:] for c in BAD_SITES], ids=[c[0] for c in BAD_SITES])
def test_bad_sites_yaml_is_one_located_line_exit_2_nothing_written(
    tmp_path: Path, run_cli: Callable[..., CliResult], text: str, where: str, message: str
) -> None:
    sites = tmp_path / "sites.yaml"
    sites.write_text(text, encoding="utf-8")
    out = tmp_path / "out"
    result = run_cli("audit", "--sites", str(sites), "--out", str(out), "--as-of", "2026-11-01", "--quiet")
    assert result.code == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith(f"error: {sites}{where}")
    assert message in lines[0]
    assert "Traceback" not in result.stderr
    assert not out.exists()


def test_good_registry_loads_every_agency_of_the_province() -> None:
    registry = load_registry(ROOT / "sites.yaml")
    types = [a.type.value for a in registry.agencies]
    assert len(registry.agencies) == 34
    assert types.count("provincial_portal") == 1
    assert types.count("department") == 24
    assert types.count("district") == 7
    assert types.count("party_org") == 2


def _rules_copy(tmp_path: Path) -> Path:
    target = tmp_path / "rules"
    shutil.copytree(ROOT / "rules", target)
    return target


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def _line_of(path: Path, needle: str) -> int:
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if needle in line:
            return number
    raise AssertionError(needle)


def test_rules_unknown_category_in_requirement_is_located(tmp_path: Path) -> None:
    rules = _rules_copy(tmp_path)
    target = sorted((rules / "requirements").glob("*.yaml"))[0]
    first_category = next(
        line for line in target.read_text(encoding="utf-8").splitlines() if line.strip().startswith("- category:")
    )
    _edit(target, first_category, first_category.split(":")[0] + ": no_such_category")
    with pytest.raises(ConfigError) as info:
        load_rules(rules)
    assert info.value.path == str(target)
    assert info.value.line == _line_of(target, "no_such_category")
    assert "unknown category 'no_such_category'" in str(info.value)


def test_rule_files_named_yml_are_read_like_yaml(tmp_path: Path) -> None:
    shipped = load_rules(ROOT / "rules")
    shipped_cases = load_cases(ROOT / "rules", shipped)
    rules = _rules_copy(tmp_path)
    renamed = [rules / "categories.yaml", *(rules / "requirements").glob("*.yaml"), *(rules / "cases").glob("*.yaml")]
    for path in renamed[::2]:  # the catalogue and every other file: both endings in one folder
        path.rename(path.with_suffix(".yml"))
    assert any(p.suffix == ".yml" for p in (rules / "requirements").iterdir())
    assert any(p.suffix == ".yaml" for p in (rules / "requirements").iterdir())
    loaded = load_rules(rules)
    assert loaded.categories == shipped.categories
    assert sorted(r.id for r in loaded.requirements) == sorted(r.id for r in shipped.requirements)
    assert len(load_cases(rules, loaded)) == len(shipped_cases) > 0


def test_rules_unknown_key_in_category_is_located(tmp_path: Path) -> None:
    rules = _rules_copy(tmp_path)
    catalogue = rules / "categories.yaml"
    _edit(catalogue, "    dated:", "    colour: red\n    dated:")
    with pytest.raises(ConfigError) as info:
        load_rules(rules)
    assert info.value.line == _line_of(catalogue, "colour: red")
    assert "unknown key; allowed: id, name, description, fix, dated, cues" in str(info.value)


def test_rules_regex_syntax_in_cue_is_refused(tmp_path: Path) -> None:
    rules = _rules_copy(tmp_path)
    catalogue = rules / "categories.yaml"
    _edit(catalogue, "labels: [", "labels: ['ng(a|â)n sách', ")
    with pytest.raises(ConfigError) as info:
        load_rules(rules)
    assert "cues are plain phrases, not regular expressions" in str(info.value)
    assert info.value.line == _line_of(catalogue, "ng(a|â)n sách")


def test_rules_validate_command_accepts_the_shipped_rules(run_cli: Callable[..., CliResult]) -> None:
    result = run_cli("rules", "validate", "--sites", str(ROOT / "sites.yaml"), "--rules", str(ROOT / "rules"))
    assert result.code == 0, result.stderr
    assert "34 agencies" in result.stdout


def test_bad_as_of_is_a_usage_error(run_cli: Callable[..., CliResult], tmp_path: Path) -> None:
    result = run_cli(
        "audit", "--sites", str(ROOT / "sites.yaml"), "--as-of", "2026-13-01", "--out", str(tmp_path / "o")
    )
    assert result.code == 2
    assert "--as-of: '2026-13-01' is not a date; use YYYY-MM-DD" in result.stderr
    assert not (tmp_path / "o").exists()


def test_unknown_option_is_exit_2(run_cli: Callable[..., CliResult]) -> None:
    result = run_cli("audit", "--no-such-flag")
    assert result.code == 2
    assert "No such option" in result.stderr


def test_bad_rule_file_through_the_cli_is_one_line_exit_2_nothing_written(
    tmp_path: Path, run_cli: Callable[..., CliResult]
) -> None:
    rules = _rules_copy(tmp_path)
    target = rules / "requirements" / "nd43_2011.yaml"
    _edit(target, "    weight:", "    colour: red\n    weight:")
    out = tmp_path / "out"
    result = run_cli(
        "audit", "--sites", str(ROOT / "sites.yaml"), "--rules", str(rules), "--out", str(out), "--quiet",
        "--as-of", "2026-11-01",
    )  # fmt: skip
    assert result.code == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith(f"error: {target}:{_line_of(target, 'colour: red')}: requirements[")
    assert "colour: unknown key; allowed: category, citation, verified, applies_to, weight" in lines[0]
    assert not out.exists()

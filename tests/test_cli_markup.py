"""Names from sites.yaml and the rules are printed as they are: never read as rich markup or emoji codes."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import yaml

from .conftest import ROOT, CliResult

# "[/]" closes nothing: read as markup it ended the command with rich's MarkupError, after the reports.
MARKUP = "[/] [bold]x :smile:"


def _registry(tmp_path: Path) -> Path:
    data = yaml.safe_load((ROOT / "sites.yaml").read_text(encoding="utf-8"))
    data["province"]["name"] = f"Tỉnh {MARKUP}"
    data["agencies"] = data["agencies"][:2]
    data["agencies"][0]["name"] = f"Sở Tài chính {MARKUP}"
    path = tmp_path / "sites.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


def test_the_score_table_prints_names_verbatim(tmp_path: Path, run_cli: Callable[..., CliResult]) -> None:
    sites = _registry(tmp_path)
    hosts = [a["url"].split("/")[2] for a in yaml.safe_load(sites.read_text(encoding="utf-8"))["agencies"]]
    # Nothing listens on port 9: every site is "could not check", quickly.
    refused = [f"--connect-to={host}=127.0.0.1:9" for host in hosts]
    result = run_cli(
        "audit", "--sites", str(sites), "--out", str(tmp_path / "out"), "--as-of", "2026-11-01", "--quiet",
        "--workers", "1", "--page-budget", "1", *refused,
    )  # fmt: skip
    assert result.code == 0, result.stderr
    assert f"Tỉnh {MARKUP}" in result.stdout
    assert f"Sở Tài chính {MARKUP}" in result.stdout
    assert "😄" not in result.stdout


def test_rules_list_and_explain_print_rule_text_verbatim(tmp_path: Path, run_cli: Callable[..., CliResult]) -> None:
    rules = tmp_path / "rules"
    shutil.copytree(ROOT / "rules", rules)
    categories = rules / "categories.yaml"
    text = categories.read_text(encoding="utf-8")
    old = 'name: {vi: "Cơ cấu tổ chức, chức năng nhiệm vụ", en: "Organisation, functions and duties"}'
    assert old in text
    categories.write_text(
        text.replace(old, f'name: {{vi: "Cơ cấu tổ chức {MARKUP}", en: "Organisation {MARKUP}"}}'), encoding="utf-8"
    )
    sites = ROOT / "sites.yaml"
    listed = run_cli("rules", "list", "--sites", str(sites), "--rules", str(rules), "--lang", "en")
    assert listed.code == 0, listed.stderr
    assert f"Organisation {MARKUP}" in " ".join(listed.stdout.split())
    explained = run_cli(
        "rules", "explain", "org_structure_functions", "--sites", str(sites), "--rules", str(rules), "--lang", "en"
    )
    assert explained.code == 0, explained.stderr
    assert f"Organisation {MARKUP}" in explained.stdout

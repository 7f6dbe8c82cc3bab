"""Commands run from any folder find the bundled rules and registry, in a wheel or an editable install."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from .conftest import ROOT, CliResult


def test_rules_and_sites_are_found_outside_the_checkout(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, run_cli: Callable[..., CliResult]
) -> None:
    monkeypatch.chdir(tmp_path)  # no rules/ here
    result = run_cli("rules", "validate", "--sites", str(ROOT / "sites.yaml"))
    assert result.code == 0, result.stderr
    assert "33 categories" in result.stdout
    assert "34 agencies" in result.stdout

"""Shared fixtures: running the CLI in-process and locating the repository's data."""

from __future__ import annotations

import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml

from auditor.cli import main
from auditor.models import Agency, AgencyType

ROOT = Path(__file__).resolve().parent.parent


@dataclass
class CliResult:
    code: int
    stdout: str
    stderr: str


@pytest.fixture
def run_cli(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> Callable[..., CliResult]:
    """Run ``auditor ARGS`` through the real entry point and capture its exit code and output."""

    def run(*args: str) -> CliResult:
        monkeypatch.setattr(sys, "argv", ["auditor", *args])
        capsys.readouterr()
        with pytest.raises(SystemExit) as exit_info:
            main()
        captured = capsys.readouterr()
        code = exit_info.value.code
        return CliResult(code if isinstance(code, int) else 1, captured.out, captured.err)

    return run


def make_agency(agency_id: str, url: str, *extra: str) -> Agency:
    """A department at ``url`` whose scope also registers the ``extra`` hosts."""
    return Agency(agency_id, agency_id, AgencyType.DEPARTMENT, (), url, extra_hosts=extra)


def subset_sites(folder: Path, agency_ids: tuple[str, ...]) -> Path:
    """A sites.yaml in ``folder`` with only these agencies of the real registry."""
    data = yaml.safe_load((ROOT / "sites.yaml").read_text(encoding="utf-8"))
    data["agencies"] = [a for a in data["agencies"] if a["id"] in agency_ids]
    path = folder / "sites.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path

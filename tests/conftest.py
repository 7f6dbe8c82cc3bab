"""Shared fixtures: running the CLI in-process and locating the repository's data."""

from __future__ import annotations

import asyncio
import sys
from collections.abc import Callable, Coroutine, Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import pytest
import yaml

from auditor.cli import main
from auditor.config import load_registry, load_rules
from auditor.demo import sample_target
from auditor.eventloop import loop_factory
from auditor.models import Agency, AgencyType, AuditRun
from auditor.pipeline import AuditOptions, audit, default_settings
from auditor.sample import SAMPLE_AS_OF

ROOT = Path(__file__).resolve().parent.parent


class _LoopPolicy(asyncio.DefaultEventLoopPolicy):
    """asyncio's policy, making its loops with ``factory``: what asyncio.run then runs a test on."""

    def __init__(self, factory: Callable[[], asyncio.AbstractEventLoop]) -> None:
        super().__init__()
        self._factory = factory

    def new_event_loop(self) -> asyncio.AbstractEventLoop:
        return self._factory()


@pytest.fixture(params=["asyncio", "audit"])
def each_event_loop(request: pytest.FixtureRequest) -> Iterator[None]:
    """Run the test on asyncio's own loop, then on the loop an audit runs on (uvloop; auditor.eventloop).

    For the tests that tell network faults apart: the audit's loop must raise what the fetcher
    classifies, as asyncio's does. Other tests that call asyncio.run run on asyncio's loop; the
    command (``run_cli``) and the pipeline's own runner always run on the audit's.
    """
    if request.param == "asyncio":
        yield
        return
    factory = loop_factory()
    if factory is None:
        pytest.skip("uvloop is not built for this platform: an audit runs on asyncio's loop here")
    previous = asyncio.get_event_loop_policy()
    asyncio.set_event_loop_policy(_LoopPolicy(factory))
    try:
        yield
    finally:
        asyncio.set_event_loop_policy(previous)


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


def audit_sample(
    agency_ids: tuple[str, ...], run: Callable[[Coroutine[Any, Any, AuditRun]], AuditRun] = asyncio.run
) -> AuditRun:
    """The given agencies of the bundled sample portal, audited in this process as of its fixed date.

    ``run`` runs the audit's coroutine: asyncio.run, on asyncio's loop, unless the test says otherwise.
    """
    return audit_sample_counted(agency_ids, run)[0]


def audit_sample_counted(
    agency_ids: tuple[str, ...], run: Callable[[Coroutine[Any, Any, AuditRun]], AuditRun] = asyncio.run
) -> tuple[AuditRun, dict[str, int]]:
    """Like :func:`audit_sample`, with the requests the sample portal received per host."""
    full = load_registry(ROOT / "sites.yaml")
    registry = replace(full, agencies=tuple(a for a in full.agencies if a.id in agency_ids))
    rules = load_rules(ROOT / "rules", province=registry.province.id)
    with sample_target(registry) as target:
        options = AuditOptions(
            as_of=SAMPLE_AS_OF,
            settings=default_settings(delay=0.0, per_host_concurrency=4, retries=1),
            resolve=target.resolve,
            plain_http=True,
        )
        audited = run(audit(registry, rules, options))
        return audited, target.server.counts_by_host()

"""The event loop every process of an audit runs on: uvloop where installed, asyncio's own where not."""

from __future__ import annotations

import asyncio
import sys

import pytest

from auditor import pipeline
from auditor.report import FORMATS

from .conftest import audit_sample

# Sites of the sample portal: a 503 home page, a refused connection, a home robots.txt disallows, two
# departments and a Party site.
AGENCIES = ("bacai", "sngv", "thanhtra", "stc", "sxd", "tinhuy")


async def _loop_type() -> type[asyncio.AbstractEventLoop]:
    return type(asyncio.get_running_loop())


def test_an_audit_runs_on_uvloop_where_it_is_installed() -> None:
    uvloop = pytest.importorskip("uvloop")  # a dependency wherever it is built (not on Windows)
    assert pipeline._run_quietly(_loop_type()) is uvloop.Loop


def test_without_uvloop_an_audit_runs_on_asyncio_s_own_loop(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "uvloop", None)  # its import fails, as where it is not installed
    loop_type = pipeline._run_quietly(_loop_type())
    assert issubclass(loop_type, asyncio.BaseEventLoop)
    assert loop_type.__module__.startswith("asyncio.")


def test_the_sample_portal_gives_the_same_findings_on_either_loop(monkeypatch: pytest.MonkeyPatch) -> None:
    # Run as the pipeline runs an audit: on its loop, then with uvloop's import failing.
    on_audit_loop = audit_sample(AGENCIES, pipeline._run_quietly)
    monkeypatch.setitem(sys.modules, "uvloop", None)
    on_asyncio = audit_sample(AGENCIES, pipeline._run_quietly)
    assert len(on_audit_loop.scorecards) == len(AGENCIES)
    assert FORMATS["json"].render(on_audit_loop, "vi") == FORMATS["json"].render(on_asyncio, "vi")

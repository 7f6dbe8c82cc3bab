"""Commands run from any folder find the bundled rules and registry, in a wheel or an editable install."""

from __future__ import annotations

import os
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


def test_the_installed_command_runs_and_its_entry_point_leaves_the_cli_unimported(tmp_path: Path) -> None:
    # Worker processes import the module the command was started from: it must stay light.
    import subprocess
    import sys

    command = Path(sys.executable).parent / "auditor"
    done = subprocess.run([str(command), "--help"], capture_output=True, text=True, cwd=tmp_path, check=False)
    assert done.returncode == 0, done.stderr
    assert "audit" in done.stdout
    probe = "import sys, auditor.entry; print(sorted(m for m in ('auditor.cli', 'typer', 'rich') if m in sys.modules))"
    imported = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert imported.stdout.strip() == "[]"


def test_a_worker_s_share_of_the_code_loads_no_terminal_code() -> None:
    # What a worker process imports to audit its share: httpx's own CLI (rich, click) stays out, and
    # so does YAML (the registry and rules reach it as objects; the history is the parent's), and
    # tenacity until a request fails.
    import subprocess
    import sys

    unwanted = ("auditor.cli", "typer", "rich", "click", "httpx._main", "yaml", "tenacity")
    probe = (
        "import sys, auditor.pipeline, auditor.siteaudit, auditor.workers, httpx;"
        " httpx.Request('GET', 'http://example.gov.vn/');"
        f" print(sorted(m for m in {unwanted!r} if sys.modules.get(m)))"
    )
    imported = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert imported.stdout.strip() == "[]"


def test_the_extractor_is_loaded_on_the_first_page_parsed() -> None:
    # Not for the first request, and never in a rerun whose pages' facts are all stored.
    import subprocess
    import sys

    extractor = ("selectolax", "auditor.extract.page", "auditor.extract.dates")
    probe = (
        "import sys, datetime, auditor.pipeline, auditor.siteaudit, auditor.workers;"
        f" before = sorted(m for m in {extractor!r} if m in sys.modules);"
        " from auditor.extract import parse_page;"
        " facts = parse_page('http://a.gov.vn/', 200, '<title>Trang chủ</title>'.encode(), content_type='text/html',"
        " as_of=datetime.date(2026, 11, 1));"
        f" print(before, sorted(m for m in {extractor!r} if m in sys.modules), facts.title)"
    )
    imported = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert imported.stdout.strip() == f"[] {sorted(extractor)} Trang chủ"


def test_the_command_hands_out_the_workers_shares_before_it_loads_the_crawl() -> None:
    # The parent reads its arguments, registry and rules and deals the sites with the CLI and the
    # pipeline loaded; the crawl (aiohttp, httpx, the extractors) comes after, while the workers crawl.
    import subprocess
    import sys

    crawl = ("aiohttp", "httpx", "selectolax", "auditor.siteaudit", "auditor.crawl.fetcher", "auditor.extract.page")
    probe = f"import sys, auditor.cli, auditor.pipeline; print(sorted(m for m in {crawl!r} if m in sys.modules))"
    imported = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert imported.stdout.strip() == "[]"


def test_the_command_deals_the_sites_before_it_loads_rich_or_the_report_renderers() -> None:
    # Nothing is printed or rendered before the crawl: rich (0.06 s) and the renderers with their
    # libraries (0.05 s) are loaded once the workers have their shares, not before.
    import subprocess
    import sys

    later = ("rich", "xlsxwriter", "auditor.report.xlsx_report", "auditor.report.html_report", "xml.sax.saxutils")
    probe = f"import sys, auditor.cli, auditor.pipeline; print(sorted(m for m in {later!r} if m in sys.modules))"
    imported = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert imported.stdout.strip() == "[]"


@pytest.mark.parametrize(("terminal", "live"), [(True, "True"), (False, "False")])
def test_the_progress_display_loads_rich_at_the_first_site_not_before(terminal: bool, live: str) -> None:
    # The display is made when the command starts, before it deals the sites; rich is loaded once
    # a site reports, after the deal. On a terminal that first report starts the live display.
    import subprocess
    import sys

    probe = (
        "import sys, types; from auditor.cli import _Progress\n"
        "with _Progress(False, 1) as p:\n"
        "    before = 'rich' in sys.modules; a = types.SimpleNamespace(id='a')\n"
        "    p.site_started(a); p.page_done(a, 1, 0, 0); live = p.progress is not None\n"
        "print(before, 'rich' in sys.modules, live)"  # after the display: it takes over stdout while live
    )
    # Standard error is a pipe here: a terminal only where rich is told so.
    env = {k: v for k, v in os.environ.items() if k not in ("FORCE_COLOR", "TTY_COMPATIBLE")}
    if terminal:
        env["TTY_COMPATIBLE"] = "1"
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, env=env, check=True)
    assert done.stdout.split() == ["False", "True", live]


def test_reading_the_flags_loads_no_pydantic() -> None:
    # typer 0.29 coerces every parameter through a pydantic TypeAdapter: 0.2-0.3 s of every start
    # (see the pin in pyproject.toml). Flags of every kind read here: paths, options, a date, a flag.
    import subprocess
    import sys

    probe = (
        "import sys; from typer.main import get_command; from auditor.cli import app;"
        " get_command(app).main(['rules', 'list', '--sites', 'sites.yaml', '--as-of', '2026-11-01', '--lang', 'en'],"
        " standalone_mode=False); print('pydantic' in sys.modules, file=sys.stderr)"
    )
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, cwd=ROOT, check=True)
    assert "budget_disclosure" in done.stdout  # the command ran
    assert done.stderr.strip() == "False"


def test_the_command_starts_its_workers_before_it_loads_asyncio_or_the_data_model() -> None:
    # auditor.entry starts the workers with auditor.prestart alone: they import the crawl while the
    # command imports the rest.
    import subprocess
    import sys

    probe = (
        "import sys, auditor.entry, auditor.gctune, auditor.prestart;"
        " print(sorted(m for m in ('asyncio', 'auditor.models', 'auditor.workers') if m in sys.modules))"
    )
    imported = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert imported.stdout.strip() == "[]"

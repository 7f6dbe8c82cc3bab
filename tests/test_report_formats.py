"""Every report format on part of the sample portal, against golden files; results.json read back; safe cells.

Regenerate the golden files after an intended change with ``UPDATE_GOLDEN=1 .venv/bin/python -m pytest
tests/test_report_formats.py`` and review the diff.
"""

from __future__ import annotations

import csv
import dataclasses
import datetime
import io
import json
import multiprocessing
import os
import pickle
import threading
import zipfile
from collections.abc import Callable
from concurrent.futures import Executor, Future, ProcessPoolExecutor, ThreadPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from functools import cache
from pathlib import Path
from typing import Any

import jsonschema
import openpyxl
import pytest
from selectolax.lexbor import LexborHTMLParser as HTMLParser

from auditor.errors import ConfigError
from auditor.models import AuditRun, Evidence, Status
from auditor.pipeline import write_reports
from auditor.report import FORMATS, ReportContext, files_of
from auditor.report.common import breakdown, report_order
from auditor.report.context import Change, ChangeKind, Comparison, Waiver, WaiverKind
from auditor.report.json_report import run_to_dict
from auditor.report.load import load_results
from auditor.report.schema_file import SCHEMA_TEXT

from .conftest import CliResult, audit_sample

GOLDEN = Path(__file__).parent / "golden"
# Three agencies without a robots.txt Crawl-delay keep the audit to a few seconds.
AGENCIES = ("sgtvt", "thuannam", "ninhhai")
AS_OF = datetime.date(2026, 11, 1)
FORMULAS = ('=HYPERLINK("http://evil","x")', "+1+1", "-2+3", "@SUM(A1)", "\tcmd", "=1+1")


@cache
def sample_run() -> AuditRun:
    """The sample portal's three agencies audited once per test session (other report tests reuse it)."""
    return audit_sample(AGENCIES)


def render_text(name: str, run: AuditRun, lang: str = "vi", context: ReportContext | None = None) -> str:
    rendered = FORMATS[name].render(run, lang, context)
    assert isinstance(rendered, str)
    return rendered


def xlsx_dump(data: bytes) -> str:
    """A text view of a workbook for golden comparison: sheets, frozen panes, values and fills."""
    book = openpyxl.load_workbook(io.BytesIO(data))
    lines = []
    for sheet in book.worksheets:
        lines.append(f"## {sheet.title} (frozen {sheet.freeze_panes})")
        for row in sheet.iter_rows():
            cells = []
            for cell in row:
                fill = cell.fill.fgColor.rgb if cell.fill and cell.fill.fill_type == "solid" else ""
                cells.append(f"{cell.value!s}" + (f" [{fill}]" if fill else ""))
            lines.append(" | ".join(cells))
    return "\n".join(lines) + "\n"


def _check_golden(name: str, text: str) -> None:
    path = GOLDEN / name
    if os.environ.get("UPDATE_GOLDEN") == "1":
        path.write_bytes(text.encode("utf-8"))
        return
    assert path.exists(), f"{path} is missing: run with UPDATE_GOLDEN=1 to create it"
    expected = path.read_bytes().decode("utf-8")
    assert text == expected, f"{name} differs from its golden file; if intended, rerun with UPDATE_GOLDEN=1"


CASES = [(name, lang) for name in FORMATS for lang in ("vi", "en") if not (name in ("json", "schema") and lang == "en")]


@pytest.mark.parametrize(("name", "lang"), CASES, ids=[f"{n}-{lang}" for n, lang in CASES])
def test_every_format_matches_its_golden_file(name: str, lang: str) -> None:
    fmt = FORMATS[name]
    rendered = fmt.render(sample_run(), lang)
    text = xlsx_dump(rendered) if isinstance(rendered, bytes) else rendered
    _check_golden(f"{lang}.{fmt.filename}" + (".txt" if isinstance(rendered, bytes) else ""), text)
    assert rendered == fmt.render(sample_run(), lang), "rendering is not deterministic"


def test_run_folder_holds_every_format_and_results_validate(tmp_path: Path) -> None:
    written = write_reports(sample_run(), tmp_path, list(FORMATS), "vi")
    assert {p.name for p in written} == set(files_of(FORMATS))
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(files_of(FORMATS))
    results = json.loads((tmp_path / "results.json").read_text(encoding="utf-8"))
    jsonschema.validate(results, json.loads(SCHEMA_TEXT))


class _Recording(ProcessPoolExecutor):
    """A real pool that notes the formats of each job it was given, and what else the job holds."""

    def __init__(self) -> None:
        super().__init__(1, mp_context=multiprocessing.get_context("spawn"))
        self.given: list[tuple[str, ...]] = []
        self.payloads: list[tuple[Any, ...]] = []

    def submit(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Future[Any]:
        self.given.append(tuple(args[0]))
        self.payloads.append(args[1:])
        return super().submit(fn, *args, **kwargs)


class _Failing(Executor):
    """A helper whose every job fails, as a pool does when its process is killed."""

    def submit(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Future[Any]:
        failed: Future[Any] = Future()
        failed.set_exception(BrokenProcessPool("a worker process died"))
        return failed


def _files(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


def test_an_idle_worker_renders_the_workbook_and_every_file_is_the_same(tmp_path: Path) -> None:
    write_reports(sample_run(), tmp_path / "here", list(FORMATS), "vi")
    helper = _Recording()
    try:
        write_reports(sample_run(), tmp_path / "helped", list(FORMATS), "vi", helper=helper)
        write_reports(sample_run(), tmp_path / "json", ["json"], "vi", helper=helper)  # nothing to hand over
    finally:
        helper.shutdown()
    # One job, the run sent once: the workbook and the tables; JSON, the page and the summary stay.
    assert helper.given == [("csv", "xlsx", "junit")]
    assert _files(tmp_path / "helped") == _files(tmp_path / "here")
    # The run went already pickled: made here, not by the pool's feeder thread while this process rendered.
    [(pickled,)] = helper.payloads
    assert isinstance(pickled, bytes)
    assert pickle.loads(pickled) == (sample_run(), "vi", None)  # noqa: S301 - bytes this test made


def test_the_run_is_pickled_by_the_calling_thread_before_it_renders(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Pickled by the pool's feeder thread, the run waited for this process's own renders to yield
    # the interpreter, and the helper started its share late.
    events: list[tuple[str, str]] = []
    dumps, render_json = pickle.dumps, FORMATS["json"].render

    def noting_dumps(obj: Any, *args: Any, **kwargs: Any) -> bytes:
        events.append(("pickled", threading.current_thread().name))
        return dumps(obj, *args, **kwargs)

    def noting_render(run: AuditRun, lang: str, context: ReportContext | None) -> str | bytes:
        events.append(("rendered json", threading.current_thread().name))
        return render_json(run, lang, context)

    monkeypatch.setattr("auditor.pipeline.pickle.dumps", noting_dumps)
    monkeypatch.setattr("auditor.report.json_report.render", noting_render)
    helper = ThreadPoolExecutor(1)  # runs the job as given, pickling nothing itself
    try:
        write_reports(sample_run(), tmp_path / "helped", list(FORMATS), "vi", helper=helper)
    finally:
        helper.shutdown()
    here = threading.current_thread().name
    assert events == [("pickled", here), ("rendered json", here)]


@pytest.mark.parametrize(
    "broken",
    [
        "shut down",
        "job fails",
        "cannot pickle: PicklingError",
        "cannot pickle: TypeError",
        "cannot pickle: AttributeError",
    ],
)
def test_a_helper_that_cannot_render_leaves_the_work_to_this_process(
    tmp_path: Path, broken: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    write_reports(sample_run(), tmp_path / "here", list(FORMATS), "vi")
    helper: Executor
    if broken == "shut down":
        helper = ThreadPoolExecutor(1)
        helper.shutdown()  # submit raises RuntimeError
    elif broken.startswith("cannot pickle"):
        # What pickle raises for a lambda, a lock and a local function.
        error = {"PicklingError": pickle.PicklingError, "TypeError": TypeError, "AttributeError": AttributeError}

        def refuse(obj: Any, *args: Any, **kwargs: Any) -> bytes:
            raise error[broken.rpartition(" ")[2]]("cannot pickle the run")

        monkeypatch.setattr("auditor.pipeline.pickle.dumps", refuse)
        helper = _Failing()  # never given the job: its failure would not be this one
    else:
        helper = _Failing()
    written = write_reports(sample_run(), tmp_path / "helped", list(FORMATS), "vi", helper=helper)
    assert len(written) == len(files_of(FORMATS))
    assert _files(tmp_path / "helped") == _files(tmp_path / "here")


class _Held(Executor):
    """A helper whose work is done only when asked: what was done while it worked can be told apart."""

    def __init__(self) -> None:
        self.jobs: list[tuple[Future[Any], Callable[[], Any]]] = []
        self.waited_for = False

    def submit(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Future[Any]:
        helper = self

        class Pending(Future[Any]):
            def result(self, timeout: float | None = None) -> Any:
                if not self.done():  # waited for before meanwhile ran: fail rather than hang
                    helper.waited_for = True
                    raise TimeoutError
                return super().result(timeout)

        future = Pending()
        self.jobs.append((future, lambda: fn(*args, **kwargs)))
        return future

    def finish(self) -> None:
        for future, job in self.jobs:
            future.set_result(job())


def test_meanwhile_runs_after_this_process_rendered_and_before_the_helper_s_work_is_needed(tmp_path: Path) -> None:
    helper = _Held()
    seen: list[tuple[list[str], list[str]]] = []

    def meanwhile() -> None:
        # The CLI prints the score table here: the workbook is still being rendered.
        written = [p.name for p in (tmp_path / "out").iterdir() if not p.name.startswith(".")]  # not staging
        seen.append((written, [f.done() for f, _ in helper.jobs]))
        helper.finish()

    write_reports(sample_run(), tmp_path / "out", list(FORMATS), "vi", helper=helper, meanwhile=meanwhile)
    assert seen == [([], [False])]  # nothing written yet, the workbook not done
    assert not helper.waited_for
    write_reports(sample_run(), tmp_path / "here", list(FORMATS), "vi")
    assert _files(tmp_path / "out") == _files(tmp_path / "here")


def test_what_meanwhile_raises_is_raised_once_the_reports_are_written(tmp_path: Path) -> None:
    # As when stdout is a pipe closed early (`auditor audit … | head`): the reports are kept.
    def meanwhile() -> None:
        raise BrokenPipeError(32, "Broken pipe")

    with pytest.raises(BrokenPipeError):
        write_reports(sample_run(), tmp_path, list(FORMATS), "vi", meanwhile=meanwhile)
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(files_of(FORMATS))


def test_results_json_reads_back_into_the_same_run(tmp_path: Path) -> None:
    write_reports(sample_run(), tmp_path, ["json"], "vi")
    loaded = load_results(tmp_path / "results.json")
    for name, fmt in FORMATS.items():
        if name != "json":
            continue
        assert fmt.render(loaded, "vi") == fmt.render(sample_run(), "vi")
    assert loaded.ranked()[0].agency.id == sample_run().ranked()[0].agency.id
    assert FORMATS["html"].render(loaded, "en") == FORMATS["html"].render(sample_run(), "en")


def _awkward(run: AuditRun) -> AuditRun:
    """The sample with text a layout could trip on: line breaks, quotes, backslashes, U+2028, a tab."""
    card = run.scorecards[0]
    odd = 'Sở "A"\\B\nC\u2028D\tE ]}, {"'
    finding = dataclasses.replace(card.findings[0], reason=odd, evidence=Evidence(pages=(odd,), link_text=odd))
    agency = dataclasses.replace(card.agency, name=odd)
    first = dataclasses.replace(card, agency=agency, findings=(finding, *card.findings[1:]))
    return dataclasses.replace(run, scorecards=(first, *run.scorecards[1:]))


@pytest.mark.parametrize("case", ["sample", "with history and exceptions", "no agencies", "one agency", "awkward text"])
def test_results_json_is_the_whole_tree_as_json_dumps_writes_it(case: str) -> None:
    run, context = sample_run(), None
    if case == "with history and exceptions":
        card = run.scorecards[1]
        waiver = Waiver(card.agency.id, card.findings[0].category, WaiverKind.NOT_APPLICABLE, "lý do", "Sở", AS_OF)
        change = Change(card.agency.id, card.findings[1].category, ChangeKind.FIXED, Status.STALE, Status.OK)
        scores = ((card.agency.id, 40, card.score),)
        context = ReportContext((waiver,), Comparison(AS_OF.replace(month=10), AS_OF, (change,), scores))
    elif case == "no agencies":
        run = dataclasses.replace(run, scorecards=())
    elif case == "one agency":
        run = dataclasses.replace(run, scorecards=run.scorecards[:1])
    elif case == "awkward text":
        run = _awkward(run)
    text = render_text("json", run, "vi", context)
    assert text == json.dumps(run_to_dict(run, context), ensure_ascii=False, indent=2) + "\n"
    assert len(json.loads(text)["agencies"]) == len(run.scorecards)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("{not json", "results.json:1: not JSON"),
        ('{"schema_version": 2}', "results.json: schema_version: schema_version 2 is not supported"),
        (
            '{"schema_version": 1, "as_of": "2026-13-01", "province": {"id": "p", "name": "P"}}',
            "results.json: as_of: '2026-13-01' is not a date",
        ),
    ],
)
def test_a_bad_results_file_is_a_located_config_error(tmp_path: Path, content: str, message: str) -> None:
    path = tmp_path / "results.json"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(ConfigError) as error:
        load_results(path)
    assert str(error.value).startswith(str(tmp_path / message.split(":")[0]) + ":" + message.split(":", 1)[1])


def test_a_bad_status_names_the_key(tmp_path: Path) -> None:
    data = json.loads(FORMATS["json"].render(sample_run(), "vi"))
    data["agencies"][1]["findings"][2]["status"] = "fine"
    path = tmp_path / "results.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(ConfigError, match=r"agencies\[1\]\.findings\[2\]\.status: 'fine' is not allowed"):
        load_results(path)


def test_a_lone_surrogate_is_a_located_error_not_a_report_that_cannot_be_written(
    run_cli: Callable[..., CliResult], tmp_path: Path
) -> None:
    # JSON's \ud800 escape reads as a lone surrogate, which no UTF-8 file can hold.
    text = FORMATS["json"].render(sample_run(), "vi")
    assert isinstance(text, str)
    data = json.loads(text)
    name = data["agencies"][0]["name"]
    path = tmp_path / "results.json"
    path.write_text(json.dumps(data).replace(json.dumps(name), json.dumps(name)[:-1] + '\\ud800"', 1), encoding="utf-8")
    with pytest.raises(ConfigError, match=r"agencies\[0\]\.name: a lone surrogate \(\\ud800\) is no text"):
        load_results(path)
    result = run_cli("report", str(path), "--out", str(tmp_path / "out"))
    assert result.code == 2
    assert not (tmp_path / "out").exists()


def _with_formula_text(run: AuditRun) -> AuditRun:
    card = run.scorecards[0]
    findings = list(card.findings)
    for i, text in enumerate(FORMULAS):
        findings[i] = dataclasses.replace(findings[i], evidence=Evidence(newest_title=text, link_text=text))
    name = dataclasses.replace(card.agency, name="=cmd|' /C calc'!A0")
    return dataclasses.replace(
        run, scorecards=(dataclasses.replace(card, agency=name, findings=tuple(findings)), *run.scorecards[1:])
    )


def test_csv_and_xlsx_read_back_formula_like_text_as_plain_text() -> None:
    run = _with_formula_text(sample_run())
    rows = list(csv.reader(io.StringIO(render_text("csv", run).lstrip("\ufeff"))))
    header = rows[0]
    titles = [r[header.index("Mục mới nhất")] for r in rows[1:] if r[0] == run.scorecards[0].agency.id]
    for text in FORMULAS:
        assert "'" + text in titles
    assert all(not cell.startswith(("=", "+", "-", "@", "\t")) for row in rows for cell in row)

    data = FORMATS["xlsx"].render(run, "vi")
    assert isinstance(data, bytes)
    book = openpyxl.load_workbook(io.BytesIO(data))
    sheet = book[run.scorecards[0].agency.id]
    values = [c for row in sheet.iter_rows() for c in row if c.value is not None]
    assert all(c.data_type == "s" for c in values if isinstance(c.value, str))
    assert all(not str(c.value).startswith(("=", "+", "-", "@", "\t")) for c in values)
    assert "'=cmd|' /C calc'!A0" in [c.value for c in values]
    assert {"'" + text for text in FORMULAS} <= {c.value for c in values}
    assert sheet.freeze_panes == "A3"
    assert book.worksheets[0].freeze_panes == "A2"


def test_heatmap_has_one_cell_per_agency_and_applicable_category() -> None:
    run = sample_run()
    tree = HTMLParser(render_text("html", run))
    cells = tree.css("#heatmap td.cell")
    assert len(cells) == sum(len(c.findings) for c in run.scorecards)
    statuses = [c.attributes["data-status"] for c in cells]
    assert {Status(s or "") for s in statuses} <= set(Status)
    assert len(tree.css("#heatmap tbody tr")) == len(run.scorecards)
    assert len(tree.css("section.agency")) == len(run.scorecards)


def test_each_score_is_explained_by_its_breakdown() -> None:
    run = sample_run()
    for card in run.scorecards:
        parts = breakdown(run, card, ReportContext())
        assert parts.total > 0
        assert round(100 * parts.earned / parts.total) == card.score, card.agency.id
        unknown = sum(1 for f in card.findings if f.status is Status.UNKNOWN)
        assert parts.unknown == unknown  # listed apart, never in the total
        assert sum(count for _, count, _, _ in parts.rows) == len(card.findings) - unknown
    html = render_text("html", run)
    assert "Không xác định (không tính vào điểm" in html


def _widths(sheet: Any, count: int) -> list[int]:
    """The first ``count`` columns' widths as a spreadsheet shows them, in characters.

    A file's width has the cell padding added, and one entry may set several adjacent columns.
    """
    shown = {}
    for dimension in sheet.column_dimensions.values():
        for column in range(dimension.min, dimension.max + 1):
            shown[column] = int(dimension.width)
    return [shown.get(column, 0) for column in range(1, count + 1)]


def test_xlsx_keeps_awkward_text_widths_bold_headers_and_fills() -> None:
    """Scraped text like an error code, XML or padding reads back unchanged; what XML cannot hold is dropped."""
    from auditor.report.xlsx_report import STATUS_FILLS

    texts = ("#N/A", "#REF!", 'a < b & c > d "q"', "  padded  ", "line\nbreak", "]]>", "")
    card = sample_run().scorecards[0]
    findings = list(card.findings)
    for i, text in enumerate(texts):
        findings[i] = dataclasses.replace(findings[i], evidence=Evidence(newest_title=text, link_text=text))
    run = dataclasses.replace(
        sample_run(), scorecards=(dataclasses.replace(card, findings=tuple(findings)), *sample_run().scorecards[1:])
    )
    data = FORMATS["xlsx"].render(run, "en")
    assert isinstance(data, bytes)
    book = openpyxl.load_workbook(io.BytesIO(data))
    assert book.properties.creator == "auditor"
    ranking, sheet = book.worksheets[0], book[card.agency.id]
    assert [sheet.cell(row=3 + i, column=9).value for i in range(len(texts))] == [*texts[:-1], None]
    assert all(sheet.cell(row=3 + i, column=9).data_type == "s" for i in range(len(texts) - 1))
    assert all(c.font.b for row in sheet.iter_rows(max_row=2) for c in row if c.value is not None)
    assert not any(c.font.b for row in sheet.iter_rows(min_row=3) for c in row)
    assert all(c.font.b for c in ranking[1])
    assert not any(c.font.b for c in ranking[2])
    for i, finding in enumerate(run.scorecards[0].findings, start=3):
        assert sheet.cell(row=i, column=5).fill.fgColor.rgb == "FF" + STATUS_FILLS[finding.status]
    assert _widths(ranking, 6) == [8, 18, 48, 18, 10, 18]
    assert _widths(sheet, 8)[7] == 50
    # A control character (a stray one on a page, or an escape in sites.yaml) would make openpyxl refuse the file.
    bad = dataclasses.replace(findings[0], evidence=Evidence(newest_title="be\x07ll\x1b", link_text=""))
    named = dataclasses.replace(card.agency, name="Sở\x00 Tài chính")
    odd = dataclasses.replace(run, scorecards=(dataclasses.replace(card, agency=named, findings=(bad,)),))
    book = openpyxl.load_workbook(io.BytesIO(FORMATS["xlsx"].render(odd, "en")))  # type: ignore[arg-type]
    assert book[card.agency.id].cell(row=3, column=9).value == "bell"
    assert book[card.agency.id].cell(row=1, column=1).value == "Sở Tài chính"


def test_xlsx_every_sheet_keeps_its_layout_styles_and_fixed_timestamps() -> None:
    """Every sheet, not just one: names in report order, frozen headers, widths, bold headers, status
    fills and text as text; and the package carries the run's date, never the time it was written."""
    from auditor.report.xlsx_report import STATUS_FILLS

    run = sample_run()
    data = FORMATS["xlsx"].render(run, "en")
    assert isinstance(data, bytes)
    assert data == FORMATS["xlsx"].render(run, "en")
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        assert {info.date_time for info in package.infolist()} == {(1980, 1, 1, 0, 0, 0)}
    book = openpyxl.load_workbook(io.BytesIO(data))
    midnight = datetime.datetime.combine(run.as_of, datetime.time())
    assert (book.properties.created, book.properties.modified) == (midnight, midnight)
    cards = report_order(run)
    assert book.sheetnames == ["Ranking", *(card.agency.id for card in cards)]

    ranking = book.worksheets[0]
    assert ranking.freeze_panes == "A2"
    assert _widths(ranking, 6) == [8, 18, 48, 18, 10, 18]
    assert [c.value for c in ranking["B"][1:]] == [card.agency.id for card in cards]
    assert all(c.font.b for c in ranking[1])
    assert not any(c.font.b for c in ranking["A"][1:])

    widths = [14, 30, 24, 36, 16, 12, 40, 50, 40, 40, 8, 12, 40, 24]
    for card, sheet in zip(cards, book.worksheets[1:], strict=True):
        assert sheet.freeze_panes == "A3"
        assert _widths(sheet, len(widths)) == widths
        assert (sheet.max_row, sheet.max_column) == (2 + len(card.findings), len(widths))
        assert all(c.font.b for c in (*sheet[1][:3], *sheet[2]))
        cells = [c for row in sheet.iter_rows(min_row=3) for c in row]
        assert not any(c.font.b for c in cells)
        assert all(c.data_type == "s" for c in cells if isinstance(c.value, str))
        assert [c.value for c in sheet["A"][2:]] == [card.agency.id] * len(card.findings)
        assert [c.value for c in sheet["K"][2:]] == [f.weight for f in card.findings]  # numbers stay numbers
        # The status column, and only it, is filled, in its finding's colour.
        assert [c.fill.fgColor.rgb for c in sheet["E"][2:]] == ["FF" + STATUS_FILLS[f.status] for f in card.findings]
        assert all(c.fill.fill_type is None for c in cells if c.column != 5)


def test_summary_md_escapes_what_a_results_file_may_carry_outside_the_tables() -> None:
    run = sample_run()
    odd = dataclasses.replace(run.instruments[0], short="NĐ 42 | <script>x</script>")
    text = render_text(
        "markdown", dataclasses.replace(run, instruments=(odd, *run.instruments[1:]), ruleset_version="<b>1")
    )
    assert "<script>" not in text
    assert "<b>1" not in text
    assert "NĐ 42 \\| &lt;script>x&lt;/script>" in text

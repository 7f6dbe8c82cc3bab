"""Two runs of the sample portal with one planted fix and one planted regression: the comparison, the
HTML, `auditor diff`, `auditor report` and the exit code of every CI gate; exceptions and escalation."""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import json
import random
from collections.abc import Callable
from pathlib import Path
from typing import Any, cast

import pytest
from selectolax.lexbor import LexborHTMLParser

from auditor.errors import ConfigError
from auditor.history import compare, failing_since, prepare
from auditor.models import AuditRun, Scorecard, Status
from auditor.pipeline import write_reports
from auditor.report import FORMATS, files_of
from auditor.report.context import FAILING, ChangeKind, RunSummary
from auditor.report.load import load_summary
from auditor.report.summary_file import FILENAME as SUMMARY
from auditor.score import score_findings
from auditor.waivers import load_waivers

from .conftest import CliResult
from .servers import closed_port
from .test_report_formats import render_text, sample_run

FIXED = ("thuannam", "qa_feedback")  # stale in the sample, fixed in the second run
REGRESSED = ("sgtvt", "news_events")  # ok in the sample, missing in the second run
SECOND = dt.date(2026, 12, 1)

Cli = Callable[..., CliResult]


def _set_status(card: Scorecard, category: str, status: Status) -> Scorecard:
    findings = tuple(
        dataclasses.replace(f, status=status, reason="fresh" if status is Status.OK else "no_evidence")
        if f.category == category
        else f
        for f in card.findings
    )
    score, scored = score_findings(findings)
    return dataclasses.replace(card, findings=findings, score=score, scored=scored)


def second_run(first: AuditRun) -> AuditRun:
    cards = []
    for card in first.scorecards:
        if card.agency.id == FIXED[0]:
            card = _set_status(card, FIXED[1], Status.OK)
        if card.agency.id == REGRESSED[0]:
            card = _set_status(card, REGRESSED[1], Status.MISSING)
        cards.append(card)
    return dataclasses.replace(first, as_of=SECOND, scorecards=tuple(cards))


def _statuses(run: AuditRun) -> dict[tuple[str, str], Status]:
    return {(c.agency.id, f.category): f.status for c in run.scorecards for f in c.findings}


@pytest.fixture(scope="module")
def reports(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """reports/2026-11-01 (the sample) and reports/2026-12-01 (one fix, one regression), written as the CLI does."""
    root = tmp_path_factory.mktemp("reports")
    first = sample_run()
    assert _statuses(first)[FIXED] is Status.STALE
    assert _statuses(first)[REGRESSED] is Status.OK
    for run in (first, second_run(first)):
        folder = root / run.as_of.isoformat()
        prepared, context = prepare(run, folder)
        write_reports(prepared, folder, list(FORMATS), "vi", context)
    return root


def test_comparison_finds_the_planted_fix_and_regression() -> None:
    first = sample_run()
    comparison = compare(RunSummary.of(first), second_run(first))
    assert [(c.agency, c.category, c.before, c.after) for c in comparison.of_kind(ChangeKind.NEWLY_FAILING)] == [
        (*REGRESSED, Status.OK, Status.MISSING)
    ]
    assert [(c.agency, c.category) for c in comparison.of_kind(ChangeKind.FIXED)] == [FIXED]
    failing = {k for k, s in _statuses(first).items() if s in (Status.STALE, Status.EMPTY, Status.BROKEN)}
    assert {(c.agency, c.category) for c in comparison.of_kind(ChangeKind.UNCHANGED)} == failing - {FIXED}
    assert comparison.regressed


def test_second_run_html_shows_the_changes_and_the_score_history(reports: Path) -> None:
    tree = LexborHTMLParser((reports / "2026-12-01" / "index.html").read_text(encoding="utf-8"))
    newly = [n.text() for n in tree.css('#changes li[data-change="newly_failing"]')]
    fixed = [n.text() for n in tree.css('#changes li[data-change="fixed"]')]
    assert len(newly) == 1
    assert "Sở Giao thông vận tải" in newly[0]
    assert "Không có" in newly[0]
    assert len(fixed) == 1
    assert "Thuận Nam" in fixed[0]
    # Each agency's chart has a point for each run.
    section = tree.css_first("section#a-sgtvt")
    assert section is not None
    assert len(section.css("svg.spark circle")) == 2
    first = LexborHTMLParser((reports / "2026-11-01" / "index.html").read_text(encoding="utf-8"))
    assert first.css("#changes li") == []
    results = json.loads((reports / "2026-12-01" / "results.json").read_text(encoding="utf-8"))
    assert results["previous_as_of"] == "2026-11-01"
    assert {"agency": REGRESSED[0], "category": REGRESSED[1], "change": "newly_failing", "before": "ok",
            "after": "missing"} in results["changes"]  # fmt: skip


def test_diff_prints_the_same_comparison(reports: Path, run_cli: Cli) -> None:
    old, new = reports / "2026-11-01" / "results.json", reports / "2026-12-01" / "results.json"
    result = run_cli("diff", str(old), str(new))
    assert result.code == 0, result.stderr
    assert "Mới phát sinh thiếu hoặc chưa cập nhật: 1" in result.stdout
    assert "sgtvt news_events" in result.stdout
    assert "Đã khắc phục: 1" in result.stdout
    assert "thuannam qa_feedback" in result.stdout
    english = run_cli("diff", str(reports / "2026-11-01"), str(reports / "2026-12-01"), "--lang", "en")
    assert "Newly missing or stale: 1" in english.stdout
    assert "Fixed: 1" in english.stdout
    gated = run_cli("diff", str(old), str(new), "--fail-on-regression")
    assert gated.code == 1
    assert "Không đạt ngưỡng: có mục mới không đạt so với lần kiểm tra 2026-11-01" in gated.stderr
    english = run_cli("diff", str(old), str(new), "--fail-on-regression", "--lang", "en")
    assert "Gate failed: findings newly failing since the run of 2026-11-01" in english.stderr
    assert run_cli("diff", str(new), str(old), "--fail-on-regression").code == 1  # the fix undone
    assert run_cli("diff", str(old), str(old), "--fail-on-regression").code == 0


@pytest.mark.parametrize(
    ("args", "code"),
    [
        ((), 0),
        (("--fail-on-regression",), 1),
        (("--fail-under", "50"), 0),
        (("--fail-under", "99"), 1),
        (("--fail-under", "thuannam=90"), 0),
        (("--fail-under", "sgtvt=95"), 1),
        (("--fail-on-unknown", "10"), 0),
        (("--fail-on-unknown", "2"), 1),
        (("--fail-under", "abc"), 2),
        (("--fail-under", "nosuch=50"), 2),
        (("--format", "pdf"), 2),
        (("--lang", "fr"), 2),
    ],
)
def test_gates_exit_codes_on_the_second_run(reports: Path, run_cli: Cli, args: tuple[str, ...], code: int) -> None:
    result = run_cli("report", str(reports / "2026-12-01" / "results.json"), "--quiet", *args)
    assert result.code == code, result.stderr
    if code == 1:
        assert "Không đạt ngưỡng" in result.stderr


def test_the_first_run_has_no_regression_to_fail_on(reports: Path, run_cli: Cli) -> None:
    assert run_cli("report", str(reports / "2026-11-01"), "--quiet", "--fail-on-regression").code == 0


def test_report_rerenders_in_english_without_crawling(reports: Path, run_cli: Cli, tmp_path: Path) -> None:
    out = tmp_path / "en"
    source = reports / "2026-12-01" / "results.json"
    result = run_cli(
        "report", str(source), "--out", str(out), "--lang", "en", "--format", "html", "--format", "markdown"
    )
    assert result.code == 0, result.stderr
    assert sorted(p.name for p in out.iterdir()) == ["index.html", "summary.md"]
    assert "Agencies by category" in (out / "index.html").read_text(encoding="utf-8")
    assert "Newest date" in (out / "summary.md").read_text(encoding="utf-8")
    assert "Score" in result.stdout


def test_a_bad_results_file_exits_2_with_its_location(tmp_path: Path, run_cli: Cli) -> None:
    bad = tmp_path / "results.json"
    bad.write_text('{"schema_version": 1, "as_of": "2026-11-01", "province": {"id": 1}}', encoding="utf-8")
    result = run_cli("report", str(bad))
    assert result.code == 2
    assert f"{bad}: province.id: expected a string" in result.stderr
    assert run_cli("diff", str(tmp_path / "none.json"), str(bad)).code == 2


def test_a_finding_failing_for_more_than_a_quarter_is_escalated(tmp_path: Path) -> None:
    first = sample_run()
    old = dataclasses.replace(first, as_of=dt.date(2026, 7, 1))
    for run in (old, first):
        prepared, context = prepare(run, tmp_path / run.as_of.isoformat())
        write_reports(prepared, tmp_path / run.as_of.isoformat(), ["json"], "vi", context)
    run, context = prepare(second_run(first), tmp_path / "2026-12-01")
    failing = (Status.STALE, Status.EMPTY, Status.BROKEN, Status.MISSING)
    stale = [
        (c.agency.id, f)
        for c in run.scorecards
        for f in c.findings
        if f.status in failing and (c.agency.id, f.category) != REGRESSED
    ]
    assert stale
    for agency, finding in stale:
        assert context.failing_since[(agency, finding.category)] == dt.date(2026, 7, 1)
        assert context.escalated(agency, finding, run.as_of)
    regressed = next(f for c in run.scorecards for f in c.findings if (c.agency.id, f.category) == REGRESSED)
    assert not context.escalated(REGRESSED[0], regressed, run.as_of)
    html = FORMATS["html"].render(run, "vi", context)
    assert isinstance(html, str)
    assert html.count('class="esc"') == len(stale)
    assert "Quá một quý chưa khắc phục" in render_text("markdown", run, "vi", context)


EXCEPTIONS = """\
exceptions:
  - agency: sgtvt
    category: news_events
    kind: published_at
    url: https://ninhthuan.gov.vn/sgtvt/tin-tuc
    reason: Tin tức của Sở đăng trên Cổng tỉnh
    approved_by: Văn phòng UBND tỉnh
    expires: 2027-06-30
  - agency: thuannam
    category: draft_consultation
    kind: not_applicable
    reason: Huyện không chủ trì soạn thảo văn bản
    approved_by: Sở Tư pháp
    expires: 2026-11-15
"""


def test_exceptions_count_until_they_expire_and_are_shown(tmp_path: Path, run_cli: Cli) -> None:
    path = tmp_path / "exceptions.yaml"
    path.write_text(EXCEPTIONS, encoding="utf-8")
    waivers = load_waivers(path, agencies=frozenset({"sgtvt", "thuannam", "ninhhai"}))
    run, context = prepare(second_run(sample_run()), tmp_path / "2026-12-01", waivers)
    scores = {c.agency.id: c.score for c in run.scorecards}
    before = {c.agency.id: c.score for c in second_run(sample_run()).scorecards}
    assert scores["sgtvt"] > before["sgtvt"]  # published elsewhere: counted as ok while in force
    assert scores["thuannam"] == before["thuannam"]  # expired on 2026-11-15: no longer counts
    html = FORMATS["html"].render(run, "vi", context)
    assert isinstance(html, str)
    assert "Tin tức của Sở đăng trên Cổng tỉnh" in html
    assert "2027-06-30 (còn hiệu lực)" in html
    assert "2026-11-15 (đã hết hạn, không còn tính)" in html
    results = json.loads(render_text("json", run, "vi", context))
    assert [(e["agency"], e["active"]) for e in results["exceptions"]] == [("sgtvt", True), ("thuannam", False)]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (EXCEPTIONS.replace("kind: not_applicable", "kind: waived"), ":11: exceptions[1].kind: 'waived': use"),
        (EXCEPTIONS.replace("expires: 2027-06-30", "expires: soon"), ":8: exceptions[0].expires: required: a date"),
        (EXCEPTIONS.replace("agency: thuannam", "agency: nosuch"), ":9: exceptions[1].agency: 'nosuch' is not"),
        (EXCEPTIONS.replace("    url: https://ninhthuan.gov.vn/sgtvt/tin-tuc\n", ""), "exceptions[0].url: required"),
    ],
)
def test_a_bad_exceptions_file_is_located(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "exceptions.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError) as error:
        load_waivers(path, agencies=frozenset({"sgtvt", "thuannam"}))
    assert message in str(error.value)
    assert str(error.value).startswith(str(path))


def test_history_passes_over_unreadable_and_other_province_siblings(tmp_path: Path) -> None:
    first = sample_run()
    (tmp_path / "broken").mkdir()
    (tmp_path / "broken" / "results.json").write_text("{", encoding="utf-8")
    other = dataclasses.replace(first, province=dataclasses.replace(first.province, id="other"))
    write_reports(other, tmp_path / "other", ["json"], "vi")
    write_reports(first, tmp_path / "2026-11-01", ["json"], "vi")
    _, context = prepare(second_run(first), tmp_path / "2026-12-01")
    assert [run.as_of for run in context.history] == [first.as_of]
    assert context.comparison is not None


@pytest.mark.parametrize("summary_file", ["kept", "deleted"])
def test_the_history_keeps_what_the_past_results_json_says(tmp_path: Path, summary_file: str) -> None:
    first = sample_run()
    # An agency not scored and a finding not checked: a summary keeps both as the run had them.
    cards = list(first.scorecards)
    cards[0] = dataclasses.replace(cards[0], scored=False)
    cards[1] = _set_status(cards[1], cards[1].findings[0].category, Status.UNKNOWN)
    run = dataclasses.replace(first, scorecards=tuple(cards))
    write_reports(run, tmp_path / "2026-11-01", ["json"], "vi")
    if summary_file == "deleted":  # as a run written before the summaries were: read from results.json
        (tmp_path / "2026-11-01" / SUMMARY).unlink()
    province, summary = load_summary(tmp_path / "2026-11-01" / "results.json")
    assert province == run.province.id
    assert summary == RunSummary.of(run)
    assert summary.scores[cards[0].agency.id] is None
    assert summary.status(cards[1].agency.id, cards[1].findings[0].category) is Status.UNKNOWN
    assert summary.status("nosuch", cards[1].findings[0].category) is None


def test_a_run_summary_that_matches_its_results_json_is_read_in_its_place(tmp_path: Path) -> None:
    run = sample_run()
    write_reports(run, tmp_path / "2026-11-01", ["json"], "vi")
    side = tmp_path / "2026-11-01" / SUMMARY
    document = json.loads(side.read_bytes())
    results = (tmp_path / "2026-11-01" / "results.json").read_bytes()
    assert (document["results_sha256"], document["results_size"]) == (hashlib.sha256(results).hexdigest(), len(results))
    assert set(document["agencies"]) == {card.agency.id for card in run.scorecards}
    # Changed here, while the results.json it was written with is not: what it says is what is read.
    agency = run.scorecards[0].agency.id
    document["agencies"][agency]["score"] = 7
    side.write_text(json.dumps(document), encoding="utf-8")
    assert load_summary(tmp_path / "2026-11-01" / "results.json")[1].scores[agency] == 7


def _first(document: dict[str, Any]) -> dict[str, Any]:
    return cast(dict[str, Any], next(iter(document["agencies"].values())))


# Run summaries that are not of this results.json, or not ours: each is passed over.
SUMMARY_EDITS: dict[str, Callable[[dict[str, Any]], object]] = {
    "another results.json of the same size": lambda d: d.update(results_sha256="0" * 64),
    "another size": lambda d: d.update(results_size=d["results_size"] + 1),
    "another version": lambda d: d.update(version=2),
    "another kind": lambda d: d.update(kind="something else"),
    "no digest": lambda d: d.pop("results_sha256"),
    "a date that is not one": lambda d: d.update(as_of="1/11/2026"),
    "agencies as a list": lambda d: d.update(agencies=[]),
    "a lone surrogate": lambda d: d.update(province="\ud800"),  # no report could be written with it
    "a score as text": lambda d: _first(d).update(score="90"),
    "a score as true": lambda d: _first(d).update(score=True),
    "no statuses": lambda d: _first(d).pop("statuses"),
    "a status that is not one": lambda d: _first(d)["statuses"].update(news_events="great"),
    "a status as a list": lambda d: _first(d)["statuses"].update(news_events=["ok"]),
    "an agency as a number": lambda d: d["agencies"].update({"x": 1}),
    "an agency id with a lone surrogate": lambda d: d["agencies"].update({"\udc80": _first(d)}),
}


@pytest.mark.parametrize("edit", [*SUMMARY_EDITS, "not JSON", "not UTF-8", "a folder", "larger than the results"])
def test_a_run_summary_that_is_stale_or_not_ours_is_passed_over_for_the_results_json(tmp_path: Path, edit: str) -> None:
    run = sample_run()
    write_reports(run, tmp_path / "2026-11-01", ["json"], "vi")
    side = tmp_path / "2026-11-01" / SUMMARY
    document = json.loads(side.read_bytes())
    if edit == "not JSON":
        side.write_text("{", encoding="utf-8")
    elif edit == "not UTF-8":
        side.write_bytes(b'{"kind": "\xff"}')
    elif edit == "a folder":
        side.unlink()
        side.mkdir()
    elif edit == "larger than the results":
        side.write_text(json.dumps(document) + " " * document["results_size"], encoding="utf-8")
    else:
        _first(document)["score"] = 7  # what it would say, were it read
        SUMMARY_EDITS[edit](document)
        side.write_text(json.dumps(document), encoding="utf-8")  # ASCII: a lone surrogate as JSON spells it
    assert load_summary(tmp_path / "2026-11-01" / "results.json") == (run.province.id, RunSummary.of(run))


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (lambda r: r["agencies"][1]["findings"][2].update(status="great"), "agencies[1].findings[2].status: 'great'"),
        (lambda r: r["agencies"][0].update(score="90"), "agencies[0].score: expected an integer"),
        (lambda r: r["agencies"][0].pop("findings"), "agencies[0].findings: required key is missing"),
        (lambda r: r.update(as_of="1/11/2026"), "as_of: '1/11/2026' is not a date"),
    ],
)
def test_a_past_run_that_is_not_one_is_located_and_left_out_of_the_history(
    tmp_path: Path, edit: Callable[[dict[str, object]], object], message: str
) -> None:
    first = sample_run()
    write_reports(first, tmp_path / "2026-10-01", ["json"], "vi")
    write_reports(first, tmp_path / "2026-11-01", ["json"], "vi")
    path = tmp_path / "2026-10-01" / "results.json"
    results = json.loads(path.read_text(encoding="utf-8"))
    edit(results)
    path.write_text(json.dumps(results), encoding="utf-8")
    with pytest.raises(ConfigError) as error:
        load_summary(path)
    assert str(error.value).startswith(str(path))
    assert message in str(error.value)
    _, context = prepare(second_run(first), tmp_path / "2026-12-01")
    assert [past.as_of for past in context.history] == [first.as_of]  # the damaged one passed over


SITES = """\
province: {id: ninhthuan, name: Ninh Thuận}
agencies:
  - id: stc
    name: Sở Tài chính
    type: department
    functions: [finance]
    url: https://stc.ninhthuan.gov.vn/
"""


def test_audit_reads_exceptions_next_to_sites_and_applies_gates(tmp_path: Path, run_cli: Cli) -> None:
    (tmp_path / "sites.yaml").write_text(SITES, encoding="utf-8")
    connect = f"--connect-to=stc.ninhthuan.gov.vn=127.0.0.1:{closed_port()}"  # the site is down: all unknown
    audit = ("audit", "--sites", str(tmp_path / "sites.yaml"), "--as-of", "2026-11-01", "--quiet", connect)
    (tmp_path / "exceptions.yaml").write_text(
        EXCEPTIONS.replace("sgtvt", "stc").split("  - agency: thuannam")[0], encoding="utf-8"
    )
    out = tmp_path / "reports" / "2026-11-01"
    result = run_cli(*audit, "--out", str(out), "--fail-on-unknown", "0")
    assert result.code == 1, result.stderr
    assert "Không đạt ngưỡng" in result.stderr
    assert sorted(p.name for p in out.iterdir()) == sorted(files_of(FORMATS))
    assert json.loads((out / "results.json").read_text(encoding="utf-8"))["exceptions"][0]["agency"] == "stc"
    assert run_cli(*audit, "--out", str(out), "--fail-on-unknown", "100").code == 0
    # A bad exceptions file is bad input: exit 2 before anything is crawled or written.
    (tmp_path / "exceptions.yaml").write_text(
        EXCEPTIONS.replace("sgtvt", "stc").replace("news_events", "nosuch"), encoding="utf-8"
    )
    bad = run_cli(*audit, "--out", str(tmp_path / "never"))
    assert bad.code == 2
    assert "exceptions.yaml:3: exceptions[0].category: 'nosuch' is not a category" in bad.stderr
    assert not (tmp_path / "never").exists()


def test_failing_since_is_the_start_of_each_unbroken_failing_streak() -> None:
    first = sample_run()
    draw = random.Random(2026)  # noqa: S311 (a fixed test pattern, not a secret)
    # Twelve monthly runs; each finding fails three months in four, at random, so its streaks differ.
    history = []
    for month in range(12):
        cards = []
        for card in first.scorecards:
            for finding in card.findings:
                status = Status.OK if draw.random() < 0.25 else draw.choice(sorted(FAILING, key=str))
                card = _set_status(card, finding.category, status)
            cards.append(card)
        history.append(dataclasses.replace(first, as_of=dt.date(2025, month + 1, 1), scorecards=tuple(cards)))
    *past, run = history
    found = failing_since(run, [RunSummary.of(p) for p in past])
    for key, status in _statuses(run).items():
        if status not in FAILING:
            assert key not in found
            continue
        # Walk back month by month while the finding was failing.
        start = run.as_of
        for earlier in reversed(past):
            if _statuses(earlier)[key] not in FAILING:
                break
            start = earlier.as_of
        assert found[key] == start
    assert len(set(found.values())) > 3  # streaks of several lengths were compared

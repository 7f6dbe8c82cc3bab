"""scorecards.xlsx: a ranking sheet and one sheet per agency; frozen headers, colours by status.

Every text cell is written as a string, and text that a spreadsheet would read as a formula is
neutralised; the file is byte-identical for the same run: XlsxWriter stamps every zip entry with
1 January 1980, and the document carries the run's reference date as its creation date.

XlsxWriter writes each row's XML as it is given, in order, so each sheet is set up (frozen rows,
column widths) and then filled from the top. Blank text is left out instead of written as an empty
cell: either way a reader sees an empty cell.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from typing import TYPE_CHECKING

# With this module, not where a workbook is written: the module itself is imported only to render
# (see auditor.report.Format.load), and a process that finished its share of the crawl imports it
# while another may still crawl. XlsxWriter is 0.03-0.07 s of imports that would otherwise come
# after the last site, in the process writing the workbook.
from xlsxwriter import Workbook

from ..models import AuditRun, Status
from .common import neutralise, report_order
from .context import ReportContext
from .i18n import t
from .tabular import Cell, finding_headers, finding_row, ranking_headers, ranking_rows

if TYPE_CHECKING:
    from xlsxwriter.format import Format
    from xlsxwriter.worksheet import Worksheet

__all__ = ["STATUS_FILLS", "render"]

STATUS_FILLS: dict[Status, str] = {
    Status.OK: "C8E6C9",
    Status.STALE: "FFF59D",
    Status.EMPTY: "FFCC80",
    Status.BROKEN: "EF9A9A",
    Status.MISSING: "CE93D8",
    Status.UNKNOWN: "E0E0E0",
}
_STATUS_COLUMN = 4  # 0-based column of the status in an agency sheet
_SHEET_NAME_BAD = re.compile(r"[\[\]:*?/\\]")
# Characters XML 1.0 cannot carry: text from sites.yaml or the web may hold them, and a reader such
# as openpyxl refuses a file with them escaped in.
_NOT_IN_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
_RANKING_WIDTHS = [8, 18, 48, 18, 10, 18]
_AGENCY_WIDTHS = [14, 30, 24, 36, 16, 12, 40, 50, 40, 40, 8, 12, 40, 24]


def _row(
    sheet: Worksheet, row: int, values: list[Cell], font: Format | None = None, fill: Format | None = None
) -> None:
    """One row: text as string cells, numbers as numbers; the font for the whole row, the fill for the status."""
    for column, value in enumerate(values):
        style = fill if column == _STATUS_COLUMN and fill is not None else font
        if isinstance(value, str) and value:
            # Always a string cell: never a formula, nor an error value like #N/A, whatever the text.
            sheet.write_string(row, column, neutralise(_NOT_IN_XML.sub("", value)), style)
        elif isinstance(value, int):
            sheet.write_number(row, column, value, style)
        elif style is not None:
            sheet.write_blank(row, column, None, style)


def _setup(sheet: Worksheet, frozen_rows: int, widths: list[int]) -> None:
    sheet.freeze_panes(frozen_rows, 0)
    for column, width in enumerate(widths):
        sheet.set_column(column, column, width)


def render(run: AuditRun, lang: str = "vi", context: ReportContext | None = None) -> bytes:
    context = context or ReportContext()
    buffer = io.BytesIO()
    # in_memory: no temporary files; the strings_to_* options off: text is only ever text.
    options = {"in_memory": True, "strings_to_numbers": False, "strings_to_formulas": False, "strings_to_urls": False}
    book = Workbook(buffer, options)
    created = dt.datetime.combine(run.as_of, dt.time())
    book.set_properties({"author": "auditor", "created": created})
    # One font and one fill per status for the workbook, shared by every cell that has it.
    bold = book.add_format({"bold": True})
    fills = {status: book.add_format({"bg_color": f"#{c}", "pattern": 1}) for status, c in STATUS_FILLS.items()}
    title = t("ranking", lang)[:31]
    ranking = book.add_worksheet(title)
    _setup(ranking, 1, _RANKING_WIDTHS)
    _row(ranking, 0, list(ranking_headers(lang)), bold)
    for row, values in enumerate(ranking_rows(run, lang), start=1):
        _row(ranking, row, values)
    used = {title}
    for card in report_order(run):
        # Sheet names: at most 31 characters, none of []:*?/\ ; the agency id is unique and safe.
        name = _SHEET_NAME_BAD.sub("_", card.agency.id)[:31]
        while name in used:
            name = name[:28] + f"_{len(used)}"
        used.add(name)
        sheet = book.add_worksheet(name)
        _setup(sheet, 2, _AGENCY_WIDTHS)
        score = str(card.score) if card.scored else t("not_scored", lang)
        _row(sheet, 0, [card.agency.name, f"{t('score', lang)}: {score}", card.agency.url], bold)
        _row(sheet, 1, list(finding_headers(lang)), bold)
        for row, finding in enumerate(card.findings, start=2):
            _row(sheet, row, finding_row(run, card, finding, context, lang), fill=fills[finding.status])
    book.close()
    return buffer.getvalue()

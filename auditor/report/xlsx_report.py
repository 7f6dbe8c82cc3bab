"""scorecards.xlsx: a ranking sheet and one sheet per agency; frozen headers, colours by status.

Every text cell is written as a string, and text that a spreadsheet would read as a formula is
neutralised; the file is byte-identical for the same run (fixed zip and document timestamps).
"""

from __future__ import annotations

import io
import re
import zipfile
from typing import TYPE_CHECKING

from ..models import AuditRun, Status
from .common import neutralise, report_order
from .context import ReportContext
from .i18n import t
from .tabular import Cell, finding_headers, finding_row, ranking_headers, ranking_rows

# openpyxl is imported where a workbook is written, not with this module: worker processes import
# the pipeline but never write reports, and openpyxl costs each of them ~15 MB and 0.3 s.
if TYPE_CHECKING:
    from openpyxl.cell.cell import Cell as XlCell
    from openpyxl.cell.cell import MergedCell
    from openpyxl.worksheet.worksheet import Worksheet

__all__ = ["STATUS_FILLS", "render"]

STATUS_FILLS: dict[Status, str] = {
    Status.OK: "C8E6C9",
    Status.STALE: "FFF59D",
    Status.EMPTY: "FFCC80",
    Status.BROKEN: "EF9A9A",
    Status.MISSING: "CE93D8",
    Status.UNKNOWN: "E0E0E0",
}
_STATUS_COLUMN = 5  # 1-based column of the status in an agency sheet
_SHEET_NAME_BAD = re.compile(r"[\[\]:*?/\\]")
# Characters XML 1.0 cannot carry (openpyxl refuses them): text from sites.yaml or the web may hold them.
_NOT_IN_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def _write_row(sheet: Worksheet, row: int, values: list[Cell], bold: bool = False) -> list[XlCell | MergedCell]:
    from openpyxl.styles import Font

    cells = []
    for column, value in enumerate(values, start=1):
        cell = sheet.cell(row=row, column=column)
        if isinstance(value, str):
            cell.value = neutralise(_NOT_IN_XML.sub("", value))
            cell.data_type = "s"  # never a formula, whatever the text
        else:
            cell.value = value
        if bold:
            cell.font = Font(bold=True)
        cells.append(cell)
    return cells


def _widths(sheet: Worksheet, widths: list[int]) -> None:
    from openpyxl.utils import get_column_letter

    for column, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(column)].width = width


def _deterministic(data: bytes, stamp: str) -> bytes:
    """Rewrite the package with fixed entry times and document dates, so one run gives one file."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            content = source.read(info.filename)
            if info.filename == "docProps/core.xml":
                content = re.sub(rb"(<dcterms:(?:created|modified)[^>]*>)[^<]*", rb"\g<1>" + stamp.encode(), content)
            entry = zipfile.ZipInfo(info.filename, date_time=(1980, 1, 1, 0, 0, 0))
            entry.compress_type = zipfile.ZIP_DEFLATED
            target.writestr(entry, content)
    return out.getvalue()


def render(run: AuditRun, lang: str = "vi", context: ReportContext | None = None) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import PatternFill

    context = context or ReportContext()
    book = Workbook()
    ranking = book.worksheets[0]
    ranking.title = t("ranking", lang)[:31]
    _write_row(ranking, 1, list(ranking_headers(lang)), bold=True)
    for i, row in enumerate(ranking_rows(run, lang), start=2):
        _write_row(ranking, i, row)
    ranking.freeze_panes = "A2"
    _widths(ranking, [8, 18, 48, 18, 10, 18])
    used: set[str] = {ranking.title}
    for card in report_order(run):
        # Sheet names: at most 31 characters, none of []:*?/\ ; the agency id is unique and safe.
        name = _SHEET_NAME_BAD.sub("_", card.agency.id)[:31]
        while name in used:
            name = name[:28] + f"_{len(used)}"
        used.add(name)
        sheet = book.create_sheet(name)
        score = str(card.score) if card.scored else t("not_scored", lang)
        _write_row(sheet, 1, [card.agency.name, f"{t('score', lang)}: {score}", card.agency.url], bold=True)
        _write_row(sheet, 2, list(finding_headers(lang)), bold=True)
        for i, finding in enumerate(card.findings, start=3):
            cells = _write_row(sheet, i, finding_row(run, card, finding, context, lang))
            colour = STATUS_FILLS[finding.status]
            cells[_STATUS_COLUMN - 1].fill = PatternFill(start_color=colour, end_color=colour, fill_type="solid")
        sheet.freeze_panes = "A3"
        _widths(sheet, [14, 30, 24, 36, 16, 12, 40, 50, 40, 40, 8, 12, 40, 24])
    book.properties.creator = "auditor"
    buffer = io.BytesIO()
    book.save(buffer)
    return _deterministic(buffer.getvalue(), f"{run.as_of.isoformat()}T00:00:00Z")

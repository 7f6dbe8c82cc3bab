"""scorecards.xlsx: a ranking sheet and one sheet per agency; frozen headers, colours by status.

Every text cell is written as a string, and text that a spreadsheet would read as a formula is
neutralised; the file is byte-identical for the same run (fixed zip and document timestamps).

The workbook is written in openpyxl's write-only mode, which streams each row to its sheet's XML as
it is appended instead of first building a grid of cell objects. Such a sheet takes its frozen panes
and column widths only before its first row, and rows only in order, so each sheet is set up first
and then filled from the top. Most of the time left is openpyxl writing each cell's XML, so blank
text is left out instead of written as an empty cell: either way a reader sees an empty cell.
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
    from openpyxl.styles import Font, PatternFill
    from openpyxl.worksheet._write_only import WriteOnlyWorksheet
    from openpyxl.worksheet.dimensions import ColumnDimension, DimensionHolder

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
_ZIP_TIME = (1980, 1, 1, 0, 0, 0)  # the earliest time a zip entry can hold
# The rewritten package's deflate level, fixed so its bytes are too. Level 1 still shrinks the sheets'
# repetitive XML ~5x; the rewrite takes about a quarter less time than at the default 6, for a file
# ~10% larger.
_ZIP_LEVEL = 1


def _row(
    sheet: WriteOnlyWorksheet, values: list[Cell], font: Font | None = None, fill: PatternFill | None = None
) -> list[XlCell | int | None]:
    """One row to append: text as string cells; a number or blank left bare unless it is styled.

    The font applies to the whole row, the fill to the status column only.
    """
    from openpyxl.cell import WriteOnlyCell

    cells: list[XlCell | int | None] = []
    for column, value in enumerate(values, start=1):
        cell_fill = fill if column == _STATUS_COLUMN else None
        if font is None and cell_fill is None and (value is None or value == ""):
            cells.append(None)  # no cell: it reads back blank, as an empty string's cell did
        elif font is None and cell_fill is None and isinstance(value, int):
            cells.append(value)  # openpyxl makes a number of it without a cell object of ours
        else:
            cell = WriteOnlyCell(sheet)
            if isinstance(value, str):
                cell.value = neutralise(_NOT_IN_XML.sub("", value))
                cell.data_type = "s"  # never a formula, nor an error value like #N/A, whatever the text
            else:
                cell.value = value
            if font is not None:
                cell.font = font
            if cell_fill is not None:
                cell.fill = cell_fill
            cells.append(cell)
    return cells


def _setup(sheet: WriteOnlyWorksheet, freeze: str, widths: list[int]) -> None:
    from openpyxl.utils import get_column_letter

    sheet.freeze_panes = freeze
    # A write-only sheet gets the same column_dimensions as a normal one (Worksheet._setup) and writes
    # them out; the stubs only leave the attribute off WriteOnlyWorksheet.
    columns: DimensionHolder[str, ColumnDimension] = sheet.column_dimensions  # type: ignore[attr-defined]
    for column, width in enumerate(widths, start=1):
        columns[get_column_letter(column)].width = width


def _deterministic(data: bytes, stamp: str) -> bytes:
    """Rewrite the package with fixed entry times and document dates, so one run gives one file.

    openpyxl stamps every zip entry with the time of saving and the document with it as its modified
    date, and has no option to fix either, hence the rewrite.
    """
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            content = source.read(info.filename)
            if info.filename == "docProps/core.xml":
                content = re.sub(rb"(<dcterms:(?:created|modified)[^>]*>)[^<]*", rb"\g<1>" + stamp.encode(), content)
            entry = zipfile.ZipInfo(info.filename, date_time=_ZIP_TIME)
            entry.compress_type = zipfile.ZIP_DEFLATED
            target.writestr(entry, content, compresslevel=_ZIP_LEVEL)
    return out.getvalue()


def render(run: AuditRun, lang: str = "vi", context: ReportContext | None = None) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font, PatternFill

    context = context or ReportContext()
    # One font and one fill per status for the workbook: openpyxl keeps each distinct style once anyway,
    # and building a style object per cell cost more than writing the cell.
    bold = Font(bold=True)
    fills = {
        status: PatternFill(start_color=colour, end_color=colour, fill_type="solid")
        for status, colour in STATUS_FILLS.items()
    }
    book = Workbook(write_only=True)  # starts with no sheet
    ranking: WriteOnlyWorksheet = book.create_sheet(t("ranking", lang)[:31])
    _setup(ranking, "A2", [8, 18, 48, 18, 10, 18])
    ranking.append(_row(ranking, list(ranking_headers(lang)), bold))
    for values in ranking_rows(run, lang):
        ranking.append(_row(ranking, values))
    used: set[str] = {ranking.title}
    for card in report_order(run):
        # Sheet names: at most 31 characters, none of []:*?/\ ; the agency id is unique and safe.
        name = _SHEET_NAME_BAD.sub("_", card.agency.id)[:31]
        while name in used:
            name = name[:28] + f"_{len(used)}"
        used.add(name)
        sheet: WriteOnlyWorksheet = book.create_sheet(name)
        _setup(sheet, "A3", [14, 30, 24, 36, 16, 12, 40, 50, 40, 40, 8, 12, 40, 24])
        score = str(card.score) if card.scored else t("not_scored", lang)
        sheet.append(_row(sheet, [card.agency.name, f"{t('score', lang)}: {score}", card.agency.url], bold))
        sheet.append(_row(sheet, list(finding_headers(lang)), bold))
        for finding in card.findings:
            sheet.append(_row(sheet, finding_row(run, card, finding, context, lang), fill=fills[finding.status]))
    book.properties.creator = "auditor"
    buffer = io.BytesIO()
    book.save(buffer)
    return _deterministic(buffer.getvalue(), f"{run.as_of.isoformat()}T00:00:00Z")

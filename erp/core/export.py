"""Spreadsheet export that cannot run code in the reader's Excel.

Text cells that start with = + - @ tab or CR would be read as formulas (CSV/XLSX injection);
they get a leading apostrophe. Real numbers stay numeric cells. Imports strip that one
apostrophe again, so an export re-imports unchanged.
"""

import datetime as dt
import io
from collections.abc import Collection, Iterable, Sequence
from decimal import Decimal

from django.http import HttpResponse
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

DANGEROUS_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
# Excel refuses these in sheet names (openpyxl raises): titles like "应收/应付" must still export.
SHEET_TITLE_FORBIDDEN = str.maketrans({c: "-" for c in "\\/?*[]:"})
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# Money in the way Chinese finance reads it: thousands separators, two decimals (not General).
AMOUNT_FORMAT = "#,##0.00"


def neutralise(value: str) -> str:
    return "'" + value if value.startswith(DANGEROUS_PREFIXES) else value


def unneutralise(value: str) -> str:
    """Undo `neutralise` for imports of our own exports."""
    if value.startswith("'") and value[1:].startswith(DANGEROUS_PREFIXES):
        return value[1:]
    return value


def cell_value(value):
    if value is None:
        return None
    if isinstance(value, bool):
        return value
    if isinstance(value, Decimal | int):
        return value
    if isinstance(value, dt.datetime):
        return value.replace(tzinfo=None)
    if isinstance(value, dt.date):
        return value
    return neutralise(str(value))


def sheet_title_safe(title: str) -> str:
    return str(title).translate(SHEET_TITLE_FORBIDDEN).strip("'")[:31] or "Sheet1"


def xlsx_bytes(
    *,
    sheet_title: str,
    headers: Sequence[str],
    rows: Iterable[Sequence],
    title_rows: Sequence[str] = (),
    amount_columns: Collection[int] = (),
) -> bytes:
    """One sheet: optional title rows (a statement's name, company, period, unit — the first in
    large bold), the bold header row, then the rows. Numbers in `amount_columns` (0-based
    indexes) are shown as #,##0.00."""
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(title=sheet_title_safe(sheet_title))
    bold = Font(bold=True)
    for index, text in enumerate(title_rows):
        cell = WriteOnlyCell(ws, value=neutralise(str(text)))
        cell.data_type = "s"
        cell.font = Font(bold=True, size=14) if index == 0 else Font()
        ws.append([cell])
    header_cells = []
    for text in headers:
        cell = WriteOnlyCell(ws, value=neutralise(str(text)))
        cell.font = bold
        header_cells.append(cell)
    ws.append(header_cells)
    for row in rows:
        cells = [_cell(ws, v) for v in row]
        for index in amount_columns:
            if index < len(cells) and isinstance(cells[index].value, Decimal | int):
                cells[index].number_format = AMOUNT_FORMAT
        ws.append(cells)
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def _cell(ws, value):
    converted = cell_value(value)
    cell = WriteOnlyCell(ws, value=converted)
    if isinstance(converted, str):
        # Force a text cell so nothing is ever stored as a formula.
        cell.data_type = "s"
    elif isinstance(converted, dt.datetime):
        cell.number_format = "yyyy-mm-dd hh:mm"
    elif isinstance(converted, dt.date):
        cell.number_format = "yyyy-mm-dd"
    return cell


def xlsx_response(body: bytes, filename: str) -> HttpResponse:
    """A workbook as a download; the RFC 5987 file name keeps Chinese names intact."""
    from urllib.parse import quote

    response = HttpResponse(body, content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    return response

"""Open an uploaded workbook safely and stream its rows.

Checks run before openpyxl sees the file: the zip signature, the zip directory's total
uncompressed size and compression ratio (zip bombs), then openpyxl parses with defusedxml
(entity bombs are refused), read-only, with formulas kept as formulas so they can be refused.
"""

import io
import posixpath
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any
from xml.etree.ElementTree import ParseError, TreeBuilder, XMLPullParser

import openpyxl
from defusedxml import DefusedXmlException
from defusedxml.ElementTree import DefusedXMLParser
from defusedxml.ElementTree import fromstring as defused_fromstring
from django.utils.translation import gettext_lazy as _
from openpyxl.utils import coordinate_to_tuple, get_column_letter
from openpyxl.worksheet._reader import WorkSheetParser
from openpyxl.xml import DEFUSEDXML

from erp.golive.errors import ImportFileRejected

MAX_FILE_BYTES = 20 * 1024 * 1024
MAX_UNCOMPRESSED_BYTES = 50 * 1024 * 1024
MAX_RATIO = 200
MAX_ROWS = 100_000
ZIP_SIGNATURE = b"PK\x03\x04"
MAIN_NS = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
REL_NS = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
PKG_REL_NS = "{http://schemas.openxmlformats.org/package/2006/relationships}"

# openpyxl switches to defusedxml by itself when it is installed; refuse to run without it.
assert DEFUSEDXML, "defusedxml must be installed: imports parse untrusted XML"


@dataclass
class SheetCell:
    row: int
    column: int
    coordinate: str
    value: Any
    formula: bool


def _reject(message, **details) -> ImportFileRejected:
    return ImportFileRejected(message, **details)


def check_container(content: bytes) -> zipfile.ZipFile:
    """The file as a zip archive whose declared sizes are within the limits."""
    if len(content) > MAX_FILE_BYTES:
        raise _reject(_("The file is larger than 20 MB. Split it into several files."))
    if not content.startswith(ZIP_SIGNATURE):
        raise _reject(
            _(
                "The file is not an Excel workbook (.xlsx). Save it in Excel as "
                "“Excel Workbook (*.xlsx)” and upload it again."
            )
        )
    try:
        archive = zipfile.ZipFile(io.BytesIO(content))
        infos = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError):
        raise _reject(
            _("The workbook is damaged and cannot be opened. Save it again in Excel.")
        ) from None
    total = sum(i.file_size for i in infos)
    packed = sum(i.compress_size for i in infos) or 1
    if total > MAX_UNCOMPRESSED_BYTES or total / packed > MAX_RATIO:
        raise _reject(
            _(
                "The workbook unpacks to more than 50 MB or is compressed suspiciously "
                "strongly. Split the data into smaller files."
            )
        )
    return archive


def merged_ranges(archive: zipfile.ZipFile, sheet_name: str) -> list[str]:
    """The merged cell ranges of a sheet, read from its XML (read-only openpyxl skips them)."""
    try:
        workbook = _xml(archive, "xl/workbook.xml")
        rels = _xml(archive, "xl/_rels/workbook.xml.rels")
    except KeyError:
        return []
    targets = {r.get("Id"): r.get("Target", "") for r in rels.iter(f"{PKG_REL_NS}Relationship")}
    for sheet in workbook.iter(f"{MAIN_NS}sheet"):
        if sheet.get("name") == sheet_name:
            target = targets.get(sheet.get(f"{REL_NS}id"), "")
            path = target.lstrip("/") if target.startswith("/") else posixpath.join("xl", target)
            try:
                root = _xml(archive, posixpath.normpath(path))
            except KeyError:
                return []
            return [m.get("ref", "") for m in root.iter(f"{MAIN_NS}mergeCell")]
    return []


def _xml(archive: zipfile.ZipFile, name: str):
    try:
        return defused_fromstring(archive.read(name))
    except DefusedXmlException:
        raise _entity_error() from None
    except KeyError:
        raise
    except Exception:
        raise _reject(
            _("The workbook is damaged and cannot be opened. Save it again in Excel.")
        ) from None


def _entity_error() -> ImportFileRejected:
    return _reject(
        _(
            "The workbook contains XML entity or DTD declarations, which are refused for "
            "safety. Save it again in Excel as .xlsx."
        )
    )


def open_workbook(content: bytes):
    """(workbook, zip archive) of a file that passed `check_container`."""
    archive = check_container(content)
    try:
        workbook = openpyxl.load_workbook(
            io.BytesIO(content), read_only=True, data_only=False, keep_links=False
        )
        return workbook, archive
    except Exception as exc:
        if _caused_by_entities(exc):
            raise _entity_error() from None
        raise _reject(
            _("The workbook is damaged and cannot be opened. Save it again in Excel.")
        ) from None


def _caused_by_entities(exc: BaseException | None) -> bool:
    """openpyxl wraps parser errors in ValueError; look down the chain for defusedxml's."""
    seen = 0
    while exc is not None and seen < 10:
        if isinstance(exc, DefusedXmlException):
            return True
        exc = exc.__cause__ or exc.__context__
        seen += 1
    return False


# A run of this many empty rows ends the data: the rest of the sheet is only scanned (without
# parsing) for a value further down, which is refused rather than silently left out.
EMPTY_RUN = 1_000
# Formatted but empty cells (`<c r="B7" s="3"/>`) cost parsing time without carrying data.
MAX_EMPTY_CELLS = 1_000_000
CHUNK_BYTES = 64 * 1024
ROW_TAG = f"{MAIN_NS}row"
CELL_TAG = f"{MAIN_NS}c"
SHEET_DATA_TAG = f"{MAIN_NS}sheetData"
# A value, inline string or formula element of a cell, with or without a namespace prefix.
CONTENT_PATTERN = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?(?:v|is|f)[\s>/]")


@dataclass
class SheetStream:
    """Counters of one streamed sheet: what was read before the data ended or was refused."""

    rows_read: int = 0  # <row> elements parsed (empty ones included)
    data_rows: int = 0  # rows holding at least one value
    empty_cells: int = 0


def sheet_rows(workbook, worksheet, stream: SheetStream | None = None) -> Iterator[list[SheetCell]]:
    """Rows holding at least one value, header first, streamed from the sheet's XML.

    Only cells with a value (or formula) become SheetCells; empty formatted cells are counted
    and skipped. Memory stays flat (each row is dropped once read). Refuses a sheet with more
    than MAX_ROWS data rows, or more than MAX_EMPTY_CELLS empty cells, as soon as the limit is
    passed; after EMPTY_RUN consecutive empty rows the data is taken to have ended and the rest
    is only scanned for a value (refused, so no row is silently left out)."""
    stream = stream if stream is not None else SheetStream()
    if (worksheet.max_row or 0) > MAX_ROWS + 1:
        raise _too_many_rows()
    parser = WorkSheetParser(
        None,
        worksheet._shared_strings,
        data_only=False,
        epoch=workbook.epoch,
        date_formats=workbook._date_formats,
        timedelta_formats=workbook._timedelta_formats,
    )
    try:
        with workbook._archive.open(worksheet._worksheet_path) as source:
            yield from _stream_rows(source, parser, stream)
    except DefusedXmlException:
        raise _entity_error() from None
    except ParseError:
        raise _reject(
            _("The workbook is damaged and cannot be opened. Save it again in Excel.")
        ) from None


def _stream_rows(source, parser, stream: SheetStream) -> Iterator[list[SheetCell]]:
    pull = XMLPullParser(events=("start", "end"), _parser=DefusedXMLParser(target=TreeBuilder()))
    sheet_data = None
    empty_run = 0
    last_row = 0
    while chunk := source.read(CHUNK_BYTES):
        pull.feed(chunk)
        events = pull.read_events()
        for event, element in events:
            if event == "start":
                if element.tag == SHEET_DATA_TAG:
                    sheet_data = element
                continue
            if element.tag != ROW_TAG:
                continue
            stream.rows_read += 1
            cells = _row_cells(parser, element, stream)
            if sheet_data is not None:
                sheet_data.clear()  # drop the row just read: memory stays flat
            if stream.empty_cells > MAX_EMPTY_CELLS:
                raise _too_many_empty_cells()
            if not cells:
                empty_run += 1
                if empty_run >= EMPTY_RUN:
                    _refuse_later_values(events, source, last_row)
                    return
                continue
            empty_run = 0
            stream.data_rows += 1
            if stream.data_rows > MAX_ROWS + 1:
                raise _too_many_rows()
            last_row = parser.row_counter
            yield cells
    pull.close()


def _row_cells(parser, row, stream: SheetStream) -> list[SheetCell]:
    """The cells of a <row> that hold something; empty cells are only counted."""
    number = row.get("r")
    parser.row_counter = int(float(number)) if number else parser.row_counter + 1
    parser.col_counter = 0
    cells = []
    pending = None  # the reference of a skipped empty cell, for a following cell without one
    for element in row:
        if len(element) == 0:  # no <v>, <is> or <f>: an empty (formatted) cell
            stream.empty_cells += 1
            reference = element.get("r")
            if reference:
                pending = reference
            else:
                parser.col_counter += 1
            continue
        if pending is not None and not element.get("r"):
            parser.col_counter = coordinate_to_tuple(pending)[1]
        pending = None
        parsed = parser.parse_cell(element)
        if parsed["value"] is None or parsed["value"] == "":
            continue
        cells.append(
            SheetCell(
                row=parsed["row"],
                column=parsed["column"],
                coordinate=f"{get_column_letter(parsed['column'])}{parsed['row']}",
                value=parsed["value"],
                formula=parsed["data_type"] == "f",
            )
        )
    return cells


def _refuse_later_values(events, source, row: int) -> None:
    """After a long run of empty rows: refuse if any value follows (scanned, not parsed)."""
    for _event, element in events:
        if element.tag == CELL_TAG and len(element):
            raise _values_after_gap(row)
    tail = b""
    while chunk := source.read(CHUNK_BYTES):
        text = tail + chunk
        end = text.find(b"sheetData>")
        if CONTENT_PATTERN.search(text if end < 0 else text[:end]):
            raise _values_after_gap(row)
        if end >= 0:
            return
        tail = text[-32:]


def _too_many_rows() -> ImportFileRejected:
    return _reject(
        _("The sheet has more than %(n)s rows. Split it into several files of at most %(n)s rows.")
        % {"n": f"{MAX_ROWS:,}"}
    )


def _too_many_empty_cells() -> ImportFileRejected:
    return _reject(
        _(
            "The sheet holds more than %(n)s empty formatted cells. Copy only the filled rows "
            "and columns into a new workbook (or use the import template) and upload that."
        )
        % {"n": f"{MAX_EMPTY_CELLS:,}"}
    )


def _values_after_gap(row: int) -> ImportFileRejected:
    return _reject(
        _(
            "After row %(row)s the sheet has more than %(n)s empty rows, and then more data. "
            "Delete the empty rows so the data is continuous, then upload again."
        )
        % {"row": row, "n": f"{EMPTY_RUN:,}"}
    )

"""Open an uploaded workbook safely and stream its rows.

Checks run before openpyxl sees the file: the zip signature, the zip directory's total
uncompressed size and compression ratio (zip bombs), then openpyxl parses with defusedxml
(entity bombs are refused), read-only, with formulas kept as formulas so they can be refused.
"""

import io
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any
from xml.etree.ElementTree import ParseError, TreeBuilder, XMLPullParser

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import DefusedXMLParser
from django.utils.translation import gettext_lazy as _
from openpyxl.reader.excel import ExcelReader
from openpyxl.styles.stylesheet import apply_stylesheet
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


def _damaged() -> ImportFileRejected:
    return _reject(_("The workbook is damaged and cannot be opened. Save it again in Excel."))


def _entity_error() -> ImportFileRejected:
    return _reject(
        _(
            "The workbook contains XML entity or DTD declarations, which are refused for "
            "safety. Save it again in Excel as .xlsx."
        )
    )


@dataclass
class Book:
    """An opened workbook: what reading a sheet needs, without reading any sheet yet
    (openpyxl's read-only mode sizes every sheet on opening, which parses a whole sheet that
    has no <dimension> record)."""

    archive: zipfile.ZipFile
    sheets: dict[str, str]  # sheet name → zip member
    shared_strings: list
    epoch: Any
    date_formats: set
    timedelta_formats: set

    @property
    def sheetnames(self) -> list[str]:
        return list(self.sheets)

    def close(self) -> None:
        self.archive.close()


def open_workbook(content: bytes) -> Book:
    """The workbook of a file that passes `check_container` (checked here first)."""
    check_container(content)
    try:
        reader = ExcelReader(io.BytesIO(content), read_only=True, keep_links=False)
        reader.read_manifest()
        reader.read_strings()
        reader.read_workbook()
        apply_stylesheet(reader.archive, reader.wb)
        sheets = {
            sheet.name: rel.target
            for sheet, rel in reader.parser.find_sheets()
            if rel.target in reader.valid_files and "chartsheet" not in rel.Type
        }
    except Exception as exc:
        if _caused_by_entities(exc):
            raise _entity_error() from None
        raise _damaged() from None
    return Book(
        archive=reader.archive,
        sheets=sheets,
        shared_strings=reader.shared_strings,
        epoch=reader.wb.epoch,
        date_formats=reader.wb._date_formats,
        timedelta_formats=reader.wb._timedelta_formats,
    )


def _caused_by_entities(exc: BaseException | None) -> bool:
    """openpyxl wraps parser errors in ValueError; look down the chain for defusedxml's."""
    seen = 0
    while exc is not None and seen < 10:
        if isinstance(exc, DefusedXmlException):
            return True
        exc = exc.__cause__ or exc.__context__
        seen += 1
    return False


# --- the size scan ----------------------------------------------------------------------------

# A run of this many empty rows ends the data: the rest of the sheet is only searched for a
# value further down (refused rather than silently left out), not read row by row.
EMPTY_RUN = 1_000
# Formatted but empty cells (`<c r="B7" s="3"/>`) carry no data but cost time to read.
MAX_EMPTY_CELLS = 1_000_000
CHUNK_BYTES = 256 * 1024
_NAME = rb"<(?:[A-Za-z_][\w.-]*:)?"  # an element name with or without a namespace prefix
ROW_PATTERN = re.compile(_NAME + rb"row(?=[\s>/])([^>]*)>")
ROW_NUMBER = re.compile(rb'\sr="(\d+)')
EMPTY_CELL_PATTERN = re.compile(_NAME + rb"c(?:\s[^>]*)?/>")
CONTENT_PATTERN = re.compile(_NAME + rb"(?:v|is|f)[\s>/]")  # a value, inline string, formula
DATA_END = re.compile(rb"</(?:[A-Za-z_][\w.-]*:)?sheetData>")
DIMENSION = re.compile(_NAME + rb'dimension\s[^>]*?ref="([^"]*)"')
MERGE_PATTERN = re.compile(_NAME + rb'mergeCell\s[^>]*?ref="([^"]*)"')


@dataclass
class SheetScan:
    """What a quick pass over a sheet's XML bytes found, before any cell is read: regular
    expressions count rows, values and empty cells at C speed (one Python step per row, none
    per cell), so a huge or padded sheet is refused at once with flat memory."""

    rows_read: int = 0  # <row> elements looked at one by one
    data_rows: int = 0  # rows holding at least one value (the header included)
    last_data_row: int = 0
    empty_cells: int = 0
    empty_run: int = 0
    data_ended: bool = False  # after EMPTY_RUN empty rows: the rest is only searched
    merged: list[str] = field(default_factory=list)

    def row(self, number: int, segment: bytes) -> None:
        self.rows_read += 1
        self.cells_empty(len(EMPTY_CELL_PATTERN.findall(segment)))
        if CONTENT_PATTERN.search(segment) is None:
            self.empty_run += 1
            self.data_ended = self.empty_run >= EMPTY_RUN
            return
        self.empty_run = 0
        self.data_rows += 1
        self.last_data_row = number
        if self.data_rows > MAX_ROWS + 1:
            raise _too_many_rows()

    def rest(self, text: bytes) -> None:
        """Sheet data after the data ended: any value there is refused."""
        if CONTENT_PATTERN.search(text):
            raise _values_after_gap(self.last_data_row)
        self.cells_empty(len(EMPTY_CELL_PATTERN.findall(text)))

    def cells_empty(self, count: int) -> None:
        self.empty_cells += count
        if self.empty_cells > MAX_EMPTY_CELLS:
            raise _too_many_empty_cells()


def sheet_scan(book: Book, sheet: str, scan: SheetScan | None = None) -> SheetScan:
    """Check a sheet's size in one quick pass over its bytes; refuse it as soon as a limit is
    passed. Also collects its merged ranges (read-only parsing would skip them)."""
    scan = scan if scan is not None else SheetScan()
    carry, number, closed, first = b"", 0, False, True
    with book.archive.open(book.sheets[sheet]) as source:
        while chunk := source.read(CHUNK_BYTES):
            if b"<!ENTITY" in chunk:
                raise _entity_error()
            text = carry + chunk
            if first:
                first = False
                dimension = DIMENSION.search(text)
                if dimension:
                    _check_dimension(dimension.group(1).decode("ascii", "replace"))
            if closed:
                scan.merged += _merges(text)
                carry = text[-256:]
                continue
            end = DATA_END.search(text)
            body = text[: end.start()] if end else text
            carry, number = _scan_rows(scan, body, number, complete=end is not None)
            if end:
                closed = True
                scan.merged += _merges(text[end.end() :])
                carry = text[-256:]
    scan.merged = list(dict.fromkeys(scan.merged))
    return scan


def _scan_rows(scan: SheetScan, body: bytes, number: int, *, complete: bool):
    """Rows of `body` one by one (the last one kept for the next chunk unless `complete`);
    (carry, last row number)."""
    if scan.data_ended:
        scan.rest(body[:-64] if not complete else body)
        return (b"" if complete else body[-64:]), number
    starts = list(ROW_PATTERN.finditer(body))
    if not starts:
        return (b"" if complete else body[-64:]), number
    last = len(starts) if complete else len(starts) - 1
    for index in range(last):
        match = starts[index]
        stop = starts[index + 1].start() if index + 1 < len(starts) else len(body)
        given = ROW_NUMBER.search(match.group(1))
        number = int(given.group(1)) if given else number + 1
        scan.row(number, body[match.start() : stop])
        if scan.data_ended:
            following = starts[index + 1].start() if index + 1 < len(starts) else len(body)
            return _scan_rows(scan, body[following:], number, complete=complete)
    return (b"" if complete else body[starts[last].start() :]), number


def _merges(text: bytes) -> list[str]:
    return [m.decode("ascii", "replace") for m in MERGE_PATTERN.findall(text)]


def _check_dimension(ref: str) -> None:
    last = ref.rpartition(":")[2]
    digits = "".join(ch for ch in last if ch.isdigit())
    if digits and int(digits) > MAX_ROWS + 1:
        raise _too_many_rows()


# --- reading rows -----------------------------------------------------------------------------

ROW_TAG = f"{MAIN_NS}row"
SHEET_DATA_TAG = f"{MAIN_NS}sheetData"


def sheet_rows(book: Book, sheet: str, scan: SheetScan) -> Iterator[list[SheetCell]]:
    """Rows holding at least one value, header first, up to the scan's last data row.

    Only cells with a value (or formula) become SheetCells; empty formatted cells are skipped.
    Memory stays flat: each row is dropped once read."""
    parser = WorkSheetParser(
        None,
        book.shared_strings,
        data_only=False,
        epoch=book.epoch,
        date_formats=book.date_formats,
        timedelta_formats=book.timedelta_formats,
    )
    try:
        with book.archive.open(book.sheets[sheet]) as source:
            yield from _stream_rows(source, parser, scan.last_data_row)
    except DefusedXmlException:
        raise _entity_error() from None
    except ParseError:
        raise _damaged() from None


def _stream_rows(source, parser, last_row: int) -> Iterator[list[SheetCell]]:
    pull = XMLPullParser(events=("start", "end"), _parser=DefusedXMLParser(target=TreeBuilder()))
    sheet_data = None
    while chunk := source.read(CHUNK_BYTES):
        pull.feed(chunk)
        for event, element in pull.read_events():
            if event == "start":
                if element.tag == SHEET_DATA_TAG:
                    sheet_data = element
                continue
            if element.tag != ROW_TAG:
                continue
            cells = _row_cells(parser, element)
            if sheet_data is not None:
                sheet_data.clear()  # drop the row just read: memory stays flat
            if cells:
                yield cells
            if parser.row_counter >= last_row:
                return


def _row_cells(parser, row) -> list[SheetCell]:
    """The cells of a <row> that hold something; empty cells are skipped unparsed."""
    number = row.get("r")
    parser.row_counter = int(float(number)) if number else parser.row_counter + 1
    parser.col_counter = 0
    cells = []
    pending = None  # the reference of a skipped empty cell, for a following cell without one
    for element in row:
        if len(element) == 0:  # no <v>, <is> or <f>: an empty (formatted) cell
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

"""Open an uploaded workbook safely and stream its rows.

Checks run before openpyxl sees the file: the zip signature, the zip directory's total
uncompressed size and compression ratio (zip bombs), then openpyxl parses with defusedxml
(entity bombs are refused), read-only, with formulas kept as formulas so they can be refused.
"""

import io
import posixpath
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import openpyxl
from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring as defused_fromstring
from django.utils.translation import gettext_lazy as _
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


def sheet_rows(worksheet) -> Iterator[list[SheetCell]]:
    """Rows of cells (empty trailing rows skipped by the caller); refuses > MAX_ROWS rows."""
    dimension_rows = worksheet.max_row or 0
    if dimension_rows > MAX_ROWS + 1:
        raise _too_many_rows()
    count = 0
    try:
        for row in worksheet.iter_rows():
            count += 1
            if count > MAX_ROWS + 1:
                raise _too_many_rows()
            yield [
                SheetCell(
                    row=cell.row,
                    column=cell.column,
                    coordinate=cell.coordinate,
                    value=cell.value,
                    formula=cell.data_type == "f",
                )
                for cell in row
                if getattr(cell, "row", None) is not None
            ]
    except DefusedXmlException:
        raise _entity_error() from None


def _too_many_rows() -> ImportFileRejected:
    return _reject(
        _("The sheet has more than %(n)s rows. Split it into several files of at most %(n)s rows.")
        % {"n": f"{MAX_ROWS:,}"}
    )

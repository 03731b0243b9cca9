"""Build test workbooks in memory (templates filled with rows, hostile files)."""

import io
import zipfile

from openpyxl import Workbook, load_workbook
from openpyxl.utils import get_column_letter

from erp.golive.importing.spec import ImportSpec
from erp.golive.importing.workbook import header_text, workbook_bytes


def filled(spec: ImportSpec, rows: list[list], headers: list[str] | None = None) -> bytes:
    """The spec's own template with `rows` (values in column order) on the data sheet."""
    workbook = load_workbook(io.BytesIO(workbook_bytes(spec)))
    sheet = workbook[spec.sheet]
    if headers is not None:
        for index, text in enumerate(headers, start=1):
            sheet.cell(row=1, column=index, value=text)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def plain(sheet_title: str, rows: list[list]) -> bytes:
    workbook = Workbook()
    workbook.active.title = sheet_title
    for row in rows:
        workbook.active.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def headers(spec: ImportSpec) -> list[str]:
    return [header_text(c) for c in spec.columns]


def rewrite_member(content: bytes, name: str, change) -> bytes:
    """Copy of the xlsx zip with member `name` replaced by change(old_bytes)."""
    source = zipfile.ZipFile(io.BytesIO(content))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            data = source.read(info.filename)
            if info.filename == name:
                data = change(data)
            target.writestr(info.filename, data)
    return out.getvalue()


SHEET_HEAD = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
)
SHEET_TAIL = b"</sheetData></worksheet>"


def streamed_sheet(spec: ImportSpec, body) -> bytes:
    """The spec's template with its data sheet replaced by a header row plus the XML rows
    `body` yields (bytes), written chunk by chunk without a <dimension> record: a huge sheet
    costs no memory to build."""
    source = zipfile.ZipFile(io.BytesIO(workbook_bytes(spec)))
    out = io.BytesIO()
    header = b"".join(
        f'<c r="{chr(65 + i)}1" t="inlineStr"><is><t>{text}</t></is></c>'.encode()
        for i, text in enumerate(headers(spec)[:26])
    )
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            if info.filename != "xl/worksheets/sheet1.xml":
                target.writestr(info.filename, source.read(info.filename))
                continue
            with target.open(info.filename, "w") as sheet:
                sheet.write(SHEET_HEAD + b'<row r="1">' + header + b"</row>")
                batch = []
                for part in body:
                    batch.append(part)
                    if len(batch) >= 4096:
                        sheet.write(b"".join(batch))
                        batch = []
                sheet.write(b"".join(batch) + SHEET_TAIL)
    return out.getvalue()


def numbered_rows(count: int):
    """`count` rows holding a number in column A, written compactly (no cell references, as
    some programs write them) so that a million rows stay under the 50 MB unpacked limit."""
    for n in range(2, 2 + count):
        yield b"<row><c><v>%d</v></c></row>" % n


def empty_cell_rows(rows: int, columns: int):
    """`rows` rows of `columns` empty cells each (`<c r="A2"/>`), after the header."""
    letters = [get_column_letter(i).encode() for i in range(1, columns + 1)]
    for n in range(2, 2 + rows):
        number = str(n).encode()
        cells = b"".join(b'<c r="' + letter + number + b'"/>' for letter in letters)
        yield b'<row r="' + number + b'">' + cells + b"</row>"

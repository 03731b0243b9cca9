"""Build test workbooks in memory (templates filled with rows, hostile files)."""

import io
import zipfile

from openpyxl import Workbook, load_workbook

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

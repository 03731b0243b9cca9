"""Write the import template (and the export in the same layout) with openpyxl.

Headers are Chinese (the file is a contract between users, whatever their screen language);
required headers carry a "*" and a red fill; choice and yes/no columns get dropdowns; the
说明 sheet describes every column and shows one example row."""

import io
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Any

from django.utils import translation
from django.utils.translation import gettext
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from erp.core.export import cell_value

from .spec import BOOL, CHOICE, DATE, DECIMAL, INT, REFERENCE, TEXT, Column, ImportSpec

INSTRUCTIONS_SHEET = "说明"
YES, NO = "是", "否"
VALIDATION_ROWS = 10_000
REQUIRED_FILL = PatternFill("solid", fgColor="C00000")
OPTIONAL_FILL = PatternFill("solid", fgColor="D9E1F2")
TYPE_NAMES = {
    TEXT: "文本",
    INT: "整数",
    DECIMAL: "数字",
    BOOL: "是/否",
    DATE: "日期",
    CHOICE: "下拉选择",
    REFERENCE: "编码引用",
}


def header_text(column: Column) -> str:
    return ("*" if column.required else "") + column.header_zh()


def workbook_bytes(spec: ImportSpec, rows: Iterable[Sequence[Any]] = ()) -> bytes:
    with translation.override("zh-hans"):
        workbook = Workbook()
        sheet = workbook.active
        sheet.title = spec.sheet
        _write_header(sheet, spec)
        for row in rows:
            sheet.append([_cell(column, v) for column, v in zip(spec.columns, row, strict=False)])
        _text_format(sheet, spec)
        _instructions(workbook.create_sheet(INSTRUCTIONS_SHEET), spec)
        buffer = io.BytesIO()
        workbook.save(buffer)
    return buffer.getvalue()


def _write_header(sheet, spec: ImportSpec) -> None:
    sheet.append([header_text(c) for c in spec.columns])
    for index, column in enumerate(spec.columns, start=1):
        cell = sheet.cell(row=1, column=index)
        cell.font = Font(bold=True, color="FFFFFF" if column.required else "000000")
        cell.fill = REQUIRED_FILL if column.required else OPTIONAL_FILL
        cell.alignment = Alignment(horizontal="center", vertical="center")
        letter = get_column_letter(index)
        sheet.column_dimensions[letter].width = max(column.width, len(header_text(column)) * 2 + 2)
        options = _dropdown(column)
        if options:
            validation = DataValidation(
                type="list",
                formula1='"' + ",".join(options) + '"',
                allow_blank=not column.required,
                showErrorMessage=True,
                errorTitle=gettext("Invalid value"),
                error=gettext("Choose a value from the list."),
            )
            validation.add(f"{letter}2:{letter}{VALIDATION_ROWS + 1}")
            sheet.add_data_validation(validation)
    sheet.freeze_panes = "A2"


def _dropdown(column: Column) -> list[str]:
    if column.kind == BOOL:
        return [YES, NO]
    if column.kind == CHOICE:
        return column.choice_labels()
    return []


def _text_format(sheet, spec: ImportSpec) -> None:
    # Codes typed as 001 must stay text, not become the number 1.
    for index, column in enumerate(spec.columns, start=1):
        if column.kind in (TEXT, REFERENCE):
            sheet.column_dimensions[get_column_letter(index)].number_format = "@"


def _cell(column: Column, value: Any) -> Any:
    """Export value in template form: codes for references, labels for choices, 是/否."""
    if value is None:
        return None
    if column.kind == BOOL:
        return YES if value else NO
    if column.kind == CHOICE:
        labels = dict(zip([v for v, _l in column.choices], column.choice_labels(), strict=True))
        return labels.get(value, value)
    if column.kind == REFERENCE:
        return cell_value(str(getattr(value, column.lookup, value)))
    if column.kind == DECIMAL:
        value = Decimal(str(value)) if isinstance(value, float) else Decimal(value)
        # Beyond 15 significant digits a float cell would lose digits: write text instead.
        return value if len(value.normalize().as_tuple().digits) <= 15 else str(value)
    return cell_value(value)


def _example(column: Column, value: Any) -> Any:
    # Examples give choices by value (labels follow the translation); the rest as written.
    return _cell(column, value) if column.kind == CHOICE or not isinstance(value, str) else value


def _instructions(sheet, spec: ImportSpec) -> None:
    bold = Font(bold=True)
    sheet.append([gettext("How to fill in “%(title)s”") % {"title": spec.title}])
    sheet["A1"].font = Font(bold=True, size=14)
    for note in _general_notes(spec):
        sheet.append([note])
    sheet.append([])
    sheet.append(
        [
            gettext("Column"),
            gettext("Required"),
            gettext("Type"),
            gettext("Description"),
            gettext("Example"),
        ]
    )
    for cell in sheet[sheet.max_row]:
        cell.font = bold
    for index, column in enumerate(spec.columns):
        example = spec.example[index] if index < len(spec.example) else ""
        sheet.append(
            [
                header_text(column),
                YES if column.required else NO,
                TYPE_NAMES[column.kind],
                _describe(column),
                _example(column, example),
            ]
        )
    sheet.append([])
    sheet.append([gettext("Example row (copy the layout to the data sheet):")])
    sheet[f"A{sheet.max_row}"].font = bold
    sheet.append([header_text(c) for c in spec.columns])
    for example in (spec.example, *spec.more_examples):
        sheet.append([_example(c, v) for c, v in zip(spec.columns, example, strict=False)])
    for letter, width in zip("ABCDE", (22, 8, 10, 60, 22), strict=True):
        sheet.column_dimensions[letter].width = width


def _general_notes(spec: ImportSpec) -> list[str]:
    notes = [
        gettext(
            "Fill the sheet “%(sheet)s”: one record per row from row 2. Columns marked * are "
            "required. Do not rename, merge or reorder the headers; formulas are refused."
        )
        % {"sheet": spec.sheet},
        gettext(
            "Records are matched by their code: an existing code is updated, a new code is "
            "created. A blank optional cell keeps the current value."
        ),
        gettext(
            "Upload the file on the import page: it is checked first (nothing is written) and "
            "imported only after you confirm; one wrong row stops the whole file."
        ),
    ]
    if spec.grouped:
        notes.append(
            gettext(
                "One row per line: repeat the code on every row of the same record, in "
                "consecutive rows; the other header columns may be left blank on the following "
                "rows. A record without lines is one row with the line columns empty."
            )
        )
    return notes + [str(n) for n in spec.notes]


def _describe(column: Column) -> str:
    text = str(column.help or "")
    if column.kind == CHOICE:
        text += " " + gettext("Allowed: %(values)s.") % {
            "values": "、".join(column.choice_labels())
        }
    elif column.kind == BOOL:
        text += " " + gettext("是 (yes) or 否 (no).")
    elif column.kind == REFERENCE:
        text += " " + gettext("Code of an existing %(model)s.") % {
            "model": column.model._meta.verbose_name
        }
    elif column.kind == DECIMAL:
        text += " " + gettext("At most %(n)s decimal places.") % {"n": column.places}
    elif column.kind == DATE:
        text += " " + gettext("Format 2026-03-01.")
    if column.line:
        text = gettext("(line)") + " " + text
    return text.strip()

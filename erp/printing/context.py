"""What a print template sees: plain dicts, lists, strings, Decimals and dates built from a
kit document's declaration (its header columns, print/line columns and totals) — never a model,
a queryset or a settings object. The same shape is documented in `fields_for` (the editor's
field list and docs/printing.md) and filled with sample values by `sample_context`, so a
template is checked on save without touching a real document.
"""

import base64
import datetime as dt
from decimal import Decimal

import segno
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from erp.core.doc_kit.declaration import DocumentKit
from erp.core.money import round_amount

PLAIN = (str, int, Decimal, dt.date, bool)  # dt.datetime is a dt.date


def key_of(column_name: str) -> str:
    """A column's attribute path as a template key: "material.code" → "material_code"."""
    return column_name.replace(".", "_")


def plain(value):
    """A value a template may hold: numbers, dates and text stay, anything else is its text
    (a DocumentRef or a model instance never reaches the template)."""
    if value is None:
        return ""
    if isinstance(value, float):
        return Decimal(repr(value))
    if isinstance(value, PLAIN) and not hasattr(value, "__html__"):
        return value
    return str(value)


def formatted(value, kind: str) -> str:
    """The cell as the built-in layout prints it (¥1,234.56, 1,200, 2026-03-01)."""
    from erp.printing.sandbox import _date, _money, _qty

    if value in (None, ""):
        return ""
    if kind == "amount":
        return _money(value)
    if kind == "qty":
        return _qty(value)
    if kind == "bool":
        return _("Yes") if value else _("No")
    if isinstance(value, dt.date):
        return _date(value, with_time=isinstance(value, dt.datetime))
    return str(value)


def column_value(column, obj):
    """A column's plain value; a document column gives the document's number, as the kit's
    pages and built-in print show it under its label (销售订单: SO2026110001), not the
    document's str() with its type name again."""
    if column.kind == "doc":
        link = column.cell(obj)
        return str(link) if link is not None else ""
    return plain(column.value(obj))


def _columns(kit: DocumentKit) -> tuple:
    return kit.print_columns if kit.print_columns is not None else kit.line_columns


def labels() -> dict:
    """Fixed words in the reader's language, so one template prints in Chinese or English."""
    return {
        "number": _("Number"),
        "date": _("Date"),
        "state": _("State"),
        "line_no": "#",
        "total": _("Total"),
        "total_in_words": _("Total in words"),
        "prepared_by": _("Prepared by"),
        "printed_at": _("Printed"),
        "page": _("Page"),
        "note": _("Note"),
        "seal_here": _("Company seal"),
    }


def qr_data_uri(text: str) -> str:
    """The QR code of `text` as an inline SVG (data: URI): no file, no URL."""
    if not text:
        return ""
    return segno.make(text, error="m").svg_data_uri(scale=4, border=1)


def document_context(kit: DocumentKit, doc, *, lines: list, assets: dict) -> dict:
    """The read-only context of one real document (without the print facts and the copy,
    which the printer adds per print and per copy)."""
    if kit.line_annotate:
        kit.line_annotate(doc, lines)
    columns = _columns(kit)
    line_dicts = [_line(columns, ln, i) for i, ln in enumerate(lines, start=1)]
    totals = {
        key_of(c.name): sum((c.value(ln) or 0 for ln in lines), start=round_amount(0))
        for c in columns
        if c.total
    }
    amount = _amount_total(columns, totals)
    header = _header(kit, lambda c: column_value(c, doc))
    number = getattr(doc, "number", "") or ""
    return {
        "company": _company(assets),
        "doc": {
            "type": kit.label,
            "title": str(kit.verbose_name),
            "number": number,
            "reference": kit.reference(doc),
            "date": getattr(doc, "date", None) or "",
            "state": getattr(doc, "state", ""),
            "state_label": str(kit.state_label(doc)),
            "note": getattr(doc, "note", "") or "",
            "created_by": str(doc.created_by) if getattr(doc, "created_by", None) else "",
            "header": header,
            "fields": {h["name"]: h["value"] for h in header},
        },
        "columns": _column_dicts(columns),
        "lines": line_dicts,
        "totals": totals,
        "totals_text": _totals_text(columns, totals),
        "total": amount,
        "total_words": _words(amount),
        "qr": qr_data_uri(number or kit.reference(doc)),
        "signatures": [str(s) for s in kit.print_signatures],
        "labels": labels(),
    }


def _header(kit: DocumentKit, value_of) -> list[dict]:
    """The header facts in the detail page's order, each with its value and printed text."""
    facts = []
    for c in kit.printed_header_columns:
        value = value_of(c)
        facts.append({"name": key_of(c.name), "label": str(c.label), "kind": c.kind,
                      "value": value, "text": formatted(value, c.kind)})  # fmt: skip
    return facts


def _column_dicts(columns) -> list[dict]:
    return [
        {"name": key_of(c.name), "label": str(c.label), "kind": c.kind, "total": c.total}
        for c in columns
    ]


def _line(columns, line, index: int) -> dict:
    values = {key_of(c.name): column_value(c, line) for c in columns}
    return {
        "no": getattr(line, "line_no", None) or index,
        "cells": [formatted(values[key_of(c.name)], c.kind) for c in columns],
        **values,
    }


def _amount_total(columns, totals: dict):
    """The first money total (a quantity total is no amount to write in 大写)."""
    for c in columns:
        if c.total and c.kind == "amount":
            return totals[key_of(c.name)]
    return ""


def _totals_text(columns, totals: dict) -> dict:
    return {key_of(c.name): formatted(totals[key_of(c.name)], c.kind) for c in columns if c.total}


def _words(total) -> str:
    from erp.core.amount_words import amount_in_words

    return amount_in_words(total) if isinstance(total, Decimal | int) else ""


def _company(assets: dict) -> dict:
    from erp.core.models import Company

    company = Company.objects.order_by("pk").first()
    logo = assets.get("logo", "")
    if not logo and company is not None and company.logo:
        logo = _file_data_uri(company.logo)
    return {
        "name": company.name if company else "",
        "uscc": company.uscc if company else "",
        "address": company.address if company else "",
        "phone": company.phone if company else "",
        "logo": logo,
        "seal": assets.get("seal", ""),
    }


def _file_data_uri(field) -> str:
    try:
        with field.open("rb") as f:
            data = f.read(600_000)
    except OSError:
        return ""
    kind = "png" if data[:8] == b"\x89PNG\r\n\x1a\n" else "jpeg"
    return f"data:image/{kind};base64,{base64.b64encode(data).decode()}"


def print_facts(*, printed_by: str, print_no: int, version_label: str, preview: bool) -> dict:
    reprint = max(print_no - 1, 0)
    return {
        "printed_at": timezone.localtime(),
        "printed_by": printed_by,
        "print_no": print_no,
        "reprint": reprint,
        "reprint_label": (_("Reprint %(n)s") % {"n": reprint}) if reprint else "",
        "template_version": version_label,
        "preview": preview,
        "preview_label": _("PREVIEW") if preview else "",
    }


def copy_facts(captions: list[str], index: int) -> dict:
    return {
        "no": index + 1,
        "of": max(len(captions), 1),
        "caption": captions[index] if captions else "",
    }


def sample_context(kit: DocumentKit) -> dict:
    """The context's shape with sample values: what a template is checked against on save."""
    columns = _columns(kit)
    samples = {
        "amount": Decimal("1130.00"),
        "qty": Decimal("12.5"),
        "num": 3,
        "date": dt.date(2026, 3, 1),
        "datetime": timezone.now(),
        "bool": True,
    }

    def sample(c):
        return samples.get(c.kind, f"<{c.label}> {{{{7*7}}}}")

    header = _header(kit, sample)
    lines = []
    for i in (1, 2):
        values = {key_of(c.name): sample(c) for c in columns}
        cells = [formatted(values[key_of(c.name)], c.kind) for c in columns]
        lines.append({"no": i, "cells": cells, **values})
    totals = {key_of(c.name): Decimal("2260.00") for c in columns if c.total}
    total = _amount_total(columns, totals)
    return {
        "company": {
            "name": "示例公司",
            "uscc": "91320500MA1XXXXXXX",
            "address": "",
            "phone": "",
            "logo": "",
            "seal": "",
        },
        "doc": {
            "type": kit.label,
            "title": str(kit.verbose_name),
            "number": "SAMPLE-0001",
            "reference": "SAMPLE-0001",
            "date": dt.date(2026, 3, 1),
            "state": "draft",
            "state_label": _("Draft"),
            "note": "<script>alert(1)</script>",
            "created_by": "admin",
            "header": header,
            "fields": {h["name"]: h["value"] for h in header},
        },
        "columns": _column_dicts(columns),
        "lines": lines,
        "totals": totals,
        "totals_text": _totals_text(columns, totals),
        "total": total,
        "total_words": _words(total or None),
        "qr": qr_data_uri("SAMPLE-0001"),
        "signatures": [str(s) for s in kit.print_signatures],
        "labels": labels(),
    }


COMMON_FIELDS = [
    ("company.name, company.uscc, company.address, company.phone", gettext_lazy("the company")),
    ("company.logo, company.seal", gettext_lazy("logo and seal images (empty when none uploaded)")),
    (
        "doc.title, doc.number, doc.reference",
        gettext_lazy("document type, number, number or draft"),
    ),
    (
        "doc.date, doc.state, doc.state_label, doc.note, doc.created_by",
        gettext_lazy("date, state code, state, note, prepared by"),
    ),
    (
        "doc.header: name, label, kind, value, text",
        gettext_lazy("the header facts of the detail page, in order"),
    ),
    ("doc.fields.<name>", gettext_lazy("one header fact by name (below)")),
    ("columns: name, label, kind, total", gettext_lazy("the line columns")),
    (
        "lines: line.no, line.cells, line.<name>",
        gettext_lazy("the lines: number, texts in column order, values by name (below)"),
    ),
    ("totals.<name>, totals_text.<name>", gettext_lazy("column totals: value and text")),
    ("total, total_words", gettext_lazy("the first money total and it in Chinese capitals")),
    ("qr", gettext_lazy("QR code of the document number, an image")),
    (
        "print.printed_at, print.printed_by, print.print_no",
        gettext_lazy("this print: when, by whom, which print of the document"),
    ),
    (
        "print.reprint, print.reprint_label",
        gettext_lazy("reprints before this one (0 on the first print) and 重打 N"),
    ),
    (
        "print.template_version, print.preview, print.preview_label",
        gettext_lazy("template version; whether this is a preview (not logged)"),
    ),
    (
        "copy.no, copy.of, copy.caption",
        gettext_lazy("the copy being printed and its caption (存根联, 客户联, 回单联)"),
    ),
    (
        "labels.number, labels.date, labels.state, labels.total, labels.total_in_words, "
        "labels.prepared_by, labels.printed_at, labels.page, labels.note, labels.line_no",
        gettext_lazy("fixed words in the reader's language"),
    ),
    ("signatures", gettext_lazy("signature captions of the document type")),
]

FILTERS = [
    ("x|money", "¥1,234.56"),
    ("x|qty, x|qty(2)", "1,200.5"),
    ("x|date, x|date(true)", "2026-03-01, 2026-03-01 14:05"),
    ("x|amount_words", "壹仟贰佰叁拾肆元伍角陆分"),
    (
        "default, length, upper, lower, trim, truncate, join, replace, sum, sort, first, last",
        "",
    ),
]


def fields_for(kit: DocumentKit) -> dict:
    """The editor's field list for one document type: header facts and line columns."""
    columns = _columns(kit)
    return {
        "header": [
            (f"doc.fields.{key_of(c.name)}", c.label, c.kind) for c in kit.printed_header_columns
        ],
        "lines": [(f"line.{key_of(c.name)}", c.label, c.kind) for c in columns],
        "totals": [(f"totals.{key_of(c.name)}", c.label, c.kind) for c in columns if c.total],
    }

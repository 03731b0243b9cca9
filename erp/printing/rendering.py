"""A template version (saved or being edited) rendered to HTML and PDF: the page setup
(paper, orientation, margins, page numbers) wraps the user's body, rendered in the sandbox
once per copy caption (存根联 / 客户联 / 回单联), each copy starting a new page."""

import functools
import multiprocessing
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.utils.translation import gettext_lazy as _

from erp.core.errors import ValidationFailed
from erp.core.printing import html_to_pdf
from erp.printing import sandbox
from erp.printing.context import copy_facts
from erp.printing.models import Orientation, Paper
from erp.printing.sandbox import PrintTemplateError

PAPER_SIZES = {Paper.A4: "A4", Paper.A5: "A5", Paper.TRIPLE: "241mm 93.1mm"}
MAX_COPIES = 6
PDF_SECONDS = 60  # WeasyPrint's layout of one print (settings.PRINT_PDF_SECONDS)

BASE_CSS = """
html { font-family: "Noto Sans CJK SC", "WenQuanYi Micro Hei", sans-serif; font-size: 10pt;
       color: #111; }
body { margin: 0; }
.print-copy + .print-copy { break-before: page; }
.print-header { position: running(print-header); display: flex; align-items: center; gap: 4mm;
                border-bottom: 0.6pt solid #333; padding-bottom: 2mm; }
.print-header .logo { height: 12mm; }
.print-header .company { font-size: 11pt; font-weight: bold; flex: 1; }
.print-header .company small { display: block; font-weight: normal; font-size: 8pt; color: #444; }
.print-header .qr { height: 16mm; }
h1 { text-align: center; font-size: 16pt; letter-spacing: 0.4em; margin: 0 0 2mm; }
table { width: 100%; border-collapse: collapse; }
th, td { border: 0.6pt solid #333; padding: 1.2mm 1.6mm; vertical-align: top; }
th { background: #f0f0f0; font-weight: bold; }
thead { display: table-header-group; }
tr { break-inside: avoid; }
.num { text-align: right; white-space: nowrap; }
.meta { display: flex; justify-content: space-between; gap: 4mm; margin-bottom: 1.5mm; }
.facts { display: grid; grid-template-columns: repeat(3, 1fr); gap: 0.5mm 4mm;
         margin-bottom: 1.5mm; }
.signatures { display: flex; justify-content: space-between; margin-top: 5mm; }
.sealed { position: relative; display: inline-block; min-width: 40mm; }
.sealed .seal { position: absolute; left: 0; top: -14mm; width: 40mm; height: 40mm;
                opacity: 0.85; }
.copy-caption { text-align: center; font-size: 9pt; margin-bottom: 1mm; }
.stamp { position: absolute; top: 0; right: 0; border: 1pt solid #c00; color: #c00;
         padding: 0.5mm 2mm; font-weight: bold; }
"""


def margins_parse(text: str) -> list[Decimal]:
    """ "20 12 16 12" → four margins in mm (top right bottom left); one number for all four."""
    try:
        values = [Decimal(p) for p in (text or "").replace(",", " ").split()]
    except InvalidOperation:
        values = []
    if len(values) == 1:
        values *= 4
    if len(values) != 4 or any(not (0 <= v <= 50) for v in values):
        raise ValidationFailed(
            _("Margins are four numbers of millimetres between 0 and 50: top right bottom left."),
            fields={"margins": [_("Four numbers of millimetres between 0 and 50.")]},
        )
    return values


def captions_check(captions: list[str]) -> None:
    if len(captions) > MAX_COPIES:
        raise ValidationFailed(
            _("At most %(n)s copies: give at most %(n)s captions, one a line.") % {"n": MAX_COPIES},
            fields={"copies": [_("At most %(n)s copies.") % {"n": MAX_COPIES}]},
        )


def page_css(version) -> str:
    size = PAPER_SIZES.get(version.paper, "A4")
    if version.paper != Paper.TRIPLE and version.orientation == Orientation.LANDSCAPE:
        size += " landscape"
    top, right, bottom, left = margins_parse(version.margins)
    return (
        f"@page {{ size: {size}; margin: {top}mm {right}mm {bottom}mm {left}mm;"
        " @top-center { content: element(print-header); width: 100%; }"
        ' @bottom-right { content: counter(page) " / " counter(pages); font-size: 8pt; } }'
    )


def render_html(version, context: dict) -> str:
    """The whole HTML document: page setup, then the body once per copy."""
    captions = version.captions
    captions_check(captions)
    copies = []
    for index in range(max(len(captions), 1)):
        body = sandbox.render(version.body, {**context, "copy": copy_facts(captions, index)})
        copies.append(f'<div class="print-copy">{body}</div>')
    title = str(context.get("doc", {}).get("reference", ""))
    return (
        '<!DOCTYPE html><html lang="zh-Hans"><head><meta charset="utf-8">'
        f"<title>{_escape(title)}</title>"
        f"<style>{page_css(version)}{BASE_CSS}</style></head>"
        f"<body>{''.join(copies)}</body></html>"
    )


def render_pdf(version, context: dict) -> bytes:
    return pdf_bounded(render_html(version, context))


def pdf_seconds() -> float:
    return float(getattr(settings, "PRINT_PDF_SECONDS", PDF_SECONDS))


def pdf_bounded(html: str) -> bytes:
    """The PDF laid out in a forked worker that is killed after `pdf_seconds()`: the sandbox
    bounds the HTML's size, this bounds WeasyPrint's layout time (a template of 100,000 rows
    or an endless page break). The worker reads no database and ends without cleanup."""
    _warm_up()
    reader, writer = multiprocessing.Pipe(duplex=False)
    worker = multiprocessing.get_context("fork").Process(
        target=_layout, args=(html, writer), daemon=True
    )
    worker.start()
    writer.close()
    try:
        if not reader.poll(pdf_seconds()):
            raise PrintTemplateError(
                _(
                    "laying out the PDF took longer than %(n)s seconds: print fewer lines, "
                    "copies or pages, or simplify the layout"
                )
                % {"n": f"{pdf_seconds():g}"}
            )
        outcome, payload = reader.recv()
    except EOFError:
        outcome, payload = "error", "the layout worker ended without a PDF"
    finally:
        reader.close()
        if worker.is_alive():
            worker.kill()
        worker.join()
    if outcome != "pdf":
        raise PrintTemplateError(_("the PDF could not be laid out: %(e)s") % {"e": payload})
    return payload


@functools.cache
def _warm_up() -> None:
    """Load WeasyPrint's fonts once in this process (a tiny fixed page), so each forked worker
    inherits them instead of loading the CJK fonts again on every print."""
    html_to_pdf("<p>打印</p>")


def _layout(html: str, writer) -> None:
    try:
        writer.send(("pdf", html_to_pdf(html)))
    except Exception as exc:
        writer.send(("error", str(exc)[:200]))
    finally:
        writer.close()


def _escape(text: str) -> str:
    from django.utils.html import escape

    return escape(text)

"""Print documents as PDF: HTML print templates (templates/print/, in the repository) rendered
by WeasyPrint with the Noto Sans CJK font embedded.

The built-in layouts are files in the repository, reviewed like code. User-editable templates
(打印模板, erp.printing) plug in through `document_printer_register`: the kit's print page asks
the registered printers first and falls back to the built-in layout. Every PDF keeps this
sandbox: rendering may read only the project's static files, the print templates and uploaded
media (the company logo), never the network or any other file, so a template cannot leak data
from the server.
"""

from pathlib import Path
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.http import content_disposition_header
from weasyprint import HTML
from weasyprint.urls import URLFetcher


class SandboxedFetcher(URLFetcher):
    """Fetch only data: URIs and files under the allowed folders."""

    def __init__(self, roots: list[Path]):
        super().__init__(allowed_protocols={"file", "data"}, allow_redirects=False)
        self.roots = [Path(r).resolve() for r in roots]

    def fetch(self, url, headers=None):
        parts = urlsplit(url)
        if parts.scheme == "file":
            path = Path(unquote(parts.path)).resolve()
            if not any(path.is_relative_to(root) for root in self.roots):
                raise ValueError(f"print templates may not read {path}")
        return super().fetch(url, headers)


def allowed_roots() -> list[Path]:
    roots = [*settings.STATICFILES_DIRS, settings.STATIC_ROOT, settings.MEDIA_ROOT]
    return [*roots, Path(settings.BASE_DIR) / "templates" / "print"]


def print_context(context: dict) -> dict:
    """Defaults every print template may use: the company, its logo as a file URI, the time."""
    from erp.core.models import Company

    company = context.get("company") or Company.objects.order_by("pk").first()
    logo_uri = ""
    if company is not None and company.logo:
        logo_uri = Path(company.logo.path).resolve().as_uri()
    defaults = {"company": company, "logo_uri": logo_uri, "printed_at": timezone.localtime()}
    return {**defaults, **context}


_PRINTERS: list = []


def document_printer_register(printer) -> None:
    """printer(request, kit, doc) -> HttpResponse | None, asked before the built-in layout of
    a kit document's print page; None lets the next printer (or the built-in layout) print."""
    if printer not in _PRINTERS:
        _PRINTERS.append(printer)


_CHOICES: list = []


def print_choices_register(choices) -> None:
    """choices(kit) -> [(template id, name, is default), ...]: the layouts a user may pick
    on a kit document's detail page (the print button becomes a menu when there are two or
    more); the first registered function with an answer wins."""
    if choices not in _CHOICES:
        _CHOICES.append(choices)


def document_print_choices(kit) -> list[tuple[int, str, bool]]:
    for choices in _CHOICES:
        found = choices(kit)
        if found:
            return found
    return []


def document_print(request: HttpRequest, kit, doc) -> HttpResponse | None:
    """The first registered printer's answer for `doc`, or None: print the built-in layout."""
    for printer in _PRINTERS:
        response = printer(request, kit, doc)
        if response is not None:
            return response
    return None


def html_to_pdf(html: str, *, base_url: str | None = None) -> bytes:
    """A PDF from finished HTML, through the sandboxed fetcher (static, print and media only)."""
    base = base_url or (Path(settings.BASE_DIR) / "static").resolve().as_uri() + "/"
    document = HTML(string=html, base_url=base, url_fetcher=SandboxedFetcher(allowed_roots()))
    return document.write_pdf()


def render_pdf(
    *,
    template_name: str,
    context: dict,
    base_url: str | None = None,
    request: HttpRequest | None = None,
) -> bytes:
    html = render_to_string(template_name, print_context(context), request=request)
    return html_to_pdf(html, base_url=base_url)


def pdf_response(
    request: HttpRequest,
    *,
    template_name: str,
    context: dict,
    filename: str,
    download: bool = False,
) -> HttpResponse:
    """The PDF shown in the browser (or downloaded); filename may be Chinese."""
    pdf = render_pdf(template_name=template_name, context=context, request=request)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = content_disposition_header(download, filename)
    return response

"""Print documents as PDF: HTML print templates (templates/print/, in the repository) rendered
by WeasyPrint with the Noto Sans CJK font embedded.

Print templates are files in the repository, reviewed like code; users cannot edit them yet.
When user-editable templates (打印模板) arrive they must keep this sandbox: rendering may read
only the project's static files, the print templates and uploaded media (the company logo),
never the network or any other file, so a template cannot leak data from the server.
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


def render_pdf(
    *,
    template_name: str,
    context: dict,
    base_url: str | None = None,
    request: HttpRequest | None = None,
) -> bytes:
    html = render_to_string(template_name, print_context(context), request=request)
    base = base_url or (Path(settings.BASE_DIR) / "static").resolve().as_uri() + "/"
    document = HTML(string=html, base_url=base, url_fetcher=SandboxedFetcher(allowed_roots()))
    return document.write_pdf()


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

from django.shortcuts import render

from erp.core.errors import DomainError


class DomainErrorMiddleware:
    """Turns a DomainError raised in a page view into a page with its message and status.

    API views handle their own errors (erp.core.api); this covers the HTML pages, so a missing
    permission is a translated 403 page and a bad filter a 400 page, never a 500."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, DomainError):
            return None
        template = (
            "core/_error_fragment.html" if getattr(request, "htmx", False) else "core/error.html"
        )
        return render(request, template, {"error": exception}, status=exception.status)

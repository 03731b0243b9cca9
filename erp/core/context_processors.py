from collections.abc import Callable
from functools import wraps

from django.conf import settings
from django.urls import reverse

from erp.core.states import STATE_COLOURS


def once_per_request(processor: Callable[[object], dict]) -> Callable[[object], dict]:
    """A context processor runs for every template rendered with the request (the page, its
    htmx fragments, render_to_string(request=...) includes): compute its values once per
    request and keep them on the request object, which lives exactly as long."""
    key = f"_erp_context_{processor.__module__}.{processor.__qualname__}"

    @wraps(processor)
    def cached(request) -> dict:
        if request is None:
            return processor(request)
        values = request.__dict__.get(key)
        if values is None:
            values = processor(request)
            request.__dict__[key] = values
        return values

    return cached


def shell_menu(request) -> list:
    """The user's sidebar sections, computed once per request (the shell and the home page
    both need them)."""
    from erp.core.menu import menu_for

    if "_erp_menu" not in request.__dict__:
        user = getattr(request, "user", None)
        authenticated = user is not None and user.is_authenticated
        request.__dict__["_erp_menu"] = menu_for(user) if authenticated else []
    return request.__dict__["_erp_menu"]


@once_per_request
def shell(request):
    """What every page of the shell needs: instance banner, company name, the user's menu."""
    from erp.core.selectors import company_get

    sections = shell_menu(request)
    return {
        "erp_test_instance": settings.ERP_TEST_INSTANCE,
        "erp_instance": settings.ERP_INSTANCE,
        "company": company_get(),
        "erp_menu": sections,
        "erp_active": _active_url_name(request.path, sections),
        "erp_state_colours": STATE_COLOURS,
    }


def _active_url_name(path: str, sections) -> str:
    """The menu entry whose address is the longest prefix of the current one, so a detail or
    edit page keeps its list highlighted."""
    if path == reverse("core:home"):
        return "core:home"
    best, best_length = "", 0
    for section in sections:
        for item in section.items:
            url = reverse(item.url_name)
            if path.startswith(url) and len(url) > best_length:
                best, best_length = item.url_name, len(url)
    return best

from django.conf import settings
from django.urls import reverse

from erp.core.states import STATE_COLOURS


def shell(request):
    """What every page of the shell needs: instance banner, company name, the user's menu."""
    from erp.core.menu import menu_for
    from erp.core.selectors import company_get

    user = getattr(request, "user", None)
    sections = menu_for(user) if user is not None and user.is_authenticated else []
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

"""Shell pages: home, global search, company settings."""

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.http import FileResponse, Http404, HttpResponseNotModified
from django.shortcuts import redirect, render
from django.utils.dates import MONTHS
from django.utils.http import http_date
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods
from django.views.static import was_modified_since

from erp.core import menu
from erp.core.access import has_perm, require_perm
from erp.core.context_processors import shell_menu
from erp.core.errors import DomainError, ValidationFailed
from erp.core.forms import CompanyForm
from erp.core.selectors import company_get
from erp.core.services.company import company_update


def home(request):
    figures = menu.figures_for(request.user)
    context = {
        "figure_groups": figures,
        # No menu entry at all means the user holds no role yet (deny by default).
        "no_module": not figures and not shell_menu(request),
    }
    return render(request, "core/home.html", context)


def search(request):
    text = request.GET.get("q", "").strip()[: menu.SEARCH_MAX_LENGTH]
    results = menu.search_run(request.user, text) if text else []
    # An exact number or code (IR2026120001, a lot number, a material code) opens the record.
    if exact := menu.search_exact_url(results):
        return redirect(exact)
    context = {
        "q": text,
        "results": results,
        "searchables": menu.search_entries_for(request.user),
    }
    return render(request, "shell/search.html", context)


@login_not_required
def company_logo(request):
    """The logo through Django, so it shows wherever media files are not served (DEBUG off)
    and on the login page. Always a PNG (company_update re-encodes every upload), so the type
    is stated, never guessed from a file name."""
    current = company_get()
    if current is None or not current.logo:
        raise Http404
    storage, name = current.logo.storage, current.logo.name
    try:
        modified = storage.get_modified_time(name)
    except OSError:
        raise Http404 from None
    if not was_modified_since(request.META.get("HTTP_IF_MODIFIED_SINCE"), modified.timestamp()):
        return HttpResponseNotModified()
    response = FileResponse(storage.open(name, "rb"), content_type="image/png", filename="logo.png")
    response["Last-Modified"] = http_date(modified.timestamp())
    # Revalidate every time: the name never changes, so a new logo must not wait for a cache.
    response["Cache-Control"] = "private, no-cache"
    return response


def company(request):
    require_perm(request.user, "core.view_company")
    current = company_get()
    context = {
        "company": current,
        "can_change": has_perm(request.user, "core.change_company"),
        "fiscal_month_name": MONTHS.get(current.fiscal_year_start_month, "") if current else "",
    }
    return render(request, "core/company.html", context)


@require_http_methods(["GET", "POST"])
def company_edit(request):
    require_perm(request.user, "core.change_company")
    current = company_get()
    if request.method == "POST":
        form = CompanyForm(request.POST, request.FILES)
        if form.is_valid() and _company_save(request, form):
            messages.success(request, _("Company settings saved."))
            return redirect("core:company")
    else:
        form = CompanyForm(initial=_company_initial(current))
    return render(request, "core/company_form.html", {"form": form, "current": current})


def _company_initial(current) -> dict:
    if current is None:
        return {}
    fields = (
        "name",
        "uscc",
        "address",
        "phone",
        "fiscal_year_start_month",
        "system_vouchers_need_review",
    )
    return {name: getattr(current, name) for name in fields}


def _company_save(request, form: CompanyForm) -> bool:
    data = form.cleaned_data
    try:
        company_update(
            actor=request.user,
            name=data["name"],
            uscc=data["uscc"],
            address=data["address"],
            phone=data["phone"],
            fiscal_year_start_month=data["fiscal_year_start_month"],
            system_vouchers_need_review=data["system_vouchers_need_review"],
            logo=data["logo"],
            remove_logo=data["remove_logo"],
        )
    except ValidationFailed as exc:
        for field, errors in exc.details.get("fields", {}).items():
            for error in errors:
                form.add_error(field if field in form.fields else None, error)
        return False
    except DomainError as exc:
        form.add_error(None, str(exc.message))
        return False
    return True

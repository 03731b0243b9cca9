"""The first-run set-up wizard page (no login: there is no user yet). Every check is in
erp.golive.services.setup; this view only renders and forwards."""

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_not_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods

from erp.core.errors import DomainError, ValidationFailed
from erp.golive.forms_setup import SetupForm
from erp.golive.services.setup import (
    SetupDone,
    SetupForbidden,
    setup_access_check,
    setup_complete,
)

BACKEND = "django.contrib.auth.backends.ModelBackend"
FIELD_MAP = {"name": "company_name", "password": "admin_password", "username": "admin_username"}


def _bootstrap(form: SetupForm) -> SetupForm:
    for name, field in form.fields.items():
        if name != "standard":
            field.widget.attrs.setdefault("class", "form-control")
    return form


def _place_errors(form: SetupForm, exc: DomainError) -> None:
    fields = exc.details.get("fields") if isinstance(exc, ValidationFailed) else None
    placed = False
    for name, errors in (fields or {}).items():
        target = FIELD_MAP.get(name, name)
        if target in form.fields:
            for error in errors if isinstance(errors, list) else [errors]:
                form.add_error(target, str(error))
            placed = True
    if not placed or exc.message != exc.default_message:
        form.add_error(None, str(exc.message))


@login_not_required
@require_http_methods(["GET", "POST"])
def setup_wizard(request):
    token = request.POST.get("token") or request.GET.get("token", "")
    try:
        setup_access_check(meta=request.META, token=token)
    except SetupDone as exc:
        messages.info(request, str(exc.message))
        return redirect("iam:login")
    except SetupForbidden as exc:
        return render(request, "golive/setup/forbidden.html", {"message": exc.message}, status=403)
    form = _bootstrap(
        SetupForm(request.POST or None, request.FILES or None, initial={"token": token})
    )
    if request.method == "POST" and form.is_valid():
        data = form.setup_data()
        try:
            admin = setup_complete(meta=request.META, token=token, data=data)
        except SetupDone as exc:
            messages.info(request, str(exc.message))
            return redirect("iam:login")
        except DomainError as exc:
            _place_errors(form, exc)
        else:
            login(request, admin, backend=BACKEND)
            messages.success(
                request,
                _("The ERP is set up. Work through the go-live cockpit from top to bottom."),
            )
            return redirect("golive:cockpit")
    return render(request, "golive/setup/wizard.html", {"form": form})

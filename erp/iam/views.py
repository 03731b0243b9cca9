"""Login, password, language, API tokens and the user/role settings pages."""

from functools import wraps

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied as HttpForbidden
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods, require_POST

from erp.core.access import has_perm
from erp.core.errors import DomainError, NotFound, ValidationFailed
from erp.iam import forms, selectors
from erp.iam.models import Role
from erp.iam.services import users as user_services
from erp.iam.services.logins import login_denied_record, login_record

PAGE_SIZE = 25
LANGUAGE_COOKIE_AGE = 365 * 24 * 3600


def _ip(request) -> str:
    return getattr(request, "axes_ip_address", "") or request.META.get("REMOTE_ADDR", "")


def perm_required(perm: str):
    """Refuse with 403 unless the user holds `perm` (services check again on write)."""

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if not has_perm(request.user, perm):
                raise HttpForbidden
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


def _user_or_404(user_id: int):
    try:
        return selectors.user_get(user_id)
    except NotFound as exc:
        raise Http404 from exc


def _form_errors(form, exc: DomainError) -> None:
    """Put a service's field errors next to the fields, the rest on top of the form."""
    fields = exc.details.get("fields") if isinstance(exc, ValidationFailed) else None
    placed = False
    if isinstance(fields, dict):
        for name, errors in fields.items():
            target = {"password": "password", "role_codes": "roles"}.get(name, name)
            if target in form.fields and isinstance(errors, list):
                for error in errors:
                    form.add_error(target, str(error))
                placed = True
    if not placed or exc.message != exc.default_message:
        form.add_error(None, str(exc.message))


# --- sessions ------------------------------------------------------------------------------


class LoginView(auth_views.LoginView):
    template_name = "iam/login.html"
    redirect_authenticated_user = True

    def get(self, request, *args, **kwargs):
        from erp.golive.services.setup import setup_needed

        if setup_needed():  # an empty database: nobody can log in, the wizard comes first
            return redirect("golive:setup")
        return super().get(request, *args, **kwargs)

    def form_valid(self, form):
        response = super().form_valid(form)  # login() rotates the session key
        login_record(user=form.get_user(), ip_address=_ip(self.request))
        return response


def locked_out(request, original_response=None, credentials=None):
    """AXES_LOCKOUT_CALLABLE: record the refused attempt, show the translated page."""
    username = (credentials or {}).get("username") or request.POST.get("username", "")
    login_denied_record(username=str(username), ip_address=_ip(request))
    return render(request, "iam/locked_out.html", {}, status=429)


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "iam/password_change.html"
    form_class = forms.OwnPasswordChangeForm
    success_url = reverse_lazy("core:home")

    def get_form(self, form_class=None):
        return forms.bootstrap(super().get_form(form_class))

    def form_valid(self, form):
        user = user_services.user_set_password(
            actor=self.request.user,
            user_id=self.request.user.pk,
            password=form.cleaned_data["new_password1"],
        )
        # The new hash ends every other session; keep this one.
        update_session_auth_hash(self.request, user)
        messages.success(
            self.request,
            _(
                "Your password was changed. Other sessions were logged out and your API "
                "tokens revoked."
            ),
        )
        return redirect(self.get_success_url())


@login_not_required
@require_POST
def language_set(request):
    """Save the chosen language (on the user when logged in) and go back to a safe `next`."""
    language = request.POST.get("language", "")
    if language not in {code for code, _name in settings.LANGUAGES}:
        messages.error(request, _("Unknown language. Choose one from the list."))
        language = ""
    elif request.user.is_authenticated:
        user_services.user_set_language(actor=request.user, language=language)
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        target = reverse("core:home")
    response = redirect(target)
    if language:
        response.set_cookie(
            settings.LANGUAGE_COOKIE_NAME,
            language,
            max_age=LANGUAGE_COOKIE_AGE,
            samesite="Lax",
            secure=settings.SESSION_COOKIE_SECURE,
        )
    return response


# --- API tokens ----------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def api_tokens(request):
    form = forms.bootstrap(forms.ApiTokenCreateForm(request.POST or None))
    secret = None
    if request.method == "POST" and form.is_valid():
        try:
            token, secret = user_services.api_token_create(
                actor=request.user, name=form.cleaned_data["name"]
            )
        except DomainError as exc:
            _form_errors(form, exc)
        else:
            # Rendered, not redirected: the secret exists only in this response.
            messages.success(request, _('Token "%(name)s" created.') % {"name": token.name})
            form = forms.bootstrap(forms.ApiTokenCreateForm())
    context = {
        "form": form,
        "secret": secret,
        "tokens": selectors.api_tokens_for(request.user),
        "token_days": settings.ERP_API_TOKEN_DAYS,
    }
    return render(request, "iam/api_tokens.html", context)


@require_POST
def api_token_revoke(request, token_id: int):
    try:
        token = user_services.api_token_revoke(actor=request.user, token_id=token_id)
    except NotFound as exc:
        raise Http404 from exc
    messages.success(request, _('Token "%(name)s" revoked.') % {"name": token.name})
    return redirect("iam:api_tokens")


# --- users (settings) ----------------------------------------------------------------------


@perm_required("iam.view_user")
def user_list(request):
    search = request.GET.get("q", "")
    role = request.GET.get("role", "")
    active = request.GET.get("active", "")
    page = Paginator(selectors.user_list(search=search, role=role, active=active), PAGE_SIZE)
    context = {
        "page": page.get_page(request.GET.get("page")),
        "q": search,
        "role": role,
        "active": active,
        "roles": Role.objects.all(),
        "can_add": has_perm(request.user, "iam.add_user"),
    }
    return render(request, "iam/user_list.html", context)


@perm_required("iam.add_user")
@require_http_methods(["GET", "POST"])
def user_create(request):
    form = forms.bootstrap(forms.UserCreateForm(request.POST or None))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            user = user_services.user_create(
                actor=request.user,
                username=data["username"],
                password=data["password"],
                full_name=data["full_name"],
                phone=data["phone"],
                role_codes=[r.code for r in data["roles"]],
                department_id=data["department"].pk if data["department"] else None,
            )
        except DomainError as exc:
            _form_errors(form, exc)
        else:
            messages.success(request, _("User %(name)s created.") % {"name": user.username})
            return redirect("iam:user_edit", user_id=user.pk)
    return render(request, "iam/user_form.html", {"form": form, "creating": True})


@perm_required("iam.view_user")
@require_http_methods(["GET", "POST"])
def user_edit(request, user_id: int):
    target = _user_or_404(user_id)
    can_change = has_perm(request.user, "iam.change_user")
    if request.method == "POST" and not can_change:
        raise HttpForbidden
    initial = {
        "full_name": target.full_name,
        "phone": target.phone,
        "is_active": target.is_active,
        "department": target.department,
        "roles": selectors.user_roles(target),
    }
    form = forms.bootstrap(forms.UserEditForm(request.POST or None, initial=initial))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            user_services.user_update(
                actor=request.user,
                user_id=target.pk,
                full_name=data["full_name"],
                phone=data["phone"],
                is_active=data["is_active"],
                role_codes=[r.code for r in data["roles"]],
                department_id=data["department"].pk if data["department"] else None,
            )
        except DomainError as exc:
            _form_errors(form, exc)
        else:
            messages.success(request, _("User %(name)s saved.") % {"name": target.username})
            return redirect("iam:user_list")
    context = {
        "form": form,
        "target": target,
        "can_change": can_change,
        "readonly": not can_change,
        "creating": False,
    }
    return render(request, "iam/user_form.html", context)


@perm_required("iam.change_user")
@require_http_methods(["GET", "POST"])
def user_password(request, user_id: int):
    target = _user_or_404(user_id)
    form = forms.bootstrap(forms.PasswordSetForm(request.POST or None))
    if request.method == "POST" and form.is_valid():
        try:
            user = user_services.user_set_password(
                actor=request.user, user_id=target.pk, password=form.cleaned_data["password1"]
            )
        except DomainError as exc:
            _form_errors(form, exc)
        else:
            if user.pk == request.user.pk:
                update_session_auth_hash(request, user)
            messages.success(
                request,
                _(
                    "The password of %(name)s was reset. Their open sessions were logged out "
                    "and their API tokens revoked."
                )
                % {"name": target.username},
            )
            return redirect("iam:user_edit", user_id=target.pk)
    return render(request, "iam/user_password.html", {"form": form, "target": target})


# --- roles (settings, read-only) -----------------------------------------------------------


@perm_required("iam.view_user")
def role_list(request):
    context = {
        "roles": selectors.role_list(),
        "without_users": selectors.roles_without_users(),
        "without_role": selectors.users_without_role()[:50],
    }
    return render(request, "iam/role_list.html", context)


@perm_required("iam.view_user")
def role_matrix(request):
    """The apps with each role's count of granted permissions; an app's rows load on demand
    (htmx), or inline with ?app= (a link works without scripts)."""
    roles, matrix_apps = selectors.permission_apps()
    context = {"roles": roles, "matrix_apps": matrix_apps, "groups": [], "open_app": ""}
    label = request.GET.get("app", "")
    if label in {a.app_label for a in matrix_apps}:
        context["groups"] = selectors.permission_matrix(label)[1]
        context["open_app"] = label
    return render(request, "iam/role_matrix.html", context)


@perm_required("iam.view_user")
def role_matrix_section(request):
    """One app's permission rows × roles (?app=, default the first app)."""
    labels = selectors.matrix_app_labels()
    label = request.GET.get("app") or (labels[0] if labels else "")
    if label not in labels:
        raise Http404
    roles, groups = selectors.permission_matrix(label)
    return render(request, "iam/_role_matrix_section.html", {"roles": roles, "groups": groups})


# --- departments (settings) ----------------------------------------------------------------


@perm_required("iam.view_department")
def department_list(request):
    context = {
        "nodes": selectors.department_tree(),
        "can_add": has_perm(request.user, "iam.add_department"),
    }
    return render(request, "iam/department_list.html", context)


@perm_required("iam.view_department")
@require_http_methods(["GET", "POST"])
def department_form(request, department_id: int | None = None):
    from erp.iam.services import departments as department_services

    target = None
    initial = {"is_active": True}
    if department_id is not None:
        try:
            target = selectors.department_get(department_id)
        except NotFound as exc:
            raise Http404 from exc
        initial = {
            "code": target.code,
            "name": target.name,
            "parent": target.parent,
            "head": target.head,
            "is_active": target.is_active,
        }
    perm = "iam.change_department" if target else "iam.add_department"
    can_change = has_perm(request.user, perm)
    if request.method == "POST" and not can_change:
        raise HttpForbidden
    form = forms.bootstrap(forms.DepartmentForm(request.POST or None, initial=initial))
    if target is not None:
        form.fields["code"].disabled = True
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        parent_id = data["parent"].pk if data["parent"] else None
        head_id = data["head"].pk if data["head"] else None
        try:
            if target is None:
                department_services.department_create(
                    actor=request.user,
                    code=data["code"],
                    name=data["name"],
                    parent_id=parent_id,
                    head_id=head_id,
                )
            else:
                department_services.department_update(
                    actor=request.user,
                    department_id=target.pk,
                    name=data["name"],
                    parent_id=parent_id,
                    head_id=head_id,
                    is_active=data["is_active"],
                )
        except DomainError as exc:
            _form_errors(form, exc)
        else:
            messages.success(request, _("Department %(name)s saved.") % {"name": data["name"]})
            return redirect("iam:department_list")
    context = {"form": form, "target": target, "readonly": not can_change}
    return render(request, "iam/department_form.html", context)

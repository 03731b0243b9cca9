"""Plain forms (not ModelForms): they carry only the fields a page may change, so nothing else
can be assigned through them."""

from django import forms
from django.contrib.auth.forms import PasswordChangeForm
from django.utils.translation import gettext_lazy as _

from erp.iam.models import Department, Role, User


class _RoleChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Role) -> str:
        return str(obj)


def _roles_field() -> _RoleChoiceField:
    return _RoleChoiceField(
        queryset=Role.objects.all(),
        to_field_name="code",
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label=_("Roles"),
    )


def _department_field() -> forms.ModelChoiceField:
    return forms.ModelChoiceField(
        queryset=Department.objects.filter(is_active=True).order_by("code"),
        required=False,
        label=_("Department"),
    )


class UserCreateForm(forms.Form):
    username = forms.CharField(label=_("User name"), max_length=150)
    full_name = forms.CharField(label=_("Full name"), max_length=100, required=False)
    phone = forms.CharField(label=_("Phone"), max_length=30, required=False)
    password = forms.CharField(
        label=_("Initial password"),
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "new-password"}),
        help_text=_("The user must change it at the first login."),
    )
    department = _department_field()
    roles = _roles_field()


class UserEditForm(forms.Form):
    full_name = forms.CharField(label=_("Full name"), max_length=100, required=False)
    phone = forms.CharField(label=_("Phone"), max_length=30, required=False)
    is_active = forms.BooleanField(
        label=_("Active"),
        required=False,
        help_text=_("An inactive user cannot log in or use API tokens."),
    )
    department = _department_field()
    roles = _roles_field()


class PasswordSetForm(forms.Form):
    password1 = forms.CharField(
        label=_("New password"),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    password2 = forms.CharField(
        label=_("New password again"),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def clean(self):
        data = super().clean()
        if data.get("password1") and data.get("password1") != data.get("password2"):
            self.add_error(
                "password2", _("The two passwords differ. Type the same password twice.")
            )
        return data


class OwnPasswordChangeForm(PasswordChangeForm):
    """Django's form (checks the old password and the validators); saving goes through the
    user_set_password service in the view instead of form.save()."""


class DepartmentForm(forms.Form):
    code = forms.SlugField(
        label=_("Code"), max_length=30, help_text=_("Letters, digits, - or _; cannot change.")
    )
    name = forms.CharField(label=_("Name"), max_length=100)
    parent = forms.ModelChoiceField(
        queryset=Department.objects.order_by("code"), required=False, label=_("Parent department")
    )
    head = forms.ModelChoiceField(
        queryset=User.objects.filter(is_active=True).order_by("username"),
        required=False,
        label=_("Department head"),
        help_text=_('Approves the "department head" steps of approval flows.'),
    )
    is_active = forms.BooleanField(label=_("Active"), required=False, initial=True)


class ApiTokenCreateForm(forms.Form):
    name = forms.CharField(
        label=_("Token name"),
        max_length=100,
        help_text=_('What uses this token, e.g. "Warehouse scanner".'),
    )


def bootstrap(form: forms.Form) -> forms.Form:
    """Give widgets Bootstrap classes (templates render fields one by one)."""
    for field in form.fields.values():
        widget = field.widget
        if isinstance(widget, forms.CheckboxSelectMultiple):
            continue
        css = "form-check-input" if isinstance(widget, forms.CheckboxInput) else "form-control"
        widget.attrs["class"] = css
    return form

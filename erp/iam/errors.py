"""Errors of users and departments (stable codes, messages that say what to do)."""

from django.utils.translation import gettext_lazy as _

from erp.core.errors import BusinessRuleError, PermissionDenied


class PasswordChangeRequired(PermissionDenied):
    code = "password_change_required"
    default_message = _(
        "Your password was set by an administrator. Change it first: open 修改密码 in the "
        "user menu and choose your own password."
    )


class DepartmentCycle(BusinessRuleError):
    code = "department_cycle"
    default_message = _(
        "A department cannot sit under itself or under one of its own sub-departments. "
        "Choose another parent department."
    )


class DepartmentInUse(BusinessRuleError):
    code = "department_in_use"
    default_message = _(
        "The department still has active sub-departments or members. Move them to another "
        "department first, then deactivate it."
    )

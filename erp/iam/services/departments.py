"""Departments (部门): a tree with a head each. The approval engine's "department head" step
and the 辅助核算 department on 5101/6601/6602 use them."""

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from erp.core.access import require_perm
from erp.core.errors import NotFound, ValidationFailed
from erp.core.services.audit import audit_record, diff, snapshot
from erp.iam.errors import DepartmentCycle, DepartmentInUse
from erp.iam.models import Department, User

_FIELDS = ["code", "name", "parent_id", "head_id", "is_active"]


def _parent(parent_id) -> Department | None:
    if parent_id in (None, ""):
        return None
    parent = Department.objects.filter(pk=parent_id).first()
    if parent is None:
        raise ValidationFailed(fields={"parent": [_("Choose a parent department from the list.")]})
    return parent


def _head(head_id) -> User | None:
    if head_id in (None, ""):
        return None
    head = User.objects.filter(pk=head_id, is_active=True).first()
    if head is None:
        raise ValidationFailed(fields={"head": [_("Choose an active user as the head.")]})
    return head


def _check_fields(code: str, name: str) -> None:
    errors = {}
    if not code:
        errors["code"] = [_("Enter a code (letters, digits, - or _).")]
    if not name:
        errors["name"] = [_("Enter the department name.")]
    if errors:
        raise ValidationFailed(fields=errors)


@transaction.atomic
def department_create(*, actor, code: str, name: str, parent_id=None, head_id=None) -> Department:
    require_perm(actor, "iam.add_department")
    code, name = (code or "").strip(), (name or "").strip()
    _check_fields(code, name)
    if Department.objects.filter(code__iexact=code).exists():
        raise ValidationFailed(
            fields={"code": [_("Department %(code)s exists already.") % {"code": code}]}
        )
    department = Department(code=code, name=name, parent=_parent(parent_id), head=_head(head_id))
    department.full_clean()
    department.save()
    audit_record(
        actor=actor,
        action="create",
        obj=department,
        changes=diff({}, snapshot(department, _FIELDS)),
    )
    return department


@transaction.atomic
def department_update(
    *, actor, department_id: int, name: str, parent_id=None, head_id=None, is_active: bool = True
) -> Department:
    require_perm(actor, "iam.change_department")
    department = Department.objects.select_for_update().filter(pk=department_id).first()
    if department is None:
        raise NotFound()
    name = (name or "").strip()
    _check_fields(department.code, name)
    before = snapshot(department, _FIELDS)
    parent = _parent(parent_id)
    ancestor = parent
    while ancestor is not None:
        if ancestor.pk == department.pk:
            raise DepartmentCycle()
        ancestor = ancestor.parent
    if not is_active and department.is_active:
        busy = (
            department.children.filter(is_active=True).exists()
            or department.members.filter(is_active=True).exists()
        )
        if busy:
            raise DepartmentInUse()
    department.name, department.parent, department.head = name, parent, _head(head_id)
    department.is_active = is_active
    department.save()
    changes = diff(before, snapshot(department, _FIELDS))
    if changes:
        audit_record(actor=actor, action="update", obj=department, changes=changes)
    return department

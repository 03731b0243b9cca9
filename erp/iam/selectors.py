"""Reads for the IAM pages and API."""

from dataclasses import dataclass, field

from django.apps import apps
from django.contrib.auth.models import Group, Permission
from django.db.models import Count, Q, QuerySet
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from erp.core.errors import NotFound
from erp.iam.models import ApiToken, Department, Role, User

NO_ROLE = "__none__"  # user list filter: users without any role
_ACTIONS = {"add": _("Add"), "change": _("Change"), "delete": _("Delete"), "view": _("View")}


def user_list(*, search: str = "", role: str = "", active: str = "") -> QuerySet[User]:
    qs = User.objects.prefetch_related("groups__role").order_by("username")
    search = search.strip()
    if search:
        qs = qs.filter(Q(username__icontains=search) | Q(full_name__icontains=search))
    if role == NO_ROLE:
        qs = qs.exclude(groups__role__isnull=False)
    elif role:
        qs = qs.filter(groups__role__code=role)
    if active in ("1", "0"):
        qs = qs.filter(is_active=active == "1")
    return qs.distinct()


def user_get(user_id: int) -> User:
    user = User.objects.prefetch_related("groups__role").filter(pk=user_id).first()
    if user is None:
        raise NotFound()
    return user


def user_roles(user: User) -> list[Role]:
    return list(Role.objects.filter(group__user=user))


def user_role_codes(user: User) -> list[str]:
    return [r.code for r in user_roles(user)]


def user_permission_names(user: User) -> list[str]:
    return sorted(user.get_all_permissions()) if user.is_active else []


def role_list() -> QuerySet[Role]:
    return Role.objects.annotate(
        member_count=Count("group__user", filter=Q(group__user__is_active=True))
    )


def api_tokens_for(user: User) -> QuerySet[ApiToken]:
    return ApiToken.objects.filter(user=user)


@dataclass
class MatrixRow:
    name: str
    codename: str
    cells: list[bool]


@dataclass
class MatrixGroup:
    app_label: str
    app_name: str
    rows: list[MatrixRow] = field(default_factory=list)


def permission_label(perm: Permission) -> str:
    """A translated name: default permissions are built from the model's verbose name; custom
    ones (one per transition) use the name declared in Meta.permissions as msgid."""
    action, _sep, _rest = perm.codename.partition("_")
    model = perm.content_type.model_class()
    if (
        action in _ACTIONS
        and model is not None
        and perm.codename == f"{action}_{model._meta.model_name}"
    ):
        return str(_("%(action)s %(model)s")) % {
            "action": _ACTIONS[action],
            "model": model._meta.verbose_name,
        }
    return gettext(perm.name)


def _erp_apps() -> dict[str, object]:
    return {c.label: c for c in apps.get_app_configs() if c.name.startswith("erp.")}


def matrix_app_labels() -> list[str]:
    return sorted(_erp_apps())


@dataclass
class MatrixApp:
    """One app's line of the matrix overview: its permissions and how many each role holds
    (in role order)."""

    app_label: str
    app_name: str
    total: int
    granted: list[int]


def permission_apps() -> tuple[list[Role], list[MatrixApp]]:
    """The matrix overview in three queries: roles, permissions per app, grants per role and
    app. The rows themselves load per app (`permission_matrix(app_label)`): all apps at once
    were thousands of rows, over the page budget."""
    roles = list(Role.objects.all())
    erp_apps = _erp_apps()
    totals = dict(
        Permission.objects.filter(content_type__app_label__in=erp_apps)
        .values_list("content_type__app_label")
        .annotate(n=Count("pk"))
    )
    grants = Group.permissions.through.objects.filter(
        group_id__in=[r.group_id for r in roles],
        permission__content_type__app_label__in=erp_apps,
    )
    counts = {
        (group_id, label): n
        for group_id, label, n in grants.values_list(
            "group_id", "permission__content_type__app_label"
        ).annotate(n=Count("pk"))
    }
    found = [
        MatrixApp(
            label,
            str(erp_apps[label].verbose_name),
            totals[label],
            [counts.get((r.group_id, label), 0) for r in roles],
        )
        for label in sorted(totals)
    ]
    return roles, found


def permission_matrix(app_label: str | None = None) -> tuple[list[Role], list[MatrixGroup]]:
    """Rows = permissions of the ERP apps (or of one, `app_label`) grouped by app; columns =
    roles."""
    roles = list(Role.objects.all())
    erp_labels = _erp_apps()
    labels = [app_label] if app_label is not None else list(erp_labels)
    perms = (
        Permission.objects.filter(content_type__app_label__in=labels)
        .filter(content_type__app_label__in=erp_labels)
        .select_related("content_type")
        .order_by("content_type__app_label", "content_type__model", "codename")
    )
    granted = set(
        Group.permissions.through.objects.filter(
            group_id__in=[r.group_id for r in roles],
            permission__content_type__app_label__in=labels,
        ).values_list("group_id", "permission_id")
    )
    groups: dict[str, MatrixGroup] = {}
    for perm in perms:
        label = perm.content_type.app_label
        group = groups.setdefault(label, MatrixGroup(label, str(erp_labels[label].verbose_name)))
        cells = [(r.group_id, perm.pk) in granted for r in roles]
        group.rows.append(MatrixRow(permission_label(perm), f"{label}.{perm.codename}", cells))
    return roles, list(groups.values())


# --- departments -----------------------------------------------------------------------------


@dataclass
class DepartmentNode:
    department: Department
    depth: int
    member_count: int


def department_tree(*, include_inactive: bool = True) -> list[DepartmentNode]:
    """Every department in tree order (parents before their children), with its depth."""

    qs = Department.objects.select_related("head", "parent").annotate(
        n=Count("members", filter=Q(members__is_active=True))
    )
    if not include_inactive:
        qs = qs.filter(is_active=True)
    by_parent: dict[int | None, list] = {}
    for department in qs.order_by("code"):
        by_parent.setdefault(department.parent_id, []).append(department)
    out: list[DepartmentNode] = []

    def walk(parent_id, depth):
        for department in by_parent.get(parent_id, []):
            out.append(DepartmentNode(department, depth, department.n))
            walk(department.pk, depth + 1)

    walk(None, 0)
    known = {node.department.pk for node in out}
    for departments in by_parent.values():  # parent filtered out (inactive): list at top
        out += [DepartmentNode(d, 0, d.n) for d in departments if d.pk not in known]
    return out


def department_get(department_id) -> Department:

    department = Department.objects.filter(pk=department_id).first()
    if department is None:
        raise NotFound()
    return department


def users_without_role() -> QuerySet[User]:
    return User.objects.filter(is_active=True).exclude(groups__role__isnull=False)


def roles_without_users() -> QuerySet[Role]:
    return role_list().filter(member_count=0)

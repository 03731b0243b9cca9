"""Apply erp/iam/roles.toml to the database: one Role (+ auth Group) per entry, with exactly the
permissions its patterns match."""

import fnmatch
import tomllib
from dataclasses import dataclass
from pathlib import Path

from django.contrib.auth.models import Group, Permission
from django.db import transaction

from erp.iam.models import Role

ROLES_FILE = Path(__file__).resolve().parent.parent / "roles.toml"


@dataclass(frozen=True)
class RoleSpec:
    code: str
    name: str
    name_en: str
    description: str
    patterns: tuple[str, ...]


def load_role_specs(path: Path = ROLES_FILE) -> list[RoleSpec]:
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    return [
        RoleSpec(
            code=r["code"],
            name=r["name"],
            name_en=r["name_en"],
            description=r.get("description", ""),
            patterns=tuple(r["permissions"]),
        )
        for r in data["role"]
    ]


def _all_permissions() -> dict[str, int]:
    rows = Permission.objects.values_list("content_type__app_label", "codename", "id")
    return {f"{app}.{code}": pk for app, code, pk in rows}


def expand_patterns(patterns: tuple[str, ...], names: list[str]) -> list[str]:
    return sorted({n for n in names for p in patterns if fnmatch.fnmatchcase(n, p)})


@transaction.atomic
def roles_sync(*, path: Path = ROLES_FILE) -> list[Role]:
    perms = _all_permissions()
    roles = []
    for order, spec in enumerate(load_role_specs(path)):
        group, _ = Group.objects.get_or_create(name=f"role:{spec.code}")
        role, _ = Role.objects.update_or_create(
            code=spec.code,
            defaults={
                "name": spec.name,
                "name_en": spec.name_en,
                "description": spec.description,
                "group": group,
                "sort_order": order,
            },
        )
        group.permissions.set([perms[n] for n in expand_patterns(spec.patterns, list(perms))])
        roles.append(role)
    return roles

"""The demo company (`erp demo`, and `erp setup` on an empty database).

Core creates the company and one demo user per role of erp/iam/roles.toml; every other app adds
its own demo data in `erp/<app>/demo.py` with `load_demo(*, actor)`, called in INSTALLED_APPS
order with the demo administrator as actor. The demo only goes into an empty database or one
that already holds the demo: it refuses a database with real data.
"""

import importlib
from dataclasses import dataclass
from datetime import date

from django.apps import apps
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from erp.core.errors import BusinessRuleError
from erp.core.models import Company
from erp.core.services.audit import audit_record, snapshot
from erp.core.services.company import company_update
from erp.core.services.numbering import numbering_rules_ensure_defaults

DEMO_PASSWORD = "demo1234"
# The demo story's "today": the accounting demo opens its periods around it, so documents the
# demo posts stay inside them whatever the clock says (a test run with the clock in 2027 too).
DEMO_TODAY = date(2026, 11, 29)


def demo_today() -> date:
    """The day the demo posts on: its story's day, or today when the clock is earlier."""
    return min(DEMO_TODAY, timezone.localdate())


DEMO_COMPANY = {
    "name": "华东新材料科技有限公司",
    "uscc": "91320500MA1XK3TQ8U",
    "address": "江苏省苏州市工业园区星湖街 328 号",
    "phone": "0512-6288 1234",
}
# A full Chinese name per role code; roles added later get a generic name.
DEMO_NAMES = {
    "admin": "王建国",
    "general_manager": "李华东",
    "sales": "张敏",
    "sales_manager": "刘洋",
    "purchaser": "陈静",
    "purchase_manager": "杨帆",
    "warehouse": "赵强",
    "planner": "黄磊",
    "workshop_supervisor": "周涛",
    "inspector": "吴婷",
    "quality_manager": "徐丽",
    "accountant": "孙莉",
    "cashier": "钱芳",
    "finance_manager": "马超",
    "maintenance": "朱军",
}


@dataclass(frozen=True)
class DemoLogin:
    role_code: str
    role_name: str
    username: str
    full_name: str
    password: str = DEMO_PASSWORD


def demo_is_loaded() -> bool:
    return Company.objects.filter(is_demo=True).exists()


def demo_logins() -> list[DemoLogin]:
    """The demo users as they are in the database (empty when this is not the demo)."""
    from erp.iam.models import Role

    if not demo_is_loaded():
        return []
    logins = []
    for role in Role.objects.select_related("group").order_by("sort_order", "code"):
        user = role.group.user_set.filter(username=role.code).first()
        if user is not None:
            logins.append(DemoLogin(role.code, role.name, user.username, user.full_name))
    return logins


def database_is_empty() -> bool:
    from erp.iam.models import User

    return not Company.objects.exists() and not User.objects.exists()


def demo_refusal() -> str | None:
    """Why the demo must not be loaded here, or None when it may."""
    from erp.iam.models import Role, User

    if Company.objects.filter(is_demo=False).exists():
        return str(
            _(
                "This database holds a real company. The demo is only loaded into an empty "
                "database: point ERP_DATA_DIR or DATABASE_URL at a new one."
            )
        )
    demo_usernames = set(Role.objects.values_list("code", flat=True)) | set(DEMO_NAMES)
    others = User.objects.exclude(username__in=demo_usernames)
    if others.exists():
        names = ", ".join(others.order_by("username").values_list("username", flat=True)[:5])
        return str(
            _(
                "This database has users that are not demo users (%(names)s). The demo is only "
                "loaded into an empty database: point ERP_DATA_DIR or DATABASE_URL at a new one."
            )
            % {"names": names}
        )
    return None


def demo_load() -> list[DemoLogin]:
    """Load the demo company into an empty database; a database that has it is left as is."""
    from erp.iam.services.roles import roles_sync

    reason = demo_refusal()
    if reason:
        raise BusinessRuleError(reason, code="demo_refused")
    if demo_is_loaded():
        return demo_logins()
    with transaction.atomic():
        roles = roles_sync()
        numbering_rules_ensure_defaults()  # app demos confirm documents, which take numbers
        admin = None
        for role in roles:
            user = _demo_user_create(role)
            admin = admin or (user if role.code == "admin" else None)
        if admin is None:
            raise BusinessRuleError(
                _("roles.toml has no admin role. Restore it before loading the demo."),
                code="demo_no_admin",
            )
        _demo_company_create(actor=admin)
        for loader in _app_demo_loaders():
            loader(actor=admin)
    return demo_logins()


def _demo_user_create(role):
    from erp.iam.models import User

    user, created = User.objects.get_or_create(
        username=role.code,
        defaults={"full_name": DEMO_NAMES.get(role.code, f"演示{role.name}")},
    )
    if created:
        user.set_password(DEMO_PASSWORD)
        user.is_superuser = False
        user.save(update_fields=["password", "is_superuser"])
        audit_record(
            actor=None,
            action="create",
            obj=user,
            changes={"username": [None, user.username], "full_name": [None, user.full_name]},
            note="erp demo",
        )
    user.groups.add(role.group)
    return user


def _demo_company_create(*, actor) -> Company:
    company = company_update(actor=actor, **DEMO_COMPANY)
    before = snapshot(company, ["is_demo"])
    Company.objects.filter(pk=company.pk).update(is_demo=True)
    company.refresh_from_db()
    audit_record(
        actor=actor,
        action="update",
        obj=company,
        changes={"is_demo": [before["is_demo"], True]},
        note="erp demo",
    )
    return company


def _app_demo_loaders():
    for config in apps.get_app_configs():
        if not config.name.startswith("erp.") or config.name == "erp.core":
            continue
        try:
            module = importlib.import_module(f"{config.name}.demo")
        except ModuleNotFoundError as exc:
            if exc.name != f"{config.name}.demo":
                raise
            continue
        loader = getattr(module, "load_demo", None)
        if loader is not None:
            yield loader

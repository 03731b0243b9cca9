"""The first-run set-up wizard (首次设置): from an empty database to a company with its chart of
accounts, posting rules, periods, go-live date and first administrator.

Reachable only while no user exists, and only from the machine itself (loopback address, no
proxy header) unless the one-time token printed by `erp setup --no-demo` is given. The whole
set-up is one transaction: it either all exists afterwards or nothing does."""

import datetime as dt
import hashlib
import ipaddress
import secrets
from dataclasses import dataclass

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from erp.core.errors import BusinessRuleError, Conflict, PermissionDenied, ValidationFailed
from erp.core.services.audit import audit_record
from erp.golive.models import CutOver, SetupToken

ADMIN_ROLE = "admin"
PROXY_HEADERS = ("HTTP_X_FORWARDED_FOR", "HTTP_FORWARDED", "HTTP_X_REAL_IP")


class SetupDone(Conflict):
    code = "setup_done"
    default_message = _("The ERP is already set up. Log in with your user name and password.")


class SetupForbidden(PermissionDenied):
    code = "setup_forbidden"
    default_message = _(
        "The set-up wizard opens only on the server itself (http://127.0.0.1:…) or with the "
        "set-up link that `erp setup --no-demo` printed. Open that link, or run the command "
        "again for a new one."
    )


@dataclass(frozen=True)
class SetupData:
    company_name: str
    uscc: str
    address: str
    phone: str
    standard: str  # "enterprise" 企业会计准则 / "small" 小企业会计准则
    first_period: dt.date  # first day of the go-live month (the first period kept in the ERP)
    admin_username: str
    admin_full_name: str
    admin_password: str
    logo: UploadedFile | None = None


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def setup_needed() -> bool:
    from erp.iam.models import User

    return not User.objects.exists()


def setup_token_issue() -> str:
    """A new one-time set-up token (earlier unused ones stop working); empty once a user
    exists. Called by `erp setup --no-demo`, which prints it."""
    if not setup_needed():
        return ""
    token = secrets.token_urlsafe(24)
    with transaction.atomic():
        SetupToken.objects.filter(used_at__isnull=True).delete()
        SetupToken.objects.create(token_hash=_hash(token))
    return token


def is_local_request(meta: dict) -> bool:
    """A loopback peer that is not a proxy forwarding someone else's request."""
    if any(meta.get(h) for h in PROXY_HEADERS):
        return False
    try:
        return ipaddress.ip_address(meta.get("REMOTE_ADDR", "")).is_loopback
    except ValueError:
        return False


def _token_valid(token: str) -> bool:
    return (
        bool(token)
        and SetupToken.objects.filter(token_hash=_hash(token), used_at__isnull=True).exists()
    )


def setup_access_check(*, meta: dict, token: str) -> None:
    """Raise SetupDone once a user exists, SetupForbidden from elsewhere without the token."""
    if not setup_needed():
        raise SetupDone()
    if not is_local_request(meta) and not _token_valid(token):
        raise SetupForbidden()


def _validate(data: SetupData) -> None:
    from erp.accounting.charts import CHARTS

    errors: dict[str, list] = {}
    if not data.company_name.strip():
        errors["company_name"] = [_("Enter the company name.")]
    if data.standard not in CHARTS:
        errors["standard"] = [_("Choose 企业会计准则 or 小企业会计准则.")]
    if data.first_period.day != 1 or not 2000 <= data.first_period.year <= 2100:
        errors["first_period"] = [_("Choose the first month the ERP keeps the books for.")]
    if not data.admin_username.strip():
        errors["admin_username"] = [_("Enter a user name.")]
    if errors:
        raise ValidationFailed(fields=errors)


@transaction.atomic
def setup_complete(*, meta: dict, token: str, data: SetupData):
    """Create the first administrator, the company, the chart of accounts of the chosen
    standard with its 辅助核算 and default posting rules, the periods of the fiscal year
    (and the month before go-live, where the opening balances are dated) and the go-live
    date. Returns the administrator."""
    from erp.accounting.services.chart import chart_seed
    from erp.accounting.services.periods import periods_create_year
    from erp.core.services.company import company_update
    from erp.core.services.numbering import numbering_rules_ensure_defaults
    from erp.iam.models import User
    from erp.iam.services.roles import roles_sync
    from erp.iam.services.users import check_password

    cutover, _created = CutOver.objects.get_or_create(pk=1)
    CutOver.objects.select_for_update().get(pk=cutover.pk)  # one wizard run at a time
    setup_access_check(meta=meta, token=token)
    _validate(data)
    roles = {r.code: r for r in roles_sync()}
    if ADMIN_ROLE not in roles:
        raise BusinessRuleError(
            _("roles.toml has no admin role. Restore it, then run the wizard again."),
            code="setup_no_admin_role",
        )
    admin = User(username=data.admin_username.strip(), full_name=data.admin_full_name.strip())
    check_password(data.admin_password, admin)
    admin.set_password(data.admin_password)
    admin.save()
    admin.groups.set([roles[ADMIN_ROLE].group])
    admin = User.objects.get(pk=admin.pk)  # fresh permission cache
    audit_record(
        actor=admin,
        action="create",
        obj=admin,
        changes={"username": [None, admin.username], "roles": [None, [ADMIN_ROLE]]},
        note="setup wizard",
    )
    numbering_rules_ensure_defaults()
    company_update(
        actor=admin,
        name=data.company_name,
        uscc=data.uscc,
        address=data.address,
        phone=data.phone,
        logo=data.logo,
    )
    chart_seed(actor=admin, standard=data.standard)
    first = data.first_period
    if first.month == 1:  # the opening balances are dated 12-31 of the year before
        periods_create_year(actor=admin, year=first.year - 1)
    periods_create_year(actor=admin, year=first.year)
    cutover.go_live_date = first
    cutover.save(update_fields=["go_live_date"])
    audit_record(
        actor=admin,
        action="update",
        obj=cutover,
        changes={"go_live_date": [None, first.isoformat()], "standard": [None, data.standard]},
        note="setup wizard",
    )
    SetupToken.objects.filter(used_at__isnull=True).update(used_at=timezone.now())
    return admin

"""Chart of accounts: seed a standard chart, add sub-accounts, change and deactivate accounts,
and seed the default posting rules."""

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from erp.accounting.charts import CHARTS, DEFAULT_RULES
from erp.accounting.models import Account, PostingRule, VoucherLine
from erp.core.access import require_perm
from erp.core.errors import BusinessRuleError, NotFound, ValidationFailed
from erp.core.posting_events import posting_event_defaults
from erp.core.services.audit import audit_record, diff, snapshot

AUX_FLAGS = tuple(f"aux_{name}" for name in Account.AUX_FIELDS)
EDITABLE = ("name", "active", *AUX_FLAGS)


@transaction.atomic
def chart_seed(*, actor, standard: str = "enterprise") -> int:
    """Create the accounts of `standard` ("enterprise" 企业会计准则 or "small" 小企业会计准则)
    and its default posting rules. Only into an empty chart: the two standards differ in codes."""
    require_perm(actor, "accounting.add_account")
    if standard not in CHARTS:
        raise ValidationFailed(fields={"standard": [str(_("Choose enterprise or small."))]})
    if Account.objects.exists():
        raise BusinessRuleError(
            _("The chart of accounts is already set up. Add sub-accounts instead."),
            code="chart_exists",
        )
    by_code: dict[str, Account] = {}
    for code, name, category, direction, aux, purpose in CHARTS[standard]:
        parent = _parent_of(code, by_code)
        account = Account.objects.create(
            code=code,
            name=name,
            parent=parent,
            level=parent.level + 1 if parent else 1,
            category=category,
            direction=direction,
            purpose=purpose,
            **{f"aux_{aux}": True for aux in aux.split(",") if aux},
        )
        if parent and parent.is_leaf:
            parent.is_leaf = False
            parent.save(update_fields=["is_leaf"])
        by_code[code] = account
    for event, (debit, credit) in DEFAULT_RULES[standard].items():
        PostingRule.objects.create(
            event=event, debit_account=by_code[debit], credit_account=by_code[credit]
        )
    _module_defaults_create(standard)
    audit_record(
        actor=actor,
        action="create",
        object_type="accounting.account",
        object_repr=f"chart {standard}",
        changes={"accounts": [0, len(by_code)]},
        note="chart_seed",
    )
    return len(by_code)


def _module_defaults_create(standard: str) -> list[str]:
    """Default rules of the events modules registered (sales, purchasing, production ...),
    where the event has no default rule yet and both accounts exist as leaves."""
    leaves = {a.code: a for a in Account.objects.filter(is_leaf=True, active=True)}
    have = set(
        PostingRule.objects.filter(category_code="", warehouse_code="").values_list(
            "event", flat=True
        )
    )
    created = []
    for event, (debit, credit) in posting_event_defaults(standard).items():
        if event in have or debit not in leaves or credit not in leaves:
            continue
        PostingRule.objects.create(
            event=event, debit_account=leaves[debit], credit_account=leaves[credit]
        )
        created.append(event)
    return created


@transaction.atomic
def posting_rules_ensure_defaults() -> list[str]:
    """`erp setup`: give every registered event that has a default its default rule, when the
    chart exists (a module installed after go-live finds its rules in place). Rules finance
    edited or deleted-and-replaced are never overwritten; returns the events given a rule."""
    if not Account.objects.exists():
        return []
    from erp.accounting.selectors_statements import chart_standard

    return _module_defaults_create(chart_standard())


def _parent_of(code: str, by_code: dict[str, Account]) -> Account | None:
    for length in range(len(code) - 2, 3, -2):
        if code[:length] in by_code:
            return by_code[code[:length]]
    return None


@transaction.atomic
def account_add_child(*, actor, parent_id: int, code: str, name: str, **aux: bool) -> Account:
    """Add a sub-account (明细科目): code = parent code + 2 digits. A parent that already has
    postings cannot get children (its balance would be stranded on a non-leaf account)."""
    require_perm(actor, "accounting.add_account")
    try:
        parent = Account.objects.select_for_update().get(pk=parent_id)
    except (Account.DoesNotExist, ValueError, TypeError):
        raise NotFound() from None
    code, name = (code or "").strip(), (name or "").strip()
    errors: dict[str, list[str]] = {}
    if not (code.startswith(parent.code) and len(code) == len(parent.code) + 2 and code.isdigit()):
        errors["code"] = [
            str(
                _("Enter the parent code %(parent)s followed by two digits, e.g. %(parent)s01.")
                % {"parent": parent.code}
            )
        ]
    elif Account.objects.filter(code=code).exists():
        errors["code"] = [str(_("Account %(code)s exists already.") % {"code": code})]
    if not name:
        errors["name"] = [str(_("Enter the account name."))]
    if errors:
        raise ValidationFailed(fields=errors)
    if parent.is_leaf and VoucherLine.objects.filter(account=parent).exists():
        raise BusinessRuleError(
            _(
                "Account %(code)s already has postings, so it cannot get sub-accounts. Create "
                "a new account instead."
            )
            % {"code": parent.code},
            code="account_has_postings",
        )
    flags = {f: bool(aux.get(f, getattr(parent, f))) for f in AUX_FLAGS}
    account = Account.objects.create(
        code=code,
        name=name,
        parent=parent,
        level=parent.level + 1,
        category=parent.category,
        direction=parent.direction,
        **flags,
    )
    if parent.is_leaf:
        parent.is_leaf = False
        parent.save(update_fields=["is_leaf"])
    audit_record(actor=actor, action="create", obj=account, changes=diff({}, snapshot(account)))
    return account


@transaction.atomic
def account_update(*, actor, account_id: int, **fields) -> Account:
    require_perm(actor, "accounting.change_account")
    unknown = sorted(set(fields) - set(EDITABLE))
    if unknown:
        raise ValidationFailed(
            _("These fields cannot be changed: %(fields)s.") % {"fields": ", ".join(unknown)}
        )
    try:
        account = Account.objects.select_for_update().get(pk=account_id)
    except (Account.DoesNotExist, ValueError, TypeError):
        raise NotFound() from None
    before = snapshot(account)
    for key, value in fields.items():
        setattr(account, key, value.strip() if isinstance(value, str) else value)
    if not account.name:
        raise ValidationFailed(fields={"name": [str(_("Enter the account name."))]})
    account.save()
    changes = diff(before, snapshot(account))
    if changes:
        audit_record(actor=actor, action="update", obj=account, changes=changes)
    return account

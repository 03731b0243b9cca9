"""Expense categories (费用类别) for a go-live without the demo loader: create and edit a
category's name, expense account, VAT deductibility and active flag. The code is the
category's stable key (API, imports, claims) and is fixed once created.

The expense account must be an active leaf account where expenses are booked: a debit-side
profit-and-loss account (销售费用 6601, 管理费用 6602, 财务费用 6603 …, 5601–5603 in the small
chart) or a cost account (制造费用 5101, 研发支出 5301). A change applies to claims posted from
then on; posted vouchers stay as they are."""

import re

from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from erp.accounting.models import Account, AccountCategory, Direction, ExpenseCategory
from erp.core.access import require_perm
from erp.core.errors import NotFound, ValidationFailed
from erp.core.services.audit import audit_record, diff

_CODE = re.compile(r"^[A-Za-z0-9_-]{1,20}$")


def expense_accounts():
    """Accounts a category may post to (the form's choices)."""
    return Account.objects.filter(is_leaf=True, active=True).filter(
        Q(category=AccountCategory.PROFIT_LOSS, direction=Direction.DEBIT)
        | Q(category=AccountCategory.COST)
    )


def _account(account_code: str) -> Account:
    code = (account_code or "").strip()
    account = expense_accounts().filter(code=code).first()
    if account is None:
        raise ValidationFailed(
            _(
                "Account %(code)s cannot take expenses. Choose an active leaf expense or cost "
                "account, e.g. 660201 (管理费用 sub-account) or 5101 (制造费用)."
            )
            % {"code": code or "-"},
            fields={"account": [_("Choose an active leaf expense or cost account.")]},
        )
    return account


def _snapshot(category: ExpenseCategory) -> dict:
    """What the audit shows: the account by its code, never by id."""
    return {
        "code": category.code,
        "name": category.name,
        "account": category.account.code,
        "input_vat_deductible": category.input_vat_deductible,
        "active": category.active,
    }


def _name(name: str) -> str:
    name = (name or "").strip()
    if not name:
        raise ValidationFailed(fields={"name": [_("Enter the category name, e.g. 差旅费.")]})
    if len(name) > 60:
        raise ValidationFailed(fields={"name": [_("Use at most 60 characters.")]})
    return name


@transaction.atomic
def expense_category_create(
    *,
    actor,
    code: str,
    name: str,
    account_code: str,
    input_vat_deductible: bool = True,
    active: bool = True,
) -> ExpenseCategory:
    require_perm(actor, "accounting.add_expensecategory")
    code = (code or "").strip().upper()
    if not _CODE.match(code):
        raise ValidationFailed(
            fields={
                "code": [_("Enter a code of letters, digits, - or _ (at most 20), e.g. TRAVEL.")]
            }
        )
    if ExpenseCategory.objects.filter(code__iexact=code).exists():
        raise ValidationFailed(
            fields={"code": [_("Expense category %(code)s exists already.") % {"code": code}]}
        )
    category = ExpenseCategory.objects.create(
        code=code,
        name=_name(name),
        account=_account(account_code),
        input_vat_deductible=bool(input_vat_deductible),
        active=bool(active),
    )
    audit_record(actor=actor, action="create", obj=category, changes=diff({}, _snapshot(category)))
    return category


@transaction.atomic
def expense_category_edit(
    *,
    actor,
    category_id: int,
    name: str,
    account_code: str,
    input_vat_deductible: bool,
    active: bool,
) -> ExpenseCategory:
    """Change everything but the code; audited with before/after."""
    require_perm(actor, "accounting.change_expensecategory")
    try:
        category = ExpenseCategory.objects.select_for_update().get(pk=int(category_id))
    except (ExpenseCategory.DoesNotExist, ValueError, TypeError):
        raise NotFound() from None
    before = _snapshot(category)
    category.name = _name(name)
    category.account = _account(account_code)
    category.input_vat_deductible = bool(input_vat_deductible)
    category.active = bool(active)
    category.save()
    changes = diff(before, _snapshot(category))
    if changes:
        audit_record(actor=actor, action="update", obj=category, changes=changes)
    return category

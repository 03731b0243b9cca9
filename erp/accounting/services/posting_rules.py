"""Posting rules (过账规则) edited by finance: event × material category × warehouse → debit
and credit accounts. A reason with its own accounts is its own event (其他出库 with reason 研发领用
posts the event stock_issue_rd), so the event list already covers "document type × reason".

A change applies to documents posted from then on; posted vouchers are never touched. One
guard keeps the books tied to the stock: stock of a (category, warehouse) is held on the debit
account of its stock_receipt rule, so a change to the stock_receipt rules that would move a
valuation group holding stock onto another inventory account is refused — the stock already
booked would stay behind on the old account."""

from decimal import Decimal

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from erp.accounting.builders.stock import NoPostingRule, inventory_account
from erp.accounting.models import Account, PostingRule
from erp.core.access import require_perm
from erp.core.errors import BusinessRuleError, NotFound, ValidationFailed
from erp.core.money import format_cny
from erp.core.posting_events import posting_event_codes, posting_event_label
from erp.core.services.audit import audit_record, diff

INVENTORY_EVENT = "stock_receipt"


def _snapshot(rule: PostingRule) -> dict:
    """The audit's view of a rule: accounts by code, never by id."""
    return {
        "event": rule.event,
        "category_code": rule.category_code,
        "warehouse_code": rule.warehouse_code,
        "debit_account": rule.debit_account.code,
        "credit_account": rule.credit_account.code,
    }


def _account(code: str, field: str) -> Account:
    code = (code or "").strip()
    account = Account.objects.filter(code=code, is_leaf=True, active=True).first()
    if account is None:
        raise ValidationFailed(
            fields={
                field: [
                    _(
                        "Account %(code)s is not an active leaf account. Choose one from the "
                        "list, or add a sub-account under Chart of accounts first."
                    )
                    % {"code": code or "-"}
                ]
            }
        )
    return account


def _scope(category_code: str, warehouse_code: str) -> tuple[str, str]:
    from erp.masterdata.models import MaterialCategory, Warehouse

    category_code, warehouse_code = (category_code or "").strip(), (warehouse_code or "").strip()
    errors = {}
    if category_code and not MaterialCategory.objects.filter(code=category_code).exists():
        errors["category_code"] = [
            _(
                "Material category %(code)s does not exist. Choose one from the list or "
                "leave it empty for any category."
            )
            % {"code": category_code}
        ]
    if warehouse_code and not Warehouse.objects.filter(code=warehouse_code).exists():
        errors["warehouse_code"] = [
            _(
                "Warehouse %(code)s does not exist. Choose one from the list or leave it "
                "empty for any warehouse."
            )
            % {"code": warehouse_code}
        ]
    if errors:
        raise ValidationFailed(fields=errors)
    return category_code, warehouse_code


def _check_accounts(debit: Account, credit: Account) -> None:
    if debit.pk == credit.pk:
        raise ValidationFailed(
            fields={"credit_account": [_("Choose a credit account other than the debit account.")]}
        )


def _table(rules) -> dict:
    return {
        (r.event, r.category_code, r.warehouse_code): (r.debit_account.code, r.credit_account.code)
        for r in rules
    }


def _keep_stock_on_its_account(before: dict, after: dict) -> None:
    """Refuse a stock_receipt change that moves a valuation group holding stock elsewhere."""
    from erp.accounting.selectors_stock import stock_value_now

    for (category, warehouse), value in sorted(stock_value_now().items()):
        if not value:
            continue
        try:
            old = inventory_account(before, category, warehouse)
        except NoPostingRule:
            continue  # unmapped stock: the tie-out shows it; mapping it is the fix
        try:
            new = inventory_account(after, category, warehouse)
        except NoPostingRule:
            new = "-"
        if old != new:
            raise BusinessRuleError(
                _(
                    "Stock of category %(category)s in warehouse %(warehouse)s (%(value)s) is "
                    "booked on account %(old)s; this change would hold it on %(new)s and leave "
                    "the booked value behind. Keep %(old)s as the stock receipt debit account "
                    "for it, or move the stock out first."
                )
                % {
                    "category": category or "-",
                    "warehouse": warehouse or "-",
                    "value": format_cny(Decimal(value)),
                    "old": old,
                    "new": new,
                },
                code="posting_rule_moves_stock",
            )


def _guard_inventory(event: str, change) -> None:
    """Run `change(table)` on the current rule table and check the stock stays put."""
    if event != INVENTORY_EVENT:
        return
    rules = list(PostingRule.objects.select_related("debit_account", "credit_account"))
    before = _table(rules)
    after = dict(before)
    change(after)
    _keep_stock_on_its_account(before, after)


def _event(event: str) -> str:
    event = (event or "").strip()
    if event not in posting_event_codes():
        raise ValidationFailed(fields={"event": [_("Choose an event from the list.")]})
    return event


@transaction.atomic
def posting_rule_create(
    *,
    actor,
    event: str,
    debit_account: str,
    credit_account: str,
    category_code: str = "",
    warehouse_code: str = "",
) -> PostingRule:
    """A new rule; with a category and/or warehouse it overrides the default for them."""
    require_perm(actor, "accounting.add_postingrule")
    event = _event(event)
    category_code, warehouse_code = _scope(category_code, warehouse_code)
    debit, credit = (
        _account(debit_account, "debit_account"),
        _account(credit_account, "credit_account"),
    )
    _check_accounts(debit, credit)
    key = (event, category_code, warehouse_code)
    if PostingRule.objects.filter(
        event=event, category_code=category_code, warehouse_code=warehouse_code
    ).exists():
        raise ValidationFailed(
            _(
                "A rule for %(event)s, category %(category)s, warehouse %(warehouse)s exists "
                "already. Change that rule instead."
            )
            % {
                "event": posting_event_label(event),
                "category": category_code or _("any"),
                "warehouse": warehouse_code or _("any"),
            },
            fields={"event": [_("This event and scope have a rule already.")]},
        )
    _guard_inventory(event, lambda t: t.__setitem__(key, (debit.code, credit.code)))
    rule = PostingRule.objects.create(
        event=event,
        category_code=category_code,
        warehouse_code=warehouse_code,
        debit_account=debit,
        credit_account=credit,
    )
    audit_record(actor=actor, action="create", obj=rule, changes=diff({}, _snapshot(rule)))
    return rule


def _locked(rule_id) -> PostingRule:
    try:
        return PostingRule.objects.select_for_update().get(pk=int(rule_id))
    except (PostingRule.DoesNotExist, ValueError, TypeError):
        raise NotFound() from None


@transaction.atomic
def posting_rule_update(
    *, actor, rule_id: int, debit_account: str, credit_account: str
) -> PostingRule:
    """Change a rule's accounts (its event and scope are its identity: add a new rule for
    another scope). Audited with before/after account codes."""
    require_perm(actor, "accounting.change_postingrule")
    rule = _locked(rule_id)
    debit, credit = (
        _account(debit_account, "debit_account"),
        _account(credit_account, "credit_account"),
    )
    _check_accounts(debit, credit)
    key = (rule.event, rule.category_code, rule.warehouse_code)
    _guard_inventory(rule.event, lambda t: t.__setitem__(key, (debit.code, credit.code)))
    before = _snapshot(rule)
    rule.debit_account, rule.credit_account = debit, credit
    rule.save(update_fields=["debit_account", "credit_account"])
    changes = diff(before, _snapshot(rule))
    if changes:
        audit_record(actor=actor, action="update", obj=rule, changes=changes)
    return rule


@transaction.atomic
def posting_rule_delete(*, actor, rule_id: int) -> None:
    """Remove an override (a rule with a category or warehouse). The default rule of an event
    (both empty) stays: without it the event's documents could not post."""
    require_perm(actor, "accounting.delete_postingrule")
    rule = _locked(rule_id)
    if not rule.category_code and not rule.warehouse_code:
        raise BusinessRuleError(
            _(
                "This is the default rule of %(event)s: documents without a more specific rule "
                "post with it. Change its accounts instead of deleting it."
            )
            % {"event": posting_event_label(rule.event)},
            code="posting_rule_default",
        )
    key = (rule.event, rule.category_code, rule.warehouse_code)
    _guard_inventory(rule.event, lambda t: t.pop(key, None))
    before = _snapshot(rule)
    audit_record(actor=actor, action="delete", obj=rule, changes=diff(before, {}))
    rule.delete()

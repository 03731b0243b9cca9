"""Set-up API of accounting (issue #12), the same services as the pages:

- /api/v1/expense-categories/: POST creates, PUT /{id} changes name, account, VAT
  deductibility and active (list, read and PATCH live in api_expenses).
- /api/v1/posting-rules/: list (with the preview voucher of ¥1,000.00), create; GET/PUT/DELETE
  /{id} (PUT changes the accounts; DELETE removes an override, never an event's default).
Accounts travel as codes. Unknown fields are a 400."""

from decimal import Decimal

from django.http import HttpRequest
from ninja import Schema
from pydantic import ConfigDict, Field

from erp.accounting.api import router
from erp.accounting.models import ExpenseCategory, PostingRule
from erp.accounting.services import expense_categories as category_services
from erp.accounting.services import posting_rules as rule_services
from erp.core.access import require_perm
from erp.core.api_crud import actor as _actor
from erp.core.errors import NotFound
from erp.core.posting_events import posting_event_label

PREVIEW_AMOUNT = Decimal("1000.00")


class CategoryIn(Schema):
    model_config = ConfigDict(extra="forbid")

    code: str = Field(min_length=1, max_length=20)
    name: str = Field(min_length=1, max_length=60)
    account: str = Field(description="expense account code, e.g. 660201")
    input_vat_deductible: bool = True
    active: bool = True


class CategoryUpdateIn(Schema):
    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1, max_length=60)
    account: str
    input_vat_deductible: bool
    active: bool = True


class CategoryFullOut(Schema):
    id: int
    code: str
    name: str
    account: str
    input_vat_deductible: bool
    active: bool


def _category(c: ExpenseCategory) -> dict:
    return {
        "id": c.pk,
        "code": c.code,
        "name": c.name,
        "account": c.account.code,
        "input_vat_deductible": c.input_vat_deductible,
        "active": c.active,
    }


@router.post("/expense-categories/", response={201: CategoryFullOut})
def expense_category_create(request: HttpRequest, payload: CategoryIn):
    data = payload.dict()
    category = category_services.expense_category_create(
        actor=_actor(request),
        code=data["code"],
        name=data["name"],
        account_code=data["account"],
        input_vat_deductible=data["input_vat_deductible"],
        active=data["active"],
    )
    return 201, _category(category)


@router.put("/expense-categories/{category_id}", response=CategoryFullOut)
def expense_category_edit(request: HttpRequest, category_id: int, payload: CategoryUpdateIn):
    data = payload.dict()
    category = category_services.expense_category_edit(
        actor=_actor(request),
        category_id=category_id,
        name=data["name"],
        account_code=data["account"],
        input_vat_deductible=data["input_vat_deductible"],
        active=data["active"],
    )
    return _category(category)


class PreviewLine(Schema):
    account: str
    name: str
    debit: Decimal
    credit: Decimal


class RuleOut(Schema):
    id: int
    event: str
    event_label: str
    category_code: str
    warehouse_code: str
    debit_account: str
    credit_account: str
    preview: list[PreviewLine]


class RuleIn(Schema):
    model_config = ConfigDict(extra="forbid")

    event: str
    category_code: str = Field(default="", description="empty: any material category")
    warehouse_code: str = Field(default="", description="empty: any warehouse")
    debit_account: str
    credit_account: str


class RuleUpdateIn(Schema):
    model_config = ConfigDict(extra="forbid")

    debit_account: str
    credit_account: str


def _rule(r: PostingRule) -> dict:
    zero = Decimal("0")
    return {
        "id": r.pk,
        "event": r.event,
        "event_label": posting_event_label(r.event),
        "category_code": r.category_code,
        "warehouse_code": r.warehouse_code,
        "debit_account": r.debit_account.code,
        "credit_account": r.credit_account.code,
        "preview": [
            {
                "account": r.debit_account.code,
                "name": r.debit_account.name,
                "debit": PREVIEW_AMOUNT,
                "credit": zero,
            },
            {
                "account": r.credit_account.code,
                "name": r.credit_account.name,
                "debit": zero,
                "credit": PREVIEW_AMOUNT,
            },
        ],
    }


def _rules():
    return PostingRule.objects.select_related("debit_account", "credit_account")


@router.get("/posting-rules/", response=list[RuleOut])
def posting_rule_list(request: HttpRequest, event: str = ""):
    require_perm(_actor(request), "accounting.view_postingrule")
    rules = _rules().order_by("event", "category_code", "warehouse_code")
    if event:
        rules = rules.filter(event=event)
    return [_rule(r) for r in rules]


@router.post("/posting-rules/", response={201: RuleOut})
def posting_rule_create(request: HttpRequest, payload: RuleIn):
    rule = rule_services.posting_rule_create(actor=_actor(request), **payload.dict())
    return 201, _rule(_rules().get(pk=rule.pk))


def _get(rule_id: int) -> PostingRule:
    rule = _rules().filter(pk=rule_id).first()
    if rule is None:
        raise NotFound()
    return rule


@router.get("/posting-rules/{rule_id}", response=RuleOut)
def posting_rule_get(request: HttpRequest, rule_id: int):
    require_perm(_actor(request), "accounting.view_postingrule")
    return _rule(_get(rule_id))


@router.put("/posting-rules/{rule_id}", response=RuleOut)
def posting_rule_update(request: HttpRequest, rule_id: int, payload: RuleUpdateIn):
    rule_services.posting_rule_update(actor=_actor(request), rule_id=rule_id, **payload.dict())
    return _rule(_get(rule_id))


@router.delete("/posting-rules/{rule_id}", response={204: None})
def posting_rule_delete(request: HttpRequest, rule_id: int):
    rule_services.posting_rule_delete(actor=_actor(request), rule_id=rule_id)
    return 204, None

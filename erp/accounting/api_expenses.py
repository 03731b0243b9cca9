"""/api/v1/expense-categories/: list, read, and the settings finance may change. The expense
claims' own endpoints (/api/v1/expense-claims/) come from the document kit
(erp/accounting/kit_expenses.py)."""

from django.http import HttpRequest
from ninja import Schema
from ninja.pagination import PageNumberPagination, paginate
from pydantic import ConfigDict

from erp.accounting.api import router
from erp.accounting.models import ExpenseCategory
from erp.accounting.services import expenses as svc
from erp.core.access import require_perm
from erp.core.errors import NotFound


class CategoryOut(Schema):
    id: int
    code: str
    name: str
    account: str
    input_vat_deductible: bool
    active: bool


class CategoryPatch(Schema):
    model_config = ConfigDict(extra="forbid")

    input_vat_deductible: bool | None = None
    active: bool | None = None


def _category_out(c: ExpenseCategory) -> CategoryOut:
    return CategoryOut(
        id=c.pk,
        code=c.code,
        name=c.name,
        account=c.account.code,
        input_vat_deductible=c.input_vat_deductible,
        active=c.active,
    )


@router.get("/expense-categories/", response=list[CategoryOut])
@paginate(PageNumberPagination, page_size=100)
def expense_category_list(request: HttpRequest):
    require_perm(request.auth, "accounting.add_expenseclaim")
    rows = ExpenseCategory.objects.select_related("account").order_by("code")
    return [_category_out(c) for c in rows]


def _category(category_id: int) -> ExpenseCategory:
    category = ExpenseCategory.objects.select_related("account").filter(pk=category_id).first()
    if category is None:
        raise NotFound()
    return category


@router.get("/expense-categories/{category_id}", response=CategoryOut)
def expense_category_read(request: HttpRequest, category_id: int):
    require_perm(request.auth, "accounting.add_expenseclaim")
    return _category_out(_category(category_id))


@router.patch("/expense-categories/{category_id}", response=CategoryOut)
def expense_category_update(request: HttpRequest, category_id: int, payload: CategoryPatch):
    category = _category(category_id)
    svc.expense_category_update(actor=request.auth, category_id=category.pk, **payload.model_dump())
    return _category_out(_category(category_id))

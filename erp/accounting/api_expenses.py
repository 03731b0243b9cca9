"""/api/v1/expense-claims/: list, read, create, update, submit, post, pay (from a chosen
cash/bank account) — the same services as the pages. Categories travel as codes, amounts as
decimal strings. Unknown fields are a 400 (state, number, voucher cannot be sent)."""

import datetime as dt
from decimal import Decimal

from django.http import HttpRequest
from ninja import Schema
from ninja.pagination import PageNumberPagination, paginate
from pydantic import ConfigDict, Field

from erp.accounting.api import router
from erp.accounting.models import ExpenseCategory, ExpenseClaim
from erp.accounting.services import expenses as svc
from erp.core.access import require_perm
from erp.core.errors import NotFound

AMOUNT = {"max_digits": 18, "decimal_places": 2}


class ClaimLineIn(Schema):
    model_config = ConfigDict(extra="forbid")

    category_code: str
    amount: Decimal = Field(**AMOUNT)
    # "special" (专票) or "none" (无专票); left out: 专票 when a rate or VAT is given.
    invoice_type: str | None = None
    tax_rate: Decimal = Field(default=Decimal("0"), max_digits=5, decimal_places=4)
    tax_amount: Decimal | None = Field(default=None, **AMOUNT)
    attachments: int = Field(default=0, ge=0, le=999)
    note: str = Field(default="", max_length=200)


class ClaimIn(Schema):
    model_config = ConfigDict(extra="forbid")

    date: dt.date
    purpose: str = Field(max_length=200)
    department_id: int | None = None
    employee_id: int | None = None
    note: str = ""
    lines: list[ClaimLineIn]


class PostIn(Schema):
    model_config = ConfigDict(extra="forbid")

    date: dt.date | None = None


class PayIn(PostIn):
    # Code of the cash/bank account paid from: 1001 or a leaf under 1002 (e.g. "100201").
    payment_account: str = ""


class ClaimLineOut(Schema):
    line_no: int
    category_code: str
    category: str
    amount: Decimal
    invoice_type: str
    tax_rate: Decimal
    tax_amount: Decimal
    vat_deductible: bool
    attachments: int
    note: str


class ClaimOut(Schema):
    id: int
    number: str
    state: str
    version: int
    date: dt.date
    employee_id: int
    employee: str
    department: str
    purpose: str
    total: Decimal
    tax_total: Decimal
    attachments: int
    note: str
    voucher: str | None
    payment_voucher: str | None
    payment_account: str | None
    lines: list[ClaimLineOut]


def _out(claim: ExpenseClaim) -> ClaimOut:
    claim = (
        ExpenseClaim.objects.select_related(
            "employee", "department", "voucher", "payment_voucher", "payment_account"
        )
        .prefetch_related("lines__category")
        .get(pk=claim.pk)
    )
    return ClaimOut(
        id=claim.pk,
        number=claim.number,
        state=claim.state,
        version=claim.version,
        date=claim.date,
        employee_id=claim.employee_id,
        employee=str(claim.employee),
        department=claim.department.code,
        purpose=claim.purpose,
        total=claim.total,
        tax_total=claim.tax_total,
        attachments=claim.attachments,
        note=claim.note,
        voucher=claim.voucher.number if claim.voucher else None,
        payment_voucher=claim.payment_voucher.number if claim.payment_voucher else None,
        payment_account=claim.payment_account.code if claim.payment_account else None,
        lines=[
            ClaimLineOut(
                line_no=x.line_no,
                category_code=x.category.code,
                category=x.category.name,
                amount=x.amount,
                invoice_type=x.invoice_type,
                tax_rate=x.tax_rate,
                tax_amount=x.tax_amount,
                vat_deductible=x.category.input_vat_deductible,
                attachments=x.attachments,
                note=x.note,
            )
            for x in claim.lines.all()
        ],
    )


def _values(payload: ClaimIn) -> dict:
    codes = dict(
        ExpenseCategory.objects.filter(
            code__in=[x.category_code for x in payload.lines]
        ).values_list("code", "pk")
    )
    data = payload.model_dump(exclude={"lines"})
    if data["employee_id"] is None:
        data.pop("employee_id")
    data["lines"] = [
        {**x.model_dump(exclude={"category_code"}), "category_id": codes.get(x.category_code)}
        for x in payload.lines
    ]
    return data


def _get(actor, claim_id: int) -> ExpenseClaim:
    claim = ExpenseClaim.objects.filter(pk=claim_id).first()
    if claim is None or not svc.may_view(actor, claim):
        raise NotFound()
    return claim


@router.get("/expense-claims/", response=list[ClaimOut])
@paginate(PageNumberPagination, page_size=50)
def expense_claim_list(request: HttpRequest, state: str = "", mine: bool = False):
    qs = svc.claims_visible_to(request.auth).order_by("-date", "-pk")
    if mine:
        qs = qs.filter(employee=request.auth)
    if state:
        qs = qs.filter(state=state)
    return [_out(c) for c in qs[:500]]


@router.post("/expense-claims/", response={201: ClaimOut})
def expense_claim_create(request: HttpRequest, payload: ClaimIn):
    claim = svc.expense_claim_create(actor=request.auth, **_values(payload))
    return 201, _out(claim)


@router.get("/expense-claims/{claim_id}", response=ClaimOut)
def expense_claim_read(request: HttpRequest, claim_id: int):
    return _out(_get(request.auth, claim_id))


@router.put("/expense-claims/{claim_id}", response=ClaimOut)
def expense_claim_update(request: HttpRequest, claim_id: int, payload: ClaimIn):
    claim = svc.expense_claim_update(actor=request.auth, claim_id=claim_id, **_values(payload))
    return _out(claim)


@router.post("/expense-claims/{claim_id}/submit", response=ClaimOut)
def expense_claim_submit(request: HttpRequest, claim_id: int):
    return _out(svc.expense_claim_submit(actor=request.auth, claim_id=claim_id))


@router.post("/expense-claims/{claim_id}/post", response=ClaimOut)
def expense_claim_post(request: HttpRequest, claim_id: int, payload: PostIn):
    return _out(svc.expense_claim_post(actor=request.auth, claim_id=claim_id, on_date=payload.date))


@router.post("/expense-claims/{claim_id}/pay", response=ClaimOut)
def expense_claim_pay(request: HttpRequest, claim_id: int, payload: PayIn):
    claim = svc.expense_claim_pay(
        actor=request.auth,
        claim_id=claim_id,
        on_date=payload.date,
        payment_account_code=payload.payment_account,
    )
    return _out(claim)


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

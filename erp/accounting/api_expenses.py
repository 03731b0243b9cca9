"""/api/v1/expense-claims/: list, read, create, update, submit, post, pay — the same services
as the pages. Categories travel as codes, amounts as decimal strings. Unknown fields are a 400
(state, number, voucher cannot be sent)."""

import datetime as dt
from decimal import Decimal

from django.http import HttpRequest
from ninja import Schema
from ninja.pagination import PageNumberPagination, paginate
from pydantic import ConfigDict, Field

from erp.accounting.api import router
from erp.accounting.models import ExpenseCategory, ExpenseClaim
from erp.accounting.services import expenses as svc
from erp.core.errors import NotFound

AMOUNT = {"max_digits": 18, "decimal_places": 2}


class ClaimLineIn(Schema):
    model_config = ConfigDict(extra="forbid")

    category_code: str
    amount: Decimal = Field(**AMOUNT)
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
    method: str = "bank"


class ClaimLineOut(Schema):
    line_no: int
    category_code: str
    category: str
    amount: Decimal
    tax_rate: Decimal
    tax_amount: Decimal
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
    lines: list[ClaimLineOut]


def _out(claim: ExpenseClaim) -> ClaimOut:
    claim = (
        ExpenseClaim.objects.select_related("employee", "department", "voucher", "payment_voucher")
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
        lines=[
            ClaimLineOut(
                line_no=x.line_no,
                category_code=x.category.code,
                category=x.category.name,
                amount=x.amount,
                tax_rate=x.tax_rate,
                tax_amount=x.tax_amount,
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
        actor=request.auth, claim_id=claim_id, on_date=payload.date, method=payload.method
    )
    return _out(claim)

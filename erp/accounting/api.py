"""/api/v1/vouchers/ and /api/v1/trial-balance/: the same services as the pages.

Accounts travel as codes; amounts as decimal strings (2 places). Unknown fields are a 400
(mass-assignment guard: state, number, posted_by cannot be sent)."""

import datetime as dt
from decimal import Decimal

from django.http import HttpRequest
from ninja import Router, Schema
from pydantic import ConfigDict, Field

from erp.accounting import selectors
from erp.accounting.kit import VOUCHER, VoucherOut, voucher_out
from erp.accounting.models import Account, Period, Voucher
from erp.accounting.services import gate, vouchers
from erp.core.access import require_perm
from erp.core.doc_kit.api import kit_api_queryset, kit_api_register_app
from erp.core.errors import NotFound

router = Router(tags=["accounting"])
AMOUNT = {"max_digits": 18, "decimal_places": 2}


class LineIn(Schema):
    model_config = ConfigDict(extra="forbid")

    summary: str = Field(max_length=200)
    account_code: str
    debit: Decimal = Field(default=Decimal("0"), **AMOUNT)
    credit: Decimal = Field(default=Decimal("0"), **AMOUNT)
    customer_id: int | None = None
    supplier_id: int | None = None
    department_id: int | None = None
    employee_id: int | None = None
    material_id: int | None = None


class VoucherIn(Schema):
    model_config = ConfigDict(extra="forbid")

    word: str = "记"
    date: dt.date
    attachments: int = Field(default=0, ge=0, le=999)
    note: str = ""
    lines: list[LineIn]
    # PUT: the version the client read; another save meanwhile → 409 voucher_version_conflict.
    version: int | None = None


class ReverseIn(Schema):
    model_config = ConfigDict(extra="forbid")

    date: dt.date | None = None


class BalanceOut(Schema):
    code: str
    name: str
    opening: Decimal
    debit: Decimal
    credit: Decimal
    closing: Decimal


class TrialBalanceOut(Schema):
    period: str
    balanced: bool
    rows: list[BalanceOut]


def _out(voucher: Voucher) -> VoucherOut:
    return voucher_out(voucher)


def _rows(payload: VoucherIn) -> list[dict]:
    ids = dict(
        Account.objects.filter(code__in=[x.account_code for x in payload.lines]).values_list(
            "code", "pk"
        )
    )
    return [
        {**x.model_dump(exclude={"account_code"}), "account_id": ids.get(x.account_code)}
        for x in payload.lines
    ]


def _get(voucher_id: int) -> Voucher:
    voucher = kit_api_queryset(VOUCHER).filter(pk=voucher_id).first()
    if voucher is None:
        raise NotFound()
    return voucher


# GET /vouchers/ and /vouchers/{doc_id}, POST /vouchers/{doc_id}/review|unreview|post: the
# document kit (erp/accounting/kit.py). Entry, edit, delete and reversal are the voucher's own.
kit_api_register_app(router, "accounting")


@router.post("/vouchers/", response={201: VoucherOut})
def voucher_create(request: HttpRequest, payload: VoucherIn):
    voucher = vouchers.voucher_save(
        actor=request.auth,
        lines=_rows(payload),
        date=payload.date,
        word=payload.word,
        attachments=payload.attachments,
        note=payload.note,
    )
    return 201, _out(_get(voucher.pk))


@router.put("/vouchers/{doc_id}", response=VoucherOut)
def voucher_update(request: HttpRequest, doc_id: int, payload: VoucherIn):
    vouchers.voucher_save(
        actor=request.auth,
        voucher_id=doc_id,
        lines=_rows(payload),
        date=payload.date,
        word=payload.word,
        attachments=payload.attachments,
        note=payload.note,
        version=payload.version,
    )
    return _out(_get(doc_id))


@router.delete("/vouchers/{doc_id}", response={204: None})
def voucher_delete(request: HttpRequest, doc_id: int):
    vouchers.voucher_delete(actor=request.auth, voucher_id=doc_id)
    return 204, None


@router.post("/vouchers/{doc_id}/reverse", response=VoucherOut)
def voucher_reverse(request: HttpRequest, doc_id: int, payload: ReverseIn):
    return _out(gate.voucher_reverse(actor=request.auth, voucher_id=doc_id, on_date=payload.date))


@router.get("/trial-balance/{year}/{month}", response=TrialBalanceOut)
def trial_balance(request: HttpRequest, year: int, month: int):
    require_perm(request.auth, "accounting.view_accountperiodbalance")
    period = Period.objects.filter(year=year, month=month).first()
    if period is None:
        raise NotFound()
    tb = selectors.trial_balance(period)
    return TrialBalanceOut(
        period=str(period),
        balanced=tb.balanced,
        rows=[
            BalanceOut(
                code=r.account.code,
                name=r.account.name,
                opening=r.opening,
                debit=r.debit,
                credit=r.credit,
                closing=r.closing,
            )
            for r in tb.rows
        ],
    )


# Registers /expense-claims/, the AR/AP endpoints (open items, receipts, payments, aging),
# the chart of accounts, periods with their month-end close, and statements.
from erp.accounting import (  # noqa: E402, F401
    api_arap,
    api_chart,
    api_expenses,
    api_month_end,
    api_open_items,
    api_setup,
    api_statements,
)

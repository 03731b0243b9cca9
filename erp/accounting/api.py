"""/api/v1/vouchers/ and /api/v1/trial-balance/: the same services as the pages.

Accounts travel as codes; amounts as decimal strings (2 places). Unknown fields are a 400
(mass-assignment guard: state, number, posted_by cannot be sent)."""

import datetime as dt
from decimal import Decimal

from django.db.models import Prefetch
from django.http import HttpRequest
from ninja import Router, Schema
from ninja.pagination import PageNumberPagination, paginate
from pydantic import ConfigDict, Field

from erp.accounting import selectors
from erp.accounting.models import Account, Period, Voucher, VoucherLine
from erp.accounting.services import gate, vouchers
from erp.core.access import require_perm
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


class LineOut(Schema):
    line_no: int
    summary: str
    account_code: str
    debit: Decimal
    credit: Decimal


class VoucherOut(Schema):
    id: int
    number: str
    word: str
    date: dt.date
    period: str
    state: str
    version: int
    total: Decimal
    attachments: int
    note: str
    source_type: str
    source_number: str
    reversal_of_id: int | None
    lines: list[LineOut]


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


def _vouchers():
    """Vouchers as the API answers them: period joined, lines (with their account) in one
    prefetch query for a whole page."""
    lines = VoucherLine.objects.select_related("account").order_by("line_no")
    return selectors.vouchers_for_list().prefetch_related(Prefetch("lines", queryset=lines))


def _out(voucher: Voucher) -> VoucherOut:
    return VoucherOut(
        id=voucher.pk,
        number=voucher.number,
        word=voucher.word,
        date=voucher.date,
        period=str(voucher.period),
        state=voucher.state,
        version=voucher.version,
        total=voucher.total,
        attachments=voucher.attachments,
        note=voucher.note,
        source_type=voucher.source_type,
        source_number=voucher.source_number,
        reversal_of_id=voucher.reversal_of_id,
        lines=[
            LineOut(
                line_no=x.line_no,
                summary=x.summary,
                account_code=x.account.code,
                debit=x.debit,
                credit=x.credit,
            )
            for x in voucher.lines.all()
        ],
    )


class _VoucherPage(PageNumberPagination):
    """Pages counted and sliced in SQL; each voucher of the page is turned into VoucherOut
    from the prefetched lines (no query per voucher, no cap on how far a client may page)."""

    def paginate_queryset(self, queryset, pagination, request, **params):
        page = super().paginate_queryset(queryset, pagination, request, **params)
        page["items"] = [_out(v) for v in page["items"]]
        return page


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
    voucher = _vouchers().filter(pk=voucher_id).first()
    if voucher is None:
        raise NotFound()
    return voucher


@router.get("/vouchers/", response=list[VoucherOut])
@paginate(_VoucherPage, page_size=50)
def voucher_list(request: HttpRequest, state: str = "", period: str = ""):
    require_perm(request.auth, "accounting.view_voucher")
    qs = _vouchers().order_by("-date", "-pk")
    if state:
        qs = qs.filter(state=state)
    if period:
        qs = qs.filter(period__year=period[:4], period__month=period[5:7].lstrip("0") or 0)
    return qs


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


@router.get("/vouchers/{voucher_id}", response=VoucherOut)
def voucher_read(request: HttpRequest, voucher_id: int):
    require_perm(request.auth, "accounting.view_voucher")
    return _out(_get(voucher_id))


@router.put("/vouchers/{voucher_id}", response=VoucherOut)
def voucher_update(request: HttpRequest, voucher_id: int, payload: VoucherIn):
    vouchers.voucher_save(
        actor=request.auth,
        voucher_id=voucher_id,
        lines=_rows(payload),
        date=payload.date,
        word=payload.word,
        attachments=payload.attachments,
        note=payload.note,
        version=payload.version,
    )
    return _out(_get(voucher_id))


@router.delete("/vouchers/{voucher_id}", response={204: None})
def voucher_delete(request: HttpRequest, voucher_id: int):
    vouchers.voucher_delete(actor=request.auth, voucher_id=voucher_id)
    return 204, None


@router.post("/vouchers/{voucher_id}/review", response=VoucherOut)
def voucher_review(request: HttpRequest, voucher_id: int, version: int | None = None):
    """Review a draft, or a system voucher its document posted directly. `version` (optional
    query parameter): the version the reviewer read; a different current version → 409."""
    return _out(vouchers.voucher_review(actor=request.auth, voucher_id=voucher_id, version=version))


@router.post("/vouchers/{voucher_id}/post", response=VoucherOut)
def voucher_post(request: HttpRequest, voucher_id: int):
    return _out(gate.voucher_post(actor=request.auth, voucher_id=voucher_id))


@router.post("/vouchers/{voucher_id}/reverse", response=VoucherOut)
def voucher_reverse(request: HttpRequest, voucher_id: int, payload: ReverseIn):
    return _out(
        gate.voucher_reverse(actor=request.auth, voucher_id=voucher_id, on_date=payload.date)
    )


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


# Registers /expense-claims/ and the AR/AP endpoints (open items, receipts, payments, aging).
from erp.accounting import api_arap, api_expenses, api_setup  # noqa: E402, F401

"""/api/v1/ AR/AP: open items, customer receipts and supplier payments (create, read, post),
aging. The same services as the pages; partners travel as codes, amounts as decimal strings.
Unknown fields are a 400 (state, number, voucher cannot be sent)."""

import datetime as dt
from decimal import Decimal

from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from ninja import Schema
from pydantic import ConfigDict, Field

from erp.accounting import selectors_arap as reads
from erp.accounting.api import router
from erp.accounting.kit import (
    CUSTOMER_RECEIPT,
    SUPPLIER_PAYMENT,
    SettlementOut,
    settlement_out,
)
from erp.accounting.services import arap as svc
from erp.core.access import require_perm
from erp.core.doc_kit.api import kit_api_queryset
from erp.core.errors import NotFound, ValidationFailed

AMOUNT = {"max_digits": 18, "decimal_places": 2}
PATHS = {"receivable": "customer-receipts", "payable": "supplier-payments"}


class AllocationIn(Schema):
    model_config = ConfigDict(extra="forbid")

    open_item_id: int
    amount: Decimal = Field(**AMOUNT)


class SettlementIn(Schema):
    model_config = ConfigDict(extra="forbid")

    partner_code: str
    date: dt.date
    amount: Decimal = Field(**AMOUNT)
    bank_account_code: str = "1002"
    reference: str = Field(default="", max_length=60)
    note: str = ""
    allocations: list[AllocationIn] = []


class AgingRowOut(Schema):
    partner_code: str
    partner: str
    buckets: dict[str, Decimal]
    advances: Decimal
    total: Decimal
    overdue: Decimal


def _settlement_out(side, doc) -> SettlementOut:
    kit = CUSTOMER_RECEIPT if side is svc.RECEIPTS else SUPPLIER_PAYMENT
    return settlement_out(side, kit_api_queryset(kit).get(pk=doc.pk))


def _create(side, actor, payload: SettlementIn):
    partner = reads.partners(side.kind).filter(code=payload.partner_code).first()
    if partner is None:
        raise ValidationFailed(
            fields={
                "partner_code": [
                    _(
                        "No customer or supplier has the code “%(code)s”. Check the code in the "
                        "master data list."
                    )
                    % {"code": payload.partner_code[:40]}
                ]
            }
        )
    save = svc.customer_receipt_save if side.kind == "receivable" else svc.supplier_payment_save
    key = "customer_id" if side.kind == "receivable" else "supplier_id"
    return save(
        actor=actor,
        **{key: partner.pk},
        date=payload.date,
        amount=payload.amount,
        bank_account_code=payload.bank_account_code,
        lines=[a.model_dump() for a in payload.allocations],
        reference=payload.reference,
        note=payload.note,
    )


# GET /customer-receipts/ and /supplier-payments/ (list, read) and POST /{doc_id}/post come
# from the document kit (erp/accounting/kit.py); creating one takes partner codes, here.


@router.post("/customer-receipts/", response={201: SettlementOut})
def customer_receipt_create(request: HttpRequest, payload: SettlementIn):
    return 201, _settlement_out(svc.RECEIPTS, _create(svc.RECEIPTS, request.auth, payload))


@router.post("/supplier-payments/", response={201: SettlementOut})
def supplier_payment_create(request: HttpRequest, payload: SettlementIn):
    return 201, _settlement_out(svc.PAYMENTS, _create(svc.PAYMENTS, request.auth, payload))


# GET /open-items/: erp/accounting/api_open_items.py (filters, SQL pages, document refs).


@router.get("/aging/{kind}", response=list[AgingRowOut])
def aging(request: HttpRequest, kind: str, as_of: dt.date | None = None):
    require_perm(request.auth, "accounting.view_openitem")
    if kind not in ("receivable", "payable"):
        raise NotFound()
    result = reads.aging(kind, as_of or timezone.localdate())
    return [
        AgingRowOut(
            partner_code=r.partner.code,
            partner=r.partner.name,
            buckets=dict(zip(result.labels, r.buckets, strict=True)),
            advances=r.advances,
            total=r.total,
            overdue=r.overdue,
        )
        for r in result.rows
    ]

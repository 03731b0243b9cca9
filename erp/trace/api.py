"""REST of traceability: a lot's backward and forward trace (an integrator's or regulator's
export) and the recall case endpoints of the document kit (/api/v1/recall-cases/...)."""

import datetime as dt
from decimal import Decimal

from ninja import Router, Schema
from pydantic import ConfigDict, Field

from erp.core.access import require_perm
from erp.core.api_crud import actor, found
from erp.core.doc_kit.api import kit_api_register_app
from erp.inventory.models import Lot
from erp.trace.report import trace_dump
from erp.trace.selectors import BACKWARD, FORWARD
from erp.trace.services.recalls import recall_notice_record

router = Router(tags=["trace"])
kit_api_register_app(router, "trace")


class RefOut(Schema):
    type: str
    id: str
    label: str
    number: str
    url: str


class BalanceOut(Schema):
    received: Decimal
    consumed: Decimal
    shipped: Decimal
    scrapped: Decimal
    adjusted: Decimal
    on_hand: Decimal
    difference: Decimal
    genealogy_gap: Decimal


class InspectionOut(Schema):
    number: str
    kind: str
    result: str
    date: dt.date


class TraceLotOut(Schema):
    id: int
    number: str
    material_code: str
    material_name: str
    supplier_lot: str
    status: str
    expiry_date: dt.date | None
    depth: int
    inspections: list[InspectionOut]
    mass_balance: BalanceOut


class TraceLinkOut(Schema):
    parent_id: int
    child_id: int
    quantity: Decimal
    depth: int
    document: RefOut


class PartnerOut(Schema):
    kind: str
    id: int
    code: str
    name: str


class TraceDocOut(Schema):
    lot_id: int
    move_type: str
    posting_date: dt.date
    quantity: Decimal
    document: RefOut
    partner: PartnerOut | None


class TraceOut(Schema):
    lot_id: int
    direction: str
    lots: list[TraceLotOut]
    links: list[TraceLinkOut]
    documents: list[TraceDocOut]


def _trace(request, lot_id: int, direction: str) -> dict:
    require_perm(actor(request), "trace.view_lottrace")
    found(Lot.objects.filter(pk=lot_id).first())
    return trace_dump(lot_id, direction)


@router.get(
    "/lot-traces/{lot_id}/backward",
    response=TraceOut,
    operation_id="lot_trace_backward",
    summary="Backward trace of a lot: every lot that went into it, down to the receipts",
)
def lot_trace_backward(request, lot_id: int):
    return _trace(request, lot_id, BACKWARD)


@router.get(
    "/lot-traces/{lot_id}/forward",
    response=TraceOut,
    operation_id="lot_trace_forward",
    summary="Forward trace of a lot: every lot made from it, up to the customer deliveries",
)
def lot_trace_forward(request, lot_id: int):
    return _trace(request, lot_id, FORWARD)


class NoticeIn(Schema):
    model_config = ConfigDict(extra="forbid")

    customer_id: int
    channel: str = Field(max_length=10)
    contact: str = Field(default="", max_length=100)
    note: str = Field(default="", max_length=300)


class NoticeOut(Schema):
    id: int
    case_id: int
    customer_id: int
    at: dt.datetime
    channel: str
    contact: str
    note: str
    actor_id: int


@router.post(
    "/recall-cases/{doc_id}/notices",
    response={201: NoticeOut},
    operation_id="recallcase_notice",
    summary="Log that a customer reached by the recall was told (通知记录)",
)
def recall_notice(request, doc_id: int, body: NoticeIn):
    notice = recall_notice_record(actor=actor(request), doc_id=doc_id, **body.dict())
    return 201, notice

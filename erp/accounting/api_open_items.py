"""/api/v1/open-items/: the AR/AP open items register (应收/应付未清项).

Filters: `kind` (receivable / payable), `customer_id`, `supplier_id`, `partner_code`,
`open_only` (items with something left to settle), `state`, `due_before` (overdue lists) and
`date_from`/`date_to` (document date). Paged in SQL with the partner and account joined; the
source document travels as a reference (类型名 + 单号 + link). Amounts are decimal strings.

`POST /open-items/register-vouchers` registers the AR/AP lines of posted manual vouchers as
open items, like the tie-out page's button (登记手工凭证的往来)."""

import datetime as dt
from decimal import Decimal

from django.db.models import Q
from django.http import HttpRequest
from ninja import Field, Query, Schema
from ninja.pagination import paginate
from pydantic import ConfigDict

from erp.accounting.api import router
from erp.accounting.models import OpenItem
from erp.accounting.models.arap import OpenItemKind, OpenItemState
from erp.accounting.services.arap import open_items_from_vouchers
from erp.core.access import require_perm
from erp.core.api_crud import actor, found
from erp.core.api_pagination import ErpPagination
from erp.core.references import refs_attach

TAGS = ["accounting: AR/AP"]
ID = {"ge": 1, "le": 2**63 - 1}


class SourceRefOut(Schema):
    type: str
    id: str
    label: str
    number: str
    url: str


class OpenItemOut(Schema):
    id: int
    kind: str
    partner_id: int
    partner_code: str
    partner_name: str
    account_code: str
    document: str
    source: SourceRefOut | None
    summary: str
    doc_date: dt.date
    due_date: dt.date
    amount: Decimal
    allocated: Decimal
    open_amount: Decimal
    currency: str
    state: str

    @staticmethod
    def resolve_partner_id(obj) -> int:
        return obj.customer_id or obj.supplier_id

    @staticmethod
    def resolve_partner_code(obj) -> str:
        return obj.partner.code

    @staticmethod
    def resolve_partner_name(obj) -> str:
        return obj.partner.name

    @staticmethod
    def resolve_account_code(obj) -> str:
        return obj.account.code

    @staticmethod
    def resolve_document(obj) -> str:
        return str(obj)

    @staticmethod
    def resolve_source(obj) -> dict | None:
        ref = getattr(obj, "source_ref", None)
        return ref.as_json() if ref is not None else None

    @staticmethod
    def resolve_open_amount(obj) -> Decimal:
        return obj.amount - obj.allocated


def open_items(
    user,
    *,
    kind: str = "",
    customer_id: int | None = None,
    supplier_id: int | None = None,
    partner_code: str = "",
    open_only: bool = False,
    state: str = "",
    due_before: dt.date | None = None,
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
):
    """The register, filtered in SQL (every filter optional), oldest due first."""
    require_perm(user, "accounting.view_openitem")
    qs = OpenItem.objects.select_related("customer", "supplier", "account").order_by(
        "due_date", "doc_date", "pk"
    )
    if kind:
        qs = qs.filter(kind=kind)
    if customer_id is not None:
        qs = qs.filter(customer_id=customer_id)
    if supplier_id is not None:
        qs = qs.filter(supplier_id=supplier_id)
    if partner_code:
        qs = qs.filter(Q(customer__code=partner_code) | Q(supplier__code=partner_code))
    if open_only:
        qs = qs.filter(state=OpenItemState.OPEN)
    if state:
        qs = qs.filter(state=state)
    if due_before is not None:
        qs = qs.filter(due_date__lt=due_before)
    if date_from is not None:
        qs = qs.filter(doc_date__gte=date_from)
    if date_to is not None:
        qs = qs.filter(doc_date__lte=date_to)
    return qs


@router.get("/open-items/", response=list[OpenItemOut], operation_id="open_item_list", tags=TAGS)
@paginate(ErpPagination, page_size=100, decorate=refs_attach)
def open_item_list(
    request: HttpRequest,
    kind: OpenItemKind | None = None,
    customer_id: int | None = Query(None, **ID),
    supplier_id: int | None = Query(None, **ID),
    partner_code: str = Query("", max_length=40),
    open_only: bool = False,
    state: OpenItemState | None = None,
    due_before: dt.date | None = None,
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
):
    return open_items(
        actor(request),
        kind=kind or "",
        customer_id=customer_id,
        supplier_id=supplier_id,
        partner_code=partner_code,
        open_only=open_only,
        state=state or "",
        due_before=due_before,
        date_from=date_from,
        date_to=date_to,
    )


class RegisterVouchersIn(Schema):
    model_config = ConfigDict(extra="forbid")

    # Only these vouchers; omitted: every posted manual voucher.
    voucher_ids: list[int] | None = Field(None, max_length=1000)


class RegisteredOut(Schema):
    registered: int
    items: list[OpenItemOut]


@router.post(
    "/open-items/register-vouchers",
    response=RegisteredOut,
    operation_id="open_item_register_vouchers",
    tags=TAGS,
)
def open_item_register_vouchers(request: HttpRequest, payload: RegisterVouchersIn):
    """Each line of a posted manual voucher (no source document) on a control account (1122,
    2202, ...) naming a customer or supplier becomes an open item. Lines registered before are
    skipped: a repeat answers `registered: 0`. Body `{}` registers every voucher."""
    created = open_items_from_vouchers(actor=actor(request), voucher_ids=payload.voucher_ids)
    rows = open_items(actor(request)).filter(pk__in=[item.pk for item in created])
    items = refs_attach(list(rows))
    return {"registered": len(items), "items": items}


# After the fixed paths above: "{item_id}" would take "register-vouchers".
@router.get("/open-items/{item_id}", response=OpenItemOut, operation_id="open_item_read", tags=TAGS)
def open_item_read(request: HttpRequest, item_id: int):
    return refs_attach([found(open_items(actor(request)).filter(pk=item_id).first())])[0]

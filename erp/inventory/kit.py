"""Document-kit declarations of the stock documents: other receipt (其他入库单), other issue
(其他出库单), transfer (调拨单), scrap (报废单) and stock count (盘点单).

Pages, list/export, print and REST endpoints come from erp.core.doc_kit; the domain work stays
in erp.inventory.services (documents.py: drafts, posting through the stock gate, cancel;
counts.py: scope, snapshot, counting, variances). The count's phone entry page and its found-
stock endpoint are its own (views/counts.py, api.py)."""

import datetime as dt
from decimal import Decimal
from functools import partial

from django.utils.translation import gettext_lazy as _
from ninja import Schema
from pydantic import ConfigDict

from erp.core.doc_kit.declaration import DocumentKit
from erp.core.doc_kit.schemas import patch_schema
from erp.core.errors import DomainError
from erp.core.listing import Column
from erp.core.money import round_amount
from erp.inventory import forms
from erp.inventory import models as m
from erp.inventory.selectors import lots_pick_fefo, moves_of_source
from erp.inventory.services import counts as count_services
from erp.inventory.services import documents as services
from erp.inventory.states import StockCountState, StockDocState
from erp.inventory.views import counts as count_views

# --- REST schemas ---------------------------------------------------------------------------


class LineIn(Schema):
    model_config = ConfigDict(extra="forbid")

    material_id: int
    quantity: Decimal
    unit_id: int | None = None
    location_id: int | None = None
    from_location_id: int | None = None
    to_location_id: int | None = None
    lot_id: int | None = None
    lot_number: str = ""
    supplier_lot: str = ""
    production_date: dt.date | None = None
    expiry_date: dt.date | None = None
    unit_cost: Decimal | None = None


class DocumentIn(Schema):
    model_config = ConfigDict(extra="forbid")

    date: dt.date | None = None
    warehouse_id: int
    note: str = ""
    reason: str | None = None
    to_warehouse_id: int | None = None
    lines: list[LineIn] = []


DocumentPatch = patch_schema(DocumentIn)


class LineOut(Schema):
    id: int
    line_no: int
    material_id: int
    lot_id: int | None
    unit_id: int
    quantity: Decimal
    base_quantity: Decimal


class DocumentOut(Schema):
    id: int
    number: str
    state: str
    version: int
    date: dt.date
    warehouse_id: int
    note: str
    reason: str | None = None
    to_warehouse_id: int | None = None
    lines: list[LineOut] = []


# --- detail and print -----------------------------------------------------------------------


def _lines_annotate(doc, lines) -> None:
    """What the line columns show: the lot the stock really carries (numbered at posting)."""
    for ln in lines:
        ln.lot_shown = ln.lot.number if ln.lot_id else getattr(ln, "lot_number", "")
        ln.expiry_shown = ln.lot.expiry_date if ln.lot_id else getattr(ln, "expiry_date", None)
        ln.base_shown = f"{ln.base_quantity.normalize():f} {ln.material.base_unit.code}"
        ln.amount = round_amount(ln.quantity * ln.unit_cost) if hasattr(ln, "unit_cost") else None


def _detail_extra(request, doc, lines) -> dict:
    kind = doc._meta.model_name
    if kind == "otherissue" and doc.state == StockDocState.DRAFT:
        _fefo_suggest(doc, lines)
    moves = moves_of_source(source_type=f"inventory.{kind}", source_id=doc.pk).select_related(
        "material", "lot", "from_location", "to_location"
    )
    return {"moves": moves}


def _fefo_suggest(doc, lines) -> None:
    """Which lots a draft issue line without a lot would take (FEFO), shown before posting."""
    for line in lines:
        if line.lot_id or not line.material.batch_managed:
            continue
        try:
            picks = lots_pick_fefo(
                material=line.material,
                quantity=line.base_quantity,
                location=line.location_id,
                on_date=doc.date,
            )
        except DomainError as exc:
            line.lot_shown = f"{_('FEFO')}: {exc.message}"
            continue
        chosen = ", ".join(f"{p.lot.number} × {p.quantity.normalize():f}" for p in picks)
        line.lot_shown = f"{_('FEFO')}: {chosen}"


MATERIAL = Column("material", _("Material"))
LOCATION = Column("location.code", _("Location"))
FROM_TO = (
    Column("from_location.code", _("From location")),
    Column("to_location.code", _("To location")),
)
LOT = Column("lot_shown", _("Lot"))
QUANTITY = (
    Column("quantity", _("Quantity"), kind="qty"),
    Column("unit.code", _("Unit")),
)
BASE = Column("base_shown", _("Quantity (base unit)"))
RECEIPT_EXTRA = (
    Column("unit_cost", _("Unit cost"), kind="amount"),
    Column("supplier_lot", _("Supplier lot")),
    Column("expiry_shown", _("Expiry date"), kind="date"),
)
LINE_RELATED = ("material", "material__base_unit", "unit", "lot")
SIGNATURES = (_("Reviewed by"), _("Warehouse keeper"))


def _sample_header(reason: str = "") -> dict:
    """An empty draft for page and API checks (tests/cross)."""
    from erp.masterdata.models import Warehouse

    warehouses = list(Warehouse.objects.order_by("pk")[:2])
    header = {"warehouse_id": warehouses[0].pk, "note": "质检"}
    if len(warehouses) > 1:
        header["to_warehouse_id"] = warehouses[-1].pk
    return {**header, "reason": reason} if reason else header


def _kit(code: str, model, line_model, slug: str, title, **options) -> DocumentKit:
    return DocumentKit(
        app="inventory",
        model=model,
        line_model=line_model,
        machine=services.KINDS[code].machine,
        number_doc_type=services.KINDS[code].number_doc_type,
        slug=slug,
        title=title,
        section=_("Warehouse"),
        create=partial(services.stock_document_create, kind=code),
        update=partial(services.stock_document_update, kind=code),
        transitions={
            "post": partial(services.stock_document_post, kind=code),
            "cancel": partial(services.stock_document_cancel, kind=code),
        },
        header_form=forms.HEADER_FORMS[code],
        line_form=forms.LINE_FORMS[code],
        list_filter=forms.document_filter(StockDocState),
        search_placeholder=_("Number or note"),
        select_related=options.pop("select_related", ("warehouse",)),
        header_columns=(
            Column("date", _("Date"), kind="date"),
            Column("warehouse", _("Warehouse")),
            *options.pop("header_columns", ()),
        ),
        line_select_related=LINE_RELATED + options.pop("line_related", ("location",)),
        line_annotate=_lines_annotate,
        detail_extra=_detail_extra,
        detail_sections=("inventory/_doc_moves.html",),
        print_signatures=SIGNATURES,
        api_in=DocumentIn,
        api_patch=DocumentPatch,
        api_out=DocumentOut,
        api_filters=("state", "warehouse_id"),
        sample_header=partial(_sample_header, options.pop("sample_reason", "")),
        **options,
    )


REASON = Column("reason", _("Reason"), sort="reason")

DOCUMENTS = [
    _kit(
        "otherreceipt",
        m.OtherReceipt,
        m.OtherReceiptLine,
        "other-receipts",
        _("Other receipts"),
        line_columns=(MATERIAL, LOCATION, LOT, *QUANTITY, BASE, *RECEIPT_EXTRA),
        print_columns=(
            MATERIAL,
            LOCATION,
            LOT,
            Column("expiry_shown", _("Expiry date"), kind="date"),
            *QUANTITY,
            Column("unit_cost", _("Unit cost"), kind="amount"),
            Column("amount", _("Amount"), kind="amount", total=True),
        ),
    ),
    _kit(
        "otherissue",
        m.OtherIssue,
        m.OtherIssueLine,
        "other-issues",
        _("Other issues"),
        list_columns=(REASON,),
        header_columns=(REASON,),
        sample_reason="other",
        line_columns=(MATERIAL, LOCATION, LOT, *QUANTITY, BASE),
    ),
    _kit(
        "transfer",
        m.Transfer,
        m.TransferLine,
        "transfers",
        _("Transfers"),
        list_columns=(Column("to_warehouse.code", _("To warehouse")),),
        select_related=("warehouse", "to_warehouse"),
        header_columns=(Column("to_warehouse", _("To warehouse")),),
        line_related=("from_location", "to_location"),
        line_columns=(MATERIAL, *FROM_TO, LOT, *QUANTITY, BASE),
    ),
    _kit(
        "scrap",
        m.Scrap,
        m.ScrapLine,
        "scraps",
        _("Scrap"),
        list_columns=(Column("reason", _("Reason")),),
        header_columns=(Column("reason", _("Reason")),),
        sample_reason="过期报废",
        line_columns=(MATERIAL, LOCATION, LOT, *QUANTITY, BASE),
    ),
]


# --- stock count ---------------------------------------------------------------------------


class CountIn(Schema):
    model_config = ConfigDict(extra="forbid")

    date: dt.date | None = None
    warehouse_id: int
    location_ids: list[int] = []
    category_ids: list[int] = []
    blind: bool = False
    tolerance_percent: Decimal = Decimal(0)
    note: str = ""


class CountLineOut(Schema):
    id: int
    line_no: int
    material_id: int
    location_id: int
    lot_id: int | None
    book_quantity: Decimal | None
    counted_quantity: Decimal | None


class CountOut(Schema):
    id: int
    number: str
    state: str
    version: int
    date: dt.date
    warehouse_id: int
    blind: bool
    tolerance_percent: Decimal
    accuracy_percent: Decimal | None
    lines_total: int
    lines_within: int
    lines: list[CountLineOut]


COUNT_FIELDS = (
    "number",
    "state",
    "version",
    "date",
    "warehouse_id",
    "blind",
    "tolerance_percent",
    "accuracy_percent",
    "lines_total",
    "lines_within",
)


def count_api_dump(actor, count: m.StockCount) -> dict:
    # A blind count (盲盘) hides book quantities from those who only count.
    show_book = count_services.count_book_visible(actor, count)
    return {
        **{f: getattr(count, f) for f in COUNT_FIELDS},
        "id": count.pk,
        "lines": [
            {
                "id": ln.pk,
                "line_no": ln.line_no,
                "material_id": ln.material_id,
                "location_id": ln.location_id,
                "lot_id": ln.lot_id,
                "book_quantity": ln.book_quantity if show_book else None,
                "counted_quantity": ln.counted_quantity,
            }
            for ln in count.lines.all()
        ],
    }


def _count_create(*, actor, header, lines):
    return count_services.stock_count_create(actor=actor, header=header)


def _count_update(*, actor, doc_id, header, lines=None, expected_version=None):
    return count_services.stock_count_update(actor=actor, count_id=doc_id, header=header)


def _count_transition(service):
    def run(*, actor, doc_id, expected_version=None):
        return service(actor=actor, count_id=doc_id, expected_version=expected_version)

    return run


STOCK_COUNT = DocumentKit(
    app="inventory",
    model=m.StockCount,
    line_model=m.StockCountLine,
    machine=count_services.MACHINE,
    number_doc_type=count_services.NUMBER_DOC_TYPE,
    slug="stock-counts",
    title=_("Stock counts"),
    section=_("Warehouse"),
    create=_count_create,
    update=_count_update,
    transitions={
        "freeze": _count_transition(count_services.stock_count_freeze),
        "post": _count_transition(count_services.stock_count_post),
        "cancel": _count_transition(count_services.stock_count_cancel),
    },
    header_form=forms.StockCountForm,
    line_form=None,  # lines are the snapshot taken at freeze, counted on the entry page
    form_title=_("Scope"),
    form_wide_fields=("locations", "categories", "note"),
    list_columns=(
        Column("warehouse.code", _("Warehouse"), sort="warehouse__code"),
        Column("blind", _("Blind"), kind="bool"),
        Column("accuracy_percent", _("Accuracy (%)"), kind="num", sort="accuracy_percent"),
    ),
    list_filter=forms.document_filter(StockCountState),
    search_placeholder=_("Number or note"),
    select_related=("warehouse",),
    header_columns=(
        Column("date", _("Date"), kind="date"),
        Column("warehouse", _("Warehouse")),
    ),
    detail_extra=count_views.count_detail_extra,
    detail_header="inventory/_count_header.html",
    detail_buttons="inventory/_count_buttons.html",
    detail_sections=("inventory/_count_lines.html",),
    print_template="inventory/print/count.html",
    print_context=count_views.count_print_context,
    print_filename=_("Stock count"),
    api_in=CountIn,
    api_out=CountOut,
    api_dump=count_api_dump,
    sample_header=lambda: {"warehouse_id": _sample_header()["warehouse_id"], "note": "质检"},
)
DOCUMENTS.append(STOCK_COUNT)

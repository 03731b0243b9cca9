"""Document-kit declarations: formula (配方) versions and production orders (生产订单).

Pages, list/export, print and REST come from erp.core.doc_kit; the rules stay in
services/formulas.py and services/orders.py. Own parts: the formula's "new version" button
and running Σ, the order's requirement/issue table, return form, moves and genealogy."""

import datetime as dt
from decimal import Decimal

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from ninja import Schema
from pydantic import ConfigDict

from erp.approvals.selectors import history_for_document, latest_request_for_document
from erp.core.doc_kit.declaration import DocumentKit
from erp.core.doc_kit.schemas import patch_schema
from erp.core.listing import Column
from erp.inventory.selectors import moves_of_source
from erp.production import calc, forms
from erp.production.models import (
    Formula,
    FormulaLine,
    ProductionOrder,
    ProductionOrderLine,
    Routing,
    RoutingOperation,
)
from erp.production.selectors import lot_parents
from erp.production.services import formulas, orders, routings
from erp.production.states import (
    FORMULA_MACHINE,
    ORDER_MACHINE,
    ROUTING_MACHINE,
    FormulaState,
    ProductionOrderState,
    RoutingState,
)

# --- formula ----------------------------------------------------------------------------------


class FormulaLineIn(Schema):
    model_config = ConfigDict(extra="forbid")

    material_id: int
    mode: str = "percentage"
    percentage: Decimal | None = None
    quantity: Decimal | None = None
    loss_pct: Decimal = Decimal(0)
    potency_attribute: str = ""
    potency_target: Decimal | None = None
    compensates: bool = False
    substitute_id: int | None = None
    substitute_ratio: Decimal | None = None


class FormulaIn(Schema):
    model_config = ConfigDict(extra="forbid")

    product_id: int
    batch_size: Decimal
    yield_pct: Decimal = Decimal(100)
    date: dt.date | None = None
    valid_to: dt.date | None = None
    note: str = ""
    lines: list[FormulaLineIn] = []


FormulaPatch = patch_schema(FormulaIn)


class FormulaLineOut(Schema):
    id: int
    line_no: int
    material_id: int
    mode: str
    percentage: Decimal
    quantity: Decimal
    loss_pct: Decimal
    potency_attribute: str
    potency_target: Decimal | None
    compensates: bool
    substitute_id: int | None
    substitute_ratio: Decimal | None


class FormulaOut(Schema):
    id: int
    number: str
    state: str
    version: int
    product_id: int
    formula_version: int
    batch_size: Decimal
    yield_pct: Decimal
    date: dt.date
    valid_to: dt.date | None
    note: str
    lines: list[FormulaLineOut]


def _formula_lines_annotate(doc, lines) -> None:
    clines = [ln.calc_line for ln in lines]
    try:
        reqs = calc.requirements(
            clines, base=doc.batch_size, quantity=doc.batch_size, yield_pct=doc.yield_pct
        )
    except calc.BalanceNegative:
        reqs = [calc.Requirement(Decimal(0), Decimal(0)) for _ln in lines]
    for ln, req in zip(lines, reqs, strict=True):
        ln.batch_quantity = req.net
        ln.issue_quantity = req.gross
        ln.share_shown = _share_shown(ln, doc, req.net)
        ln.potency_shown = (
            f"{ln.potency_attribute} {ln.potency_target.normalize():f}" if ln.is_potency else ""
        )
        ln.substitute_shown = (
            f"{ln.substitute.code} × {ln.substitute_ratio.normalize():f}" if ln.substitute else ""
        )
        ln.role_shown = _("Compensating") if ln.compensates else ""


def _share_shown(ln, doc, net) -> Decimal | None:
    if ln.mode == calc.BALANCE:
        return (net * 100 / doc.batch_size).quantize(Decimal("0.0001"))
    found = calc.share(ln.calc_line, doc.batch_size)
    return None if found is None else found.quantize(Decimal("0.0001"))


def _formula_detail_extra(request, doc, lines) -> dict:
    total = calc.bulk_total([ln.calc_line for ln in lines], doc.batch_size)
    if any(ln.mode == calc.BALANCE for ln in lines) and total <= 100:
        total = Decimal(100)
    return {
        "percent_total": total,
        "percent_ok": abs(total - 100) <= calc.TOLERANCE,
        "can_copy": request.user.has_perm("production.add_formula")
        and doc.state != FormulaState.CANCELLED,
        "approval_history": history_for_document(doc),
        "approval_request": latest_request_for_document(doc),
    }


def _formula_sample() -> dict:
    from erp.masterdata.models import Material

    product = Material.objects.order_by("pk").first()
    return {"product_id": product.pk, "batch_size": Decimal("1000"), "note": "样品"}


FORMULA = DocumentKit(
    app="production",
    model=Formula,
    line_model=FormulaLine,
    machine=FORMULA_MACHINE,
    number_doc_type=formulas.DOC_TYPE,
    slug="formulas",
    title=_("Formulas"),
    section=_("Production"),
    create=formulas.formula_create,
    update=formulas.formula_update,
    transitions={
        "submit": formulas.formula_submit,
        "release": formulas.formula_release,
        "cancel": formulas.formula_cancel,
    },
    header_form=forms.FormulaHeaderForm,
    line_form=forms.FormulaLineForm,
    form_title=_("Formula"),
    form_template="production/formula_form.html",
    list_filter=forms.state_filter(FormulaState),
    search_fields=("number", "note", "product__code", "product__name"),
    search_placeholder=_("Number, product or note"),
    select_related=("product",),
    list_columns=(
        Column("product", _("Product"), sort="product__code"),
        Column("formula_version", _("Formula version"), sort="formula_version"),
        Column("batch_size", _("Batch size"), kind="qty"),
    ),
    header_columns=(
        Column("product", _("Product")),
        Column("formula_version", _("Formula version")),
        Column("batch_size", _("Batch size"), kind="qty"),
        Column("product.base_unit.code", _("Unit")),
        Column("yield_pct", _("Expected yield %"), kind="qty"),
        Column("date", _("Effective from"), kind="date"),
        Column("valid_to", _("Effective to"), kind="date"),
    ),
    line_columns=(
        Column("material", _("Component")),
        Column("mode", _("Line mode")),
        Column("share_shown", _("Percentage"), kind="qty"),
        Column("batch_quantity", _("Quantity per batch"), kind="qty"),
        Column("loss_pct", _("Loss %"), kind="qty"),
        Column("issue_quantity", _("Issue quantity per batch"), kind="qty"),
        Column("potency_shown", _("Potency target")),
        Column("role_shown", _("Compensating line")),
        Column("substitute_shown", _("Substitute")),
    ),
    line_select_related=("material", "substitute"),
    line_annotate=_formula_lines_annotate,
    detail_extra=_formula_detail_extra,
    detail_sections=("production/_formula_total.html",),
    detail_buttons="production/_formula_buttons.html",
    print_signatures=(_("Prepared by"), _("Approved by (quality)")),
    api_in=FormulaIn,
    api_patch=FormulaPatch,
    api_out=FormulaOut,
    api_filters=("state", "product_id"),
    sample_header=_formula_sample,
)

# --- production order --------------------------------------------------------------------------


class OrderIn(Schema):
    model_config = ConfigDict(extra="forbid")

    formula_id: int | None = None
    product_id: int | None = None
    quantity: Decimal
    date: dt.date | None = None
    issue_warehouse_id: int
    output_location_id: int
    note: str = ""


OrderPatch = patch_schema(OrderIn, exclude=("product_id",))


class OutputIn(Schema):
    model_config = ConfigDict(extra="forbid")

    output_quantity: Decimal


class OrderLineOut(Schema):
    id: int
    line_no: int
    material_id: int
    mode: str
    percentage: Decimal
    net_quantity: Decimal
    loss_pct: Decimal
    required_quantity: Decimal
    potency_target: Decimal | None
    compensates: bool
    substitute_id: int | None
    issued_quantity: Decimal
    substitute_quantity: Decimal
    returned_quantity: Decimal
    issued_value: Decimal


class OrderOut(Schema):
    id: int
    number: str
    state: str
    version: int
    date: dt.date
    product_id: int
    formula_id: int
    quantity: Decimal
    issue_warehouse_id: int
    output_location_id: int
    output_quantity: Decimal | None
    output_lot_id: int | None
    actual_cost: Decimal | None
    note: str
    lines: list[OrderLineOut]


def _order_lines_annotate(doc, lines) -> None:
    for ln in lines:
        ln.potency_shown = (
            f"{ln.potency_attribute} {ln.potency_target.normalize():f}" if ln.is_potency else ""
        )
        ln.substitute_shown = (
            f"{ln.substitute.code} {ln.substitute_quantity.normalize():f}"
            if ln.substitute_quantity
            else ""
        )


def _order_detail_extra(request, doc, lines) -> dict:
    moves = moves_of_source(source_type=orders.DOC_TYPE, source_id=doc.pk).select_related(
        "material", "lot", "from_location", "to_location"
    )
    returnable = [m for m in moves if m.move_type == orders.ISSUE and doc.state == "started"]
    return {
        "moves": moves,
        "returnable": returnable
        if request.user.has_perm("production.issue_productionorder")
        else [],
        "genealogy": list(lot_parents(doc.output_lot)) if doc.output_lot_id else [],
    }


def _order_sample() -> dict:
    from erp.masterdata.models import Location, Warehouse

    formula = Formula.objects.filter(state=FormulaState.RELEASED).order_by("pk").first()
    return {
        "formula_id": formula.pk if formula else None,
        "quantity": Decimal("1000"),
        "date": timezone.localdate(),
        "issue_warehouse_id": Warehouse.objects.order_by("pk").first().pk,
        "output_location_id": Location.objects.order_by("pk").first().pk,
        "note": "样品",
    }


def _complete(*, actor, doc_id, expected_version=None, output_quantity):
    return orders.production_order_complete(
        actor=actor,
        doc_id=doc_id,
        output_quantity=output_quantity,
        expected_version=expected_version,
    )


ORDER = DocumentKit(
    app="production",
    model=ProductionOrder,
    line_model=ProductionOrderLine,
    machine=ORDER_MACHINE,
    number_doc_type=orders.DOC_TYPE,
    slug="orders",
    api_slug="production-orders",
    title=_("Production orders"),
    section=_("Production"),
    create=orders.production_order_create,
    update=orders.production_order_update,
    transitions={
        "release": orders.production_order_release,
        "issue": orders.production_order_issue,
        "complete": _complete,
        "close": orders.production_order_close,
        "cancel": orders.production_order_cancel,
    },
    transition_forms={"complete": forms.OutputForm},
    transition_in={"complete": OutputIn},
    header_form=forms.OrderHeaderForm,
    line_form=None,
    form_title=_("Production order"),
    list_filter=forms.state_filter(ProductionOrderState),
    search_fields=("number", "note", "product__code", "product__name"),
    search_placeholder=_("Number, product or note"),
    select_related=("product", "formula"),
    list_columns=(
        Column("product", _("Product"), sort="product__code"),
        Column("quantity", _("Planned quantity"), kind="qty", sort="quantity"),
        Column("output_quantity", _("Output quantity"), kind="qty"),
    ),
    header_columns=(
        Column("product", _("Product")),
        Column("formula", _("Formula")),
        Column("quantity", _("Planned quantity"), kind="qty"),
        Column("issue_warehouse", _("Issue warehouse")),
        Column("output_location", _("Output location")),
        Column("theoretical_output", _("Theoretical output"), kind="qty"),
        Column("expected_yield_pct", _("Expected yield %"), kind="qty"),
        Column("output_quantity", _("Output quantity"), kind="qty"),
        Column("yield_pct", _("Yield %"), kind="qty"),
        Column("output_lot", _("Output lot")),
        Column("actual_cost", _("Actual cost"), kind="amount"),
    ),
    line_columns=(
        Column("material", _("Component")),
        Column("mode", _("Line mode")),
        Column("percentage", _("Percentage"), kind="qty"),
        Column("net_quantity", _("Net quantity"), kind="qty"),
        Column("loss_pct", _("Loss %"), kind="qty"),
        Column("required_quantity", _("Required quantity"), kind="qty"),
        Column("potency_shown", _("Potency target")),
        Column("issued_quantity", _("Issued quantity"), kind="qty"),
        Column("substitute_shown", _("Substitute issued")),
        Column("returned_quantity", _("Returned quantity"), kind="qty"),
        Column("issued_value", _("Issued value"), kind="amount"),
    ),
    print_columns=(
        Column("material", _("Component")),
        Column("percentage", _("Percentage"), kind="qty"),
        Column("required_quantity", _("Required quantity"), kind="qty"),
        Column("potency_shown", _("Potency target")),
        Column("issued_quantity", _("Issued quantity"), kind="qty"),
        Column("issued_value", _("Issued value"), kind="amount", total=True),
    ),
    line_select_related=("material", "substitute"),
    line_annotate=_order_lines_annotate,
    detail_extra=_order_detail_extra,
    detail_sections=("production/_order_moves.html",),
    print_signatures=(
        _("Issued by"),
        _("Received by (workshop)"),
        pgettext_lazy("workshop", "Supervisor"),
    ),
    api_in=OrderIn,
    api_patch=OrderPatch,
    api_out=OrderOut,
    api_filters=("state", "product_id"),
    sample_header=_order_sample,
)


# --- routing ----------------------------------------------------------------------------------


class OperationIn(Schema):
    model_config = ConfigDict(extra="forbid")

    name: str
    work_center_id: int
    setup_hours: Decimal = Decimal(0)
    run_hours: Decimal
    instructions: str = ""


class RoutingIn(Schema):
    model_config = ConfigDict(extra="forbid")

    formula_id: int
    date: dt.date | None = None
    note: str = ""
    lines: list[OperationIn] = []


RoutingPatch = patch_schema(RoutingIn)


class OperationOut(Schema):
    id: int
    line_no: int
    name: str
    work_center_id: int
    setup_hours: Decimal
    run_hours: Decimal
    instructions: str


class RoutingOut(Schema):
    id: int
    number: str
    state: str
    version: int
    formula_id: int
    date: dt.date
    note: str
    lines: list[OperationOut]


def _routing_sample() -> dict:
    formula = Formula.objects.order_by("pk").first()
    return {"formula_id": formula.pk if formula else None, "note": "样品"}


ROUTING = DocumentKit(
    app="production",
    model=Routing,
    line_model=RoutingOperation,
    machine=ROUTING_MACHINE,
    number_doc_type=routings.DOC_TYPE,
    slug="routings",
    title=_("Routings"),
    section=_("Production"),
    create=routings.routing_create,
    update=routings.routing_update,
    transitions={"release": routings.routing_release, "cancel": routings.routing_cancel},
    header_form=forms.RoutingHeaderForm,
    line_form=forms.RoutingLineForm,
    form_title=_("Routing"),
    list_filter=forms.state_filter(RoutingState),
    search_fields=("number", "note", "formula__product__code"),
    select_related=("formula__product",),
    list_columns=(Column("formula", _("Formula")),),
    header_columns=(
        Column("formula", _("Formula")),
        Column("formula.batch_size", _("Batch size"), kind="qty"),
        Column("date", _("Effective from"), kind="date"),
    ),
    line_columns=(
        Column("name", _("Operation")),
        Column("work_center", _("Work centre")),
        Column("setup_hours", _("Setup hours"), kind="qty"),
        Column("run_hours", _("Run hours per batch"), kind="qty"),
        Column("cost", _("Labour and overhead per batch"), kind="amount"),
        Column("instructions", _("Instructions")),
    ),
    print_columns=(
        Column("name", _("Operation")),
        Column("work_center", _("Work centre")),
        Column("setup_hours", _("Setup hours"), kind="qty"),
        Column("run_hours", _("Run hours per batch"), kind="qty"),
        Column("cost", _("Labour and overhead per batch"), kind="amount", total=True),
    ),
    line_select_related=("work_center",),
    print_signatures=(_("Prepared by"), _("Approved by")),
    api_in=RoutingIn,
    api_patch=RoutingPatch,
    api_out=RoutingOut,
    api_filters=("state", "formula_id"),
    sample_header=_routing_sample,
)

DOCUMENTS = [FORMULA, ORDER, ROUTING]

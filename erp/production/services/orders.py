"""Production orders (生产订单): draft with the formula scaled to the quantity, release, material
issue (领料: FEFO over released lots, potency adjusted, substitutes when short), returns
(退料), output (完工入库) into a new quarantine lot at actual cost with its genealogy, close.

Stock goes through the inventory gate (moves_post) with the move types registered in
apps.py; the accounting listener books each posting: issue Dr 500101 / Cr 1403, return the
reverse, output Dr 1405 / Cr 500101 at the value issued less returned, so 直接材料 nets to zero
per completed order. Lock order: order row → numbering → material valuations (the gate's
first lock, taken before any FEFO pick) → lots → balances."""

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from erp.core.access import require_perm
from erp.core.errors import BusinessRuleError, ValidationFailed
from erp.core.money import round_quantity
from erp.core.services.audit import audit_record, diff, snapshot
from erp.core.services.transitions import document_transition
from erp.inventory.models import Lot, LotAttribute, LotStatusChange, StockMove
from erp.inventory.selectors import available_qty, lots_pick_fefo, usable_balances
from erp.inventory.services.lots import default_expiry
from erp.inventory.services.posting import MoveSpec, StockSource, moves_post, valuations_lock
from erp.inventory.services.retry import posting_retried
from erp.inventory.states import LotStatus
from erp.masterdata.models import Location, Material, Warehouse
from erp.production import calc
from erp.production.models import Formula, LotLink, ProductionOrder, ProductionOrderLine
from erp.production.selectors import formula_for
from erp.production.services.inputs import (
    date_in,
    decimal_in,
    field_error,
    locked,
    record_in,
    refuse_unless_draft,
    version_check,
)
from erp.production.states import ORDER_MACHINE, FormulaState, ProductionOrderState

DOC_TYPE = "production.productionorder"
ISSUE, RETURN, OUTPUT = "production_issue", "production_return", "production_output"
ZERO = Decimal(0)


def _source(order: ProductionOrder) -> StockSource:
    return StockSource(DOC_TYPE, order.pk, order.number)


# --- drafts ---------------------------------------------------------------------------------


def production_order_create(*, actor, header: dict, lines: list[dict] | None = None):
    """A draft order; its lines are the formula scaled to the quantity (`lines` is ignored:
    requirements come from the formula, never typed)."""
    require_perm(actor, "production.add_productionorder")
    with transaction.atomic():
        order = ProductionOrder(created_by=actor, state=ProductionOrderState.DRAFT)
        _apply_header(order, header)
        order.save()
        _explode(order)
        audit_record(actor=actor, action="create", obj=order, changes=_snap(order))
    return order


def production_order_update(
    *, actor, doc_id, header: dict, lines: list[dict] | None = None, expected_version=None
):
    require_perm(actor, "production.change_productionorder")
    with transaction.atomic():
        order = locked(ProductionOrder, doc_id)
        refuse_unless_draft(order, ORDER_MACHINE)
        version_check(order, expected_version)
        before = _snap(order)
        _apply_header(order, header)
        order.version += 1
        order.save()
        _explode(order)
        audit_record(actor=actor, action="update", obj=order, changes=diff(before, _snap(order)))
    return order


def _apply_header(order: ProductionOrder, header: dict) -> None:
    if "date" in header or order.date is None:
        order.date = date_in(header.get("date"), "date") or timezone.localdate()
    if "quantity" in header or order.quantity is None:
        qty = decimal_in(header.get("quantity"), "quantity")
        if qty <= 0:
            raise field_error("quantity", _("Enter a planned quantity greater than zero."))
        order.quantity = round_quantity(qty)
    if "issue_warehouse_id" in header or not order.issue_warehouse_id:
        order.issue_warehouse = record_in(
            Warehouse, header.get("issue_warehouse_id"), "issue_warehouse_id"
        )
    if "output_location_id" in header or not order.output_location_id:
        order.output_location = record_in(
            Location, header.get("output_location_id"), "output_location_id"
        )
    if "note" in header:
        order.note = (header.get("note") or "").strip()
    _formula_choose(order, header)


def _formula_choose(order: ProductionOrder, header: dict) -> None:
    """The formula named, or the product's released version effective on the order date."""
    if header.get("formula_id"):
        formula = record_in(Formula, header.get("formula_id"), "formula_id")
    elif header.get("product_id") or order.product_id:
        product = record_in(Material, header.get("product_id") or order.product_id, "product_id")
        formula = formula_for(product=product, on_date=order.date)
        if formula is None:
            raise field_error(
                "product_id",
                _("%(product)s has no released formula effective on %(date)s.")
                % {"product": product.code, "date": order.date.isoformat()},
            )
    else:
        raise field_error("formula_id", _("Choose the product or its formula."))
    _formula_check(formula, order.date)
    order.formula, order.product = formula, formula.product


def _formula_check(formula: Formula, on_date) -> None:
    if formula.state != FormulaState.RELEASED:
        raise field_error(
            "formula_id",
            _("Formula %(formula)s is not released: only a released version can be used.")
            % {"formula": str(formula)},
        )
    if formula.date > on_date or (formula.valid_to and formula.valid_to < on_date):
        raise field_error(
            "formula_id",
            _("Formula %(formula)s is not effective on %(date)s.")
            % {"formula": str(formula), "date": on_date.isoformat()},
        )


def _explode(order: ProductionOrder) -> None:
    """The requirement lines: the formula scaled to the order quantity (calc.requirements),
    net and grossed up by each line's loss."""
    formula = order.formula
    flines = list(formula.lines.select_related("material"))
    clines = [f.calc_line for f in flines]
    try:
        reqs = calc.requirements(
            clines, base=formula.batch_size, quantity=order.quantity, yield_pct=formula.yield_pct
        )
    except calc.BalanceNegative:
        raise field_error(
            "quantity",
            _("The quantity is too small for this formula: the lines round to more than it."),
        ) from None
    ProductionOrderLine.objects.filter(document=order).delete()
    ProductionOrderLine.objects.bulk_create(
        ProductionOrderLine(
            document=order,
            line_no=f.line_no,
            material_id=f.material_id,
            mode=f.mode,
            percentage=_share(cl, formula.batch_size, req.net, order.quantity),
            net_quantity=req.net,
            loss_pct=f.loss_pct,
            required_quantity=req.gross,
            potency_attribute=f.potency_attribute,
            potency_target=f.potency_target,
            compensates=f.compensates,
            substitute_id=f.substitute_id,
            substitute_ratio=f.substitute_ratio,
        )
        for f, cl, req in zip(flines, clines, reqs, strict=True)
    )


def _share(line: calc.Line, base: Decimal, net: Decimal, quantity: Decimal) -> Decimal:
    """The line's % of the batch as shown on the order; the balance line's from its rest."""
    if line.mode == calc.BALANCE:
        return (net * 100 / quantity).quantize(Decimal("0.0001"))
    found = calc.share(line, base)
    return ZERO if found is None else found.quantize(Decimal("0.0001"))


def _snap(order: ProductionOrder) -> dict:
    return snapshot(
        order,
        ["formula_id", "quantity", "date", "issue_warehouse_id", "output_location_id", "note"],
    )


# --- transitions ----------------------------------------------------------------------------


def production_order_release(*, actor, doc_id, expected_version=None):
    """Release to the workshop: numbered; the formula version is fixed from now on."""
    with transaction.atomic():
        order = locked(ProductionOrder, doc_id)
        if order.state == ProductionOrderState.DRAFT:
            _formula_check(order.formula, order.date)
        return document_transition(
            actor=actor,
            doc=order,
            machine=ORDER_MACHINE,
            name="release",
            number_doc_type=DOC_TYPE,
            on_date=order.date,
            expected_version=expected_version,
        )


def production_order_cancel(*, actor, doc_id, expected_version=None):
    with transaction.atomic():
        order = locked(ProductionOrder, doc_id)
        return document_transition(
            actor=actor,
            doc=order,
            machine=ORDER_MACHINE,
            name="cancel",
            expected_version=expected_version,
        )


def production_order_close(*, actor, doc_id, expected_version=None):
    with transaction.atomic():
        order = locked(ProductionOrder, doc_id)
        return document_transition(
            actor=actor,
            doc=order,
            machine=ORDER_MACHINE,
            name="close",
            expected_version=expected_version,
        )


@posting_retried
def production_order_issue(*, actor, doc_id, expected_version=None, on_date=None):
    """Issue every component (领料) and start the order: FEFO over released, unexpired lots of
    the issue warehouse; potency lines by the lots' attribute; the compensating line gives up
    what they took extra; a short component is completed by its substitute (× ratio).
    `on_date`: the posting date (default today)."""
    today = on_date or timezone.localdate()
    with transaction.atomic():
        order = locked(ProductionOrder, doc_id)
        order = document_transition(
            actor=actor,
            doc=order,
            machine=ORDER_MACHINE,
            name="issue",
            expected_version=expected_version,
        )
        lines = list(order.lines.select_related("material", "substitute"))
        materials = {ln.material_id for ln in lines} | {
            ln.substitute_id for ln in lines if ln.substitute_id
        }
        valuations_lock(material_ids=materials)  # picks stay true until moves_post
        picks = issue_plan(order, lines, on_date=today)
        locations = Location.objects.select_related("warehouse").in_bulk(
            {p.location_id for p in picks}
        )
        specs = [
            MoveSpec(
                material=p.material,
                quantity=p.quantity,
                move_type=ISSUE,
                from_location=locations[p.location_id],
                lot=p.lot,
                source_line_id=str(p.line.pk),
            )
            for p in picks
        ]
        moves = moves_post(actor=actor, specs=specs, posting_date=today, source=_source(order))
        _issued_record(lines, moves)
    return order


@dataclass(frozen=True)
class Pick:
    line: ProductionOrderLine
    material: Material
    lot: Lot | None
    location_id: int
    quantity: Decimal


def issue_plan(order, lines, *, on_date) -> list[Pick]:
    """Which lots and quantities the issue takes, line by line (no writes): potency lines
    first, then the others with the balance or compensating line reduced by the net extra
    the potency lines took (calc.after_potency)."""
    picks: list[Pick] = []
    taken: dict[int, Decimal] = {}
    for i, line in enumerate(lines):
        if line.is_potency:
            found = _potency_picks(order, line, on_date)
            picks += found
            taken[i] = sum((p.quantity for p in found), ZERO)
    reqs = [calc.Requirement(ln.net_quantity, ln.required_quantity) for ln in lines]
    try:
        needs = calc.after_potency([ln.calc_line for ln in lines], reqs, taken)
    except calc.BalanceNegative as exc:
        raise _compensation_negative(lines, exc) from None
    for i, line in enumerate(lines):
        if not line.is_potency and needs[i] > 0:
            picks += _picks_with_substitute(order, line, needs[i], on_date)
    return picks


def _compensation_negative(lines, exc: calc.BalanceNegative) -> BusinessRuleError:
    comp = lines[exc.index]
    return BusinessRuleError(
        _(
            "The potency lines (%(potency)s) need %(extra)s more than planned, more than the "
            "balance or compensating line %(comp)s holds (%(held)s): use lots with a higher "
            "potency."
        )
        % {
            "potency": ", ".join(lines[i].material.code for i in exc.others),
            "extra": f"{(comp.net_quantity + exc.short).normalize():f}",
            "comp": comp.material.code,
            "held": f"{comp.net_quantity.normalize():f}",
        },
        code="compensation_negative",
    )


def _potency_picks(order, line, on_date) -> list[Pick]:
    balances = list(
        usable_balances(material=line.material, warehouse=order.issue_warehouse, on_date=on_date)
        .filter(on_hand__gt=F("reserved"))
        .select_related("lot")
        .order_by(
            F("lot__expiry_date").asc(nulls_last=True),
            F("lot__production_date").asc(nulls_last=True),
            "lot__number",
            "location_id",
        )
    )
    values = _lot_values(line, [b.lot for b in balances if b.lot_id])
    offers = [
        calc.LotOffer(b, b.on_hand - b.reserved, values[b.lot_id])
        for b in balances
        if b.lot_id in values
    ]
    takes = calc.potency_takes(line.required_quantity, line.potency_target, offers)
    if not takes or calc.potency_short(
        line.required_quantity, line.potency_target, takes, {o.key: o.value for o in offers}
    ):
        raise BusinessRuleError(
            _(
                "Not enough released stock of %(material)s in %(warehouse)s for %(qty)s at "
                "potency %(target)s."
            )
            % {
                "material": line.material.code,
                "warehouse": order.issue_warehouse.code,
                "qty": f"{line.required_quantity.normalize():f}",
                "target": f"{line.potency_target.normalize():f}",
            },
            code="not_enough_available",
        )
    return [Pick(line, line.material, t.key.lot, t.key.location_id, t.quantity) for t in takes]


def _lot_values(line, lots) -> dict[int, Decimal]:
    """The potency attribute of each lot; a lot without it is refused, naming it."""
    if not lots:
        return {}
    values = dict(
        LotAttribute.objects.filter(
            lot_id__in={lot.pk for lot in lots}, name=line.potency_attribute
        ).values_list("lot_id", "value_decimal")
    )
    for lot in lots:
        value = values.get(lot.pk)
        if value is None or value <= 0:
            raise BusinessRuleError(
                _(
                    "Lot %(lot)s of %(material)s has no %(attribute)s value: quality must "
                    "record it before the lot can be issued to a potency line."
                )
                % {
                    "lot": lot.number,
                    "material": line.material.code,
                    "attribute": line.potency_attribute,
                },
                code="potency_value_missing",
            )
    return values


def _picks_with_substitute(order, line, need, on_date) -> list[Pick]:
    primary = need
    if line.substitute_id:
        available = available_qty(
            material=line.material, warehouse=order.issue_warehouse, on_date=on_date
        )
        primary = min(need, max(available, ZERO))
    picks = []
    if primary > 0:
        picks += _fefo(order, line, line.material, primary, on_date)
    if primary < need:
        sub_qty = round_quantity((need - primary) * line.substitute_ratio)
        picks += _fefo(order, line, line.substitute, sub_qty, on_date)
    return picks


def _fefo(order, line, material, qty, on_date) -> list[Pick]:
    found = lots_pick_fefo(
        material=material, quantity=qty, warehouse=order.issue_warehouse, on_date=on_date
    )
    return [Pick(line, material, p.lot, p.location_id, p.quantity) for p in found]


def _issued_record(lines, moves) -> None:
    by_line = {str(ln.pk): ln for ln in lines}
    for move in moves:
        line = by_line[move.source_line_id]
        if move.material_id == line.material_id:
            line.issued_quantity += move.quantity
        else:
            line.substitute_quantity += move.quantity
        line.issued_value += move.value
    ProductionOrderLine.objects.bulk_update(
        lines, ["issued_quantity", "substitute_quantity", "issued_value"]
    )


# --- return and output ------------------------------------------------------------------------


@posting_retried
def production_order_return(*, actor, doc_id, move_id, quantity, on_date=None):
    """Return unused material (退料) of one issue move: back to the lot and location it came
    from, valued at the material's current average; the order's cost drops by that value."""
    require_perm(actor, "production.issue_productionorder")
    today = on_date or timezone.localdate()
    qty = round_quantity(decimal_in(quantity, "quantity"))
    if qty <= 0:
        raise field_error("quantity", _("Enter a quantity greater than zero."))
    with transaction.atomic():
        order = locked(ProductionOrder, doc_id)
        if order.state != ProductionOrderState.STARTED:
            raise BusinessRuleError(
                _("Material can be returned only while the order is started."),
                code="invalid_transition",
            )
        issue = _issue_move(order, move_id)
        _return_limit(order, issue, qty)
        line = ProductionOrderLine.objects.select_for_update().get(
            pk=int(issue.source_line_id), document=order
        )
        moves = moves_post(
            actor=actor,
            specs=[
                MoveSpec(
                    material=issue.material,
                    quantity=qty,
                    move_type=RETURN,
                    to_location=issue.from_location,
                    lot=issue.lot,
                    source_line_id=issue.source_line_id,
                )
            ],
            posting_date=today,
            source=_source(order),
        )
        line.returned_quantity += qty
        line.issued_value -= moves[0].value
        line.save(update_fields=["returned_quantity", "issued_value"])
        audit_record(
            actor=actor,
            action="return",
            obj=order,
            changes={"returned": [None, f"{issue.material.code}:{qty}"]},
        )
    return order


def _issue_move(order, move_id) -> StockMove:
    try:
        return StockMove.objects.select_related("material", "lot", "from_location").get(
            pk=move_id, source_type=DOC_TYPE, source_id=str(order.pk), move_type=ISSUE
        )
    except (StockMove.DoesNotExist, ValueError, TypeError):
        raise field_error("move_id", _("Choose an issued lot of this order.")) from None


def _return_limit(order, issue: StockMove, qty: Decimal) -> None:
    returned = sum(
        StockMove.objects.filter(
            source_type=DOC_TYPE,
            source_id=str(order.pk),
            move_type=RETURN,
            material_id=issue.material_id,
            lot_id=issue.lot_id,
            to_location_id=issue.from_location_id,
        ).values_list("quantity", flat=True),
        ZERO,
    )
    if qty > issue.quantity - returned:
        raise field_error(
            "quantity",
            _("At most %(left)s of %(material)s can still be returned.")
            % {"left": f"{(issue.quantity - returned).normalize():f}", "material": issue.material},
        )


@posting_retried
def production_order_complete(
    *, actor, doc_id, output_quantity, expected_version=None, on_date=None
):
    """Report the output (完工入库): a new lot numbered as the order, in quarantine (待检) until
    quality releases it, valued at the actual material cost (issued less returned); the
    genealogy links every input lot to it in the same transaction."""
    qty = round_quantity(decimal_in(output_quantity, "output_quantity"))
    if qty <= 0:
        raise field_error("output_quantity", _("Enter the output quantity (greater than zero)."))
    today = on_date or timezone.localdate()
    with transaction.atomic():
        order = locked(ProductionOrder, doc_id)
        order = document_transition(
            actor=actor,
            doc=order,
            machine=ORDER_MACHINE,
            name="complete",
            expected_version=expected_version,
        )
        cost = material_cost(order)
        lot = _output_lot(actor, order, today) if order.product.batch_managed else None
        moves_post(
            actor=actor,
            specs=[
                MoveSpec(
                    material=order.product,
                    quantity=qty,
                    move_type=OUTPUT,
                    to_location=order.output_location,
                    lot=lot,
                    value=cost,
                )
            ],
            posting_date=today,
            source=_source(order),
        )
        if lot is not None:
            _genealogy_write(order, lot)
        order.output_quantity, order.output_lot, order.actual_cost = qty, lot, cost
        order.save(update_fields=["output_quantity", "output_lot", "actual_cost"])
    return order


def material_cost(order) -> Decimal:
    """Value issued to the order less value returned, from the stock ledger."""
    moves = StockMove.objects.filter(source_type=DOC_TYPE, source_id=str(order.pk))
    issued = sum(moves.filter(move_type=ISSUE).values_list("value", flat=True), ZERO)
    returned = sum(moves.filter(move_type=RETURN).values_list("value", flat=True), ZERO)
    return issued - returned


def _output_lot(actor, order, today) -> Lot:
    number = order.number
    if Lot.objects.filter(material=order.product, number=number).exists():
        raise ValidationFailed(
            _("Lot %(lot)s of %(product)s exists already.")
            % {"lot": number, "product": order.product.code},
            code="lot_exists",
        )
    lot = Lot.objects.create(
        material=order.product,
        number=number,
        production_date=today,
        expiry_date=default_expiry(order.product, today, today),
        status=LotStatus.QUARANTINE,
    )
    LotStatusChange.objects.create(
        lot=lot, from_status="", to_status=lot.status, reason=OUTPUT, actor=actor
    )
    return lot


def net_input_lots(order) -> dict[int, Decimal]:
    """Quantity per input lot that stayed in the order: issued less returned."""
    net: dict[int, Decimal] = defaultdict(Decimal)
    rows = StockMove.objects.filter(
        source_type=DOC_TYPE,
        source_id=str(order.pk),
        move_type__in=(ISSUE, RETURN),
        lot__isnull=False,
    ).values_list("lot_id", "move_type", "quantity")
    for lot_id, move_type, quantity in rows:
        net[lot_id] += quantity if move_type == ISSUE else -quantity
    return {k: v for k, v in net.items() if v > 0}


def _genealogy_write(order, lot) -> None:
    LotLink.objects.bulk_create(
        LotLink(parent_id=parent, child=lot, quantity=qty, order=order)
        for parent, qty in sorted(net_input_lots(order).items())
    )

"""A 2,000 kg coating batch end to end, computed by hand.

Formula (per 1,000 kg): resin 40 % potency (assay, target 98), pigment 20 % (substitute
RM-PIGMENT-B × 1.05), filler 10 %, solvent 30 % compensating. Order 2,000 kg →
required resin 800, pigment 400, filler 200, solvent 600.

Stock (all at A-01): resin R1 500 kg assay 100 (expires first) and R2 1,000 kg assay 98,
both at ¥20; pigment P1 300 kg at ¥10; pigment-B PB1 500 kg at ¥12; filler F1 300 kg at ¥5
and FQ (quarantine) 500 kg; solvent 1,000 kg (no lots) at ¥8.

Issue:
- resin: 800 × 98 = 78,400 kg·%; R1 gives 500 × 100 = 50,000; the rest 28,400 / 98 =
  289.7959 kg from R2 → 789.7959 kg, 10.2041 kg less than planned;
  value 500 × 20 + round(289.7959 × 20) = 10,000.00 + 5,795.92 = 15,795.92
- pigment: only 300 kg → 300 × 10 = 3,000.00; the 100 kg short come from the substitute:
  100 × 1.05 = 105 kg × 12 = 1,260.00
- filler: 200 kg of F1 (FQ is quarantined, never picked) × 5 = 1,000.00
- solvent (compensating): 600 + 10.2041 = 610.2041 kg × 8 = 4,881.6328 → 4,881.63
  Σ quantities 789.7959 + 400 + 200 + 610.2041 = 2,000 (the substitute replaces 100 kg)
  Σ value 15,795.92 + 3,000 + 1,260 + 1,000 + 4,881.63 = 25,937.55
Return 50 kg of filler F1 at its average ¥5 = 250.00 → actual cost 25,687.55.
Output 1,956 kg (yield 97.80 %) into lot = order number, 待检, value 25,687.55.
500101: Dr 25,937.55 − Cr 250.00 − Cr 25,687.55 = 0.
"""

from decimal import Decimal

import pytest
from django.db.models import Sum

from erp.accounting.models import VoucherLine
from erp.core.errors import BusinessRuleError, PermissionDenied, ValidationFailed
from erp.inventory.models import StockBalance, StockMove
from erp.production.selectors import lot_children, lot_parents
from erp.production.services import orders as svc
from erp.production.services.formulas import formula_copy, formula_release

pytestmark = pytest.mark.django_db
D = Decimal


def _account(code: str) -> Decimal:
    sums = VoucherLine.objects.filter(account__code=code).aggregate(d=Sum("debit"), c=Sum("credit"))
    return (sums["d"] or 0) - (sums["c"] or 0)


def _lines(order):
    return {ln.material.code: ln for ln in order.lines.select_related("material")}


def test_batch_issue_output_cost_and_genealogy(
    books, plant, stock, coating_formula, new_order, planner, keeper, supervisor
):
    order = new_order(coating_formula)
    assert {c: ln.required_quantity for c, ln in _lines(order).items()} == {
        "RM-RESIN": D("800"),
        "RM-PIGMENT": D("400"),
        "RM-FILLER": D("200"),
        "RM-SOLVENT": D("600"),
    }
    svc.production_order_release(actor=planner, doc_id=order.pk)
    with pytest.raises(PermissionDenied):
        svc.production_order_issue(actor=supervisor, doc_id=order.pk)
    svc.production_order_issue(actor=keeper, doc_id=order.pk)

    lines = _lines(order)
    assert lines["RM-RESIN"].issued_quantity == D("789.7959")
    assert lines["RM-RESIN"].issued_value == D("15795.92")
    assert lines["RM-PIGMENT"].issued_quantity == D("300")
    assert lines["RM-PIGMENT"].substitute_quantity == D("105")
    assert lines["RM-PIGMENT"].issued_value == D("4260.00")
    assert lines["RM-FILLER"].issued_quantity == D("200")
    assert lines["RM-SOLVENT"].issued_quantity == D("610.2041")
    assert lines["RM-SOLVENT"].issued_value == D("4881.63")
    assert svc.material_cost(order) == D("25937.55")
    picked = StockMove.objects.filter(source_type=svc.DOC_TYPE, material=plant["filler"])
    assert {m.lot.number for m in picked} == {"F1"}  # FQ is in quarantine

    issue_f1 = picked.get()
    svc.production_order_return(actor=keeper, doc_id=order.pk, move_id=issue_f1.pk, quantity="50")
    assert svc.material_cost(order) == D("25687.55")
    assert StockBalance.objects.get(lot=stock["f1"]).on_hand == D("150")  # 300 − 200 + 50

    done = svc.production_order_complete(
        actor=supervisor, doc_id=order.pk, output_quantity=D("1956")
    )
    assert done.state == "completed" and done.yield_pct == D("97.80")
    assert done.actual_cost == D("25687.55")
    lot = done.output_lot
    assert lot.number == done.number and lot.status == "quarantine"
    assert StockBalance.objects.get(lot=lot).value == D("25687.55")

    assert _account("500101") == 0
    assert _account("1405") == D("25687.55")
    # 1403: receipts 10,000 + 20,000 + 3,000 + 6,000 + 1,500 + 2,500 + 8,000 = 51,000,
    # less the issue 25,937.55, plus the return 250 = 25,312.45
    assert _account("1403") == D("25312.45")

    parents = {(ln.parent.number, ln.quantity) for ln in lot_parents(lot)}
    assert parents == {
        ("R1", D("500")),
        ("R2", D("289.7959")),
        ("P1", D("300")),
        ("PB1", D("105")),
        ("F1", D("150")),  # 200 issued − 50 returned
    }
    assert [ln.child.number for ln in lot_children(stock["r2"])] == [lot.number]
    svc.production_order_close(actor=planner, doc_id=order.pk)


def test_potency_too_low_for_the_compensating_line_is_refused(
    plant, receive, new_order, planner, keeper, qm
):
    from erp.production.services.formulas import formula_create

    from .conftest import line

    p = plant
    # resin 90 % at target 98 and solvent 10 % compensating, 100 kg: resin 90, solvent 10.
    # Lot assay 80: resin 90 × 98 / 80 = 110.25 kg, 20.25 more — the solvent holds only 10.
    formula = formula_create(
        actor=planner,
        header={"product_id": p["paint"].pk, "batch_size": D("100")},
        lines=[
            line(p["resin"], "90", potency_attribute="assay", potency_target=D("98")),
            line(p["solvent"], "10", compensates=True),
        ],
    )
    formula_release(actor=qm, doc_id=formula.pk)
    receive(p["resin"], "500", "20", lot="LOW", assay="80")
    receive(p["solvent"], "100", "8")
    order = new_order(formula, "100")
    svc.production_order_release(actor=planner, doc_id=order.pk)
    with pytest.raises(BusinessRuleError) as exc:
        svc.production_order_issue(actor=keeper, doc_id=order.pk)
    assert exc.value.code == "compensation_negative"
    assert "RM-RESIN" in str(exc.value.message) and "RM-SOLVENT" in str(exc.value.message)
    order.refresh_from_db()
    assert order.state == "released" and not StockMove.objects.filter(
        source_type=svc.DOC_TYPE, source_id=str(order.pk)
    )


def test_lot_without_potency_value_is_named(
    plant, receive, coating_formula, new_order, planner, keeper
):
    receive(plant["resin"], "1000", "20", lot="NOVAL")
    order = new_order(coating_formula)
    svc.production_order_release(actor=planner, doc_id=order.pk)
    with pytest.raises(BusinessRuleError, match="Lot NOVAL of RM-RESIN has no assay value"):
        svc.production_order_issue(actor=keeper, doc_id=order.pk)


def test_order_needs_a_released_formula_and_keeps_its_version(
    plant, coating_formula, new_order, planner, qm
):
    draft_v2 = formula_copy(actor=planner, doc_id=coating_formula.pk)
    with pytest.raises(ValidationFailed, match="is not released"):
        new_order(draft_v2)
    order = new_order(coating_formula)
    svc.production_order_release(actor=planner, doc_id=order.pk)
    formula_release(actor=qm, doc_id=draft_v2.pk)  # supersedes V1
    order.refresh_from_db()
    assert order.formula_id == coating_formula.pk and order.state == "released"
    # A new order for the product picks V2 by date.
    by_product = svc.production_order_create(
        actor=planner,
        header={
            "product_id": plant["paint"].pk,
            "quantity": "500",
            "issue_warehouse_id": plant["raw"].pk,
            "output_location_id": plant["c"].pk,
        },
    )
    assert by_product.formula_id == draft_v2.pk


def test_integrity_check_sees_completed_orders_balanced(
    plant, stock, coating_formula, new_order, planner, keeper, supervisor
):
    from erp.production.integrity import production_orders_balanced

    order = new_order(coating_formula)
    svc.production_order_release(actor=planner, doc_id=order.pk)
    svc.production_order_issue(actor=keeper, doc_id=order.pk)
    svc.production_order_complete(actor=supervisor, doc_id=order.pk, output_quantity="1950")
    assert production_orders_balanced() == []

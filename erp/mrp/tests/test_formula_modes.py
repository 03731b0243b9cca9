"""MRP explodes a formula with the production order's arithmetic (erp.production.calc): line
modes, loss and the formula's expected yield. Quantities by hand in the docstring."""

from datetime import date, timedelta
from decimal import Decimal as D

from erp.mrp.services import engine
from erp.mrp.services.engine import Demand, Facts, FormulaVersion, Params
from erp.production import calc

TODAY = date(2026, 3, 2)
FG, SEMI, RM, PACK = 1, 2, 3, 4


def test_explosion_follows_modes_loss_and_yield():
    """1,000 FG at the formula's 80 % yield → a batch of 1,250. SEMI 300 per 1,000 base
    (absolute) = 375 net, 2 % loss → 375 ÷ 0.98 = 382.6531 (rounded up); RM the balance
    1,250 − 375 = 875; PACK 0.05 per unit of output × 1,000 = 50. SEMI (100 % RM) adds
    382.6531 of RM: RM 1,257.6531 in all."""
    p = {
        FG: Params(FG, "FG", True, lead_time_days=2),
        SEMI: Params(SEMI, "SEMI", True, lead_time_days=1),
        RM: Params(RM, "RM", False),
        PACK: Params(PACK, "PACK", False),
    }
    formulas = [
        FormulaVersion(
            10,
            FG,
            1,
            date(2026, 1, 1),
            None,
            (
                (SEMI, calc.Line(calc.ABSOLUTE, D(300), D(2))),
                (RM, calc.Line(calc.BALANCE, D(0))),
                (PACK, calc.Line(calc.PACKAGING, D("0.05"))),
            ),
            batch_size=D(1000),
            yield_pct=D(80),
        ),
        FormulaVersion(11, SEMI, 1, date(2026, 1, 1), None, ((RM, D(100)),)),
    ]
    demand = Demand(FG, TODAY + timedelta(days=20), D(1000), "sales", "sales.salesorder", 1, "SO1")
    result = engine.run(Facts(TODAY, p, formulas, [demand], [], []))
    planned: dict[int, D] = {}
    for x in result.planned:  # RM is planned twice: for FG's batch and for SEMI's
        planned[x.material_id] = planned.get(x.material_id, D(0)) + x.quantity
    assert planned == {FG: D(1000), SEMI: D("382.6531"), RM: D("1257.6531"), PACK: D(50)}

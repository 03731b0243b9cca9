"""Two orders issuing the last released lot at once (PostgreSQL row locks; SQLite serialises
writers and select_for_update is a no-op there): one wins, the other is refused and
writes nothing."""

from decimal import Decimal

import pytest

from erp.core.errors import DomainError
from erp.inventory.models import StockBalance, StockMove
from erp.production.services import orders as svc
from erp.production.services.formulas import formula_create, formula_release
from tests.threads import run_parallel

from .conftest import line

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_two_orders_race_for_the_last_lot(plant, receive, new_order, planner, keeper, qm):
    p = plant
    # 100 kg batch: resin 60 %, solvent 40 % compensating → 60 kg resin per order; one lot
    # of 100 kg resin can serve only one of the two orders.
    formula = formula_create(
        actor=planner,
        header={"product_id": p["paint"].pk, "batch_size": Decimal("100")},
        lines=[line(p["resin"], "60"), line(p["solvent"], "40", compensates=True)],
    )
    formula_release(actor=qm, doc_id=formula.pk)
    lot = receive(p["resin"], "100", "20", lot="LAST")
    receive(p["solvent"], "1000", "8")
    ids = []
    for _i in range(2):
        order = new_order(formula, "100")
        svc.production_order_release(actor=planner, doc_id=order.pk)
        ids.append(order.pk)

    results = run_parallel(2, lambda i: svc.production_order_issue(actor=keeper, doc_id=ids[i]))

    failed = [r for r in results if isinstance(r, Exception)]
    assert len(failed) == 1 and isinstance(failed[0], DomainError)
    assert failed[0].code in ("not_enough_available", "insufficient_stock")
    assert StockBalance.objects.get(lot=lot).on_hand == Decimal("40")  # 100 − 60
    states = sorted(svc.ProductionOrder.objects.filter(pk__in=ids).values_list("state", flat=True))
    assert states == ["released", "started"]
    loser = next(pk for pk in ids if svc.ProductionOrder.objects.get(pk=pk).state == "released")
    assert not StockMove.objects.filter(source_type=svc.DOC_TYPE, source_id=str(loser)).exists()

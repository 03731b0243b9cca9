"""Adversarial "Stock subledger = GL": any sequence of receipts, issues, transfers (inside and
between valuation groups), scrap and counts, posted through the DOCUMENT services, keeps the
stock value of every inventory account equal to its GL balance, every voucher balanced and
the trial balance at zero."""

from decimal import Decimal as D

import pytest
from django.db import transaction
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule

from erp.accounting.integrity import period_balances, stock_equals_gl, vouchers_balanced
from erp.accounting.models import Period
from erp.accounting.selectors import trial_balance
from erp.core.errors import BusinessRuleError
from erp.inventory.integrity import stock_ledger_differences
from erp.inventory.models import StockBalance
from erp.inventory.services.counts import (
    stock_count_create,
    stock_count_enter,
    stock_count_freeze,
    stock_count_post,
)

from .test_stock_wiring import TODAY, keeper, plant, post_doc, rules  # noqa: F401

QTY = st.integers(min_value=1, max_value=20).map(D)
COST = st.sampled_from([D("1"), D("2.5"), D("0.333333"), D("7.77")])


@pytest.mark.django_db
def test_stock_value_equals_gl_after_any_document_sequence(rules, keeper, plant):  # noqa: F811
    materials = ["resin", "paint"]
    locations = ["a", "b", "c"]
    warehouse_of = {"a": "wh1", "b": "wh1", "c": "wh2"}

    def line(material, loc, qty, **extra):
        return {"material_id": plant[material].pk, "location_id": plant[loc].pk, "quantity": qty}

    class Books(RuleBasedStateMachine):
        """Each example starts from the fixtures' data: its writes roll back at teardown, so
        examples do not see each other's documents (and a replayed example is the same)."""

        def __init__(self):
            super().__init__()
            self.savepoint = transaction.atomic()
            self.savepoint.__enter__()

        def teardown(self):
            transaction.set_rollback(True)
            self.savepoint.__exit__(None, None, None)

        @rule(m=st.sampled_from(materials), loc=st.sampled_from(locations), q=QTY, cost=COST)
        def receive(self, m, loc, q, cost):
            post_doc(
                keeper,
                "otherreceipt",
                plant,
                [{**line(m, loc, q), "unit_cost": cost}],
                warehouse=warehouse_of[loc],
            )

        @rule(m=st.sampled_from(materials), loc=st.sampled_from(locations), q=QTY)
        def issue(self, m, loc, q):
            try:
                post_doc(
                    keeper,
                    "otherissue",
                    plant,
                    [line(m, loc, q)],
                    warehouse=warehouse_of[loc],
                    reason="rnd",
                )
            except BusinessRuleError:
                pass  # not enough stock

        @rule(m=st.sampled_from(materials), loc=st.sampled_from(locations), q=QTY)
        def scrap(self, m, loc, q):
            try:
                post_doc(
                    keeper,
                    "scrap",
                    plant,
                    [line(m, loc, q)],
                    warehouse=warehouse_of[loc],
                    reason="破损",
                )
            except BusinessRuleError:
                pass

        @rule(data=st.data(), q=QTY)
        def transfer(self, data, q):
            bal = data.draw(
                st.sampled_from(list(StockBalance.objects.filter(on_hand__gt=0)) or [None])
            )
            if bal is None:
                return
            origin = next(k for k in locations if plant[k].pk == bal.location_id)
            dest = data.draw(st.sampled_from([k for k in locations if k != origin]))
            post_doc(
                keeper,
                "transfer",
                plant,
                [
                    {
                        "material_id": bal.material_id,
                        "from_location_id": bal.location_id,
                        "to_location_id": plant[dest].pk,
                        "quantity": min(q, bal.on_hand),
                    }
                ],
                warehouse=warehouse_of[origin],
                to_warehouse_id=plant[warehouse_of[dest]].pk,
            )

        @rule(wh=st.sampled_from(["wh1", "wh2"]), data=st.data())
        def count(self, wh, data):
            count = stock_count_create(
                actor=keeper, header={"date": TODAY, "warehouse_id": plant[wh].pk}
            )
            count = stock_count_freeze(actor=keeper, count_id=count.pk)
            counted = {
                ln.pk: data.draw(st.integers(min_value=0, max_value=25).map(str))
                for ln in count.lines.all()
            }
            if counted:
                stock_count_enter(actor=keeper, count_id=count.pk, counts=counted)
            stock_count_post(actor=keeper, count_id=count.pk)

        @invariant()
        def stock_equals_the_books(self):
            assert stock_equals_gl() == []
            assert vouchers_balanced() == []
            assert period_balances() == []

        @invariant()
        def trial_balance_at_zero(self):
            period = Period.objects.get(start__lte=TODAY, end__gte=TODAY)
            assert trial_balance(period).balanced

    Books.TestCase.settings = settings(
        max_examples=8,
        stateful_step_count=12,
        deadline=None,
        suppress_health_check=list(HealthCheck),
    )
    Books.TestCase().runTest()
    assert stock_ledger_differences() == []

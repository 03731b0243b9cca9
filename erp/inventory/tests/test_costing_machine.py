"""Hypothesis state machine for the one costing unit (issue #10.1): receive at random costs,
issue FEFO, transfer between bins, count, reverse a document — after every step:
Σ outflow values + remaining valuation value = Σ inflow values exactly (per material), every
balance is worth round(on hand × average), nothing is negative, nothing is worth anything at
zero quantity. Each example runs in a savepoint that is rolled back, so examples start from
the same empty plant."""

from decimal import Decimal as D

import pytest
from django.db import transaction
from django.db.models import Sum
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule

from erp.core.errors import BusinessRuleError, Conflict
from erp.core.money import round_amount
from erp.inventory.integrity import stock_ledger_differences
from erp.inventory.models import MaterialValuation, StockBalance, StockMove
from erp.inventory.services import (
    CountLine,
    IssueLine,
    ReceiptLine,
    StockSource,
    TransferLine,
    stock_count_adjust,
    stock_issue,
    stock_receive,
    stock_reverse,
    stock_transfer,
)

from .conftest import TODAY

QTY = st.integers(min_value=1, max_value=40).map(D)
COST = st.one_of(
    st.decimals(min_value=D("0.01"), max_value=D("99.99"), places=2),
    st.sampled_from([D("0.333333"), D("1.428571"), D("7.77"), D("0")]),
)


def _boundary_sums(material_id: int) -> tuple[D, D]:
    moves = StockMove.objects.filter(material_id=material_id)
    inflow = moves.filter(from_location__isnull=True).aggregate(v=Sum("value"))["v"] or D(0)
    outflow = moves.filter(to_location__isnull=True).aggregate(v=Sum("value"))["v"] or D(0)
    return round_amount(inflow), round_amount(outflow)


@pytest.mark.django_db
def test_costing_state_machine(plant, keeper):
    locations = [plant["a"], plant["b"], plant["c"]]
    materials = [plant["resin"], plant["bag"]]
    seq = iter(range(1, 10**7))

    class Costing(RuleBasedStateMachine):
        def __init__(self):
            super().__init__()
            self.savepoint = transaction.atomic()
            self.savepoint.__enter__()
            self.sources: list[StockSource] = []

        def teardown(self):
            transaction.set_rollback(True)
            self.savepoint.__exit__(None, None, None)

        def _post(self, fn, **kw):
            source = StockSource("costing", next(seq))
            try:
                fn(actor=keeper, posting_date=TODAY, source=source, **kw)
            except BusinessRuleError:
                return
            self.sources.append(source)

        @rule(
            m=st.sampled_from(materials),
            loc=st.sampled_from(locations),
            q=QTY,
            cost=COST,
            lot=st.sampled_from(["L1", "L2", "L3"]),
        )
        def receive(self, m, loc, q, cost, lot):
            line = ReceiptLine(m.pk, loc.pk, q, cost, lot_number=lot if m.batch_managed else "")
            self._post(stock_receive, lines=[line])

        @rule(m=st.sampled_from(materials), loc=st.sampled_from(locations), q=QTY)
        def issue_fefo(self, m, loc, q):
            self._post(stock_issue, lines=[IssueLine(m.pk, loc.pk, q)])

        @rule(data=st.data(), q=QTY)
        def transfer(self, data, q):
            in_stock = list(StockBalance.objects.filter(on_hand__gt=0).order_by("pk"))
            if not in_stock:
                return
            bal = data.draw(st.sampled_from(in_stock))
            dest = data.draw(st.sampled_from([x for x in locations if x.pk != bal.location_id]))
            line = TransferLine(
                bal.material_id, bal.location_id, dest.pk, min(q, bal.on_hand), bal.lot_id
            )
            self._post(stock_transfer, lines=[line])

        @rule(data=st.data(), counted=st.integers(min_value=0, max_value=40).map(D))
        def count(self, data, counted):
            balances = list(StockBalance.objects.order_by("pk"))
            if not balances:
                return
            bal = data.draw(st.sampled_from(balances))
            line = CountLine(bal.material_id, bal.location_id, counted, bal.lot_id)
            self._post(stock_count_adjust, lines=[line])

        @rule(data=st.data())
        def reverse(self, data):
            if not self.sources:
                return
            source = data.draw(st.sampled_from(self.sources))
            try:
                stock_reverse(actor=keeper, source=source, reason="hypothesis")
            except (BusinessRuleError, Conflict):
                pass  # already reversed, or later outflows used the stock

        @invariant()
        def outflows_plus_remaining_equal_inflows(self):
            for v in MaterialValuation.objects.all():
                inflow, outflow = _boundary_sums(v.material_id)
                assert outflow + v.value == inflow, (v.material_id, inflow, outflow, v.value)
                assert v.value >= 0
                assert v.quantity > 0 or v.value == 0

        @invariant()
        def every_balance_is_worth_its_quantity_at_the_average(self):
            averages = dict(MaterialValuation.objects.values_list("material_id", "unit_cost"))
            for b in StockBalance.objects.all():
                assert b.value == round_amount(b.on_hand * averages[b.material_id]), b
                assert b.value >= 0
                assert b.on_hand > 0 or b.value == 0

        @invariant()
        def moves_never_negative_and_ledger_agrees(self):
            assert not StockMove.objects.filter(value__lt=0).exists()
            assert stock_ledger_differences() == []

    Costing.TestCase.settings = settings(
        max_examples=30,
        stateful_step_count=15,
        deadline=None,
        suppress_health_check=list(HealthCheck),
    )
    Costing.TestCase().runTest()

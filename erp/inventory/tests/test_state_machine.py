"""Hypothesis state machine: any sequence of receive, issue, transfer, count and status change
keeps Σ moves = balances = valuation and never lets available go negative."""

from decimal import Decimal as D

import pytest
from django.db import transaction
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule

from erp.core.errors import BusinessRuleError
from erp.inventory.integrity import stock_ledger_differences
from erp.inventory.models import StockBalance
from erp.inventory.selectors import available_qty
from erp.inventory.services import (
    CountLine,
    IssueLine,
    ReceiptLine,
    StockSource,
    TransferLine,
    lot_status_change,
    stock_count_adjust,
    stock_issue,
    stock_receive,
    stock_transfer,
)
from erp.inventory.states import LotStatus

from .conftest import TODAY

QTY = st.integers(min_value=1, max_value=30).map(D)
COST = st.sampled_from([D("1"), D("2.5"), D("0.333333"), D("7.77")])


@pytest.mark.django_db
def test_stock_state_machine(plant, keeper, qm):
    locations = [plant["a"], plant["b"], plant["c"]]
    materials = [plant["resin"], plant["bag"]]
    seq = iter(range(1, 10**6))

    class Stock(RuleBasedStateMachine):
        """Each example starts from the fixtures' data: its writes roll back at teardown, so
        examples do not see each other's documents (and a replayed example is the same)."""

        def __init__(self):
            super().__init__()
            self.savepoint = transaction.atomic()
            self.savepoint.__enter__()

        def teardown(self):
            transaction.set_rollback(True)
            self.savepoint.__exit__(None, None, None)

        @rule(
            m=st.sampled_from(materials),
            loc=st.sampled_from(locations),
            q=QTY,
            cost=COST,
            lot=st.sampled_from(["L1", "L2"]),
        )
        def receive(self, m, loc, q, cost, lot):
            stock_receive(
                actor=keeper,
                lines=[
                    ReceiptLine(m.pk, loc.pk, q, cost, lot_number=lot if m.batch_managed else "")
                ],
                posting_date=TODAY,
                source=StockSource("sm", next(seq)),
            )

        @rule(m=st.sampled_from(materials), loc=st.sampled_from(locations), q=QTY)
        def issue(self, m, loc, q):
            try:
                stock_issue(
                    actor=keeper,
                    lines=[IssueLine(m.pk, loc.pk, q)],
                    posting_date=TODAY,
                    source=StockSource("sm", next(seq)),
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
            dest = data.draw(st.sampled_from([x for x in locations if x.pk != bal.location_id]))
            try:
                stock_transfer(
                    actor=keeper,
                    lines=[
                        TransferLine(
                            bal.material_id,
                            bal.location_id,
                            dest.pk,
                            min(q, bal.on_hand),
                            bal.lot_id,
                        )
                    ],
                    posting_date=TODAY,
                    source=StockSource("sm", next(seq)),
                )
            except BusinessRuleError:
                pass  # blocked lot

        @rule(data=st.data(), counted=st.integers(min_value=0, max_value=40).map(D))
        def count(self, data, counted):
            bal = data.draw(st.sampled_from(list(StockBalance.objects.all()) or [None]))
            if bal is None or bal.reserved > counted:
                return
            try:
                stock_count_adjust(
                    actor=keeper,
                    lines=[CountLine(bal.material_id, bal.location_id, counted, bal.lot_id)],
                    posting_date=TODAY,
                    source=StockSource("sm", next(seq)),
                )
            except BusinessRuleError:
                pass  # a shortage of a blocked lot

        @rule(data=st.data(), status=st.sampled_from(LotStatus.values))
        def status_change(self, data, status):
            from erp.inventory.models import Lot

            lot = data.draw(st.sampled_from(list(Lot.objects.all()) or [None]))
            if lot is not None and lot.status != status:
                lot_status_change(actor=qm, lot_id=lot.pk, status=status, reason="hypothesis")

        @invariant()
        def ledger_matches(self):
            assert stock_ledger_differences() == []

        @invariant()
        def available_never_negative(self):
            for m in materials:
                for loc in locations:
                    assert available_qty(material=m, location=loc) >= 0

    Stock.TestCase.settings = settings(
        max_examples=12,
        stateful_step_count=15,
        deadline=None,
        suppress_health_check=list(HealthCheck),
    )
    Stock.TestCase().runTest()

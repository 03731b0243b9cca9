"""Routings: operations at work centres, the labour and overhead of one batch, release freezes."""

from decimal import Decimal

import pytest

from erp.core.errors import Conflict, ValidationFailed
from erp.masterdata.models import WorkCenter
from erp.production.services.routings import routing_create, routing_release, routing_update

pytestmark = pytest.mark.django_db


def test_routing_cost_per_batch_and_release(coating_formula, planner):
    mix = WorkCenter.objects.create(
        code="WC-MIX", name="配料", labour_rate=Decimal("42"), overhead_rate=Decimal("25")
    )
    mill = WorkCenter.objects.create(
        code="WC-MIL", name="研磨", labour_rate=Decimal("50"), overhead_rate=Decimal("85")
    )
    routing = routing_create(
        actor=planner,
        header={"formula_id": coating_formula.pk},
        lines=[
            {"name": "配料", "work_center_id": mix.pk, "setup_hours": "0.5", "run_hours": "1"},
            {"name": "砂磨", "work_center_id": mill.pk, "run_hours": "4"},
        ],
    )
    ops = list(routing.lines.select_related("work_center"))
    # 配料 (0.5 + 1) h × (42 + 25) = 100.50; 砂磨 4 h × (50 + 85) = 540.00
    assert [op.cost for op in ops] == [Decimal("100.50"), Decimal("540.00")]
    released = routing_release(actor=planner, doc_id=routing.pk)
    assert released.state == "released" and released.number.startswith("RT")
    with pytest.raises(Conflict):
        routing_update(actor=planner, doc_id=routing.pk, header={"note": "改"})


def test_operation_needs_a_run_time(coating_formula, planner):
    centre = WorkCenter.objects.create(code="WC-1", name="分散")
    with pytest.raises(ValidationFailed, match="run time greater than zero"):
        routing_create(
            actor=planner,
            header={"formula_id": coating_formula.pk},
            lines=[{"name": "分散", "work_center_id": centre.pk, "run_hours": "0"}],
        )

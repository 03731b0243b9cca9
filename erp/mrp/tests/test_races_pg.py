"""Races on PostgreSQL (SQLite serialises writers): two planners start MRP at the same moment
→ one run, one refusal; two planners firm the same proposals at once → one requisition and
one set of production orders, the other refused."""

import pytest

from erp.core.errors import DomainError
from erp.mrp.models import MrpRun, PlannedOrder
from erp.mrp.services.firming import planned_orders_firm
from erp.mrp.services.runs import mrp_run_execute, mrp_run_start
from tests.threads import run_parallel

from .conftest import make_world

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_two_concurrent_starts_make_one_run(make_user):
    make_world()
    planners = [make_user("jihua1", "planner"), make_user("jihua2", "planner")]

    results = run_parallel(2, lambda i: mrp_run_start(actor=planners[i], enqueue=False))

    errors = [r for r in results if isinstance(r, Exception)]
    assert len(errors) == 1 and isinstance(errors[0], DomainError)
    assert errors[0].code == "mrp_run_active"
    assert MrpRun.objects.count() == 1


def test_firming_twice_at_once_makes_one_document_set(make_user):
    from erp.production.models import ProductionOrder
    from erp.purchasing.models import PurchaseRequisition

    make_world()
    planners = [make_user("jihua1", "planner"), make_user("jihua2", "planner")]
    run = mrp_run_execute(run_id=mrp_run_start(actor=planners[0], enqueue=False).pk)
    ids = list(PlannedOrder.objects.filter(run=run).values_list("pk", flat=True))

    results = run_parallel(
        2, lambda i: planned_orders_firm(actor=planners[i], run_id=run.pk, planned_ids=ids)
    )

    errors = [r for r in results if isinstance(r, Exception)]
    assert len(errors) == 1 and getattr(errors[0], "code", "") == "mrp_already_firmed"
    assert PurchaseRequisition.objects.count() == 1
    assert ProductionOrder.objects.count() == 2
    assert not PlannedOrder.objects.filter(run=run, state="proposed").exists()

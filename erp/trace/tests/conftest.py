"""Trace fixtures: the W4 chain (receipts → two production levels → deliveries) through the
stock gate, and the people of a recall (quality manager, warehouse keeper)."""

import pytest
from django.db import transaction
from django.utils import timezone

from erp.masterdata.models import (
    Customer,
    Location,
    Material,
    MaterialCategory,
    Supplier,
    Unit,
    Warehouse,
)
from erp.trace.chain import Chain, w4_build


@pytest.fixture(autouse=True)
def _english():
    from django.utils import translation

    with translation.override("en"):
        yield


@pytest.fixture
def qm(make_user):
    return make_user("zhiliang", "quality_manager")


@pytest.fixture
def keeper(make_user):
    return make_user("cangku", "warehouse")


def masters() -> dict:
    kg = Unit.objects.create(code="kg", name="千克", kind=Unit.Kind.MASS)
    cat = MaterialCategory.objects.create(code="RM", name="原材料")
    wh = Warehouse.objects.create(code="WH1", name="原料仓")
    loc = Location.objects.create(warehouse=wh, code="A-01", name="A-01")

    def mat(code, kind):
        return Material.objects.create(
            code=code,
            name=code,
            category=cat,
            inventory_type=kind,
            procurement="buy" if kind == "raw" else "make",
            base_unit=kg,
            batch_managed=True,
        )

    return {
        "warehouse": wh,
        "location": loc,
        "materials": {
            "RA": mat("RA", "raw"),
            "RB": mat("RB", "raw"),
            "INT": mat("INT", "semi"),
            "FIN": mat("FIN", "finished"),
        },
        "supplier": Supplier.objects.create(code="S1", name="华东树脂"),
        "customers": [
            Customer.objects.create(code=f"C{i}", name=name)
            for i, name in enumerate(["苏州涂装", "无锡家具", "常州建材"], start=1)
        ],
    }


@pytest.fixture(scope="module")
def _w4_module(django_db_setup, django_db_blocker):
    """Built once per test module inside a transaction rolled back at its end; each test runs
    in its own savepoint on top (the `db` fixture), so what a test changes is undone."""
    from erp.core.services.numbering import numbering_rules_ensure_defaults
    from erp.iam.models import User
    from erp.iam.services.roles import roles_sync

    with django_db_blocker.unblock(), transaction.atomic():
        roles = {r.code: r for r in roles_sync()}
        numbering_rules_ensure_defaults()
        builder = User.objects.create_user(username="builder", password="x")
        builder.groups.set([roles["admin"].group])
        m = masters()
        chain = Chain(
            actor=User.objects.get(pk=builder.pk),
            on=timezone.localdate(),
            warehouse=m["warehouse"],
            location=m["location"],
        )
        w4_build(chain, m["materials"], m["supplier"], m["customers"])
        chain.customers = m["customers"]
        chain.supplier = m["supplier"]
        yield chain
        transaction.set_rollback(True)


@pytest.fixture
def w4(_w4_module, db):
    """The W4 chain: lots RA-0..9, RB-0..9, I-0..24, F-0..24 and 50 deliveries."""
    for lot in _w4_module.lots.values():
        lot.refresh_from_db()
    return _w4_module

"""The import's fast path refuses what full validation refuses, with fewer queries: references
and existing records are read once per file, and a material row costs a fixed few queries."""

from decimal import Decimal

import pytest

from erp.core.errors import ValidationFailed
from erp.masterdata.models import Material
from erp.masterdata.services.materials import material_create, material_upsert

pytestmark = pytest.mark.django_db


def data(basics, **over):
    values = {
        "code": "RM-1", "name": "环氧树脂", "category": basics["category"],
        "inventory_type": "raw", "procurement": "buy", "base_unit": basics["kg"],
        "batch_managed": False, "standard_cost": Decimal("10"),
    }  # fmt: skip
    return values | over


def test_check_constraint_still_refuses_negative_values(importer, basics):
    with pytest.raises(ValidationFailed) as refused:
        material_create(actor=importer, data=data(basics, safety_stock=Decimal("-1")))
    assert "__all__" in refused.value.details["fields"]
    assert not Material.objects.exists()


def test_reference_by_unsaved_or_missing_id_is_still_checked(importer, basics):
    category = type(basics["category"])(pk=999_999, code="GONE", name="已删除")
    category._state.adding = True  # never read from the database: its existence is checked
    with pytest.raises(ValidationFailed) as refused:
        material_create(actor=importer, data=data(basics, category=category))
    assert "category" in refused.value.details["fields"]


def test_duplicate_code_still_refused_on_create(importer, basics):
    material_create(actor=importer, data=data(basics))
    with pytest.raises(ValidationFailed) as refused:
        material_create(actor=importer, data=data(basics, name="另一个"))
    assert "code" in refused.value.details["fields"]


def test_material_upsert_row_costs_few_queries(importer, basics, django_assert_max_num_queries):
    material_upsert(actor=importer, data=data(basics, code="RM-0"))
    # lock/read by code, insert, audit insert, savepoints: no per-field existence checks
    with django_assert_max_num_queries(9):
        material_upsert(actor=importer, data=data(basics, code="RM-2"))
    with django_assert_max_num_queries(4):  # unchanged: read, savepoints, nothing written
        material_upsert(actor=importer, data=data(basics, code="RM-2"))

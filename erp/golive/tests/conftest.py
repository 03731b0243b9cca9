import pytest

from erp.masterdata.services.categories import category_upsert
from erp.masterdata.services.units import unit_upsert


@pytest.fixture
def importer(make_user):
    return make_user("importer", "admin")


@pytest.fixture
def basics(importer):
    """Units kg and 桶 and category RM, created through the services."""
    kg, _ = unit_upsert(actor=importer, data={"code": "kg", "name": "千克", "kind": "mass"})
    drum, _ = unit_upsert(actor=importer, data={"code": "桶", "name": "桶", "kind": "count"})
    category, _ = category_upsert(actor=importer, data={"code": "RM", "name": "原材料"})
    return {"kg": kg, "drum": drum, "category": category}

from decimal import Decimal

import pytest

from erp.core.models import AuditEvent
from erp.masterdata.demo import MATERIALS, load_demo
from erp.masterdata.models import Material, MaterialCategory, Unit
from erp.masterdata.selectors import unit_convert

pytestmark = pytest.mark.django_db


def test_demo_loads_a_coatings_company_and_a_second_run_changes_nothing(admin_user):
    counts = load_demo(actor=admin_user)
    assert counts["materials"] == len(MATERIALS) >= 25
    resin = Material.objects.get(code="RM-1001")
    assert resin.name == "环氧树脂 E-51"
    assert resin.purchase_unit.code == "桶"
    drum, _kg, t = (Unit.objects.get(code=c) for c in ("桶", "kg", "t"))
    assert unit_convert(resin, Decimal("2"), drum, t) == Decimal("0.4")
    assert MaterialCategory.objects.get(code="RM-RES").parent.code == "RM"
    events = AuditEvent.objects.count()
    load_demo(actor=admin_user)
    assert AuditEvent.objects.count() == events

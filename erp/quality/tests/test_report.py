"""Quality statistics: first-pass yield and rejection rate per material, computed by hand."""

from decimal import Decimal

from django.test import Client
from django.urls import reverse

from erp.quality.models import InspectionLot
from erp.quality.selectors import quality_yield
from erp.quality.services.inspections import (
    inspection_lot_conditional,
    inspection_lot_reject,
    inspection_lot_release,
    inspection_lot_submit,
    inspection_results_record,
)
from erp.quality.tests.conftest import PASSWORD, TODAY


def _inspect(inspector, receive, material, lot, solids, comment=""):
    receive(material, lot=lot)
    inspection = InspectionLot.objects.get(lot__number=lot)
    inspection_results_record(
        actor=inspector,
        doc_id=inspection.pk,
        results=[
            {"line_no": 1, "value": solids, "comment": comment},
            {"line_no": 2, "value": "pass"},
        ],
    )
    return inspection_lot_submit(actor=inspector, doc_id=inspection.pk)


def test_first_pass_yield_and_rejection_rate(plant, plan, receive, inspector, qm):
    pigment = plant["pigment"]
    a = _inspect(inspector, receive, pigment, "Y-1", "99")
    b = _inspect(inspector, receive, pigment, "Y-2", "97", "低")
    c = _inspect(inspector, receive, pigment, "Y-3", "96", "低")
    _inspect(inspector, receive, pigment, "Y-4", "99")  # submitted, not decided: not counted
    inspection_lot_release(actor=qm, doc_id=a.pk, password=PASSWORD)
    inspection_lot_conditional(actor=qm, doc_id=b.pk, password=PASSWORD, reason="让步")
    inspection_lot_reject(actor=qm, doc_id=c.pk, reason="超标")
    (row,) = quality_yield(date_from=TODAY, date_to=TODAY)
    # 3 decided: 1 released as is → 1/3 = 33.3 %; 1 rejected → 33.3 %; decided the same day.
    assert (row["decided"], row["released"], row["conditional"], row["rejected"]) == (3, 1, 1, 1)
    assert row["first_pass_pct"] == Decimal("33.3") == row["rejected_pct"]
    assert row["lead_days"] == Decimal("0.0") and row["ncrs"] == 0
    client = Client()
    client.force_login(qm)
    page = client.get(reverse("quality:report"))
    assert page.status_code == 200 and "33.3" in page.text

"""Customer specifications: a lot released to the house limits (固含量 98–100 %) that misses a
customer's tighter limit (≥ 99 %) may not be picked for that customer; their COA shows their
limits and hides what their spec hides."""

import shutil
import subprocess

import pytest
from django.test import Client
from django.urls import reverse

from erp.core.errors import ValidationFailed
from erp.masterdata.models import Customer
from erp.quality.models import InspectionLot
from erp.quality.services.inspections import (
    inspection_lot_release,
    inspection_lot_submit,
    inspection_results_record,
)
from erp.quality.services.plans import inspection_plan_activate, inspection_plan_create
from erp.quality.services.specs import lot_customer_spec_problems, lot_customer_spec_require
from erp.quality.tests.conftest import APPEARANCE, PASSWORD, SOLIDS


@pytest.fixture
def customer(plant, qm):
    """华东化工 wants 固含量 ≥ 99 % and does not see 外观 on the COA."""
    buyer = Customer.objects.create(code="C-001", name="华东化工")
    draft = inspection_plan_create(
        actor=qm,
        header={
            "name": "华东化工颜料标准",
            "inspection_type": "final",
            "material_id": plant["pigment"].pk,
            "customer_id": buyer.pk,
        },
        lines=[
            {**SOLIDS, "lower_limit": "99", "lot_attribute": ""},
            {**APPEARANCE, "hide_on_coa": True},
        ],
    )
    inspection_plan_activate(actor=qm, doc_id=draft.pk)
    return buyer


def _released(receive, plant, inspector, qm, lot, solids) -> InspectionLot:
    receive(plant["pigment"], lot=lot)
    inspection = InspectionLot.objects.get(lot__number=lot)
    inspection_results_record(
        actor=inspector,
        doc_id=inspection.pk,
        results=[{"line_no": 1, "value": solids}, {"line_no": 2, "value": "pass"}],
    )
    inspection_lot_submit(actor=inspector, doc_id=inspection.pk)
    return inspection_lot_release(actor=qm, doc_id=inspection.pk, password=PASSWORD)


def test_a_customer_spec_is_not_an_inspection_plan(plant, plan, customer, receive):
    receive(plant["pigment"])
    assert InspectionLot.objects.get().plan == plan  # the house plan, not the customer's


def test_a_lot_outside_the_customer_spec_cannot_be_picked_for_them(
    plant, plan, customer, receive, inspector, qm
):
    low = _released(receive, plant, inspector, qm, "P-LOW", "98.5").lot
    high = _released(receive, plant, inspector, qm, "P-HIGH", "99.4").lot
    (problem,) = lot_customer_spec_problems(lot=low, customer=customer)
    assert "固含量 98.5" in problem and "99 ~ 100 %" in problem
    with pytest.raises(ValidationFailed) as err:
        lot_customer_spec_require(lot=low, customer=customer)
    assert err.value.code == "customer_spec_not_met"
    lot_customer_spec_require(lot=high, customer=customer)  # meets it
    other = Customer.objects.create(code="C-002", name="南方涂料")
    lot_customer_spec_require(lot=low, customer=other)  # no spec of their own: house release


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils not installed")
def test_the_customer_coa_shows_their_limits_and_hides_theirs(
    plant, plan, customer, receive, inspector, qm
):
    inspection = _released(receive, plant, inspector, qm, "P-HIGH", "99.4")
    client = Client()
    client.force_login(qm)
    url = reverse("quality:inspectionlot_print", args=[inspection.pk])
    text = subprocess.run(
        ["pdftotext", "-layout", "-", "-"],
        input=client.get(url, {"customer": customer.pk}).content,
        capture_output=True,
        check=True,
    ).stdout.decode()
    assert "华东化工" in text and "99 ~ 100" in text and "外观" not in text
    house = subprocess.run(
        ["pdftotext", "-layout", "-", "-"],
        input=client.get(url).content,
        capture_output=True,
        check=True,
    ).stdout.decode()
    assert "98 ~ 100" in house and "外观" in house

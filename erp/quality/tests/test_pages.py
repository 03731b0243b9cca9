"""The inspector's phone page, the decision buttons with the signature, the certificate of
analysis as a PDF read back, and the REST read of an inspection lot."""

import shutil
import subprocess
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from erp.inventory.models import Lot
from erp.quality.models import InspectionLot
from erp.quality.tests.conftest import PASSWORD


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def inspection(plant, plan, receive):
    receive(plant["pigment"])
    return InspectionLot.objects.get()


def _act(client, inspection, action, **data):
    inspection.refresh_from_db()
    url = reverse("quality:inspectionlot_action", args=[inspection.pk, action])
    return client.post(url, {"version": inspection.version, **data})


def test_results_on_the_phone_page_then_signed_release(inspection, inspector, qm):
    phone = _client(inspector)
    url = reverse("quality:inspectionlot_edit", args=[inspection.pk])
    page = phone.get(url)
    assert page.status_code == 200 and "固含量" in page.text and 'inputmode="decimal"' in page.text
    # Out of limits without a reason: refused, the values stay in the form.
    refused = phone.post(url, {"version": inspection.version, "value-1": "97", "value-2": "pass"})
    assert refused.status_code == 400 and 'value="97"' in refused.text
    saved = phone.post(url, {"version": inspection.version, "value-1": "98.6", "value-2": "pass"})
    assert saved.status_code == 302
    assert _act(phone, inspection, "submit").status_code == 302
    detail = _client(qm).get(reverse("quality:inspectionlot_detail", args=[inspection.pk]))
    assert 'name="password"' in detail.text  # the release asks for the signature
    _act(_client(qm), inspection, "release", password="wrong")
    assert Lot.objects.get(pk=inspection.lot_id).status == "quarantine"
    _act(_client(qm), inspection, "release", password=PASSWORD)
    assert Lot.objects.get(pk=inspection.lot_id).status == "released"


def test_inspector_sees_no_decision_buttons(inspection, inspector):
    page = _client(inspector).get(reverse("quality:inspectionlot_detail", args=[inspection.pk]))
    assert page.status_code == 200
    assert "/release/" not in page.text and "/reject/" not in page.text


def test_warehouse_cannot_open_the_results_page(inspection, keeper):
    url = reverse("quality:inspectionlot_edit", args=[inspection.pk])
    assert _client(keeper).get(url).status_code == 403


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils not installed")
def test_certificate_of_analysis_prints_results_limits_and_method(inspection, inspector, qm):
    from erp.quality.services.inspections import (
        inspection_lot_release,
        inspection_lot_submit,
        inspection_results_record,
    )

    inspection_results_record(
        actor=inspector,
        doc_id=inspection.pk,
        results=[{"line_no": 1, "value": "98.5"}, {"line_no": 2, "value": "pass"}],
    )
    inspection_lot_submit(actor=inspector, doc_id=inspection.pk)
    inspection_lot_release(actor=qm, doc_id=inspection.pk, password=PASSWORD)
    pdf = _client(qm).get(reverse("quality:inspectionlot_print", args=[inspection.pk]))
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    text = subprocess.run(
        ["pdftotext", "-layout", "-", "-"], input=pdf.content, capture_output=True, check=True
    ).stdout.decode()
    assert "检验报告单" in text.replace(" ", "")  # the title is letter-spaced
    for expected in ("P-001", "固含量", "GB/T 1725", "98 ~ 100", "98.5", "合格"):
        assert expected in text, expected


def test_api_reads_the_inspection_with_its_results(inspection, qm):
    answer = _client(qm).get(f"/api/v1/inspection-lots/{inspection.pk}")
    assert answer.status_code == 200
    body = answer.json()
    assert body["number"] == inspection.number and body["state"] == "open"
    assert [r["name"] for r in body["lines"]] == ["固含量", "外观"]


def test_one_sided_limits_show_on_the_results_page(plant, qm, receive, inspector):
    from erp.quality.services.plans import inspection_plan_activate, inspection_plan_create

    draft = inspection_plan_create(
        actor=qm,
        header={"name": "树脂", "inspection_type": "incoming", "material_id": plant["resin"].pk},
        lines=[{"name": "TiO2 含量", "unit": "%", "lower_limit": "93"}],
    )
    inspection_plan_activate(actor=qm, doc_id=draft.pk)
    receive(plant["resin"], lot="R-9")
    inspection = InspectionLot.objects.get(lot__number="R-9")
    page = _client(inspector).get(reverse("quality:inspectionlot_edit", args=[inspection.pk]))
    assert page.status_code == 200 and "≥ 93" in page.text


def test_api_records_results_and_refuses_bad_ones(inspection, inspector):
    client = _client(inspector)
    url = f"/api/v1/inspection-lots/{inspection.pk}/results"
    bad = client.post(
        url, {"results": [{"line_no": 1, "value": "120"}]}, content_type="application/json"
    )
    assert bad.status_code == 400 and bad.json()["code"] == "value_impossible"
    ok = client.post(
        url,
        {"results": [{"line_no": 1, "value": "99.1"}, {"line_no": 2, "value": "pass"}]},
        content_type="application/json",
    )
    assert ok.status_code == 200
    values = [(r["value"] and Decimal(r["value"]), r["passed"]) for r in ok.json()["lines"]]
    assert values == [(Decimal("99.1"), True), (None, True)]

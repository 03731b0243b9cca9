"""GB/T 2828.1 single sampling: code letters and Ac/Re checked against values read by hand
from 表 1 and 表 2-A/2-B, the plan's scheme, the inspection lot's sample, and the switching
between normal, tightened and reduced inspection per supplier × material."""

from decimal import Decimal

import pytest

from erp.core.errors import ValidationFailed
from erp.core.ledger import stock_offset_partner_register, stock_offset_partner_unregister
from erp.masterdata.models import Supplier
from erp.quality.models import InspectionLot, InspectionPlan, SamplingHistory
from erp.quality.sampling import Severity, code_letter, next_severity, single_plan
from erp.quality.services.inspections import (
    inspection_lot_reject,
    inspection_lot_release,
    inspection_lot_submit,
    inspection_results_record,
)
from erp.quality.services.plans import inspection_plan_activate, inspection_plan_create
from erp.quality.tests.conftest import APPEARANCE, PASSWORD, SOLIDS

D = Decimal


@pytest.mark.parametrize(
    ("lot_size", "level", "letter"),
    [
        (2, "II", "A"),
        (8, "III", "B"),
        (1000, "I", "G"),
        (1000, "II", "J"),
        (1000, "III", "K"),
        (1201, "II", "K"),
        (3200, "II", "K"),
        (10001, "II", "M"),
        (600000, "II", "Q"),
        (600000, "III", "R"),
    ],
)
def test_code_letters_of_table_1(lot_size, level, letter):
    assert code_letter(lot_size, level) == letter


@pytest.mark.parametrize(
    ("lot_size", "aql", "severity", "n", "ac", "re"),
    [
        (1000, "1.0", Severity.NORMAL, 80, 2, 3),  # J
        (1000, "0.65", Severity.NORMAL, 80, 1, 2),
        (1000, "2.5", Severity.NORMAL, 80, 5, 6),
        (1000, "4.0", Severity.NORMAL, 80, 7, 8),
        (1000, "0.40", Severity.NORMAL, 125, 1, 2),  # ↓ to K
        (1000, "0.25", Severity.NORMAL, 50, 0, 1),  # ↑ to H
        (500, "0.65", Severity.NORMAL, 80, 1, 2),  # H ↓ to J
        (50, "0.65", Severity.NORMAL, 20, 0, 1),  # D ↓ to F
        (2000, "0.65", Severity.NORMAL, 125, 2, 3),  # K
        (1000, "1.0", Severity.TIGHTENED, 80, 1, 2),  # tightened J
        (1000, "2.5", Severity.TIGHTENED, 80, 3, 4),
        (2000, "1.0", Severity.TIGHTENED, 125, 2, 3),
    ],
)
def test_sample_size_and_ac_re_of_tables_2a_2b(lot_size, aql, severity, n, ac, re):
    plan = single_plan(lot_size, D(aql), "II", severity)
    assert (plan.sample_size, plan.acceptance, plan.rejection) == (n, ac, re)
    assert not plan.full


def test_a_sample_as_large_as_the_lot_means_every_item():
    plan = single_plan(10, D("0.65"))  # B, ↓ to n = 20 > 10
    assert plan.full and plan.sample_size == 10
    assert (plan.acceptance, plan.rejection) == (0, 1)


def test_reduced_inspection_takes_the_smaller_sample():
    assert single_plan(1000, D("1.0"), "II", Severity.REDUCED).sample_size < 80


def test_an_aql_outside_the_table_is_refused_by_the_tables():
    with pytest.raises(ValueError):
        single_plan(1000, D("0.7"))


@pytest.mark.parametrize(
    ("severity", "history", "expected"),
    [
        (Severity.NORMAL, "AARAR", Severity.TIGHTENED),  # 2 of 5 rejected
        (Severity.NORMAL, "RAAAAR", Severity.NORMAL),  # 6 lots apart
        (Severity.NORMAL, "A" * 9, Severity.NORMAL),
        (Severity.NORMAL, "A" * 10, Severity.REDUCED),
        (Severity.TIGHTENED, "AAAA", Severity.TIGHTENED),
        (Severity.TIGHTENED, "RAAAAA", Severity.NORMAL),  # 5 accepted in a row
        (Severity.REDUCED, "AAAR", Severity.NORMAL),
        (Severity.REDUCED, "AAAA", Severity.REDUCED),
    ],
)
def test_switching_rules(severity, history, expected):
    assert next_severity(severity, history) == expected


def _aql_plan(qm, plant, aql="1.0", level="II"):
    draft = inspection_plan_create(
        actor=qm,
        header={
            "name": "颜料抽样检验",
            "inspection_type": "incoming",
            "material_id": plant["pigment"].pk,
            "sampling_scheme": "gbt2828",
            "aql": aql,
            "inspection_level": level,
        },
        lines=[SOLIDS, APPEARANCE],
    )
    return inspection_plan_activate(actor=qm, doc_id=draft.pk)


def test_an_aql_not_in_the_table_writes_no_plan(plant, qm):
    with pytest.raises(ValidationFailed) as err:
        _aql_plan(qm, plant, aql="0.7")
    assert err.value.code == "invalid_aql"
    assert "0.7" in str(err.value.message) and "0.65" in str(err.value.message)
    assert not InspectionPlan.objects.exists()


def test_a_fixed_sample_needs_a_whole_number(plant, qm):
    header = {
        "name": "固定抽样",
        "inspection_type": "incoming",
        "material_id": plant["pigment"].pk,
        "sampling_scheme": "fixed",
        "sample_size": "2.5",
    }
    with pytest.raises(ValidationFailed) as err:
        inspection_plan_create(actor=qm, header=header, lines=[SOLIDS])
    assert err.value.code == "invalid_sample_size"
    plan = inspection_plan_create(actor=qm, header={**header, "sample_size": 3}, lines=[SOLIDS])
    assert plan.sample_size == 3 and plan.aql is None


def test_the_inspection_lot_carries_its_sample_and_ac_re(plant, qm, receive, client):
    _aql_plan(qm, plant)
    receive(plant["pigment"], qty="1000")
    inspection = InspectionLot.objects.get(lot__number="P-001")
    assert (inspection.code_letter, inspection.sample_size) == ("J", 80)
    assert (inspection.acceptance_number, inspection.rejection_number) == (2, 3)
    assert inspection.severity == Severity.NORMAL
    # A second receipt into the same lot grows the lot: K, n = 125, Ac 3 Re 4.
    receive(plant["pigment"], qty="1000")
    inspection.refresh_from_db()
    assert (inspection.code_letter, inspection.sample_size) == ("K", 125)
    assert (inspection.acceptance_number, inspection.rejection_number) == (3, 4)
    client.force_login(qm)
    page = client.get(f"/quality/inspection-lots/{inspection.pk}/").content.decode()
    assert "Ac 3 / Re 4" in page


@pytest.fixture
def supplier_receipts():
    """Other receipts (其他入库单) named as a supplier's, so switching has a supplier."""
    supplier = Supplier.objects.create(code="S-001", name="江苏颜料")
    stock_offset_partner_register(
        "inventory.otherreceipt", lambda _id: {"supplier_id": supplier.pk}
    )
    yield supplier
    stock_offset_partner_unregister("inventory.otherreceipt")


def _decide(inspector, qm, inspection, accept: bool):
    solids = "99" if accept else "90"
    inspection_results_record(
        actor=inspector,
        doc_id=inspection.pk,
        results=[
            {"line_no": 1, "value": solids, "comment": "" if accept else "复测仍低"},
            {"line_no": 2, "value": "pass"},
        ],
    )
    inspection_lot_submit(actor=inspector, doc_id=inspection.pk)
    if accept:
        inspection_lot_release(actor=qm, doc_id=inspection.pk, password=PASSWORD)
    else:
        inspection_lot_reject(actor=qm, doc_id=inspection.pk, reason="固含量低")


def test_two_rejections_in_five_lots_tighten_the_next_lot(
    plant, qm, inspector, receive, supplier_receipts
):
    _aql_plan(qm, plant)
    for no, accept in enumerate((True, False, True, False), start=1):
        receive(plant["pigment"], qty="1000", lot=f"P-{no:03}")
        inspection = InspectionLot.objects.get(lot__number=f"P-{no:03}")
        assert inspection.supplier_id == supplier_receipts.pk
        assert inspection.severity == Severity.NORMAL
        _decide(inspector, qm, inspection, accept)
    state = SamplingHistory.objects.get(supplier=supplier_receipts, material=plant["pigment"])
    assert state.severity == Severity.TIGHTENED and state.history == ""
    receive(plant["pigment"], qty="1000", lot="P-005")
    tightened = InspectionLot.objects.get(lot__number="P-005")
    assert tightened.severity == Severity.TIGHTENED
    assert (tightened.sample_size, tightened.acceptance_number) == (80, 1)

"""Inspection plans: bad limits are refused with a clear message, activation numbers the plan
and retires the version it replaces, a category plan covers materials without their own."""

import pytest

from erp.core.errors import PermissionDenied, ValidationFailed
from erp.quality.models import InspectionPlan
from erp.quality.services.plans import (
    inspection_plan_activate,
    inspection_plan_create,
    inspection_plan_update,
    plan_for,
)
from erp.quality.tests.conftest import APPEARANCE, SOLIDS


def _header(plant, **kw):
    return {
        "name": "颜料来料检验",
        "inspection_type": "incoming",
        "material_id": plant["pigment"].pk,
        **kw,
    }


@pytest.mark.parametrize(
    ("line", "code"),
    [
        ({**SOLIDS, "lower_limit": "100", "upper_limit": "98"}, "limits_reversed"),
        ({**SOLIDS, "upper_limit": "120"}, "percent_out_of_range"),
        ({**APPEARANCE, "lower_limit": "1"}, "limits_on_pass_fail"),
        ({**SOLIDS, "lower_limit": "abc"}, "invalid_number"),
        ({**SOLIDS, "name": ""}, "name_required"),
    ],
)
def test_bad_characteristics_are_refused_and_nothing_is_saved(plant, qm, line, code):
    with pytest.raises(ValidationFailed) as err:
        inspection_plan_create(actor=qm, header=_header(plant), lines=[line])
    assert err.value.code == code
    assert InspectionPlan.objects.count() == 0


def test_a_plan_names_a_material_or_a_category_not_both(plant, qm):
    with pytest.raises(ValidationFailed) as err:
        inspection_plan_create(
            actor=qm, header=_header(plant, category_id=plant["cat"].pk), lines=[SOLIDS]
        )
    assert err.value.code == "plan_scope"


def test_the_warehouse_cannot_write_plans(plant, keeper):
    with pytest.raises(PermissionDenied):
        inspection_plan_create(actor=keeper, header=_header(plant), lines=[SOLIDS])


def test_activating_a_new_version_retires_the_old_one(plant, qm, plan):
    assert plan.state == "active" and plan.number.startswith("QP")
    draft = inspection_plan_create(actor=qm, header=_header(plant), lines=[SOLIDS])
    new = inspection_plan_activate(actor=qm, doc_id=draft.pk)
    plan.refresh_from_db()
    assert (plan.state, new.state) == ("retired", "active")
    assert plan_for(material=plant["pigment"], inspection_type="incoming") == new


def test_a_category_plan_covers_materials_without_their_own(plant, qm, plan):
    draft = inspection_plan_create(
        actor=qm,
        header=_header(plant, material_id=None, category_id=plant["cat"].pk, name="原料通用"),
        lines=[APPEARANCE],
    )
    general = inspection_plan_activate(actor=qm, doc_id=draft.pk)
    assert plan_for(material=plant["resin"], inspection_type="incoming") == general
    assert plan_for(material=plant["pigment"], inspection_type="incoming") == plan
    assert plan_for(material=plant["pigment"], inspection_type="final") is None


def test_an_active_plan_is_frozen_and_an_empty_one_cannot_be_activated(plant, qm, plan):
    with pytest.raises(Exception) as err:
        inspection_plan_update(actor=qm, doc_id=plan.pk, header={"name": "改"})
    assert getattr(err.value, "code", "") == "document_frozen"
    empty = inspection_plan_create(actor=qm, header=_header(plant), lines=[])
    with pytest.raises(ValidationFailed) as err:
        inspection_plan_activate(actor=qm, doc_id=empty.pk)
    assert err.value.code == "no_lines"

"""Formula versions: Σ = 100 %, potency needs a compensating line, release by quality,
released versions immutable, a new version copies the lines and supersedes on release."""

from decimal import Decimal

import pytest

from erp.core.errors import Conflict, PermissionDenied, ValidationFailed
from erp.production.models import Formula
from erp.production.selectors import formula_for
from erp.production.services.formulas import (
    formula_copy,
    formula_create,
    formula_release,
    formula_update,
)
from erp.production.tests.conftest import line

pytestmark = pytest.mark.django_db


def _header(plant, size="1000"):
    return {"product_id": plant["paint"].pk, "batch_size": Decimal(size)}


def test_percentages_must_add_up_to_100(plant, planner):
    with pytest.raises(ValidationFailed) as exc:
        formula_create(
            actor=planner,
            header=_header(plant),
            lines=[line(plant["resin"], "40"), line(plant["solvent"], "55.5")],
        )
    # 40 + 55.5 = 95.5: 4.5 short
    assert "add up to 95.5 %, not 100 %" in str(exc.value.message)
    assert "difference 4.5 %" in str(exc.value.message)
    assert not Formula.objects.exists()


def test_potency_line_needs_a_compensating_line(plant, planner):
    with pytest.raises(ValidationFailed, match="needs a balance or compensating line"):
        formula_create(
            actor=planner,
            header=_header(plant),
            lines=[
                line(plant["resin"], "40", potency_attribute="assay", potency_target="98"),
                line(plant["solvent"], "60"),
            ],
        )


def test_release_needs_the_permission_and_freezes_the_version(plant, planner, qm, supervisor):
    draft = formula_create(
        actor=planner,
        header=_header(plant),
        lines=[line(plant["resin"], "60"), line(plant["solvent"], "40", compensates=True)],
    )
    assert draft.formula_version == 1 and draft.number == ""
    with pytest.raises(PermissionDenied):
        formula_release(actor=supervisor, doc_id=draft.pk)
    released = formula_release(actor=qm, doc_id=draft.pk)
    assert released.state == "released" and released.number.startswith("PF")
    with pytest.raises(Conflict) as exc:
        formula_update(actor=planner, doc_id=draft.pk, header={"batch_size": "2000"})
    assert exc.value.code == "document_frozen"


def test_empty_draft_saves_but_does_not_release(plant, planner, qm):
    draft = formula_create(actor=planner, header=_header(plant), lines=[])
    with pytest.raises(ValidationFailed, match="at least one component"):
        formula_release(actor=qm, doc_id=draft.pk)


def test_new_version_copies_lines_and_supersedes_on_release(coating_formula, planner, qm, plant):
    v2 = formula_copy(actor=planner, doc_id=coating_formula.pk)
    assert v2.formula_version == 2 and v2.state == "draft"
    assert [(ln.material_id, ln.percentage, ln.compensates) for ln in v2.lines.all()] == [
        (ln.material_id, ln.percentage, ln.compensates) for ln in coating_formula.lines.all()
    ]
    assert formula_for(product=plant["paint"], on_date=v2.date) == coating_formula
    formula_release(actor=qm, doc_id=v2.pk)
    coating_formula.refresh_from_db()
    assert coating_formula.state == "superseded"
    assert formula_for(product=plant["paint"], on_date=v2.date).pk == v2.pk


def test_substitute_must_differ_and_ratio_positive(plant, planner):
    with pytest.raises(ValidationFailed, match="substitute other than"):
        formula_create(
            actor=planner,
            header=_header(plant),
            lines=[line(plant["resin"], "100", substitute_id=plant["resin"].pk)],
        )
    with pytest.raises(ValidationFailed, match="ratio greater than zero"):
        formula_create(
            actor=planner,
            header=_header(plant),
            lines=[
                line(plant["resin"], "100", substitute_id=plant["filler"].pk, substitute_ratio="0")
            ],
        )

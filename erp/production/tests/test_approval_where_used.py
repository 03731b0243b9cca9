"""Formula approval through the approvals engine (技术 creates, 质量经理 + 总经理 approve), the
where-used page and API, and the diff of two versions."""

from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from erp.core.errors import BusinessRuleError, Conflict, DomainError
from erp.production.services.formulas import (
    formula_copy,
    formula_create,
    formula_release,
    formula_submit,
    formula_update,
)
from erp.production.tests.conftest import line

pytestmark = pytest.mark.django_db
D = Decimal


@pytest.fixture
def formula_rule(make_user):
    from erp.approvals.services.rules import StepSpec, approval_rule_save

    admin = make_user("guanli", "admin")
    return approval_rule_save(
        actor=admin,
        doc_type="production.formula",
        name="配方：质量经理 + 总经理",
        priority=10,
        valid_from=None,
        valid_to=None,
        is_active=True,
        conditions=[],
        steps=[
            StepSpec("role", "quality_manager", name="质量经理审批"),
            StepSpec("role", "general_manager", name="总经理审批"),
        ],
    )


def _draft(plant, actor):
    p = plant
    return formula_create(
        actor=actor,
        header={"product_id": p["paint"].pk, "batch_size": D("1000")},
        lines=[line(p["resin"], "60"), {"material_id": p["solvent"].pk, "mode": "balance"}],
    )


def test_approval_flow_creator_cannot_approve_edit_refused(plant, make_user, formula_rule, qm):
    from erp.approvals.services.requests import approval_decide, approval_latest

    # 技术 here also holds the quality manager's role: still not an approver of their own.
    tech = make_user("jishu", "planner", "quality_manager")
    gm = make_user("zongjingli", "general_manager")
    draft = _draft(plant, tech)
    with pytest.raises(BusinessRuleError, match="needs approval before release"):
        formula_release(actor=qm, doc_id=draft.pk)
    draft.refresh_from_db()
    assert draft.state == "draft" and draft.number == ""  # the refusal changed nothing
    submitted = formula_submit(actor=tech, doc_id=draft.pk)
    assert submitted.state == "submitted" and submitted.number.startswith("PF")
    with pytest.raises(Conflict):
        formula_update(actor=tech, doc_id=draft.pk, header={"note": "改"})
    request = approval_latest(submitted)
    with pytest.raises(DomainError):
        approval_decide(actor=tech, request_id=request.pk, action="approve")
    approval_decide(actor=qm, request_id=request.pk, action="approve")
    submitted.refresh_from_db()
    assert submitted.state == "submitted"  # the general manager's step is next
    approval_decide(actor=gm, request_id=request.pk, action="approve")
    submitted.refresh_from_db()
    assert submitted.state == "approved"
    with pytest.raises(Conflict) as exc:
        formula_update(actor=tech, doc_id=draft.pk, header={"note": "改"})
    assert exc.value.code == "document_frozen"
    released = formula_release(actor=qm, doc_id=draft.pk)
    assert released.state == "released"
    client = Client()
    client.force_login(tech)
    page = client.get(reverse("production:formula_detail", args=[draft.pk]))
    assert reverse("approvals:request_detail", args=[request.pk]) in page.text
    assert "erp-approval-history" in page.text
    copy = formula_copy(actor=tech, doc_id=draft.pk)  # the way to change it
    assert copy.state == "draft" and copy.formula_version == 2


def test_rejected_formula_goes_back_to_draft(plant, make_user, formula_rule, qm, planner):
    from erp.approvals.services.requests import approval_decide, approval_latest

    draft = _draft(plant, planner)
    formula_submit(actor=planner, doc_id=draft.pk)
    approval_decide(
        actor=qm, request_id=approval_latest(draft).pk, action="reject", comment="细度不够"
    )
    draft.refresh_from_db()
    assert draft.state == "draft"
    formula_update(actor=planner, doc_id=draft.pk, header={"note": "改了细度"})


def test_without_a_rule_release_from_draft_still_works(plant, planner, qm):
    released = formula_release(actor=qm, doc_id=_draft(plant, planner).pk)
    assert released.state == "released" and released.number


def _two_versions(plant, planner, qm):
    p = plant
    v1 = formula_release(
        actor=qm,
        doc_id=formula_create(
            actor=planner,
            header={"product_id": p["paint"].pk, "batch_size": D("1000")},
            lines=[
                line(p["resin"], "40"),
                line(p["pigment"], "20", substitute_id=p["pigment_b"].pk),
                line(p["filler"], "10"),
                line(p["solvent"], "30", compensates=True),
            ],
        ).pk,
    )
    v2 = formula_copy(actor=planner, doc_id=v1.pk)
    formula_update(
        actor=planner,
        doc_id=v2.pk,
        header={},
        lines=[
            line(p["resin"], "45"),  # changed
            line(p["pigment"], "20", substitute_id=p["pigment_b"].pk),  # same
            {"material_id": p["solvent"].pk, "mode": "balance"},  # changed mode
            {"material_id": p["pigment_b"].pk, "mode": "fixed", "quantity": D("1")},  # added
        ],  # filler removed
    )
    return v1, v2


def test_diff_of_two_versions(plant, planner, qm):
    from erp.production.selectors import formula_diff

    v1, v2 = _two_versions(plant, planner, qm)
    rows = {(r.material.code, r.status): r.fields for r in formula_diff(v1, v2)}
    assert rows == {
        ("RM-RESIN", "changed"): ("percentage",),
        ("RM-PIGMENT", "same"): (),
        ("RM-FILLER", "removed"): (),
        ("RM-SOLVENT", "changed"): ("mode", "percentage", "compensates"),
        ("RM-PIGMENT-B", "added"): (),
    }
    client = Client()
    client.force_login(planner)
    page = client.get(reverse("production:formula_diff", args=[v2.pk]))  # default: V1
    assert page.status_code == 200
    for status in ("added", "removed", "changed", "same"):
        assert f'data-status="{status}"' in page.text


def test_diff_and_where_used_over_the_api(plant, planner, qm):
    from erp.iam.services.tokens import api_token_create

    v1, v2 = _two_versions(plant, planner, qm)
    auth = {"HTTP_AUTHORIZATION": f"Bearer {api_token_create(actor=planner, name='t')[1]}"}
    client = Client()
    body = client.get(f"/api/v1/formulas/{v1.pk}/diff/{v2.pk}", **auth).json()
    statuses = {r["material_code"]: r["status"] for r in body["rows"]}
    assert statuses["RM-FILLER"] == "removed" and statuses["RM-PIGMENT-B"] == "added"
    used = client.get(f"/api/v1/materials/{plant['pigment_b'].pk}/where-used", **auth).json()
    # Substitute of the pigment in V1 and V2, and a line of its own in V2.
    assert sorted((u["formula_version"], u["as_substitute"]) for u in used) == [
        (1, True),
        (2, False),
        (2, True),
    ]
    assert client.get("/api/v1/materials/999999/where-used", **auth).status_code == 404


def test_where_used_page_reachable_from_the_material(plant, planner, qm):
    _two_versions(plant, planner, qm)
    client = Client()
    client.force_login(planner)
    material = client.get(reverse("masterdata:material_detail", args=[plant["filler"].pk]))
    url = reverse("production:where_used", args=[plant["filler"].pk])
    assert url in material.text
    page = client.get(url)
    assert page.status_code == 200 and page.text.count("production/formulas/") >= 1
    assert "FG-PAINT" in page.text


def test_formula_form_has_the_mode_fields(plant, planner, qm):
    _v1, v2 = _two_versions(plant, planner, qm)
    client = Client()
    client.force_login(planner)
    page = client.get(reverse("production:formula_edit", args=[v2.pk]))
    assert page.status_code == 200
    for name in ("-mode", "-quantity", "-loss_pct", "yield_pct", "formula-running-total"):
        assert name in page.text

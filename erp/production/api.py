"""REST of production: the document kit's formulas, orders and routings, plus where a
material is used (配方反查) and the diff of two formula versions."""

from decimal import Decimal

from ninja import Router, Schema

from erp.core.access import require_perm
from erp.core.api_crud import actor, found
from erp.core.doc_kit.api import kit_api_register_app
from erp.masterdata.models import Material
from erp.production import selectors
from erp.production.models import Formula

router = Router(tags=["production"])
kit_api_register_app(router, "production")


class WhereUsedOut(Schema):
    formula_id: int
    number: str
    product_id: int
    product_code: str
    formula_version: int
    state: str
    line_no: int
    as_substitute: bool
    mode: str
    percentage: Decimal
    quantity: Decimal


@router.get(
    "/materials/{material_id}/where-used",
    response=list[WhereUsedOut],
    operation_id="material_where_used",
    summary="Formula versions that use a material as a line or as a substitute",
)
def material_where_used(request, material_id: int):
    require_perm(actor(request), "production.view_formula")
    material = found(Material.objects.filter(pk=material_id).first())
    return [
        {
            "formula_id": row.formula.pk,
            "number": row.formula.number,
            "product_id": row.formula.product_id,
            "product_code": row.formula.product.code,
            "formula_version": row.formula.formula_version,
            "state": row.formula.state,
            "line_no": row.line.line_no,
            "as_substitute": row.as_substitute,
            "mode": row.line.mode,
            "percentage": row.line.percentage,
            "quantity": row.line.quantity,
        }
        for row in selectors.formulas_using(material)
    ]


class DiffLineOut(Schema):
    mode: str
    percentage: Decimal
    quantity: Decimal
    loss_pct: Decimal
    potency_attribute: str
    potency_target: Decimal | None
    compensates: bool
    substitute_id: int | None
    substitute_ratio: Decimal | None


class DiffRowOut(Schema):
    material_id: int
    material_code: str
    status: str
    fields: list[str]
    left: DiffLineOut | None
    right: DiffLineOut | None


class DiffOut(Schema):
    left_id: int
    right_id: int
    rows: list[DiffRowOut]


@router.get(
    "/formulas/{doc_id}/diff/{other_id}",
    response=DiffOut,
    operation_id="formula_diff",
    summary="Lines of two versions of a formula side by side: added, removed, changed",
)
def formula_diff(request, doc_id: int, other_id: int):
    require_perm(actor(request), "production.view_formula")
    left = found(Formula.objects.filter(pk=doc_id).first())
    right = found(Formula.objects.filter(pk=other_id, product_id=left.product_id).first())
    return {
        "left_id": left.pk,
        "right_id": right.pk,
        "rows": [
            {
                "material_id": row.material.pk,
                "material_code": row.material.code,
                "status": row.status,
                "fields": list(row.fields),
                "left": row.left,
                "right": row.right,
            }
            for row in selectors.formula_diff(left, right)
        ],
    }

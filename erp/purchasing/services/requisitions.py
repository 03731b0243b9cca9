"""Purchase requisitions (请购单): raised by hand or from the reorder proposal, approved, and
pushed down into purchase orders (one per supplier).

Reorder proposal (masterdata has reorder points): for each active bought material with a
reorder point, available = on hand (all warehouses, any lot status) + open order quantity
(approved orders not yet received) + quantity already requested (open requisitions); when
available < reorder point, propose reorder point + safety stock − available, raised to the
minimum order quantity and rounded up to the order multiple. Reservations are not subtracted
yet. `requisition_lines_from_plan` is the entry point MRP can call with its own lines.
"""

from decimal import ROUND_CEILING, Decimal

from django.db import transaction
from django.db.models import F, Sum
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from erp.core.access import require_perm
from erp.core.errors import BusinessRuleError, ValidationFailed
from erp.core.services.audit import audit_record, diff, line_text, snapshot
from erp.core.services.transitions import document_transition
from erp.inventory.selectors import on_hand_by_material
from erp.masterdata.models import Material, Supplier, SupplierMaterial
from erp.purchasing import selectors
from erp.purchasing.models import (
    PurchaseOrderLine,
    PurchaseRequisition,
    PurchaseRequisitionLine,
)
from erp.purchasing.services.documents import (
    date_in,
    line_error,
    locked,
    quantity_in,
    refuse_unless,
    too_many_lines,
    version_check,
)
from erp.purchasing.services.orders import purchase_order_create
from erp.purchasing.states import REQUISITION_MACHINE, OrderState, RequisitionState

DOC_TYPE = "purchasing.purchaserequisition"
S = RequisitionState
ZERO = Decimal("0")


def _lines_clean(lines: list[dict]) -> list[dict]:
    too_many_lines(lines)
    materials = Material.objects.in_bulk({ln.get("material_id") or 0 for ln in lines})
    cleaned = []
    for n, ln in enumerate(lines, 1):
        material = materials.get(ln.get("material_id") or 0)
        if material is None or not material.active:
            raise line_error(n, "material", _("choose an active material."))
        supplier = None
        if ln.get("supplier_id"):
            supplier = Supplier.objects.filter(pk=ln["supplier_id"]).first()
        cleaned.append(
            {
                "material": material,
                "quantity": quantity_in(ln.get("quantity"), n),
                "needed_date": date_in(ln.get("needed_date"), "needed_date", "", required=False),
                "supplier": supplier,
                "note": str(ln.get("note") or "")[:200],
            }
        )
    return cleaned


def _lines_write(doc, cleaned) -> None:
    doc.lines.all().delete()
    PurchaseRequisitionLine.objects.bulk_create(
        PurchaseRequisitionLine(document=doc, line_no=n, **x) for n, x in enumerate(cleaned, 1)
    )


def _snap(doc) -> dict:
    data = snapshot(doc, ["date", "note"])
    data["lines"] = [
        line_text(x.material.code, x.quantity) for x in doc.lines.select_related("material")
    ]
    return data


def purchase_requisition_create(*, actor, header: dict, lines: list[dict]) -> PurchaseRequisition:
    require_perm(actor, "purchasing.add_purchaserequisition")
    cleaned = _lines_clean(lines)
    with transaction.atomic():
        doc = PurchaseRequisition.objects.create(
            state=S.DRAFT,
            created_by=actor,
            requested_by=actor,
            date=date_in(header.get("date") or timezone.localdate(), "date", _("the date")),
            note=str(header.get("note") or "").strip(),
        )
        _lines_write(doc, cleaned)
        audit_record(actor=actor, action="create", obj=doc, changes=diff({}, _snap(doc)))
    return doc


def purchase_requisition_update(
    *, actor, doc_id, header: dict, lines: list[dict] | None = None, expected_version=None
) -> PurchaseRequisition:
    require_perm(actor, "purchasing.change_purchaserequisition")
    with transaction.atomic():
        doc = locked(PurchaseRequisition, doc_id)
        version_check(doc, expected_version)
        refuse_unless(doc, (S.DRAFT,))
        before = _snap(doc)
        if header.get("date"):
            doc.date = date_in(header["date"], "date", _("the date"))
        if "note" in header and header["note"] is not None:
            doc.note = str(header["note"]).strip()
        if lines is not None:
            _lines_write(doc, _lines_clean(lines))
        doc.version += 1
        doc.save()
        audit_record(actor=actor, action="update", obj=doc, changes=diff(before, _snap(doc)))
    return doc


def purchase_requisition_submit(*, actor, doc_id, expected_version=None) -> PurchaseRequisition:
    """Submit; a requisition needs no approval rule of its own here: the order made from it
    goes through the order's approval bands. It is approved on submission."""
    with transaction.atomic():
        doc = locked(PurchaseRequisition, doc_id)
        if not doc.lines.exists():
            raise BusinessRuleError(_("Add at least one line before submitting."), code="no_lines")
        doc = document_transition(
            actor=actor,
            doc=doc,
            machine=REQUISITION_MACHINE,
            name="submit",
            number_doc_type=DOC_TYPE,
            on_date=doc.date,
            expected_version=expected_version,
        )
        transition = REQUISITION_MACHINE.transition_for(doc.state, "approve")
        doc.state = transition.target
        doc.save(update_fields=["state", "updated_at"])
        audit_record(
            actor=actor,
            action="transition",
            obj=doc,
            changes={"state": ["submitted", doc.state]},
            note="approve",
        )
    return doc


def _transition(name):
    def run(*, actor, doc_id, expected_version=None):
        with transaction.atomic():
            doc = locked(PurchaseRequisition, doc_id)
            return document_transition(
                actor=actor,
                doc=doc,
                machine=REQUISITION_MACHINE,
                name=name,
                expected_version=expected_version,
            )

    return run


purchase_requisition_close = _transition("close")
purchase_requisition_cancel = _transition("cancel")


# --- reorder proposal -------------------------------------------------------------------------


def _round_up(quantity: Decimal, material: Material) -> Decimal:
    quantity = max(quantity, material.min_order_qty or ZERO)
    multiple = material.order_multiple or ZERO
    if multiple > 0:
        quantity = (quantity / multiple).to_integral_value(rounding=ROUND_CEILING) * multiple
    return quantity


def reorder_proposal() -> list[dict]:
    """Lines {material_id, quantity, supplier_id} for materials below their reorder point."""
    materials = list(
        Material.objects.filter(active=True, procurement="buy", reorder_point__gt=0).order_by(
            "code"
        )
    )
    on_hand = on_hand_by_material()
    on_order = dict(
        PurchaseOrderLine.objects.filter(document__state=OrderState.APPROVED)
        .values("material_id")
        .annotate(q=Sum(F("quantity") - F("received_quantity")))
        .values_list("material_id", "q")
    )
    requested = dict(
        PurchaseRequisitionLine.objects.filter(
            document__state__in=(S.DRAFT, S.SUBMITTED, S.APPROVED)
        )
        .values("material_id")
        .annotate(q=Sum(F("quantity") - F("ordered_quantity")))
        .values_list("material_id", "q")
    )
    preferred = dict(
        SupplierMaterial.objects.order_by("-is_preferred", "pk").values_list(
            "material_id", "supplier_id"
        )[::-1]
    )
    lines = []
    for material in materials:
        available = (
            on_hand.get(material.pk, ZERO)
            + max(on_order.get(material.pk) or ZERO, ZERO)
            + max(requested.get(material.pk) or ZERO, ZERO)
        )
        if available >= material.reorder_point:
            continue
        need = material.reorder_point + material.safety_stock - available
        lines.append(
            {
                "material_id": material.pk,
                "quantity": _round_up(need, material),
                "supplier_id": preferred.get(material.pk),
            }
        )
    return lines


def requisition_from_reorder(*, actor) -> PurchaseRequisition:
    """The button and the scheduled job: one draft requisition of the reorder proposal."""
    lines = reorder_proposal()
    if not lines:
        raise BusinessRuleError(
            _("No material is below its reorder point."), code="nothing_to_reorder"
        )
    return purchase_requisition_create(
        actor=actor, header={"note": str(_("Reorder proposal"))}, lines=lines
    )


def requisition_lines_from_plan(*, actor, lines: list[dict], note: str = "") -> PurchaseRequisition:
    """For MRP: planned purchases [{material_id, quantity, needed_date, supplier_id}] as a draft
    requisition."""
    return purchase_requisition_create(actor=actor, header={"note": note}, lines=lines)


# --- push-down to orders ----------------------------------------------------------------------


def orders_from_requisition(*, actor, requisition_id) -> list:
    """下推: one draft order per supplier for the approved requisition's unordered quantities,
    priced at the supplier's last price (else the material's standard cost)."""
    with transaction.atomic():
        doc = locked(PurchaseRequisition, requisition_id)
        if doc.state != S.APPROVED:
            raise BusinessRuleError(
                _("Only an approved requisition can be ordered."), code="not_approved"
            )
        groups: dict[int, list] = {}
        for line in doc.lines.select_related("material").select_for_update().order_by("line_no"):
            open_qty = line.quantity - line.ordered_quantity
            if open_qty <= 0:
                continue
            if line.supplier_id is None:
                raise ValidationFailed(
                    _("Line %(n)s: choose a supplier before ordering.") % {"n": line.line_no},
                    code="supplier_required",
                )
            groups.setdefault(line.supplier_id, []).append((line, open_qty))
        made = []
        for supplier_id, pairs in groups.items():
            lines = []
            for line, qty in pairs:
                known = selectors.price_proposed(
                    supplier_id, line.material_id, qty, timezone.localdate()
                )
                lines.append(
                    {
                        "material_id": line.material_id,
                        "quantity": qty,
                        "price": known.price if known else line.material.standard_cost,
                        "price_includes_tax": known.includes_tax if known else False,
                        "expected_date": line.needed_date,
                        "requisition_line_id": line.pk,
                    }
                )
                line.ordered_quantity += qty
                line.save(update_fields=["ordered_quantity"])
            made.append(
                purchase_order_create(
                    actor=actor,
                    header={
                        "date": timezone.localdate(),
                        "supplier_id": supplier_id,
                        "note": doc.number,
                    },
                    lines=lines,
                )
            )
        return made

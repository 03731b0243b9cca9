"""Reorder proposal from reorder points and the requisition → order push-down."""

from decimal import Decimal

import pytest

from erp.core.errors import BusinessRuleError
from erp.masterdata.models import SupplierMaterial
from erp.purchasing.services import requisitions as svc

D = Decimal
pytestmark = pytest.mark.django_db


def test_reorder_proposal_orders_up_to_point_plus_safety_in_multiples(
    approved_order, plant, purchaser
):
    resin = plant["resin"]
    # on hand 0, on order 100 (approved, not received); point 300, safety 50, multiple 200:
    # need 300 + 50 − 100 = 250 → rounded up to 400
    resin.reorder_point, resin.safety_stock, resin.order_multiple = D("300"), D("50"), D("200")
    resin.save()
    SupplierMaterial.objects.create(supplier=plant["supplier"], material=resin, is_preferred=True)
    doc = svc.requisition_from_reorder(actor=purchaser)
    line = doc.lines.get()
    assert (line.material_id, line.quantity, line.supplier_id) == (
        resin.pk,
        D("400"),
        plant["supplier"].pk,
    )
    # the open requisition now counts: nothing more is proposed
    with pytest.raises(BusinessRuleError):
        svc.requisition_from_reorder(actor=purchaser)
    doc = svc.purchase_requisition_submit(actor=purchaser, doc_id=doc.pk)
    assert doc.state == "approved"
    [order] = svc.orders_from_requisition(actor=purchaser, requisition_id=doc.pk)
    order_line = order.lines.get()
    # priced at the supplier's last price: 11.30 incl. tax
    assert (order_line.quantity, order_line.price, order_line.requisition_line_id) == (
        D("400"),
        D("11.30"),
        line.pk,
    )
    line.refresh_from_db()
    assert line.ordered_quantity == D("400")
